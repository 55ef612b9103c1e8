"""One figure, one number: «Доля мероприятий в срок» of a school is the same on the curator's
dashboard, in the school's report, in the department's table of schools and in the period's
summary, on data counted by hand; a municipal count target is not shown as a school's."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import IndicatorCode as C
from monitoring.models import Target
from roadmap.models import Execution, Measure
from tests.monitoring.fixtures import D

pytestmark = pytest.mark.django_db
ON = D.strftime("%d.%m.%Y")


@pytest.fixture
def counted(known, roadmap):
    """School A owes the measures due by D; 2 of them accepted on time, 1 accepted late, the
    rest not done: 2 of N. School B: nothing done, 0 of N."""
    due = list(
        Measure.objects.filter(
            section__roadmap=roadmap, due_on__lte=D, executions__school=known["a"]
        )
        .exclude(deadline_kind__in=("schedule", "unknown", "none"))
        .order_by("number_key")
    )
    for measure, late in ((due[0], 0), (due[1], 0), (due[2], 3)):
        Execution.objects.filter(measure=measure, school=known["a"]).update(
            status="accepted", completed_on=measure.due_on + dt.timedelta(days=late)
        )
    # The department's own execution done late does not change a school's figure.
    Execution.objects.filter(measure=due[0], school__isnull=True).update(
        status="accepted", completed_on=due[0].due_on + dt.timedelta(days=10)
    )
    Target.objects.create(
        municipality=known["municipality"], indicator=C.MENTORS, year=2021, value=40
    )
    return {"owed": len(due), "on_time": 2}


def _share(on_time: int, owed: int) -> str:
    value = (Decimal(on_time) * 100 / owed).quantize(Decimal("0.1"))
    return f"{value} %".replace(".", ",")


def _assessment(response, code):
    return next(a for a in response.context["board"].assessments if a.figure.code == code)


def test_the_schools_share_is_the_same_on_every_page(
    client, counted, known, period, curator_a, staff
):
    owed, on_time = counted["owed"], counted["on_time"]
    shown = _share(on_time, owed)

    client.force_login(curator_a)
    board = client.get(reverse("monitoring:dashboard"), {"on": ON})
    figure = _assessment(board, C.MEASURES_ON_TIME).figure
    assert (figure.numerator, figure.denominator) == (on_time, owed)
    assert shown in board.content.decode()

    report = services.report_of(period, known["a"])
    draft = client.get(reverse("monitoring:report", args=[report.pk]))
    in_draft = next(f for f in draft.context["figures"] if f.code == C.MEASURES_ON_TIME)
    assert (in_draft.numerator, in_draft.denominator) == (on_time, owed)
    assert shown in draft.content.decode()
    services.submit_report(user=curator_a, report=report)
    services.review_report(user=staff, report=report, accept=True)
    sent = client.get(reverse("monitoring:report", args=[report.pk]))
    assert shown in sent.content.decode()

    client.force_login(staff)
    table = client.get(reverse("monitoring:dashboard"), {"on": ON})
    row = next(r for r in table.context["board"].comparison if r.name == known["a"].short_name)
    assert (
        row.figures[C.MEASURES_ON_TIME].numerator,
        row.figures[C.MEASURES_ON_TIME].denominator,
    ) == (on_time, owed)
    filtered = client.get(reverse("monitoring:dashboard"), {"on": ON, "school": known["a"].pk})
    assert _assessment(filtered, C.MEASURES_ON_TIME).figure == figure
    summary = client.get(reverse("monitoring:summary", args=[period.pk]))
    summary_row = next(r for r in summary.context["summary"].rows if r.school == known["a"])
    assert summary_row.figures[C.MEASURES_ON_TIME] == figure
    # Only A's report is accepted: the summary's total is A's figure too.
    assert summary.context["summary"].totals[C.MEASURES_ON_TIME] == figure
    assert shown in summary.content.decode()


def test_the_municipality_is_the_sum_of_its_schools(client, counted, known, staff):
    client.force_login(staff)
    board = client.get(reverse("monitoring:dashboard"), {"on": ON})
    total = _assessment(board, C.MEASURES_ON_TIME).figure
    rows = board.context["board"].comparison
    assert total.numerator == sum(r.figures[C.MEASURES_ON_TIME].numerator for r in rows) == 2
    assert total.denominator == sum(r.figures[C.MEASURES_ON_TIME].denominator for r in rows)
    assert total.denominator == 2 * counted["owed"]  # A and B owe the same measures; C none


def test_a_municipal_count_target_is_not_applied_to_one_school(
    client, counted, known, curator_a, staff
):
    client.force_login(curator_a)
    board = client.get(reverse("monitoring:dashboard"), {"on": ON})
    mentors = _assessment(board, C.MENTORS)
    assert (mentors.figure.numerator, mentors.target, mentors.gap) == (2, None, None)
    page = board.content.decode()
    assert "не хватает: 38" not in page
    assert "цель задана для муниципалитета, не для ОО" in page
    client.force_login(staff)
    municipal = client.get(reverse("monitoring:dashboard"), {"on": ON})
    mentors = _assessment(municipal, C.MENTORS)
    assert (mentors.figure.numerator, mentors.target, mentors.gap) == (3, Decimal("40"), 37)
    one_school = client.get(reverse("monitoring:dashboard"), {"on": ON, "school": known["a"].pk})
    assert _assessment(one_school, C.MENTORS).target is None
