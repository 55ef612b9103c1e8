"""Each role's main pages on the demo data at 1366×768 (an office laptop) and 390×844 (a
phone), saved as <role>-<page>-<width>.png: into docs/screenshots through `make screenshots`,
else into the test's temporary folder (a long page down to
its fourth screen). Each picture is checked not to scroll sideways."""

from __future__ import annotations

import re

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

SIZES = ({"width": 1366, "height": 768}, {"width": 390, "height": 844})

# role → (picture's name, how to get there: a path, or "my-first" for the first measure of
# «Мои мероприятия» to report on — the report form).
PAGES = {
    "staff": [
        ("roadmap", "/"),
        ("dashboard", "/roadmaps/dashboard/"),
        ("review", "/roadmaps/review/"),
        ("monitoring", "/monitoring/"),
        ("registry", "/registry/mentees/"),
    ],
    "head": [("dashboard", "/roadmaps/dashboard/"), ("monitoring", "/monitoring/")],
    "curator1": [
        ("my-measures", "/roadmaps/my/"),
        ("report-form", "my-first"),
        ("monitoring", "/monitoring/"),
    ],
    "region": [("roadmaps", "/roadmaps/"), ("regional-summary", "/monitoring/region/")],
}
ROLE_NAMES = {"curator1": "curator"}
# A long page is pictured down to its fourth laptop screen.
MAX_HEIGHT = 4 * 768


def _shoot(login, shots, username):
    page = login(username)
    page.goto("/roadmaps/my/")
    first = page.get_by_role("link", name="Отчитаться").first
    execution = first.get_attribute("href") if first.count() else None
    role = ROLE_NAMES.get(username, username)
    for name, path in PAGES[username]:
        target = execution if path == "my-first" else path
        assert target, f"{username}: no execution page"
        for size in SIZES:
            page.set_viewport_size(size)
            page.goto(target)
            width, client = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert width <= client, (name, size, width, client)
            if name == "report-form":  # the button whole on the screen's width
                box = page.get_by_role("button", name="Отправить на проверку").bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], box
            height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
            page.screenshot(
                path=str(shots / f"{role}-{name}-{size['width']}.png"),
                full_page=True,
                clip={"x": 0, "y": 0, "width": size["width"], "height": height},
            )
    # The phone's menu, opened.
    page.set_viewport_size(SIZES[1])
    page.goto("/roadmaps/")
    page.locator(".navbar-toggler").click()
    expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bcollapse\b.*\bshow\b"))
    page.locator("#user-menu").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()
    page.screenshot(path=str(shots / f"{role}-menu-390.png"))


def test_screenshots_of_each_roles_main_pages(demo, login, shots):
    """One demo load for every role (loading it takes seconds): each role checked in turn."""
    for username in PAGES:
        try:
            _shoot(login, shots, username)
        except AssertionError as failure:
            raise AssertionError(f"{username}: {failure}") from failure
