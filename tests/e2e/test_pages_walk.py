"""Every role's main pages on the demo data, in Chromium: none scrolls sideways at 1366 px
(an office laptop) nor at 390 px (a phone), none shows a Latin word that is not a proper name
or a file format (option lists and buttons included), and axe-core (WCAG 2.1 AA, ГОСТ Р
52872-2019) finds nothing serious or critical."""

from __future__ import annotations

import collections

import pytest

from tests.e2e.conftest import DEMO_USERS as ROLES
from tests.e2e.walk import latin_words, main_pages

sync_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")

WIDTHS = (390, 1366)  # a phone, then an office laptop: axe-core runs at each
SCROLL_JS = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def axe_violations(page) -> list[str]:
    """The serious and critical violations: «rule (impact): N elements, first: <selector>»."""
    results = axe_api.Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in {"serious", "critical"}:
            nodes = violation["nodes"]
            found.append(
                f"{violation['id']} ({violation['impact']}): {len(nodes)}, "
                f"first: {nodes[0]['target']}"
            )
    return found


def _check_main_pages(login, username):
    page = login(username)
    pages = main_pages(page)
    assert len(pages) >= 4, pages
    sideways, latin, axe = [], collections.defaultdict(set), {}
    for path in pages:
        found = []
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(path)
            scroll_width, client_width = page.evaluate(SCROLL_JS)
            if scroll_width > client_width:
                sideways.append(f"{path} at {width} px: {scroll_width} > {client_width}")
            for word in latin_words(page):
                latin[word].add(path)
            found += axe_violations(page)
        if found:
            axe[path] = sorted(set(found))
    assert not sideways, sideways
    assert not latin, dict(latin)
    assert not axe, axe


@pytest.mark.parametrize("username", ROLES)
def test_main_pages_fit_speak_russian_and_pass_axe(demo, login, username):
    """Each role's pages, a test of its own: the runs split over workers share them out."""
    _check_main_pages(login, username)
