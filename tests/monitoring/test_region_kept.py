"""The region's pages from sums the database keeps and makes by municipality: the dashboard of
all the municipalities equal to the one built school by school, in a number of queries that
does not grow with the municipalities; the sums of accepted reports kept by period and the
tallies of measures done on time equal to their live count after any writes."""

import datetime as dt
import re

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import School
from monitoring import dashboard, figures, municipal, summary
from monitoring.models import IndicatorCode, Period, SchoolReport
from monitoring.models import IndicatorCode as C
from registry.models import SchoolYearStats
from roadmap import figures as roadmap_figures
from roadmap.models import Execution, Measure
from roadmap.services import add_school
from tests.factories import MunicipalityFactory, SchoolFactory
from tests.monitoring.fixtures import D
from tests.monitoring.test_region import neighbour, region  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

LATER = dt.date(2021, 6, 1)


def _all_municipalities():
    active = School.objects.filter(is_active=True)
    return sorted({s.municipality_id for s in active}), list(active.order_by("short_name"))


def _some_measures_done(roadmap):
    """Half the executions accepted, some of them late, so that the share is not trivial."""
    executions = list(
        Execution.objects.filter(measure__section__roadmap=roadmap, school__isnull=False)
        .select_related("measure")
        .order_by("pk")
    )
    for n, execution in enumerate(executions):
        if n % 2 and execution.measure.due_on:
            late = n % 3 == 0
            Execution.objects.filter(pk=execution.pk).update(
                status="accepted",
                completed_on=execution.measure.due_on + dt.timedelta(days=5 if late else -1),
            )


@pytest.fixture
def region_world(roadmap, known, period, neighbour, staff, curator_a):  # noqa: F811
    """Two municipalities: Argun (three schools, one without counts, the roadmap with its
    executions, an accepted report) and the neighbour; the day kept for both."""
    from monitoring import services

    _some_measures_done(roadmap)
    report = services.report_of(period, known["a"])
    services.submit_report(user=curator_a, report=report)
    services.review_report(user=staff, report=report, accept=True)
    ids, _ = _all_municipalities()
    figures.keep(ids, D)
    return ids


@pytest.mark.parametrize("compare", IndicatorCode.values)
def test_regional_dashboard_equals_the_one_built_school_by_school(region_world, compare):
    ids, schools = _all_municipalities()
    board = dashboard.build_regional(municipality_ids=ids, day=D, compare=compare, personal=False)
    live = dashboard.build(schools=schools, day=D, compare=compare, personal=False)
    assert board is not None
    assert board.figures.totals == live.figures.totals
    assert board.figures.by_form == live.figures.by_form
    assert board.figures.school_year_start == live.figures.school_year_start
    assert board.without_counts == live.without_counts
    assert [s.short_name for s in board.without_counts] == ["МБОУ «СОШ № 3» г. Аргун"]
    assert board.assessments == live.assessments
    assert [(r.name, r.href, r.figure, r.figures) for r in board.comparison] == [
        (r.name, r.href, r.figure, r.figures) for r in live.comparison
    ]
    assert board.trend == live.trend
    assert board.charts == live.charts
    assert board.school_count == len(schools) == 4
    on_time = board.figures.totals[C.MEASURES_ON_TIME]
    assert 0 < on_time.numerator < on_time.denominator


def _without_token(response) -> str:
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_regional_page_is_the_same_from_the_sums(client, region_world, region):  # noqa: F811
    """The page from the sums by municipality, and counted school by school (the day not kept):
    the same HTML."""
    client.force_login(region)
    for query in ("", "&compare=mentees", "&compare=measures_on_time"):
        url = f"{reverse('monitoring:dashboard')}?on=31.01.2021{query}"
        from_sums = client.get(url)
        assert from_sums.context["board"].active_schools == 4  # built from the sums
        figures.forget(days=[D])
        counted = client.get(url)
        assert counted.context["board"].active_schools is None
        assert _without_token(from_sums) == _without_token(counted)
        figures.keep(region_world, D)


def test_a_municipality_not_kept_is_counted_school_by_school(region_world):
    ids, schools = _all_municipalities()
    figures.forget(days=[D])
    figures.keep(ids[:1], D)
    assert dashboard.build_regional(municipality_ids=ids, day=D) is None
    School.objects.filter(pk=schools[0].pk).update(is_active=False)  # recounted by the trigger
    assert dashboard.build_regional(municipality_ids=ids[:1], day=D) is not None


def _add_municipalities(forms, count):
    for n in range(count):
        municipality = MunicipalityFactory(name=f"муниципальный район № {n}")
        for k in range(2):
            school = SchoolFactory(municipality=municipality, short_name=f"СОШ {n}-{k}")
            SchoolYearStats.objects.create(
                school=school,
                school_year_start=2020,
                pupils_total=10,
                pupils_10_plus=5,
                teachers_total=3,
                young_teachers=1,
            )
        Period.objects.create(
            municipality=municipality,
            title="I полугодие 2020/21",
            starts_on=dt.date(2020, 9, 1),
            ends_on=D,
        )
    ids, _ = _all_municipalities()
    figures.keep(ids, D)


