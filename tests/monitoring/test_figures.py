"""The figures kept by day (monitoring/figures.py, migration 0004): equal to the live count
after any writes, read instead of it, and kept by ``manage.py refresh_figures``."""

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
from monitoring.models import FiguresDay, FiguresKept
from monitoring.models import IndicatorCode as C
from registry.models import Mentee, Mentor, Pair, PairMentee, Programme, SchoolYearStats
from tests.factories import MunicipalityFactory, SchoolFactory
from tests.monitoring.fixtures import D

pytestmark = pytest.mark.django_db

DAYS = (dt.date(2021, 1, 31), dt.date(2021, 2, 15), dt.date(2021, 6, 1))


def scopes(municipalities):
    """What the pages ask for: a municipality's active schools, one school, the region."""
    active = [list(School.objects.filter(municipality=m, is_active=True)) for m in municipalities]
    result = [schools for schools in active if schools]
    result += [[s] for schools in active for s in schools]
    everything = [s for schools in active for s in schools]
    if everything:
        result.append(everything)
    return result


def assert_kept_equal_live(municipalities, days=DAYS):
    for day in days:
        for scope in scopes(municipalities):
            assert indicators.compute(scope, day) == indicators.compute(scope, day, kept=False)
        assert_regional_equal_live(municipalities, day)


def assert_regional_equal_live(municipalities, day):
    """The region's dashboard from the sums kept by municipality equals the one built school
    by school, when the day is kept for every municipality."""
    schools = list(School.objects.filter(municipality__in=municipalities, is_active=True))
    ids = sorted({s.municipality_id for s in schools})  # as the page lists them
    if len(ids) < 2:  # one municipality's dashboard compares its schools
        return
    board = dashboard.build_regional(municipality_ids=ids, day=day, compare=C.MENTORS)
    if board is None:
        return
    live = dashboard.build(schools=schools, day=day, compare=C.MENTORS)
    assert board.figures.totals == live.figures.totals
    assert board.figures.by_form == live.figures.by_form
    assert board.without_counts == live.without_counts
    assert {r.name: r.figures for r in board.comparison} == {
        r.name: r.figures for r in live.comparison
    }


def test_known_municipality_read_from_the_kept_rows(known):
    municipality = known["a"].municipality
    live = indicators.compute(known["schools"], D, kept=False)
    figures.keep([municipality.pk], D)
    assert FiguresKept.objects.filter(municipality=municipality, day=D).exists()
    total = FiguresDay.objects.get(municipality=municipality, day=D, level=3)
    # Hand counts (tests/monitoring/fixtures.py): 3 mentors (M1 once), 8 mentees, 4 pairs.
    assert (total.mentors, total.mentees, total.pairs) == (3, 8, 4)
    with CaptureQueriesContext(connection) as captured:
        kept = indicators.compute(known["schools"], D)
    assert kept == live
    assert not any("registry_pairmentee" in q["sql"] for q in captured.captured_queries)
    one = indicators.compute([known["a"]], D)
    assert one == indicators.compute([known["a"]], D, kept=False)
    assert one.totals[C.MENTEES].numerator == 6


def test_a_day_not_kept_is_counted_live(known):
    figures.keep([known["a"].municipality.pk], D)
    other = D + dt.timedelta(days=1)
    with CaptureQueriesContext(connection) as captured:
        result = indicators.compute(known["schools"], other)
    assert any("registry_pairmentee" in q["sql"] for q in captured.captured_queries)
    assert result == indicators.compute(known["schools"], other, kept=False)


def test_a_write_recounts_the_kept_day_in_its_transaction(known):
    municipality = known["a"].municipality
    figures.keep([municipality.pk], D)
    pair = Pair.objects.filter(programme__school=known["b"], status="active").get()
    with transaction.atomic():
        Pair.objects.filter(pk=pair.pk).update(status="planned")
        total = FiguresDay.objects.get(municipality=municipality, day=D, level=3)
        assert (total.mentees, total.pairs) == (7, 3)  # Q1's pair no longer counts
    assert_kept_equal_live([municipality], days=[D])


def test_a_subset_of_schools_is_counted_live(known):
    figures.keep([known["a"].municipality.pk], D)
    subset = [known["a"], known["b"]]  # not the whole municipality, not one school
    assert indicators.compute(subset, D) == indicators.compute(subset, D, kept=False)


