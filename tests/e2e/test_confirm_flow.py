"""Weighty actions in a real browser: each asks first and says what will happen."""

from __future__ import annotations

import re

import pytest

from registry.models import Consent
from roadmap.models import Execution, Roadmap

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_approval_exclusion_and_withdrawal_ask_first(
    login, live_server, roadmap, school_b, staff, head, curator_a, registry_data
):
    Roadmap.objects.filter(pk=roadmap.pk).update(status=Roadmap.Status.DRAFT)

    # The head: approval shows its consequences and the warnings; «Отмена» changes nothing.
    page = login(head.username)
    page.goto(f"/roadmaps/{roadmap.pk}/")
    page.get_by_role("link", name="Утвердить дорожную карту…").click()
    expect(page.get_by_role("heading", name="Утвердить дорожную карту?")).to_be_visible()
    expect(page.locator(".confirm-warnings")).to_contain_text("Тексты называют 2019 год")
    expect(page.locator(".confirm-warnings")).to_contain_text("Без срока")
    page.get_by_role("link", name="Отмена").click()
    assert Roadmap.objects.get(pk=roadmap.pk).status == Roadmap.Status.DRAFT
    page.get_by_role("link", name="Утвердить дорожную карту…").click()
    page.get_by_role("button", name="Утвердить").click()
    expect(page.get_by_role("alert").first).to_contain_text("Дорожная карта утверждена")
    assert Roadmap.objects.get(pk=roadmap.pk).status == Roadmap.Status.APPROVED

    # Staff: excluding a school says how many executions go.
    owed = Execution.objects.filter(school=school_b, measure__section__roadmap=roadmap).count()
    staff_page = login(staff.username)
    staff_page.goto(f"/roadmaps/{roadmap.pk}/schools/")
    staff_page.locator("tr", has_text=school_b.short_name).get_by_role(
        "link", name="исключить…"
    ).click()
    expect(staff_page.locator(".consequences")).to_contain_text(
        re.compile(rf"Будут удалены {owed} исполнени")
    )
    staff_page.get_by_role("button", name="Исключить").click()
    expect(staff_page.get_by_role("alert").first).to_contain_text("исключена")
    assert not Execution.objects.filter(school=school_b).exists()

    # The curator: withdrawing a consent names the day the child's data are destroyed.
    minor = registry_data["a"]["minor"]
    curator_page = login(curator_a.username)
    curator_page.goto(f"/registry/mentees/{minor.pk}/")
    curator_page.locator("input[name=withdrawn_on]").fill("01.10.2020")
    curator_page.get_by_role("button", name="Отозвать").click()
    expect(curator_page.locator(".consequences")).to_contain_text("после 31.10.2020")
    assert Consent.objects.get(mentee=minor).withdrawn_on is None
    curator_page.get_by_role("button", name="Отозвать согласие").click()
    expect(curator_page.get_by_role("alert").first).to_contain_text("Отзыв согласия записан")
    assert Consent.objects.get(mentee=minor).withdrawn_on is not None
