"""Accounts in a real browser, under the strict Content-Security-Policy (any violation fails).

- Staff appoint a curator with an initial password; the curator's first login lands on the
  password change, every other page leads back to it, and the curator's own password opens
  the page first asked for. The session cookie ends with the browser.
- A user changes the password from the user menu, logs out and in with the new one.
- Staff issue a one-time link from the school's list; the curator, on another computer, sets
  a password with it and logs in; the same link opened again is refused.
- Staff switch off a curator who leaves: the curator's open page goes to the login on the next
  click, and the login is refused.

The forced-change page and the issued link go to $SCREENSHOTS_DIR (docs/screenshots/ through
`make screenshots`), else to the test's temporary folder.
"""

from __future__ import annotations

import re

import pytest

from core.models import AccountState
from tests.e2e.conftest import PASSWORD, TIMEOUT_MS, VIEWPORT

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

INITIAL = "Начальный-пароль-42"
OWN = "Собственный-пароль-куратора-7"

WATCH_SCRIPT = (
    "document.addEventListener('securitypolicyviolation', e =>"
    " window.reportViolation(e.violatedDirective + ' ' + e.blockedURI + ' ' + location.pathname));"
)


@pytest.fixture
def violations():
    found: list[str] = []
    yield found
    assert found == [], found


