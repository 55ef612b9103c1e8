"""The figures kept for every day as steps (monitoring/figures.py, migration 0007): equal to the
live count on any day — across the days pairs start and end, pupils turn 10 (29 February
included) and young teachers turn 35 — after any writes, once recounted; recounted at the
commit of the writing transaction; read instead of the registry by the municipality's, the
school's and the region's dashboards."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import School
from monitoring import dashboard, figures, indicators
from monitoring.models import FiguresStep, MunicipalStep, StepsDue, StepsKept
from monitoring.models import IndicatorCode as C
from registry.models import Mentee, Mentor, Pair, PairMentee, Programme, SchoolYearStats
from tests.factories import MunicipalityFactory, SchoolFactory
from tests.monitoring.fixtures import D
from tests.monitoring.test_figures import (
    OPERATIONS,
    _apply,
    _world,
    assert_regional_equal_live,
    scopes,
)

pytestmark = pytest.mark.django_db

# Days around the fixture's and the property test's events: pair starts and ends, P2's tenth
# birthday (15.02.2021), T4's 35th (01.02.2021), school years.
DAYS = (
    dt.date(2020, 8, 31),
    dt.date(2020, 9, 1),
    dt.date(2020, 10, 1),
    dt.date(2020, 10, 31),
    dt.date(2020, 11, 1),
    dt.date(2020, 12, 31),
    dt.date(2021, 1, 1),
    D,
    dt.date(2021, 2, 1),
    dt.date(2021, 2, 14),
    dt.date(2021, 2, 15),
    dt.date(2021, 2, 16),
    dt.date(2021, 6, 1),
    dt.date(2021, 6, 2),
    dt.date(2021, 9, 1),
    dt.date(2030, 1, 1),
)


def reads_registry(captured) -> bool:
    return any("registry_pairmentee" in q["sql"] for q in captured.captured_queries)


def assert_steps_equal_live(municipalities, days=DAYS):
    """Every scope the pages ask for, on every day, from the steps (no day is kept) equals the
    live count; so does the region's dashboard."""
    assert not figures.kept_days()
    for day in days:
        for scope in scopes(municipalities):
            assert indicators.compute(scope, day) == indicators.compute(scope, day, kept=False), (
                day,
                [s.pk for s in scope],
            )
        assert_regional_equal_live(municipalities, day)


def test_known_municipality_on_any_day_from_the_steps(known):
    municipality = known["a"].municipality
    figures.keep_steps([municipality.pk])
    assert StepsKept.objects.filter(municipality=municipality).exists()
    assert FiguresStep.objects.filter(municipality=municipality).exists()
    assert MunicipalStep.objects.filter(municipality=municipality).exists()
    for day in DAYS:
        with CaptureQueriesContext(connection) as captured:
            kept = indicators.compute(known["schools"], day)
        assert not reads_registry(captured), day
        assert kept == indicators.compute(known["schools"], day, kept=False), day
    # Hand counts (tests/monitoring/fixtures.py): on D 3 mentors, 8 mentees, 4 pairs; P2 turns
    # 10 on 15.02.2021; T4 is 35 from 01.02.2021.
    on = {day: indicators.compute(known["schools"], day).totals for day in DAYS}
    assert (on[D][C.MENTORS].numerator, on[D][C.MENTEES].numerator) == (3, 8)
    assert on[D][C.PAIRS].numerator == 4
    assert on[dt.date(2021, 2, 15)][C.PUPILS_10_PLUS].numerator == (
        on[dt.date(2021, 2, 14)][C.PUPILS_10_PLUS].numerator + 1
    )
    assert on[dt.date(2021, 2, 1)][C.YOUNG_TEACHERS].numerator == (
        on[D][C.YOUNG_TEACHERS].numerator - 1
    )
    one = indicators.compute([known["a"]], D)
    assert one == indicators.compute([known["a"]], D, kept=False)
    assert one.totals[C.MENTEES].numerator == 6
    assert_steps_equal_live([municipality])


def test_a_subset_of_schools_is_counted_live(known):
    figures.keep_steps([known["a"].municipality.pk])
    subset = [known["a"], known["b"]]
    with CaptureQueriesContext(connection) as captured:
        result = indicators.compute(subset, D)
    assert reads_registry(captured)
    assert result == indicators.compute(subset, D, kept=False)


def test_a_write_makes_the_steps_stale_until_recounted(known):
    """In the writing transaction the municipality is counted live (its steps wait for the
    commit); recounted, the steps are read again and equal the live count."""
    municipality = known["a"].municipality
    figures.keep_steps([municipality.pk])
    pair = Pair.objects.filter(programme__school=known["b"], status="active").get()
    Pair.objects.filter(pk=pair.pk).update(status="planned")
    assert StepsDue.objects.filter(municipality_id=municipality.pk).exists()
    with CaptureQueriesContext(connection) as captured:
        stale = indicators.compute(known["schools"], D)
    assert reads_registry(captured)
    assert (stale.totals[C.MENTEES].numerator, stale.totals[C.PAIRS].numerator) == (7, 3)
    figures.settle()
    assert not StepsDue.objects.exists()
    with CaptureQueriesContext(connection) as captured:
        recounted = indicators.compute(known["schools"], D)
    assert not reads_registry(captured)
    assert recounted == stale
    assert_steps_equal_live([municipality])


