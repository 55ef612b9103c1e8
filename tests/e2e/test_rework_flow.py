"""A returned report reworked in a real browser: the previous text, date and files come back;
one file is replaced, one removed, and an empty date is refused without losing anything."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from roadmap import services
from roadmap.models import Execution
from tests.roadmap.files_helpers import PDF_BYTES, docx_bytes, upload

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_returned_report_is_reworked_from_what_was_sent(
    login, live_server, roadmap, school_a, curator_a, staff, media_root, tmp_path
):
    execution = Execution.objects.get(
        measure__section__roadmap=roadmap, measure__number="1.7", school=school_a
    )
    services.submit_report(
        user=curator_a,
        execution=execution,
        text="Дорожная карта школы утверждена приказом",
        completed_on=datetime.date(2020, 10, 20),
        files=[upload("Приказ.pdf", PDF_BYTES), upload("Дорожная карта.docx", docx_bytes())],
    )
    services.review_report(
        user=staff, report=execution.reports.get(), accept=False, comment="Нет подписи"
    )
    signed = tmp_path / "Приказ с подписью.pdf"
    signed.write_bytes(PDF_BYTES)

    page = login(curator_a.username)
    page.goto(f"/roadmaps/executions/{execution.pk}/")
    form = page.locator("form.report-form")
    expect(form.locator("textarea[name=text]")).to_have_value(
        "Дорожная карта школы утверждена приказом"
    )
    expect(form.locator("input[name=completed_on]")).to_have_value("20.10.2020")
    pdf = form.locator('[data-evidence="Приказ.pdf"]')
    docx = form.locator('[data-evidence="Дорожная карта.docx"]')
    expect(pdf).to_be_visible()
    expect(docx).to_be_visible()

    # An empty date is refused; the text and the choices made stay.
    docx.get_by_label("удалить").check()
    form.locator("input[name=completed_on]").fill("")
    form.get_by_role("button", name="Отправить на проверку").click()
    form = page.locator("form.report-form")
    expect(form).to_contain_text("Обязательное поле")
    expect(form.locator("textarea[name=text]")).to_have_value(
        "Дорожная карта школы утверждена приказом"
    )
    kept_choice = form.locator('[data-evidence="Дорожная карта.docx"]').get_by_label("удалить")
    expect(kept_choice).to_be_checked()

    form.locator("input[name=completed_on]").fill("20.10.2020")
    form.locator('[data-evidence="Приказ.pdf"] input[type=file]').set_input_files(str(Path(signed)))
    form.get_by_role("button", name="Отправить на проверку").click()
    expect(page.locator("#execution-status")).to_have_text("на проверке")
    latest = execution.reports.order_by("-submitted_at", "-id").first()
    assert [e.original_name for e in latest.evidence.all()] == ["Приказ с подписью.pdf"]
    assert latest.completed_on == datetime.date(2020, 10, 20)
