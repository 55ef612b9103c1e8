"""A curator's whole reporting path by keyboard alone — log in, «Мои мероприятия», the measure,
the report form, a file through the Russian file picker, «Отправить на проверку» — with the
focus visible at every step; then the notices on both sides: the department's badge «на
проверке 1», a return, and the curator's badge «возвращено 1»."""

from __future__ import annotations

import re

import pytest

from roadmap.models import Report
from tests.e2e.conftest import PASSWORD, TIMEOUT_MS, VIEWPORT

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# The focused element, and whether its focus shows: an outline or Bootstrap's focus shadow on
# it, or — for the visually hidden file input — on the button that stands for it.
FOCUS_JS = """() => {
  const el = document.activeElement;
  const shows = (e) => {
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    return outline || s.boxShadow !== 'none';
  };
  const shown = el.matches('input[type=file]') ? el.nextElementSibling : el;
  return {tag: el.tagName, name: el.name || '', id: el.id, text: (el.innerText || '').trim(),
          href: el.getAttribute('href') || '', visible: !!shown && shows(shown)};
}"""


def tab_to(page, wanted, limit: int = 80) -> dict:
    """Press Tab until ``wanted(focused)``; every focus passed on the way must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_JS)
        if focused["tag"] != "BODY":
            assert focused["visible"], f"focus not visible on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError("not reached by Tab")


def open_chooser_by_space(page, attempts: int = 3):
    """The focused file field's dialog, opened by Space. On a busy machine the key can reach
    the page before the field takes it: then Space is pressed again (the field keeps focus)."""
    for attempt in range(attempts):
        try:
            with page.expect_file_chooser(timeout=5_000) as chooser:
                page.keyboard.press("Space")
            return chooser.value
        except sync_api.TimeoutError:
            if attempt == attempts - 1:
                raise
            assert page.evaluate("document.activeElement.name") == "files"


def test_curator_reports_by_keyboard_alone(
    browser, live_server, roadmap, staff, curator_a, media_root, tmp_path
):
    pdf = tmp_path / "prikaz.pdf"
    pdf.write_bytes(PDF)
    context = browser.new_context(viewport=VIEWPORT, locale="ru-RU", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/login/")

    # The skip link comes first and leads past the menu.
    skip = tab_to(page, lambda f: f["text"] == "Перейти к содержанию")
    assert skip["href"] == "#content"
    tab_to(page, lambda f: f["name"] == "username")
    page.keyboard.type(curator_a.username)
    tab_to(page, lambda f: f["name"] == "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/login/"))

    tab_to(page, lambda f: f["id"] == "nav-my")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Мои мероприятия")).to_be_visible()

    target = tab_to(page, lambda f: f["text"] == "Отчитаться")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(target["href"]) + "$"))
    expect(page.locator("form.report-form")).to_be_visible()

    tab_to(page, lambda f: f["name"] == "text")
    page.keyboard.type("Приказ издан, размещён на сайте школы")
    tab_to(page, lambda f: f["name"] == "completed_on")
    page.keyboard.press("Control+A")
    page.keyboard.type("20.10.2020")
    tab_to(page, lambda f: f["name"] == "files")
    picker = page.locator(".file-picker-button")
    expect(picker).to_have_text("Выберите файлы")
    open_chooser_by_space(page).set_files(str(pdf))
    expect(page.locator(".file-picker-state")).to_have_text("prikaz.pdf")
    tab_to(page, lambda f: f["text"] == "Отправить на проверку")
    page.keyboard.press("Enter")

    expect(page.locator("#execution-status")).to_have_text("на проверке")
    expect(page.locator(".alert-success")).to_contain_text(
        "Отчёт отправлен в департамент на проверку."
    )
    report = Report.objects.get(execution__school=curator_a.profile.school)
    assert report.text == "Приказ издан, размещён на сайте школы"
    assert report.evidence.count() == 1

    # The department sees the report waiting in its menu, and returns it.
    staff_context = browser.new_context(viewport=VIEWPORT, locale="ru-RU", base_url=live_server.url)
    staff_context.set_default_timeout(TIMEOUT_MS)
    other = staff_context.new_page()
    other.goto("/login/")
    other.fill("#id_username", staff.username)
    other.fill("#id_password", PASSWORD)
    other.get_by_role("button", name="Войти").click()
    expect(other.locator("#review-badge")).to_have_text("на проверке 1")
    other.locator("#nav-review").click()
    other.get_by_role("link", name="Рассмотреть").click()
    form = other.locator("form.review-form")
    form.locator("select[name=decision]").select_option("return")
    form.locator("textarea[name=comment]").fill("Нет подписи на приказе")
    form.get_by_role("button", name="Сохранить решение").click()
    expect(other.locator(".alert-success")).to_contain_text(
        "Отчёт возвращён куратору на доработку."
    )
    expect(other.locator("#review-badge")).to_have_count(0)

    page.reload()
    expect(page.locator("#returned-badge")).to_have_text("возвращено 1")
    staff_context.close()
    context.close()