@pytest.mark.django_db(transaction=True)
def test_the_steps_are_recounted_when_the_writing_transaction_commits(known):
    municipality = known["a"].municipality
    figures.keep_steps([municipality.pk])
    before = indicators.compute(known["schools"], D)
    with transaction.atomic():
        pair = Pair.objects.filter(programme__school=known["b"], status="active").get()
        pair.status = "planned"
        pair.save()
        Pair.objects.filter(pk=pair.pk).update(ends_on=dt.date(2021, 5, 31))  # a second write
    assert not StepsDue.objects.exists()  # recounted once, at the commit
    with CaptureQueriesContext(connection) as captured:
        after = indicators.compute(known["schools"], D)
    assert not reads_registry(captured)
    assert after.totals[C.PAIRS].numerator == before.totals[C.PAIRS].numerator - 1
    assert after == indicators.compute(known["schools"], D, kept=False)


@pytest.mark.django_db(transaction=True)
def test_every_municipality_a_transaction_touched_is_recounted_at_its_commit(forms):
    form = forms["учитель – ученик"]
    munis, schools, *_rest = _world(form)
    figures.keep_steps([m.pk for m in munis])
    with transaction.atomic():  # the second municipality first, then the first
        for school in (schools[3], schools[0]):
            Pair.objects.filter(programme__school=school).update(status="planned")
    assert not StepsDue.objects.exists()
    for municipality in munis:
        active = list(School.objects.filter(municipality=municipality, is_active=True))
        with CaptureQueriesContext(connection) as captured:
            result = indicators.compute(active, D)
        assert not reads_registry(captured)
        assert result == indicators.compute(active, D, kept=False)
        assert result.totals[C.PAIRS].numerator == 1  # one school's pair left


def test_a_rolled_back_write_leaves_the_steps_as_they_were(known):
    municipality = known["a"].municipality
    figures.keep_steps([municipality.pk])
    steps = list(FiguresStep.objects.values_list("level", "school_id", "form_id", "starts_on"))
    with transaction.atomic():
        Pair.objects.filter(programme__school=known["b"]).update(status="planned")
        transaction.set_rollback(True)
    assert not StepsDue.objects.exists()
    assert steps == list(
        FiguresStep.objects.values_list("level", "school_id", "form_id", "starts_on")
    )


def test_region_dashboard_on_a_day_not_kept_reads_the_steps(known):
    other = MunicipalityFactory()
    school = SchoolFactory(municipality=other)
    municipality = known["a"].municipality
    figures.keep_steps([municipality.pk, other.pk])
    ids = [municipality.pk, other.pk]
    for day in (D, dt.date(2021, 2, 15), dt.date(2021, 3, 1)):
        with CaptureQueriesContext(connection) as captured:
            board = dashboard.build_regional(municipality_ids=ids, day=day, compare=C.MENTORS)
        assert board is not None
        assert not reads_registry(captured)
        assert_regional_equal_live([municipality, other], day)
    assert school in board.without_counts  # no counts for the year


def test_region_dashboard_counts_school_by_school_when_a_municipality_keeps_no_steps(known):
    other = MunicipalityFactory()
    SchoolFactory(municipality=other)
    figures.keep_steps([known["a"].municipality.pk])  # the other keeps nothing
    ids = [known["a"].municipality.pk, other.pk]
    assert dashboard.build_regional(municipality_ids=ids, day=D) is None


def test_refresh_figures_keeps_steps_once_and_recounts_them_when_asked(known):
    municipality = known["a"].municipality
    out = io.StringIO()
    call_command("refresh_figures", stdout=out)
    assert StepsKept.objects.filter(municipality=municipality).exists()
    assert "на любой день сохранены: муниципалитетов" in out.getvalue()
    steps = FiguresStep.objects.filter(municipality=municipality)
    count = steps.count()
    steps.filter(pk=steps.order_by("pk")[0].pk).delete()  # behind the triggers' back
    out = io.StringIO()
    call_command("refresh_figures", stdout=out)
    assert "на любой день" not in out.getvalue()  # kept: the triggers keep them current
    assert steps.count() == count - 1
    call_command("refresh_figures", "--recount-steps", stdout=io.StringIO())
    assert steps.count() == count
    figures.forget(before=dt.date(2100, 1, 1))  # the days kept: what is left is the steps
    assert_steps_equal_live([municipality], days=(D, dt.date(2021, 2, 15)))
    assert figures.forget_steps() == 1
    assert not FiguresStep.objects.exists() and not MunicipalStep.objects.exists()


