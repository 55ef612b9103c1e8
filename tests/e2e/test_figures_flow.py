"""One figure, one number, in a real browser: a school's «Доля мероприятий в срок» reads the
same on the curator's dashboard, in the school's report and in the department's table; a
municipal target for the number of mentors is not shown as the school's."""

from __future__ import annotations

import pytest

from monitoring.models import IndicatorCode, Target
from roadmap.models import Execution, Measure
from tests.monitoring.fixtures import D

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
ON = D.strftime("%d.%m.%Y")


def test_the_same_share_on_every_page(
    login, shots, live_server, known, roadmap, period, curator_a, staff
):
    due = list(
        Measure.objects.filter(
            section__roadmap=roadmap, due_on__lte=D, executions__school=known["a"]
        )
        .exclude(deadline_kind__in=("schedule", "unknown", "none"))
        .order_by("number_key")
    )
    Execution.objects.filter(measure=due[0], school=known["a"]).update(
        status="accepted", completed_on=due[0].due_on
    )
    Target.objects.create(
        municipality=known["municipality"], indicator=IndicatorCode.MENTORS, year=2021, value=40
    )
    expected = f"{100 / len(due):.1f} %".replace(".", ",")

    curator = login(curator_a.username)
    curator.goto(f"/monitoring/?on={ON}")
    card = curator.locator('.indicator[data-code="measures_on_time"] .figure')
    expect(card).to_have_text(expected)
    mentors = curator.locator('.indicator[data-code="mentors"]')
    expect(mentors).to_contain_text("цель задана для муниципалитета, не для ОО")
    expect(mentors).not_to_contain_text("не хватает")
    curator.screenshot(path=str(shots / "figures-curator-dashboard.png"), full_page=True)
    curator.goto(f"/monitoring/periods/{period.pk}/")
    curator.get_by_role("button", name="Начать отчёт").click()
    expect(curator.locator('#report-figures tr[data-code="measures_on_time"]')).to_contain_text(
        expected
    )

    page = login(staff.username)
    page.goto(f"/monitoring/?on={ON}")
    row = page.locator("#comparison tr", has_text=known["a"].short_name)
    expect(row.locator('td[data-code="measures_on_time"]')).to_have_text(expected)
    expect(page.locator('.indicator[data-code="mentors"]')).to_contain_text("не хватает: 37")