def test_refresh_figures_command_keeps_today_and_the_days_asked(known):
    municipality = known["a"].municipality
    old = dt.date(2020, 1, 1)
    figures.keep([municipality.pk], old)
    out = io.StringIO()
    call_command("refresh_figures", "--on", "31.01.2021", stdout=out)
    days = set(FiguresKept.objects.filter(municipality=municipality).values_list("day", flat=True))
    assert D in days and old not in days
    assert "31.01.2021" in out.getvalue()
    assert_kept_equal_live([municipality], days=[D])


def test_refresh_figures_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"ДД\.ММ\.ГГГГ"):
        call_command("refresh_figures", "--on", "2021-01-31", stdout=io.StringIO())


# --- any sequence of writes ----------------------------------------------------------------------

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("pair"),
            st.integers(0, 3),  # programme
            st.integers(0, 2),  # mentor
            st.lists(st.integers(0, 7), min_size=1, max_size=3, unique=True),  # mentees
            st.sampled_from((*DAYS, dt.date(2020, 10, 1))),  # starts
            st.sampled_from(["planned", "active", "completed", "terminated"]),
            st.one_of(st.none(), st.sampled_from(DAYS)),  # ends
        ),
        st.tuples(st.just("status"), st.integers(0, 9), st.sampled_from(["active", "planned"])),
        st.tuples(st.just("end"), st.integers(0, 9), st.one_of(st.none(), st.sampled_from(DAYS))),
        st.tuples(st.just("drop_pair"), st.integers(0, 9)),
        st.tuples(st.just("drop_member"), st.integers(0, 19)),
        st.tuples(
            st.just("person"),
            st.integers(0, 7),
            st.sampled_from(["pupil", "teacher"]),
            st.sampled_from([dt.date(2011, 2, 15), dt.date(2005, 1, 1), dt.date(1986, 2, 1)]),
            st.one_of(st.none(), st.integers(0, 6)),
        ),
        st.tuples(st.just("school"), st.integers(0, 3), st.booleans()),
        st.tuples(st.just("move_programme"), st.integers(0, 3)),
        st.tuples(st.just("keep"), st.sampled_from(DAYS)),
        st.tuples(st.just("stats"), st.integers(0, 3), st.one_of(st.none(), st.integers(0, 9))),
        st.tuples(
            st.just("approve"),
            st.integers(0, 3),
            st.sampled_from(["approved", "not_sent"]),
            st.one_of(st.none(), st.sampled_from(DAYS)),
        ),
    ),
    max_size=8,
)


def _world(form):
    munis = [MunicipalityFactory(), MunicipalityFactory()]
    schools = [SchoolFactory(municipality=m) for m in munis for _ in range(2)]
    mentors = [
        Mentor.objects.create(
            municipality=munis[i % 2],
            last_name=f"Наставник{i}",
            first_name="Н",
            birth_date=dt.date(1980, 1, 1),
            kind="teacher",
        )
        for i in range(3)
    ]
    mentees = [
        Mentee.objects.create(
            municipality=schools[i % 4].municipality,
            school=schools[i % 4],
            last_name=f"Наставляемый{i}",
            first_name="Н",
            birth_date=dt.date(2009, 1, 1),
            kind="pupil",
        )
        for i in range(8)
    ]
    programmes = [
        Programme.objects.create(
            school=school,
            form=form,
            title=f"Программа {n}",
            starts_on=dt.date(2020, 9, 1),
            ends_on=dt.date(2021, 8, 31),
        )
        for n, school in enumerate(schools)
    ]
    # A pair counting on every day in each school, so that most writes change a kept figure.
    for n, programme in enumerate(programmes):
        pair = Pair.objects.create(
            programme=programme,
            mentor=mentors[0] if n < 2 else mentors[1],
            starts_on=dt.date(2020, 10, 1),
            status="active",
        )
        PairMentee.objects.bulk_create(
            PairMentee(pair=pair, mentee=mentee, form=form)
            for mentee in mentees
            if mentee.school_id == programme.school_id
        )
    return munis, schools, mentors, mentees, programmes


