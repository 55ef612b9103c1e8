"""The whole tracking flow in a real browser, with several users at once.

Staff amends an approved roadmap (a measure's deadline, through the htmx row form), the
head reads the overdue figure on the dashboard, a school curator reports with a PDF, staff
returns the report, the curator reports again, staff accepts, and the head sees one
overdue measure fewer. Two screenshots go to $SCREENSHOTS_DIR (docs/screenshots/ through
`make screenshots`), else to the test's temporary folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roadmap.models import Evidence, Execution, Measure, Report
from roadmap.services import remove_school

# `make screenshots` sets this to docs/screenshots; a plain test run keeps the work tree clean.

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def _pdf(path: Path, title: str) -> Path:
    body = (
        b"%PDF-1.4\n"
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
        b"% " + title.encode("ascii") + b"\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    path.write_bytes(body)
    return path


def _overdue_figure(page) -> int:
    figure = page.locator('[data-figure="overdue"]')
    expect(figure).to_have_text(re.compile(r"^\s*\d+\s*$"))
    return int(figure.inner_text().strip())


def _send_report(page, text: str, completed_on: str, pdf: Path) -> None:
    form = page.locator("form.report-form")
    expect(form).to_be_visible()
    form.locator("textarea[name=text]").fill(text)
    form.locator("input[name=completed_on]").fill(completed_on)
    form.locator("input[type=file][name=files]").set_input_files(str(pdf))
    form.get_by_role("button", name="Отправить на проверку").click()
    expect(page.locator("#execution-status")).to_have_text("на проверке")


def _review(page, decision: str, comment: str = "") -> None:
    """Staff: from «Проверка отчётов», open the only pending report and decide."""
    page.goto("/roadmaps/review/")
    row = page.locator("tbody tr", has_text="1.7.")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("МБОУ «СОШ № 1» г. Аргун")
    row.get_by_role("link", name="Рассмотреть").click()
    form = page.locator("form.review-form")
    expect(form).to_be_visible()
    form.locator("select[name=decision]").select_option(decision)
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    form.get_by_role("button", name="Сохранить решение").click()


def test_report_returned_then_accepted_lowers_the_overdue_figure(
    login,
    shots,
    live_server,
    roadmap,
    school_b,
    staff,
    head,
    curator_a,
    media_root,
    browser,
    tmp_path,
):
    # Only school_a takes part, so measure 1.7 («Образовательные организации») has a
    # single execution and one accepted report completes it.
    remove_school(roadmap=roadmap, school=school_b, user=staff)
    measure = Measure.objects.get(section__roadmap=roadmap, number="1.7")
    assert measure.deadline_text == "октябрь 2020 года"
    assert list(measure.executions.values_list("school", flat=True)) == [
        curator_a.profile.school_id
    ]

    # 1. Staff opens an amendment and moves 1.7 to another (also past) month.
    staff_page = login(staff.username)
    staff_page.goto(f"/roadmaps/{roadmap.pk}/edit/")
    expect(staff_page.locator("#id_date")).to_have_value(re.compile(r"^\d{2}\.\d{2}\.\d{4}$"))
    staff_page.fill("#id_basis", "приказ от 01.11.2020 № 200")
    staff_page.fill("#id_reason", "Перенос срока разработки дорожных карт ОО")
    staff_page.get_by_role("button", name="Внести изменение").click()
    expect(staff_page.get_by_role("button", name="Завершить изменение")).to_be_visible()

    row = staff_page.locator(f"tr#measure-{measure.pk}")
    expect(row).to_have_attribute("data-number", "1.7")
    row.get_by_role("link", name="изменить").click()
    deadline = row.locator("input[name=deadline_text]")  # the same id, now the form row
    expect(deadline).to_have_value("октябрь 2020 года")
    deadline.fill("ноябрь 2020 года")
    expect(row.locator(f"#deadline-preview-{measure.pk}")).to_have_text(
        "Будет прочитано как: 01.11.2020 – 30.11.2020"
    )
    row.get_by_role("button", name="Сохранить").click()
    expect(row).to_have_attribute("data-number", "1.7")  # the display row is back
    expect(row.locator("input[name=deadline_text]")).to_have_count(0)
    expect(row.locator("td").nth(2)).to_contain_text("ноябрь 2020 года")
    measure.refresh_from_db()
    assert measure.deadline_text == "ноябрь 2020 года"

    # 2. The head reads the overdue figure before any report.
    head_page = login(head.username)
    head_page.goto(f"/roadmaps/{roadmap.pk}/dashboard/")
    overdue_before = _overdue_figure(head_page)
    assert overdue_before >= 1
    expect(head_page.locator('.overdue-table tr[data-measure="1.7"]')).to_contain_text(
        "срок 30.11.2020"
    )
    head_page.screenshot(path=str(tmp_path / "head-dashboard-before.png"), full_page=True)

    # 4. The curator reports on 1.7 from «Мои мероприятия».
    curator_page = login(curator_a.username)
    curator_page.get_by_role("link", name="Мои мероприятия").click()
    expect(curator_page).to_have_url(re.compile(r"/roadmaps/my/$"))
    expect(curator_page.get_by_role("heading", name="Мои мероприятия")).to_be_visible()
    curator_page.screenshot(path=str(shots / "curator-my-measures.png"), full_page=True)
    my_row = curator_page.locator("table.my-measures tbody tr").filter(
        has=curator_page.locator("td:first-child", has_text=re.compile(r"^\s*1\.7\s*$"))
    )
    expect(my_row).to_have_count(1)
    expect(my_row).to_contain_text("ноябрь 2020 года")
    my_row.get_by_role("link", name="Отчитаться").click()
    expect(curator_page.locator("h1")).to_contain_text("Разработка дорожных карт")
    execution_url = curator_page.url
    _send_report(
        curator_page,
        "Дорожная карта ОО разработана и утверждена приказом директора.",
        "25.11.2020",
        _pdf(tmp_path / "дорожная-карта-ОО.pdf", "first"),
    )

    # 5. Staff returns it with a comment.
    _review(staff_page, "return", "Приложите подписанный приказ")
    expect(staff_page.locator("#execution-status")).to_have_text("возвращено")

    # 6. The curator sees the comment and reports again.
    curator_page.goto(execution_url)
    expect(curator_page.locator("#execution-status")).to_have_text("возвращено")
    expect(curator_page.locator("#return-comment")).to_contain_text("Приложите подписанный приказ")
    _send_report(
        curator_page,
        "Прилагается подписанный приказ об утверждении дорожной карты ОО.",
        "25.11.2020",
        _pdf(tmp_path / "приказ-подписанный.pdf", "second"),
    )

    # 7. Staff accepts.
    _review(staff_page, "accept")
    expect(staff_page.locator("#execution-status")).to_have_text("принято")

    # 8. The head sees one overdue measure fewer.
    head_page.reload()
    assert _overdue_figure(head_page) == overdue_before - 1
    expect(head_page.locator('.overdue-table tr[data-measure="1.7"]')).to_have_count(0)
    head_page.screenshot(path=str(shots / "head-dashboard.png"), full_page=True)

    curator_page.reload()
    expect(curator_page.locator("#execution-status")).to_have_text("принято")

    execution = Execution.objects.get(measure=measure)
    assert execution.status == Execution.Status.ACCEPTED
    reports = list(execution.reports.order_by("submitted_at", "pk"))
    assert [r.decision for r in reports] == [Report.Decision.RETURNED, Report.Decision.ACCEPTED]
    assert reports[0].review_comment == "Приложите подписанный приказ"
    # The reworked report keeps the first file and adds the signed order.
    assert sorted(e.original_name for e in reports[1].evidence.all()) == [
        "дорожная-карта-ОО.pdf",
        "приказ-подписанный.pdf",
    ]
    assert Evidence.objects.filter(report__execution=execution).count() == 3