def test_regional_pages_queries_do_not_grow_with_municipalities(
    client,
    region_world,
    region,  # noqa: F811
    forms,
    django_assert_max_num_queries,
):
    client.force_login(region)
    urls = [
        f"{reverse('monitoring:dashboard')}?on=31.01.2021",
        f"{reverse('monitoring:dashboard')}?on=31.01.2021&compare=mentees",
        f"{reverse('monitoring:dashboard')}?on=31.01.2021&municipality={region_world[0]}",
        reverse("monitoring:regional"),
    ]
    _queries_stay_flat(client, urls, forms, django_assert_max_num_queries, first_at_most=16)
    assert "муниципальный район № 4" in client.get(urls[0]).content.decode()


def _queries_stay_flat(client, urls, forms, assert_max_num_queries, *, first_at_most):
    """Each page's queries with two municipalities (at most ``first_at_most``), then with five
    more: no more than before. Returns the pages' last responses."""
    counts = []
    for url in urls:
        client.get(url)
        with assert_max_num_queries(first_at_most) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    _add_municipalities(forms, 5)
    responses = []
    for url, count in zip(urls, counts, strict=True):
        with assert_max_num_queries(count):
            responses.append(client.get(url))
        assert responses[-1].status_code == 200
    return responses


@pytest.mark.parametrize("code", [C.APPROVED_PROGRAMME, C.MEASURES_ON_TIME])
def test_region_records_figure_from_the_sums_by_municipality(client, region_world, region, code):  # noqa: F811
    """The records behind a figure over the whole region: the figure from the sums, each
    municipality's figure (not a row per school), the same figure and list as counted school
    by school."""
    client.force_login(region)
    url = f"{reverse('monitoring:records', args=[code])}?on=31.01.2021"
    from_sums = client.get(url)
    assert from_sums.status_code == 200
    names = [m.name for m, _figure in from_sums.context["by_municipality"]]
    assert len(names) == 2 and not from_sums.context["by_school"]
    html = from_sums.content.decode()
    assert "По муниципалитетам" in html and f"municipality={region_world[0]}" in html
    figures.forget(days=[D])
    counted = client.get(url)
    assert not counted.context["by_municipality"] and len(counted.context["by_school"]) == 4
    assert from_sums.context["figure"] == counted.context["figure"]
    assert list(from_sums.context["page"]) == list(counted.context["page"])
    by_school: dict[str, list[int]] = {}
    for school, figure in counted.context["by_school"]:
        summed = by_school.setdefault(school.municipality.name, [0, 0])
        summed[0] += figure.numerator
        summed[1] += figure.denominator or 0
    assert {
        m.name: [f.numerator, f.denominator or 0] for m, f in from_sums.context["by_municipality"]
    } == by_school


def test_region_records_queries_do_not_grow_with_municipalities(
    client,
    region_world,
    region,  # noqa: F811
    forms,
    django_assert_max_num_queries,
):
    client.force_login(region)
    urls = [
        f"{reverse('monitoring:records', args=[code])}?on=31.01.2021"
        for code in (C.APPROVED_PROGRAMME, C.MEASURES_ON_TIME)
    ]
    for response in _queries_stay_flat(
        client, urls, forms, django_assert_max_num_queries, first_at_most=20
    ):
        assert len(response.context["by_municipality"]) == 7


# --- the sums of accepted reports, kept by period -----------------------------------------------

FIGURE = st.one_of(
    st.tuples(st.integers(0, 50), st.one_of(st.none(), st.integers(0, 80))),
    st.tuples(st.integers(0, 50)),
)
# Submitted and accepted reports always hold their figures (a check constraint).
FROZEN = st.fixed_dictionaries(
    {},
    optional={"values": st.dictionaries(st.sampled_from([*C.values, "other"]), FIGURE, max_size=4)},
)
REPORT_OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("report"),
            st.integers(0, 3),  # period
            st.integers(0, 3),  # school
            st.sampled_from(SchoolReport.Status.values),
            FROZEN,
        ),
        st.tuples(
            st.just("status"), st.integers(0, 9), st.sampled_from(SchoolReport.Status.values)
        ),
        st.tuples(st.just("figures"), st.integers(0, 9), FROZEN),
        st.tuples(st.just("drop"), st.integers(0, 9)),
        st.tuples(st.just("all_accepted"), st.integers(0, 3)),
    ),
    max_size=10,
)


def _frozen(value):
    if "values" not in value:
        return value
    return {"values": {code: list(figure) for code, figure in value["values"].items()}}


def _periods_world():
    munis = [MunicipalityFactory(), MunicipalityFactory()]
    schools = [SchoolFactory(municipality=m) for m in munis for _ in range(2)]
    periods = [
        Period.objects.create(
            municipality=m, title=title, starts_on=dt.date(2020, 9, 1), ends_on=ends_on
        )
        for m in munis
        for title, ends_on in (("I полугодие", D), ("II полугодие", LATER))
    ]
    return munis, schools, periods


