"""The staff's new pair form and the consent states, in a real browser.

Staff choose the programme first, then find the school's pupil by name (the list holds only
that school's people) and keep the default start date; a consent «до 31.05.2021» reads
«истекло» in 2026, and a minor's pair that began before the only consent was given is refused
with the date named.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from registry import services
from registry.models import Mentee, Pair

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_staff_form_a_pair_of_the_programmes_school(
    login, shots, live_server, registry_data, staff
):
    a, b = registry_data["a"], registry_data["b"]
    page = login(staff.username)
    page.goto("/registry/pairs/new/")
    expect(page.locator("select[name=mentees]")).to_have_count(0)
    page.select_option("#pair-programme select[name=programme]", str(a["programme"].pk))
    page.get_by_role("button", name="Далее").click()
    form = page.locator("#pair-form")
    mentors = form.locator("select[name=mentor] option")
    expect(mentors).to_have_count(2)  # the empty choice and A's own mentor
    expect(form.locator("select[name=mentor]")).not_to_contain_text(b["mentor"].last_name)
    expect(form).not_to_contain_text(b["minor"].full_name)
    form.locator("select[name=mentor]").select_option(str(a["mentor"].pk))
    form.locator("input[name=q]").fill("учен")
    form.get_by_role("button", name="Найти").click()
    form.get_by_label(re.compile(re.escape(a["minor"].full_name))).check()
    form.locator("input[name=activate]").check()
    page.screenshot(path=str(shots / "pair-form.png"), full_page=True)
    form.get_by_role("button", name="Сформировать").click()  # the default start as it is
    expect(page).to_have_url(re.compile(r"/registry/pairs/\d+/$"))
    expect(page.locator("#pair-status")).to_have_text("действует")
    pair = Pair.objects.get()
    assert a["programme"].starts_on <= pair.starts_on <= a["programme"].ends_on


def test_consent_states_and_the_pairs_dates(login, shots, live_server, registry_data, staff):
    a = registry_data["a"]
    minor = Mentee.objects.create(
        municipality=a["school"].municipality,
        school=a["school"],
        last_name="Латыпова",
        first_name="Хава",
        birth_date=dt.date(2012, 3, 3),
        class_name="8А",
    )
    services.record_consent(
        user=staff,
        mentee=minor,
        representative_name="Латыпова Зарема Ахмедовна",
        relation="mother",
        document="паспорт 96 00 333333",
        given_on=dt.date(2020, 9, 1),
        valid_until=dt.date(2021, 5, 31),
    )
    page = login(staff.username)
    page.goto(f"/registry/mentees/{minor.pk}/")
    expect(page.locator("tr.consent .consent-state")).to_have_text("истекло 31.05.2021")
    expect(page.locator("#consent-state")).to_contain_text("от 01.09.2020 — истекло 31.05.2021")
    page.screenshot(path=str(shots / "consent-expired.png"), full_page=True)

    # A pair from 01.12.2020 of a pupil whose only consent is dated 01.09.2026: refused.
    minor = Mentee.objects.create(
        municipality=a["school"].municipality,
        school=a["school"],
        last_name="Мусаева",
        first_name="Седа",
        birth_date=dt.date(2011, 10, 10),
        class_name="9Б",
    )
    page.goto(f"/registry/mentees/{minor.pk}/")
    expect(page.locator("#consent-state")).to_contain_text("Нет действующего согласия")
    page.locator("summary", has_text="Внести согласие").click()
    page.fill("#id_representative_name", "Мусаева Луиза Умаровна")
    page.select_option("#id_relation", "mother")
    page.fill("#id_document", "паспорт 96 00 444444")
    page.fill("#id_given_on", "01.09.2026")
    page.get_by_role("button", name="Сохранить согласие").click()
    expect(page.locator(".alert-success").first).to_contain_text("внесено: действует")
    expect(page.locator("#consent-state")).to_contain_text("Действует согласие от 01.09.2026")

    page.goto(f"/registry/pairs/new/?programme={a['programme'].pk}")
    form = page.locator("#pair-form")
    form.locator("select[name=mentor]").select_option(str(a["mentor"].pk))
    form.get_by_label(re.compile("Мусаева Седа")).check()
    form.locator("input[name=starts_on]").fill("01.12.2020")
    form.locator("input[name=activate]").check()
    form.get_by_role("button", name="Сформировать").click()
    expect(form).to_contain_text("на 01.12.2020 нет действующего согласия")
    expect(form).to_contain_text("от 01.09.2026 — ещё не действует")
    assert not Pair.objects.filter(memberships__mentee=minor).exists()
