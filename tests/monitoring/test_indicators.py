"""Each indicator's numerator and denominator on known data (tests/monitoring/conftest.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitoring import indicators, selectors
from monitoring.indicators import Figure
from monitoring.models import IndicatorCode as C
from roadmap.models import Execution, Measure
from tests.monitoring.fixtures import D, make_pair

pytestmark = pytest.mark.django_db


def test_counts_by_school_and_in_total(known):
    figures = indicators.compute(known["schools"], D)
    a, b, c = (figures.by_school[known[k].pk] for k in "abc")
    assert (a[C.MENTORS].numerator, a[C.MENTEES].numerator, a[C.PAIRS].numerator) == (2, 6, 2)
    assert (b[C.MENTORS].numerator, b[C.MENTEES].numerator, b[C.PAIRS].numerator) == (1, 1, 1)
    assert (c[C.MENTORS].numerator, c[C.MENTEES].numerator, c[C.PAIRS].numerator) == (1, 1, 1)
    total = figures.totals
    # M1 works in A and B: counted in each school, once in the municipality.
    assert total[C.MENTORS].numerator == 3
    assert total[C.MENTEES].numerator == 8
    assert total[C.PAIRS].numerator == 4


def test_pupils_aged_ten_and_over(known):
    figures = indicators.compute(known["schools"], D)
    a = figures.by_school[known["a"].pk][C.PUPILS_10_PLUS]
    assert (a.numerator, a.denominator, a.value) == (1, 40, Decimal("2.5"))
    b = figures.by_school[known["b"].pk][C.PUPILS_10_PLUS]
    assert (b.numerator, b.denominator, b.value) == (1, 10, Decimal("10.0"))
    c = figures.by_school[known["c"].pk][C.PUPILS_10_PLUS]
    assert (c.numerator, c.denominator, c.value) == (1, None, None)
    total = figures.totals[C.PUPILS_10_PLUS]
    assert (total.numerator, total.denominator, total.value) == (2, 50, Decimal("4.0"))
    assert figures.without_counts == [known["c"].pk]


def test_pupil_counts_from_their_tenth_birthday(known):
    # P2 turns 10 on 15.02.2021; P5's pair starts on 01.02.2021.
    on_birthday = indicators.compute([known["a"]], dt.date(2021, 2, 15))
    assert on_birthday.by_school[known["a"].pk][C.PUPILS_10_PLUS].numerator == 3
    day_before = indicators.compute([known["a"]], dt.date(2021, 2, 14))
    assert day_before.by_school[known["a"].pk][C.PUPILS_10_PLUS].numerator == 2


def test_young_teachers(known):
    figures = indicators.compute(known["schools"], D)
    a = figures.by_school[known["a"].pk][C.YOUNG_TEACHERS]
    assert (a.numerator, a.denominator, a.value) == (2, 4, Decimal("50.0"))
    b = figures.by_school[known["b"].pk][C.YOUNG_TEACHERS]
    assert (b.numerator, b.denominator, b.value) == (0, 0, None)
    # T4 (born 01.02.1986) turns 35 on 01.02.2021 and is no longer young.
    later = indicators.compute([known["a"]], dt.date(2021, 2, 1))
    assert later.by_school[known["a"].pk][C.YOUNG_TEACHERS].numerator == 1


def test_denominators_are_the_school_year_of_the_day(known):
    # 01.09.2021 starts the school year 2021–2022, for which no counts were given.
    figures = indicators.compute(known["schools"], dt.date(2021, 9, 1))
    assert figures.school_year_start == 2021
    assert figures.totals[C.PUPILS_10_PLUS].denominator is None
    assert indicators.school_year_of(dt.date(2021, 8, 31)) == 2020


def test_approved_programmes(known):
    figures = indicators.compute(known["schools"], D)
    total = figures.totals[C.APPROVED_PROGRAMME]
    assert (total.numerator, total.denominator) == (1, 3)
    assert total.value == Decimal("33.3")
    after_b = indicators.compute(known["schools"], dt.date(2021, 3, 1)).totals
    assert after_b[C.APPROVED_PROGRAMME].numerator == 2


def test_measures_on_time(known, roadmap):
    """Each school's own executions due by the day; the figure of several schools is the sum
    of theirs (the department's own executions are not a school's measures)."""
    due = list(
        Measure.objects.filter(section__roadmap=roadmap, due_on__lte=D)
        .exclude(deadline_kind__in=indicators.UNDATED_KINDS)
        .filter(executions__school=known["a"])
        .order_by("number_key")
    )
    assert len(due) >= 3
    on_time, late = due[0], due[1]
    Execution.objects.filter(measure=on_time).update(status="accepted", completed_on=on_time.due_on)
    Execution.objects.filter(measure=late).update(status="accepted", completed_on=late.due_on)
    Execution.objects.filter(measure=late, school=known["a"]).update(
        completed_on=late.due_on + dt.timedelta(days=1)
    )
    owed_a = Execution.objects.filter(measure__in=due, school=known["a"]).count()
    owed_b = Execution.objects.filter(measure__in=due, school=known["b"]).count()
    assert owed_a == len(due)

    figures = indicators.compute(known["schools"], D)
    school_a = figures.by_school[known["a"].pk][C.MEASURES_ON_TIME]
    school_b = figures.by_school[known["b"].pk][C.MEASURES_ON_TIME]
    school_c = figures.by_school[known["c"].pk][C.MEASURES_ON_TIME]
    assert (school_a.numerator, school_a.denominator) == (1, owed_a)  # «late» was a day late
    assert (school_b.numerator, school_b.denominator) == (2, owed_b)
    assert (school_c.numerator, school_c.denominator) == (0, 0)  # not taking part
    total = figures.totals[C.MEASURES_ON_TIME]
    assert (total.numerator, total.denominator) == (3, owed_a + owed_b)
    # One school alone has the same figure as in a table of all of them.
    alone = indicators.compute([known["a"]], D)
    assert alone.totals[C.MEASURES_ON_TIME] == school_a
    # Before the roadmap began there is nothing due.
    assert (
        indicators.compute(known["schools"], dt.date(2020, 9, 1))
        .totals[C.MEASURES_ON_TIME]
        .denominator
        == 0
    )


def test_records_behind_each_figure_match_the_numerators(known):
    figures = indicators.compute(known["schools"], D)
    for code in indicators.ORDER:
        if code == C.MEASURES_ON_TIME:
            continue
        found = selectors.records(code, schools=known["schools"], day=D)
        assert found.count() == figures.totals[code].numerator, code
    only_a = selectors.records(C.MENTEES, schools=[known["a"]], day=D)
    assert {m.school_id for m in only_a} == {known["a"].pk}
    names = set(
        selectors.records(C.PUPILS_10_PLUS, schools=known["schools"], day=D).values_list(
            "last_name", flat=True
        )
    )
    # School C gave no counts for the year: its pupil is not in the share.
    assert names == {"Пэ-один", "Ку-один"}


def test_a_form_filter_narrows_the_records(known, forms):
    teachers = selectors.records(
        C.MENTEES, schools=known["schools"], day=D, form_id=forms["учитель – учитель"].pk
    )
    assert teachers.count() == 4
    figures = indicators.compute(known["schools"], D)
    by_name = {f.name: f for f in figures.by_form}
    assert (by_name["учитель – учитель"].mentees, by_name["учитель – ученик"].mentees) == (4, 4)
    assert by_name["учитель – ученик"].pairs == 3


def test_query_count_does_not_grow_with_schools(known, forms, django_assert_max_num_queries):
    # 7 on a day not kept: the kept figures are looked up first (tests/monitoring/test_figures.py)
    with django_assert_max_num_queries(7):
        small = indicators.compute(known["schools"], D)
    from registry.models import Mentee, Programme
    from tests.factories import SchoolFactory

    more = [SchoolFactory(municipality=known["municipality"]) for _ in range(12)]
    for n, school in enumerate(more):
        programme = Programme.objects.create(
            school=school,
            form=forms["учитель – ученик"],
            title="Программа",
            starts_on=dt.date(2020, 9, 1),
            ends_on=dt.date(2021, 8, 31),
        )
        pupil = Mentee.objects.create(
            municipality=school.municipality,
            school=school,
            last_name=f"Доп{n}",
            first_name="Тест",
            birth_date=dt.date(2009, 1, 1),
        )
        make_pair(programme, known["m1"], [pupil], starts_on=dt.date(2020, 11, 1))
    with django_assert_max_num_queries(7):
        large = indicators.compute(known["schools"] + more, D)
    assert large.totals[C.MENTEES].numerator == small.totals[C.MENTEES].numerator + 12


# --- targets -----------------------------------------------------------------------------------


def test_target_of_the_year_else_the_next_one_else_the_last():
    targets = {2022: Decimal("30"), 2024: Decimal("70")}
    assert indicators.target_in_force(targets, 2021) == (2022, Decimal("30"))
    assert indicators.target_in_force(targets, 2023) == (2024, Decimal("70"))
    assert indicators.target_in_force(targets, 2024) == (2024, Decimal("70"))
    assert indicators.target_in_force(targets, 2026) == (2024, Decimal("70"))
    assert indicators.target_in_force({}, 2026) is None


def test_gap_in_people_and_colour():
    figure = Figure(C.PUPILS_10_PLUS, 2, 50)  # 4 %
    behind = indicators.assess(figure, {2024: Decimal("70")}, D)
    assert (behind.target, behind.target_year, behind.status) == (Decimal("70"), 2024, "behind")
    assert behind.gap == 33  # 70 % of 50 is 35 people; 2 are in
    close = indicators.assess(Figure(C.PUPILS_10_PLUS, 30, 50), {2021: Decimal("70")}, D)
    assert (close.status, close.gap) == ("close", 5)
    met = indicators.assess(Figure(C.PUPILS_10_PLUS, 35, 50), {2021: Decimal("70")}, D)
    assert (met.status, met.gap, met.css) == ("met", 0, "success")
    count = indicators.assess(Figure(C.MENTORS, 12), {2021: Decimal("20")}, D)
    assert (count.status, count.gap) == ("behind", 8)
    none = indicators.assess(figure, {}, D)
    assert (none.status, none.gap) == ("none", None)


def test_a_municipal_count_target_is_not_a_schools_target():
    # «цель 40» mentors is the municipality's: one school with 6 mentors is not «34 short».
    mentors = indicators.assess(Figure(C.MENTORS, 6), {2021: Decimal("40")}, D, school_level=True)
    assert (mentors.target, mentors.status, mentors.gap) == (None, "none", None)
    assert mentors.status_label == "цель задана для муниципалитета, не для ОО"
    # A share means the same for a school and may be compared with the municipality's target.
    pupils = indicators.assess(
        Figure(C.PUPILS_10_PLUS, 2, 50), {2021: Decimal("10")}, D, school_level=True
    )
    assert (pupils.target, pupils.status, pupils.gap) == (Decimal("10"), "behind", 3)
    assert pupils.target_label == "цель муниципалитета"
    municipal = indicators.assess(Figure(C.MENTORS, 6), {2021: Decimal("40")}, D)
    assert (municipal.status, municipal.gap, municipal.target_label) == ("behind", 34, "цель")


@given(
    numerator=st.integers(0, 10_000),
    denominator=st.integers(1, 10_000),
    target=st.decimals(0, 100, places=1),
)
def test_gap_closes_exactly_at_the_target(numerator, denominator, target):
    numerator = min(numerator, denominator)
    assessment = indicators.assess(
        Figure(C.PUPILS_10_PLUS, numerator, denominator), {2021: target}, D
    )
    assert assessment.gap >= 0
    # With `gap` more people the share reaches the target; with one fewer it would not.
    assert Decimal(numerator + assessment.gap) * 100 / denominator >= target
    if assessment.gap:
        assert Decimal(numerator + assessment.gap - 1) * 100 / denominator < target


@given(day=st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)))
def test_school_year_contains_the_day(day):
    start = indicators.school_year_of(day)
    assert dt.date(start, 9, 1) <= day <= dt.date(start + 1, 8, 31)
    assert indicators.years_before(day, 10).year == day.year - 10


def test_dashboard_figures_are_reused_for_the_cache_time(
    known, settings, django_assert_num_queries
):
    from django.core.cache import cache

    from monitoring.dashboard import cached_figures

    settings.MONITORING_CACHE_SECONDS = 60
    cache.clear()
    first = cached_figures(known["schools"], D)
    with django_assert_num_queries(0):
        again = cached_figures(known["schools"], D)
    assert again.totals[C.MENTEES] == first.totals[C.MENTEES]
    with django_assert_num_queries(7):  # another set of schools is counted afresh
        cached_figures(known["schools"][:2], D)
    settings.MONITORING_CACHE_SECONDS = 0
    with django_assert_num_queries(7):
        cached_figures(known["schools"], D)
    cache.clear()