def _apply_to_reports(operation, schools, periods):
    kind, *args = operation
    reports = list(SchoolReport.objects.order_by("pk"))
    if kind == "report":
        period, school, status, frozen = periods[args[0]], schools[args[1]], args[2], args[3]
        if school.municipality_id != period.municipality_id:
            school = next(s for s in schools if s.municipality_id == period.municipality_id)
        if not SchoolReport.objects.filter(period=period, school=school).exists():
            SchoolReport.objects.create(
                period=period, school=school, status=status, figures=_frozen(frozen)
            )
    elif kind == "status" and reports:
        SchoolReport.objects.filter(pk=reports[args[0] % len(reports)].pk).update(status=args[1])
    elif kind == "figures" and reports:
        report = reports[args[0] % len(reports)]
        report.figures = _frozen(args[1])
        report.save()
    elif kind == "drop" and reports:
        reports[args[0] % len(reports)].delete()
    elif kind == "all_accepted":
        SchoolReport.objects.filter(period=periods[args[0]]).update(status="accepted")


def _assert_kept_sums_equal_live(periods):
    everything = Period.objects.filter(pk__in=[p.pk for p in periods])
    for chosen in (everything, everything.filter(title="I полугодие"), everything[:1]):
        reports = SchoolReport.objects.filter(period__in=chosen, status="accepted")
        for by in ("title", "municipality", "period"):
            assert summary.kept_totals(chosen, by) == summary.summed_totals(reports, by)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=REPORT_OPERATIONS)
def test_kept_period_sums_equal_the_reports_after_any_writes(db, operations):
    with transaction.atomic():
        _munis, schools, periods = _periods_world()
        for operation in operations:
            _apply_to_reports(operation, schools, periods)
            _assert_kept_sums_equal_live(periods)
        transaction.set_rollback(True)


# --- the tallies of measures done on time -------------------------------------------------------

DAYS = (D, dt.date(2021, 12, 31), dt.date(2025, 12, 31))
DATES = st.sampled_from([None, dt.date(2021, 1, 10), dt.date(2021, 3, 1), dt.date(2022, 5, 1)])
TALLY_OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("execution"),
            st.integers(0, 199),
            st.sampled_from(Execution.Status.values),
            DATES,
        ),
        st.tuples(st.just("due"), st.integers(0, 99), DATES),
        st.tuples(st.just("drop"), st.integers(0, 199)),
        st.tuples(st.just("school"), st.integers(0, 2), st.booleans()),
        st.tuples(st.just("join"), st.integers(0, 2)),
    ),
    max_size=8,
)


def _assert_tallies_equal_live(municipality_ids):
    for day in DAYS:
        by_municipality = municipal.on_time_by_municipality(municipality_ids, day)
        for pk in municipality_ids:
            active = School.objects.filter(municipality_id=pk, is_active=True)
            live = roadmap_figures.on_time_total(roadmap_figures.on_time_by_school(active, day))
            assert by_municipality.get(pk, (0, 0)) == (live.on_time, live.due)


def _apply_to_executions(operation, schools, roadmap):
    kind, *args = operation
    executions = list(Execution.objects.filter(school__isnull=False).order_by("pk"))
    measures = list(Measure.objects.order_by("pk"))
    if kind == "execution" and executions:
        status, completed_on = args[1], args[2]
        if status == "accepted" and completed_on is None:  # accepted work has its date
            completed_on = dt.date(2021, 1, 20)
        Execution.objects.filter(pk=executions[args[0] % len(executions)].pk).update(
            status=status, completed_on=completed_on
        )
    elif kind == "due":
        measure = measures[args[0] % len(measures)]
        starts_on = (
            measure.starts_on if args[1] and (measure.starts_on or args[1]) <= args[1] else None
        )
        Measure.objects.filter(pk=measure.pk).update(starts_on=starts_on, due_on=args[1])
    elif kind == "drop" and executions:
        executions[args[0] % len(executions)].delete()
    elif kind == "school":
        School.objects.filter(pk=schools[args[0]].pk).update(is_active=args[1])
    elif kind == "join" and not Execution.objects.filter(school=schools[args[0]]).exists():
        add_school(roadmap=roadmap, school=schools[args[0]])


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=TALLY_OPERATIONS)
def test_measure_tallies_equal_the_executions_after_any_writes(
    roadmap, school_a, school_b, operations
):
    with transaction.atomic():
        schools = [school_a, school_b, SchoolFactory(municipality=school_a.municipality)]
        _some_measures_done(roadmap)
        _assert_tallies_equal_live([school_a.municipality_id])
        for operation in operations:
            _apply_to_executions(operation, schools, roadmap)
            _assert_tallies_equal_live([school_a.municipality_id])
        transaction.set_rollback(True)