@pytest.fixture
def visitor(browser, live_server, violations):
    """visitor() → a page in a fresh browser context (another computer), nobody logged in;
    every Content-Security-Policy violation it meets is collected."""

    def open_context():
        context = browser.new_context(viewport=VIEWPORT, locale="ru-RU", base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        context.expose_binding("reportViolation", lambda source, text: violations.append(text))
        context.add_init_script(WATCH_SCRIPT)
        page = context.new_page()
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        return page

    return open_context


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Войти").click()


def change_password(page, old: str, new: str) -> None:
    page.fill("#id_old_password", old)
    page.fill("#id_new_password1", new)
    page.fill("#id_new_password2", new)
    page.get_by_role("button", name="Сменить пароль").click()


def test_a_new_curator_must_change_the_password_at_first_login(
    visitor, shots, roadmap, school_a, staff
):
    # Staff appoint the curator with an initial password.
    desk = visitor()
    sign_in(desk, "staff")
    desk.goto("/registry/curators/new/")
    desk.select_option("#id_school", label="МБОУ «СОШ № 1» г. Аргун")
    desk.fill("#id_last_name", "Хасанова")
    desk.fill("#id_first_name", "Седа Ибрагимовна")
    desk.fill("#id_email", "hasanova@school1.example")
    desk.fill("#id_username", "hasanova")
    desk.fill("#id_password", INITIAL)
    desk.get_by_role("button", name="Сохранить").click()
    expect(desk.locator(".alert-success")).to_contain_text("назначен(а) куратором")

    # The curator's first login: only the password change opens.
    curator = visitor()
    sign_in(curator, "hasanova", INITIAL)
    expect(curator).to_have_url(re.compile(r"/accounts/password/"))
    expect(curator.locator("#password-change-required")).to_be_visible()
    curator.screenshot(path=str(shots / "accounts-forced-change.png"), full_page=True)
    curator.goto("/registry/mentees/")
    expect(curator).to_have_url(re.compile(r"/accounts/password/\?next=%2Fregistry%2Fmentees%2F"))

    # The initial password cannot stay; the curator's own opens the page first asked for.
    change_password(curator, INITIAL, INITIAL)
    expect(curator.locator("main")).to_contain_text("совпадает с прежним")
    expect(curator).to_have_url(re.compile(r"/accounts/password/"))
    change_password(curator, INITIAL, OWN)
    expect(curator).to_have_url(re.compile(r"/registry/mentees/$"))
    expect(curator.locator(".alert-success")).to_contain_text("Пароль изменён")
    assert not AccountState.objects.get(user__username="hasanova").must_change_password

    # Shared school computers: the session cookie ends when the browser closes.
    session = next(c for c in curator.context.cookies() if c["name"] == "sessionid")
    assert session["expires"] == -1
    assert session["httpOnly"] is True


def test_a_user_changes_the_password_from_the_user_menu(visitor, roadmap, staff):
    page = visitor()
    sign_in(page, "staff")
    page.locator("#user-menu").click()
    page.get_by_role("link", name="Сменить пароль").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    expect(page.locator("#password-change-required")).to_have_count(0)
    change_password(page, PASSWORD, OWN)
    expect(page.locator(".alert-success")).to_contain_text("Пароль изменён")

    page.locator("#user-menu").click()
    page.get_by_role("button", name="Выйти").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    sign_in(page, "staff", PASSWORD)
    expect(page.locator(".alert-danger")).to_be_visible()  # the old one no longer works
    sign_in(page, "staff", OWN)
    expect(page).not_to_have_url(re.compile(r"/login/"))
    expect(page.locator("nav")).to_contain_text("staff")


def test_staff_issue_a_link_and_the_curator_sets_a_password_with_it(
    visitor, shots, roadmap, staff, curator_a
):
    desk = visitor()
    sign_in(desk, "staff")
    desk.goto("/registry/schools/")
    desk.get_by_role("link", name="curator_a").click()
    expect(desk.locator("h1")).to_have_text("curator_a")
    desk.get_by_role("button", name="Выдать ссылку для смены пароля").click()
    field = desk.locator("#reset-link")
    expect(field).to_have_value(re.compile(r"^http://.+/accounts/reset/[^/]+/[^/]+/$"))
    link = field.input_value()
    desk.screenshot(path=str(shots / "accounts-reset-link.png"), full_page=True)

    # On the school's computer, the curator (who forgot the password) opens the link.
    school_pc = visitor()
    school_pc.goto(link)
    expect(school_pc).to_have_url(re.compile(r"/set-password/$"))
    expect(school_pc.locator("h1")).to_have_text("Новый пароль")
    school_pc.fill("#id_new_password1", OWN)
    school_pc.fill("#id_new_password2", OWN)
    school_pc.get_by_role("button", name="Сохранить пароль").click()
    expect(school_pc.locator("#reset-complete")).to_be_visible()
    school_pc.get_by_role("link", name="Войти").click()
    sign_in(school_pc, "curator_a", OWN)
    expect(school_pc).to_have_url(re.compile(r"/roadmaps/"))
    expect(school_pc.locator("nav")).to_contain_text("curator_a")

    # The same link a second time: refused.
    again = visitor()
    again.goto(link)
    expect(again.locator("#reset-link-invalid")).to_be_visible()

    # The account's history shows who issued the link and that the owner used it.
    desk.get_by_role("link", name="Готово").click()
    history = desk.locator("#account-history")
    expect(history).to_contain_text("выдача ссылки для смены пароля")
    expect(history).to_contain_text("смена пароля")


def test_a_curator_switched_off_loses_access_at_once(visitor, roadmap, staff, curator_a):
    curator = visitor()
    sign_in(curator, "curator_a")
    curator.goto("/roadmaps/my/")
    expect(curator.locator("nav")).to_contain_text("curator_a")

    desk = visitor()
    sign_in(desk, "staff")
    desk.goto(f"/accounts/{curator_a.pk}/")
    desk.get_by_role("button", name="Отключить доступ").click()
    expect(desk.locator(".alert-success")).to_contain_text("отключён")
    expect(desk.locator("#account-access")).to_contain_text("отключён")

    # The curator's next click: the login page; logging in again is refused.
    curator.get_by_role("link", name="Мои мероприятия").click()
    expect(curator).to_have_url(re.compile(r"/login/"))
    sign_in(curator, "curator_a")
    expect(curator.locator(".alert-danger")).to_be_visible()
    expect(curator).to_have_url(re.compile(r"/login/"))

    # The schools' list still names the curator.
    desk.goto("/registry/schools/")
    expect(desk.locator("table")).to_contain_text("curator_a (доступ отключён)")
