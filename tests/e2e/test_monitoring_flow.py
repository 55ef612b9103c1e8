"""The monitoring flow in a real browser: staff set a target and open a period; a curator
enters questionnaire results and submits the school's report; staff accept it; the head reads
the dashboard (indicators against targets, charts) and the period's summary.

Screenshots go to $SCREENSHOTS_DIR (docs/screenshots/ through `make screenshots`).
"""

from __future__ import annotations

import re

import pytest

from monitoring.models import SchoolReport

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_report_accepted_and_read_on_the_dashboard(
    login, shots, live_server, known, staff, head, curator_a, forms
):
    # 1. Staff: a target for 2021 and the period «I полугодие 2020/21».
    page = login(staff.username)
    page.goto("/monitoring/targets/")
    page.select_option("#id_indicator", "pupils_10_plus")
    page.fill("#id_year", "2021")
    page.fill("#id_value", "10")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#targets")).to_contain_text("2021")
    page.goto("/monitoring/periods/new/")
    page.fill("#id_title", "I полугодие 2020/21")
    page.fill("#id_starts_on", "01.09.2020")
    page.fill("#id_ends_on", "31.01.2021")
    page.fill("#id_report_due_on", "10.02.2021")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#reports")).to_contain_text("не начат")

    # 2. The curator starts the report, enters one questionnaire and submits.
    curator = login(curator_a.username)
    curator.goto("/monitoring/periods/")
    curator.get_by_role("link", name="I полугодие 2020/21").click()
    curator.get_by_role("button", name="Начать отчёт").click()
    expect(curator.locator("#report-status")).to_have_text("черновик")
    expect(curator.locator('#report-figures tr[data-code="pupils_10_plus"]')).to_contain_text(
        "2,5 %"
    )
    curator.locator(".questionnaire").first.get_by_role("link", name="+ внести результаты").click()
    curator.select_option("#id_form", str(forms["учитель – ученик"].pk))
    curator.fill("#id_respondents", "14")
    scores = curator.locator("input.score")
    for n in range(scores.count()):
        scores.nth(n).fill("8,5" if n else "11")
    curator.get_by_role("button", name="Сохранить").click()
    expect(curator.locator(".invalid-feedback, .alert-danger").first).to_contain_text("от 1 до 10")
    scores.first.fill("9")
    curator.get_by_role("button", name="Сохранить").click()
    expect(curator.locator(".questionnaire").first).to_contain_text("ответили 14")
    curator.screenshot(path=str(shots / "monitoring-report.png"), full_page=True)
    curator.get_by_role("button", name="Отправить на проверку").click()
    # It asks first, with the reasons to wait: the other questionnaires and the SWOT.
    expect(curator.get_by_role("heading", level=1)).to_contain_text("Отправить отчёт за период")
    warnings = curator.locator(".confirm-warnings")
    expect(warnings).to_contain_text("Не внесены результаты анкетирования")
    expect(warnings).to_contain_text("Не заполнен SWOT-анализ программ")
    assert SchoolReport.objects.get(school=known["a"]).status == SchoolReport.Status.DRAFT
    curator.get_by_role("button", name="Отправить на проверку").click()
    expect(curator.locator("#report-status")).to_have_text("на проверке")

    # 3. Staff accept it.
    report = SchoolReport.objects.get(school=known["a"])
    page.goto(f"/monitoring/reports/{report.pk}/")
    page.select_option("#id_decision", "accept")
    page.get_by_role("button", name="Сохранить решение").click()
    expect(page.locator("#report-status")).to_have_text("принят")

    # 4. The head: the dashboard on the period's end, then the summary.
    head_page = login(head.username)
    head_page.goto("/monitoring/?on=31.01.2021")
    card = head_page.locator('.indicator[data-code="pupils_10_plus"]')
    expect(card).to_contain_text("4,0 %")
    expect(card).to_contain_text("2 из 50")
    expect(card).to_contain_text("не хватает: 3")  # 10 % of 50 is 5 people
    expect(card).to_have_attribute("data-status", "behind")
    expect(head_page.locator("#chart-shares svg")).to_be_visible()
    expect(head_page.locator("#comparison")).to_contain_text("МБОУ «СОШ № 3» г. Аргун")
    head_page.screenshot(path=str(shots / "monitoring-dashboard.png"), full_page=True)
    head_page.locator('.indicator[data-code="mentees"] a').click()
    expect(head_page).to_have_url(re.compile(r"/monitoring/indicators/mentees/"))
    expect(head_page.locator("#records tbody tr")).to_have_count(8)

    head_page.goto("/monitoring/periods/")
    head_page.get_by_role("link", name="I полугодие 2020/21").click()
    expect(head_page.locator("#accepted-count")).to_have_text("1")
    head_page.get_by_role("link", name="Сводный отчёт").click()
    expect(head_page.locator("#summary-missing")).to_contain_text("МБОУ «СОШ № 2» г. Аргун")
    expect(head_page.locator(".stage1").first).to_contain_text("ответили 14")
    head_page.screenshot(path=str(shots / "monitoring-summary.png"), full_page=True)