def _apply(operation, munis, schools, mentors, mentees, programmes, forms):
    kind, *args = operation
    pairs = list(Pair.objects.order_by("pk"))
    if kind == "pair":
        programme_index, mentor_index, mentee_indexes, starts, status, ends = args
        programme = programmes[programme_index]
        if mentors[mentor_index].municipality_id != programme.school.municipality_id:
            mentor_index = (mentor_index + 1) % len(mentors)  # a mentor of the same municipality
        if mentors[mentor_index].municipality_id != programme.school.municipality_id:
            return
        pair = Pair.objects.create(
            programme=programme,
            mentor=mentors[mentor_index],
            starts_on=starts,
            ends_on=ends if ends is None or ends >= starts else None,
            status=status,
            termination_reason="причина" if status == "terminated" else "",
        )
        PairMentee.objects.bulk_create(
            PairMentee(pair=pair, mentee=mentees[i], form=programme.form)
            for i in mentee_indexes
            if mentees[i].municipality_id == programme.school.municipality_id
        )
    elif kind == "status" and pairs:
        Pair.objects.filter(pk=pairs[args[0] % len(pairs)].pk).update(status=args[1])
    elif kind == "end" and pairs:
        pair = pairs[args[0] % len(pairs)]
        ends = args[1]
        if ends is None or ends >= pair.starts_on:
            pair.ends_on = ends
            pair.save()
    elif kind == "drop_pair" and pairs:
        pairs[args[0] % len(pairs)].delete()
    elif kind == "drop_member":
        members = list(PairMentee.objects.order_by("pk"))
        if members:
            members[args[0] % len(members)].delete()
    elif kind == "person":
        index, person_kind, born, experience = args
        Mentee.objects.filter(pk=mentees[index].pk).update(
            kind=person_kind, birth_date=born, experience_years=experience
        )
    elif kind == "school":
        School.objects.filter(pk=schools[args[0]].pk).update(is_active=args[1])
    elif kind == "move_programme":
        programme = programmes[args[0]]
        sibling = next(
            s
            for s in schools
            if s.municipality_id == programme.school.municipality_id and s.pk != programme.school_id
        )
        Programme.objects.filter(pk=programme.pk).update(school=sibling)
        programme.refresh_from_db()
    elif kind == "keep":
        figures.keep([m.pk for m in munis], args[0])
    elif kind == "stats":
        school, pupils = schools[args[0]], args[1]
        if pupils is None:
            SchoolYearStats.objects.filter(school=school).delete()
        else:
            SchoolYearStats.objects.update_or_create(
                school=school,
                school_year_start=2020,
                defaults={
                    "pupils_total": 20,
                    "pupils_10_plus": pupils,
                    "teachers_total": 10,
                    "young_teachers": pupils // 2,
                },
            )
    elif kind == "approve":
        Programme.objects.filter(pk=programmes[args[0]].pk).update(
            review_status=args[1], reviewed_on=args[2]
        )


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS, first_kept=st.sampled_from(DAYS))
def test_kept_figures_equal_the_live_count_after_any_writes(forms, operations, first_kept):
    form = forms["учитель – ученик"]
    with transaction.atomic():
        munis, schools, mentors, mentees, programmes = _world(form)
        figures.keep([munis[0].pk], first_kept)  # one municipality kept, the other live
        for operation in operations:
            _apply(operation, munis, schools, mentors, mentees, programmes, forms)
            # After each write: a later write could recount and hide a missed one.
            assert_kept_equal_live(munis, days=figures.kept_days())
        assert_kept_equal_live(munis)
        figures.keep([m.pk for m in munis], DAYS[0])  # the region's sums, at least once
        School.objects.update(is_active=True)
        assert dashboard.build_regional(municipality_ids=[m.pk for m in munis], day=DAYS[0])
        assert_regional_equal_live(munis, DAYS[0])
        transaction.set_rollback(True)


# --- the records behind a figure ----------------------------------------------------------------


def test_mentees_list_takes_its_count_from_the_kept_figure(client, known, staff, forms):
    from django.urls import reverse

    figures.keep([known["a"].municipality.pk], D)
    client.force_login(staff)
    url = reverse("monitoring:records", args=["mentees"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"on": "31.01.2021"})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.total.count == 8 == len(page.object_list)
    assert page.total.exact
    assert not any(
        q["sql"].startswith("SELECT COUNT(*)") and '"registry_mentee"' in q["sql"]
        for q in captured.captured_queries
    )
    form = forms["учитель – учитель"]
    response = client.get(url, {"on": "31.01.2021", "form": form.pk})
    assert response.context["page"].total.count == 4  # T1–T4
    assert len(response.context["page"].object_list) == 4
