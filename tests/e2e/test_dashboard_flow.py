"""The head's dashboard in a real browser at 1366 px: what is late, by whom and by how much
on the first screen, and the whole page within four screens — with the demo data and with
50 schools. Filtered to one school, no block blames anyone else."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.core.management import call_command

from core import roles
from devdata.demo import tenant as demo
from roadmap.models import Execution, Roadmap
from roadmap.services import add_school
from tests.factories import SchoolFactory, make_user

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

LAPTOP = {"width": 1366, "height": 768}
MAX_HEIGHT = 3_000


def _demo(monkeypatch, tmp_path) -> Roadmap:
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "demo.json")
    call_command("load_demo_data", stdout=io.StringIO())
    # the roadmap the department works on: the seed order's copy for the current school year
    return Roadmap.objects.filter(status=Roadmap.Status.APPROVED).order_by("-pk").first()


def _grow_to(roadmap: Roadmap, schools: int) -> None:
    """More schools take part; every third of their executions is accepted, every fifth in
    progress: a municipality of ``schools`` schools at work."""
    for _ in range(schools - roadmap.participations.count()):
        add_school(roadmap=roadmap, school=SchoolFactory(municipality=roadmap.municipality))
    ids = list(
        Execution.objects.filter(measure__section__roadmap=roadmap, school__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Execution.objects.filter(pk__in=ids[::3]).update(
        status=Execution.Status.ACCEPTED, completed_on=dt.date(2020, 12, 1)
    )
    Execution.objects.filter(pk__in=ids[1::5]).update(status=Execution.Status.IN_PROGRESS)


def _height(page, url: str) -> int:
    page.goto(url)
    return page.evaluate("document.documentElement.scrollHeight")


def _report(name: str, height: int) -> None:
    folder = os.environ.get("DASHBOARD_HEIGHTS")
    if folder:
        with open(folder, "a", encoding="utf-8") as out:
            out.write(f"{name}: {height}\n")


def test_dashboard_fits_and_shows_the_lateness_first(
    login, live_server, monkeypatch, tmp_path, shots
):
    roadmap = _demo(monkeypatch, tmp_path)
    chief = make_user("chief", roles.HEAD, municipality=roadmap.municipality)
    url = f"/roadmaps/{roadmap.pk}/dashboard/"
    page = login(chief.username)
    page.set_viewport_size(LAPTOP)

    demo_height = _height(page, url)
    _report("demo", demo_height)
    _grow_to(roadmap, 50)
    fifty_height = _height(page, url)
    _report("50 schools", fifty_height)
    page.screenshot(path=str(shots / "head-dashboard-1366.png"), full_page=True)
    assert demo_height <= MAX_HEIGHT, demo_height
    assert fifty_height <= MAX_HEIGHT, fifty_height

    # The first screen: the grid, its first row the longest overdue, with its days.
    grid = page.locator("table.late-grid")
    expect(grid).to_be_visible()
    assert grid.bounding_box()["y"] < LAPTOP["height"]
    days = grid.locator("tbody tr").evaluate_all("rows => rows.map(r => +r.dataset.days)")
    assert days == sorted(days, reverse=True) and days[0] > 0
    expect(page.locator(".late-by-party")).to_be_visible()

    # Filtered to one school: only that school's lateness; the department is not blamed.
    school = roadmap.participations.order_by("pk").first().school
    page.goto(f"{url}?school={school.pk}")
    columns = page.locator("table.late-grid thead th.school-col")
    expect(columns).to_have_count(1)
    expect(columns).to_have_attribute("title", school.short_name)
    expect(page.locator(".late-by-party")).to_contain_text("Образовательные организации")
    expect(page.locator(".late-by-party")).not_to_contain_text("Департамент")
    page.screenshot(path=str(shots / "head-dashboard-one-school-1366.png"), full_page=True)