# --- birthdays and pairs on any dates ------------------------------------------------------------

BIRTHS = st.one_of(
    st.dates(dt.date(2008, 1, 1), dt.date(2016, 12, 31)),  # pupils turning 10 in 2018–2026
    st.dates(dt.date(1984, 1, 1), dt.date(1992, 12, 31)),  # teachers turning 35 in 2019–2027
    st.sampled_from([dt.date(2008, 2, 29), dt.date(2012, 2, 29), dt.date(1988, 2, 29)]),
)
SPANS = st.tuples(
    st.dates(dt.date(2018, 1, 1), dt.date(2027, 12, 31)),
    st.one_of(st.none(), st.integers(0, 1500)),  # days until the end, or none
)


def _edges(day: dt.date) -> list[dt.date]:
    return [day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)]


def _anniversary(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return dt.date(born.year + years, 3, 1)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(
        st.tuples(BIRTHS, st.sampled_from(["pupil", "teacher"]), st.sampled_from([None, 2, 5])),
        min_size=1,
        max_size=5,
    ),
    pairs=st.lists(
        st.tuples(
            SPANS,
            st.integers(0, 1),  # mentor
            st.integers(0, 1),  # programme (school)
            st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True),
            st.sampled_from(["active", "completed", "planned"]),
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_steps_equal_the_live_count_on_every_edge_day(forms, people, pairs):
    """Around every start, end, 10th and 35th birthday (and 1 September), each scope's figures
    from the steps equal the live count."""
    with transaction.atomic():
        municipality = MunicipalityFactory()
        schools = [SchoolFactory(municipality=municipality) for _ in range(2)]
        form = forms["учитель – ученик"]
        programmes = [
            Programme.objects.create(
                school=school,
                form=form,
                title=f"Программа {n}",
                starts_on=dt.date(2018, 9, 1),
                ends_on=dt.date(2028, 8, 31),
                review_status="approved",
                reviewed_on=dt.date(2020, 5, 5) if n else None,
            )
            for n, school in enumerate(schools)
        ]
        SchoolYearStats.objects.create(
            school=schools[0],
            school_year_start=2021,
            pupils_total=100,
            pupils_10_plus=50,
            teachers_total=10,
            young_teachers=3,
        )
        mentors = [
            Mentor.objects.create(
                municipality=municipality,
                last_name=f"Наставник{n}",
                first_name="Н",
                birth_date=dt.date(1970, 1, 1),
                kind="teacher",
            )
            for n in range(2)
        ]
        mentees = [
            Mentee.objects.create(
                municipality=municipality,
                school=schools[n % 2],
                last_name=f"Наставляемый{n}",
                first_name="Н",
                birth_date=born,
                kind=kind,
                experience_years=experience,
            )
            for n, (born, kind, experience) in enumerate(people)
        ]
        days = {dt.date(y, 9, 1) for y in range(2018, 2029)}
        for born, _kind, _experience in people:
            days.update(_edges(_anniversary(born, 10)) + _edges(_anniversary(born, 35)))
        for (starts, length), mentor, programme, members, status in pairs:
            ends = None if length is None else starts + dt.timedelta(days=length)
            pair = Pair.objects.create(
                programme=programmes[programme],
                mentor=mentors[mentor],
                starts_on=starts,
                ends_on=ends,
                status=status,
            )
            PairMentee.objects.bulk_create(
                PairMentee(pair=pair, mentee=mentees[i % len(mentees)], form=form)
                for i in set(members)
                if i < len(mentees)
            )
            days.update(_edges(starts) + (_edges(ends) if ends else []))
        figures.keep_steps([municipality.pk])
        assert_steps_equal_live([municipality], days=sorted(days))
        transaction.set_rollback(True)


# --- any sequence of writes ----------------------------------------------------------------------


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_steps_equal_the_live_count_after_any_writes(forms, operations):
    form = forms["учитель – ученик"]
    operations = [op for op in operations if op[0] != "keep"]  # days kept: test_figures.py
    with transaction.atomic():
        munis, schools, mentors, mentees, programmes = _world(form)
        figures.keep_steps([munis[0].pk])  # one municipality keeps steps, the other is live
        for operation in operations:
            _apply(operation, munis, schools, mentors, mentees, programmes, forms)
            # Stale until recounted: counted live meanwhile.
            assert_steps_equal_live(munis, days=[D])
            figures.settle()
            assert_steps_equal_live(munis, days=DAYS[2::5])
        figures.keep_steps([munis[1].pk])
        School.objects.update(is_active=True)
        figures.settle()
        assert dashboard.build_regional(municipality_ids=[m.pk for m in munis], day=DAYS[9])
        assert_steps_equal_live(munis)
        transaction.set_rollback(True)
