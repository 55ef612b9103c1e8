"""The menu at every width from a phone's 360 px to an office laptop's 1366 px: it fits (or
collapses behind «Меню»), the page does not scroll sideways, the user's name is whole, and
«Выйти» is inside the bar's user menu, visible and working."""

from __future__ import annotations

import re

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

WIDTHS = (360, 390, 768, 992, 1199, 1200, 1366)
FITS_JS = """() => {
  const doc = document.documentElement, bar = document.querySelector('nav .container-fluid');
  const name = document.querySelector('#user-menu');
  return {page: [doc.scrollWidth, doc.clientWidth], bar: [bar.scrollWidth, bar.clientWidth],
          name: name ? [name.scrollWidth, name.clientWidth] : null};
}"""


def _check_menu(login, username):
    page = login(username)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/roadmaps/")
        toggler = page.locator(".navbar-toggler")
        # Expanded from 1200 px (Bootstrap's xl), collapsed behind «Меню» below.
        if width < 1200:
            expect(toggler).to_be_visible()
            toggler.click()
            # Wait for the end of the collapse's animation before opening the user menu.
            expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bcollapse\b.*\bshow\b"))
        else:
            expect(toggler).to_be_hidden()
        sizes = page.evaluate(FITS_JS)
        assert sizes["page"][0] <= sizes["page"][1], (width, sizes)
        assert sizes["bar"][0] <= sizes["bar"][1], (width, sizes)
        assert sizes["name"][0] <= sizes["name"][1], (width, "the name is cut", sizes)
        page.locator("#user-menu").click()
        expect(page.locator("#user-menu")).to_have_attribute("aria-expanded", "true")
        logout = page.get_by_role("button", name="Выйти")
        expect(logout).to_be_visible()
        box = logout.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
        # Inside the menu's own (white) panel: dark text on white, not white on white.
        colour = logout.evaluate("e => getComputedStyle(e).color")
        assert colour != "rgb(255, 255, 255)", colour
    logout.click()
    expect(page).to_have_url(re.compile(r"/login/"))
    page.goto("/roadmaps/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))


@pytest.mark.parametrize("username", ["staff", "admin", "curator1"])
def test_menu_fits_and_logout_is_reachable_at_every_width(demo, login, username):
    _check_menu(login, username)
