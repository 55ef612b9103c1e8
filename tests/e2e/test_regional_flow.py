"""The regional coordinator in a real browser: the roadmap list names each municipality and
filters by it; the regional summary opens on the latest period with accepted reports."""

from __future__ import annotations

import datetime as dt

import pytest

from monitoring import services
from tests.monitoring.test_region import neighbour, region  # noqa: F401 - fixtures

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_region_lists_roadmaps_by_municipality_and_opens_a_summary_with_reports(
    login,
    shots,
    live_server,
    known,
    neighbour,  # noqa: F811
    region,  # noqa: F811
):
    services.save_period(
        municipality=known["municipality"],
        title="II полугодие 2020/21",
        starts_on=dt.date(2021, 2, 1),
        ends_on=dt.date(2021, 5, 31),
    )
    argun, other = known["municipality"], neighbour["municipality"]
    page = login(region.username)
    page.goto("/roadmaps/")
    rows = page.locator("#roadmaps tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#roadmaps td.municipality")).to_have_text(sorted([argun.name, other.name]))
    expect(page.get_by_role("link", name=f"{argun.name}, 2020–2021 учебный год")).to_be_visible()
    page.screenshot(path=str(shots / "region-roadmaps.png"), full_page=True)
    page.select_option("#id_municipality", str(other.pk))
    page.get_by_role("button", name="Показать").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(other.name)

    page.goto("/monitoring/region/")
    expect(page.locator("h1")).to_have_text("Сводка по региону: I полугодие 2020/21")
    expect(page.locator("#id_period option:checked")).to_have_text(
        "I полугодие 2020/21 — принято отчётов: 1"
    )
    expect(page.locator("#regional")).to_contain_text(other.name)
    page.screenshot(path=str(shots / "region-summary.png"), full_page=True)
