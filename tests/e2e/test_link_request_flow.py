"""A mentor who works at a second school, in a real browser and under the strict CSP.

School A's curator types school B's mentor into «Новый наставник»: the box says only that the
person is in the municipal registry and offers a link request; the request is sent and listed
as A's own. School B's curator sees the count in the menu, opens the request and approves it;
the mentor then appears in school A's list. No page breaks the Content-Security-Policy.
"""

from __future__ import annotations

import re

import pytest

from registry.models import MentorLinkRequest

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def _watch_csp(page, violations: list[str]) -> None:
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )


def test_a_link_request_sent_and_approved(
    login, live_server, registry_data, curator_a, curator_b, shots, browser
):
    mentor = registry_data["b"]["mentor"]
    school_b = registry_data["b"]["school"]
    violations: list[str] = []

    # 1. School A's curator enters school B's mentor as new.
    page = login(curator_a.username)
    _watch_csp(page, violations)
    page.goto("/registry/mentors/new/")
    page.fill("#id_last_name", "НаставникB")
    page.fill("#id_first_name", "Иван")
    page.fill("#id_birth_date", "01.01.1985")
    page.select_option("#id_kind", "teacher")
    page.get_by_role("button", name="Сохранить").click()
    box = page.locator("#duplicate")
    expect(box).to_contain_text("уже есть в муниципальном реестре")
    expect(box).not_to_contain_text(school_b.short_name)
    box.get_by_role("button", name="Отправить запрос на связь с моей ОО").click()
    expect(page).to_have_url(re.compile(r"/registry/mentors/link-requests/$"))
    expect(page.get_by_role("alert").first).to_contain_text("Запрос на связь с наставником")
    expect(page.locator("#our-requests")).to_contain_text("ожидает решения")
    expect(page.locator("main")).not_to_contain_text(school_b.short_name)
    link_request = MentorLinkRequest.objects.get()

    # 2. School B's curator sees the count in the menu and approves.
    other = login(curator_b.username)
    _watch_csp(other, violations)
    expect(other.locator("#link-requests-badge")).to_have_text("1")
    other.locator("#link-requests-badge").click()  # opens the «Реестр» menu
    other.get_by_role("link", name=re.compile("Запросы на связь наставников")).click()
    row = other.locator("#pending-requests tbody tr").first
    expect(row).to_contain_text(registry_data["a"]["school"].short_name)
    row.get_by_role("link", name="Рассмотреть").click()
    expect(other).to_have_url(re.compile(rf"/link-requests/{link_request.pk}/$"))
    other.get_by_role("button", name="Одобрить").click()
    expect(other.get_by_role("alert").first).to_contain_text("одобрен")
    expect(other.locator("#link-requests-badge")).to_have_count(0)
    other.screenshot(path=str(shots / "link-requests.png"), full_page=True)

    # 3. The mentor is school A's too.
    page.goto("/registry/mentors/")
    expect(page.locator("main")).to_contain_text("НаставникB Иван")
    assert set(mentor.schools.values_list("pk", flat=True)) == {
        registry_data["a"]["school"].pk,
        school_b.pk,
    }
    assert violations == []
