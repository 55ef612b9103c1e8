"""Tests for roadmap.deadlines: real phrases from the roadmap tables plus property checks."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.deadlines import (
    DEFAULT_CALENDAR,
    KINDS,
    RECURRENCES,
    Deadline,
    SchoolCalendar,
    format_deadline,
    parse_deadline,
    school_year_bounds,
)

D = date
S = 2020

# (text, kind, starts_on, due_on), all read with school_year_start=2020.
PHRASES = [
    # seed phrases taken from the department's tables
    ("октябрь\n2020года", "month", D(2020, 10, 1), D(2020, 10, 31)),
    ("октябрь\n2020 года", "month", D(2020, 10, 1), D(2020, 10, 31)),
    ("октябрь- ноябрь \n2020 года", "range", D(2020, 10, 1), D(2020, 11, 30)),
    ("октябрь, ноябрь \n2020 года", "months", D(2020, 10, 1), D(2020, 11, 30)),
    ("ноябрь\n2020 года", "month", D(2020, 11, 1), D(2020, 11, 30)),
    ("апрель - май\n2021 года", "range", D(2021, 4, 1), D(2021, 5, 31)),
    ("ноябрь -апрель\n2020 года", "range", D(2020, 11, 1), D(2021, 4, 30)),
    ("в течение всего периода реализации ЦМН", "throughout", D(2020, 9, 1), D(2021, 5, 31)),
    ("в течение всего\nпериода \nреализации ЦМН", "throughout", D(2020, 9, 1), D(2021, 5, 31)),
    ("в соответствии с \nграфиком", "schedule", None, None),
    ("", "none", None, None),
    ("май \n2021 года", "month", D(2021, 5, 1), D(2021, 5, 31)),
    ("ноябрь, декабрь\n2020 года", "months", D(2020, 11, 1), D(2020, 12, 31)),
    ("декабрь\n2020 года", "month", D(2020, 12, 1), D(2020, 12, 31)),
    # date
    ("15.11.2020", "date", None, D(2020, 11, 15)),
    ("до 15.11.2020", "date", None, D(2020, 11, 15)),
    ("не позднее 15.11.2020", "date", None, D(2020, 11, 15)),
    ("до 15 ноября 2020 г.", "date", None, D(2020, 11, 15)),
    ("15 ноября 2020 года", "date", None, D(2020, 11, 15)),
    ("до 15 ноября", "date", None, D(2020, 11, 15)),
    ("до 15 марта", "date", None, D(2021, 3, 15)),
    ("до 15.11.20", "date", None, D(2020, 11, 15)),
    ("до конца 2020 года", "date", None, D(2020, 12, 31)),
    ("до конца ноября 2020 года", "date", None, D(2020, 11, 30)),
    ("до конца февраля", "date", None, D(2021, 2, 28)),
    ("до 1 декабря", "date", None, D(2020, 12, 1)),
    ("до 15.11.2020г.", "date", None, D(2020, 11, 15)),
    ("Не позднее 1\u00a0декабря 2020\u00a0г.", "date", None, D(2020, 12, 1)),
    ("в срок до 20.12.2020", "date", None, D(2020, 12, 20)),
    ("к 01.09.2021", "date", None, D(2021, 9, 1)),
    ("до 15.11.2020 включительно", "date", None, D(2020, 11, 15)),
    ("до конца учебного года", "date", None, D(2021, 5, 31)),
    ("до конца I квартала 2021 года", "date", None, D(2021, 3, 31)),
    ("до конца года", "date", None, D(2020, 12, 31)),
    # month
    ("октябрь 2020 года", "month", D(2020, 10, 1), D(2020, 10, 31)),
    ("в октябре 2020 г.", "month", D(2020, 10, 1), D(2020, 10, 31)),
    ("ОКТЯБРЬ 2020г", "month", D(2020, 10, 1), D(2020, 10, 31)),
    ("октябрь", "month", D(2020, 10, 1), D(2020, 10, 31)),
    ("январь", "month", D(2021, 1, 1), D(2021, 1, 31)),
    ("август", "month", D(2021, 8, 1), D(2021, 8, 31)),
    ("в течение ноября 2020 года", "month", D(2020, 11, 1), D(2020, 11, 30)),
    ("в феврале 2024 года", "month", D(2024, 2, 1), D(2024, 2, 29)),
    ("во втором полугодии", "range", D(2021, 1, 1), D(2021, 5, 31)),
    ("нoябрь 2020 года", "month", D(2020, 11, 1), D(2020, 11, 30)),  # Latin «o»
    # months
    ("октябрь и ноябрь 2020 г.", "months", D(2020, 10, 1), D(2020, 11, 30)),
    ("сентябрь, октябрь, декабрь", "months", D(2020, 9, 1), D(2020, 12, 31)),
    ("ноябрь, декабрь, январь 2020 года", "months", D(2020, 11, 1), D(2021, 1, 31)),
    ("в октябре и ноябре", "months", D(2020, 10, 1), D(2020, 11, 30)),
    ("декабрь, январь", "months", D(2020, 12, 1), D(2021, 1, 31)),
    ("март; апрель 2021 г.", "months", D(2021, 3, 1), D(2021, 4, 30)),
    # range of months or days
    ("октябрь-ноябрь", "range", D(2020, 10, 1), D(2020, 11, 30)),
    ("ноябрь 2020 – апрель 2021 года", "range", D(2020, 11, 1), D(2021, 4, 30)),
    ("ноябрь - апрель 2021 года", "range", D(2020, 11, 1), D(2021, 4, 30)),
    ("с ноября по апрель", "range", D(2020, 11, 1), D(2021, 4, 30)),
    ("с 01.11.2020 по 30.04.2021", "range", D(2020, 11, 1), D(2021, 4, 30)),
    ("01.11.2020 - 30.04.2021", "range", D(2020, 11, 1), D(2021, 4, 30)),
    ("01.11.2020—30.04.2021", "range", D(2020, 11, 1), D(2021, 4, 30)),
    ("с 1 ноября по 30 апреля 2021 г.", "range", D(2020, 11, 1), D(2021, 4, 30)),
    ("в период с 1 ноября по 30 апреля", "range", D(2020, 11, 1), D(2021, 4, 30)),
    ("с ноября 2020 года по апрель 2021 года", "range", D(2020, 11, 1), D(2021, 4, 30)),
    # quarters
    ("IV квартал 2020 года", "range", D(2020, 10, 1), D(2020, 12, 31)),
    ("I квартал 2021 г.", "range", D(2021, 1, 1), D(2021, 3, 31)),
    ("1 квартал 2021", "range", D(2021, 1, 1), D(2021, 3, 31)),
    ("1-й квартал", "range", D(2021, 1, 1), D(2021, 3, 31)),
    ("в IV квартале 2020 года", "range", D(2020, 10, 1), D(2020, 12, 31)),
    ("III-IV квартал 2021 года", "range", D(2021, 7, 1), D(2021, 12, 31)),
    ("IV квартал", "range", D(2020, 10, 1), D(2020, 12, 31)),
    ("в течение II квартала", "range", D(2021, 4, 1), D(2021, 6, 30)),
    ("в 3-м квартале 2021 г.", "range", D(2021, 7, 1), D(2021, 9, 30)),
    # half-years
    ("I полугодие 2020–2021 учебного года", "range", D(2020, 9, 1), D(2020, 12, 31)),
    ("II полугодие 2020-2021 учебного года", "range", D(2021, 1, 1), D(2021, 5, 31)),
    ("I полугодие 2021 года", "range", D(2021, 1, 1), D(2021, 6, 30)),
    ("II полугодие 2020 года", "range", D(2020, 7, 1), D(2020, 12, 31)),
    ("в первом полугодии", "range", D(2020, 9, 1), D(2020, 12, 31)),
    ("1-е полугодие 2021 г.", "range", D(2021, 1, 1), D(2021, 6, 30)),
    # school and calendar years
    ("в течение 2020–2021 учебного года", "range", D(2020, 9, 1), D(2021, 5, 31)),
    ("2020/2021 учебный год", "range", D(2020, 9, 1), D(2021, 5, 31)),
    ("в течение учебного года", "range", D(2020, 9, 1), D(2021, 5, 31)),
    ("в 2021/2022 учебном году", "range", D(2021, 9, 1), D(2022, 5, 31)),
    ("в течение года", "range", D(2020, 9, 1), D(2021, 5, 31)),
    ("в течение 2021 года", "range", D(2021, 1, 1), D(2021, 12, 31)),
    ("2021 год", "range", D(2021, 1, 1), D(2021, 12, 31)),
    ("в 2021 году", "range", D(2021, 1, 1), D(2021, 12, 31)),
    ("в течение всего 2021 года", "range", D(2021, 1, 1), D(2021, 12, 31)),
    ("2021-2022 гг.", "range", D(2021, 1, 1), D(2022, 12, 31)),
    # throughout (no period given: the school year)
    ("в течение всего периода", "throughout", D(2020, 9, 1), D(2021, 5, 31)),
    ("в течение всего периода реализации", "throughout", D(2020, 9, 1), D(2021, 5, 31)),
    ("весь период", "throughout", D(2020, 9, 1), D(2021, 5, 31)),
    ("Постоянно", "throughout", D(2020, 9, 1), D(2021, 5, 31)),
    ("в течение периода реализации программы", "throughout", D(2020, 9, 1), D(2021, 5, 31)),
    # schedule
    ("согласно графику", "schedule", None, None),
    ("по графику", "schedule", None, None),
    ("по отдельному графику", "schedule", None, None),
    ("в соответствии с планом", "schedule", None, None),
    ("по плану", "schedule", None, None),
    ("по мере необходимости", "schedule", None, None),
    ("по мере поступления", "schedule", None, None),
    # none
    ("   ", "none", None, None),
    ("\n\u00a0\t", "none", None, None),
    ("-", "none", None, None),
    ("—", "none", None, None),
    ("нет", "none", None, None),
    # unknown
    ("31.02.2020", "unknown", None, None),
    ("00.00.0000", "unknown", None, None),
    ("99999999 года", "unknown", None, None),
    ("ноябрь 1800 года", "unknown", None, None),
    ("до 15.11.1989", "unknown", None, None),
    ("до 29 февраля", "unknown", None, None),  # 2021 is not a leap year
    ("01.11.2020 - 30.04.2020", "unknown", None, None),
    ("ноябрь 2021 - апрель 2020", "unknown", None, None),
    ("V квартал 2020 года", "unknown", None, None),
    ("до ноября", "unknown", None, None),
    ("ноябрь 20", "unknown", None, None),
    ("абракадабра", "unknown", None, None),
    ("\x00\x01\x02", "none", None, None),
]


@pytest.mark.parametrize(("text", "kind", "starts_on", "due_on"), PHRASES)
def test_real_phrases(text, kind, starts_on, due_on):
    result = parse_deadline(text, S, today=D(2020, 11, 10))
    assert (result.kind, result.starts_on, result.due_on) == (kind, starts_on, due_on)
    assert result.text == text


def test_table_is_large_enough():
    assert len(PHRASES) >= 60


def test_wrapping_range_follows_the_school_year():
    result = parse_deadline("ноябрь -апрель 2020 года", 2019)
    assert (result.starts_on, result.due_on) == (D(2019, 11, 1), D(2020, 4, 30))


def test_school_year_bounds():
    assert school_year_bounds(2020) == (D(2020, 9, 1), D(2021, 5, 31))


@pytest.mark.parametrize("text", ["в течение всего периода реализации ЦМН", "весь период"])
def test_throughout_uses_period_when_given(text):
    period = (D(2020, 1, 15), D(2022, 12, 31))
    result = parse_deadline(text, S, period=period)
    assert (result.kind, result.starts_on, result.due_on) == ("throughout", *period)
    plain = parse_deadline(text, 2021)
    assert (plain.starts_on, plain.due_on) == school_year_bounds(2021)


@pytest.mark.parametrize(
    ("text", "today", "recurrence", "starts_on", "due_on"),
    [
        ("ежемесячно", D(2024, 2, 10), "month", D(2024, 2, 1), D(2024, 2, 29)),
        ("один раз в месяц", D(2023, 2, 28), "month", D(2023, 2, 1), D(2023, 2, 28)),
        ("ежемесячно", D(2021, 12, 31), "month", D(2021, 12, 1), D(2021, 12, 31)),
        ("ежеквартально", D(2021, 3, 31), "quarter", D(2021, 1, 1), D(2021, 3, 31)),
        ("1 раз в квартал", D(2021, 11, 15), "quarter", D(2021, 10, 1), D(2021, 12, 31)),
        ("ежеквартально", D(2021, 4, 1), "quarter", D(2021, 4, 1), D(2021, 6, 30)),
        ("еженедельно", D(2021, 11, 17), "week", D(2021, 11, 15), D(2021, 11, 21)),
        ("еженедельно", D(2021, 11, 21), "week", D(2021, 11, 15), D(2021, 11, 21)),
        ("раз в неделю", D(2021, 11, 15), "week", D(2021, 11, 15), D(2021, 11, 21)),
        ("раз в полугодие", D(2021, 6, 30), "halfyear", D(2021, 1, 1), D(2021, 6, 30)),
        ("раз в полугодие", D(2021, 7, 1), "halfyear", D(2021, 7, 1), D(2021, 12, 31)),
        ("ежегодно", D(2021, 10, 1), "year", D(2021, 9, 1), D(2022, 5, 31)),
        ("ежегодно", D(2022, 3, 1), "year", D(2021, 9, 1), D(2022, 5, 31)),
        ("1 раз в год", D(2022, 7, 15), "year", D(2021, 9, 1), D(2022, 5, 31)),
    ],
)
def test_recurring(text, today, recurrence, starts_on, due_on):
    result = parse_deadline(text, S, today=today, period=(D(2020, 1, 1), D(2025, 12, 31)))
    assert result == Deadline("recurring", starts_on, due_on, text, recurrence)
    assert result.recurrence in RECURRENCES


def test_recurring_without_a_day_spans_the_period_whatever_the_clock():
    result = parse_deadline("ежемесячно", 2021, period=(D(2021, 10, 1), D(2022, 5, 31)))
    assert (result.starts_on, result.due_on) == (D(2021, 10, 1), D(2022, 5, 31))
    result = parse_deadline("ежеквартально", 2021)
    assert (result.starts_on, result.due_on) == school_year_bounds(2021)


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (Deadline("range", D(2020, 11, 1), D(2021, 4, 30), ""), "01.11.2020 – 30.04.2021"),
        (Deadline("date", None, D(2020, 11, 15), ""), "до 15.11.2020"),
        (
            Deadline("recurring", D(2020, 11, 1), D(2020, 11, 30), "", "month"),
            "ежемесячно с 01.11.2020 по 30.11.2020",
        ),
        (Deadline("schedule", None, None, ""), "по графику"),
        (Deadline("none", None, None, ""), "срок не указан"),
        (Deadline("unknown", None, None, ""), "не распознано"),
        (Deadline("month", D(2020, 10, 1), D(2020, 10, 31), ""), "01.10.2020 – 31.10.2020"),
    ],
)
def test_format_deadline(deadline, expected):
    assert format_deadline(deadline) == expected


def test_format_every_parsed_phrase():
    for text, *_ in PHRASES:
        assert format_deadline(parse_deadline(text, S))


@pytest.mark.parametrize(
    "text",
    ["ноябрь " * 50_000, "9" * 10_000 + " года", "до " + "1" * 5000 + ".11.2020", "-" * 100_000],
)
def test_long_input_does_not_raise(text):
    assert parse_deadline(text, S).kind in KINDS


# --- properties -----------------------------------------------------------------------------

NOMINATIVE = "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"
GENITIVE = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
PREPOSITIONAL = "январе феврале марте апреле мае июне июле августе сентябре октябре ноябре декабре"
FORMS = [
    [(w, "") for w in NOMINATIVE.split()],
    [(w, "") for w in GENITIVE.split()],
    [(w, "в ") for w in PREPOSITIONAL.split()],
]
YEAR_WORDS = ["года", "год", "году", "г.", "г", "гг.", ""]
CASES = [str.lower, str.upper, str.title, str.capitalize]
SPACES = st.sampled_from([" ", "  ", "\n", "\u00a0", " \n "])

FRAGMENTS = [
    *NOMINATIVE.split(),
    *GENITIVE.split(),
    *PREPOSITIONAL.split(),
    "в",
    "во",
    "до",
    "с",
    "по",
    "не позднее",
    "конца",
    "2020",
    "2021",
    "20",
    "15",
    "31",
    "99999999",
    "15.11.2020",
    "31.02.2020",
    "00.00.0000",
    "года",
    "г.",
    "гг.",
    "-",
    "–",
    ",",
    "и",
    "/",
    "I",
    "IV",
    "1-й",
    "квартал",
    "полугодие",
    "учебного",
    "в течение",
    "всего",
    "периода",
    "реализации",
    "ЦМН",
    "ежемесячно",
    "раз",
    "графику",
    "нет",
    "\n",
    "\u00a0",
    ".",
]


def check_invariants(result, text):
    assert isinstance(result, Deadline)
    assert result.kind in KINDS
    assert result.text == text
    if result.starts_on is not None and result.due_on is not None:
        assert result.starts_on <= result.due_on
    if result.kind in ("schedule", "none", "unknown"):
        assert result.starts_on is None and result.due_on is None
    if result.kind == "date":
        assert result.starts_on is None and result.due_on is not None
    if result.kind in ("month", "months", "range", "throughout", "recurring"):
        assert result.starts_on is not None and result.due_on is not None
    assert (result.recurrence in RECURRENCES) == (result.kind == "recurring")


@settings(max_examples=300)
@given(text=st.text(), start=st.integers(1990, 2099))
def test_never_raises_on_any_text(text, start):
    check_invariants(parse_deadline(text, start), text)


@settings(max_examples=300)
@given(
    pieces=st.lists(
        st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(["", " ", "  ", "\n"])), max_size=8
    ),
    start=st.integers(1990, 2099),
    today=st.dates(D(1991, 1, 1), D(2099, 12, 31)),
)
def test_never_raises_on_phrase_fragments(pieces, start, today):
    text = "".join(word + gap for word, gap in pieces)
    check_invariants(parse_deadline(text, start, today=today), text)


@given(
    month=st.integers(1, 12),
    year=st.integers(1990, 2100),
    form=st.sampled_from(FORMS),
    year_word=st.sampled_from(YEAR_WORDS),
    case=st.sampled_from(CASES),
    gap=st.sampled_from(["", " ", "  ", "\n"]),
    space=SPACES,
    start=st.integers(1990, 2099),
)
def test_month_with_year_any_spelling(month, year, form, year_word, case, gap, space, start):
    word, preposition = form[month - 1]
    text = case(f" {preposition}{word}{space}{year}{gap if year_word else ''}{year_word} ")
    result = parse_deadline(text, start)
    last = calendar.monthrange(year, month)[1]
    assert (result.kind, result.starts_on, result.due_on) == (
        "month",
        D(year, month, 1),
        D(year, month, last),
    )


@given(
    month=st.integers(1, 12),
    form=st.sampled_from(FORMS),
    case=st.sampled_from(CASES),
    start=st.integers(1990, 2099),
)
def test_month_without_year_lands_in_school_year(month, form, case, start):
    word, preposition = form[month - 1]
    result = parse_deadline(case(preposition + word), start)
    assert result.kind == "month"
    assert D(start, 9, 1) <= result.starts_on <= D(start + 1, 8, 31)


@given(
    first=st.integers(1, 12),
    second=st.integers(1, 12),
    year=st.none() | st.integers(1990, 2100),
    start=st.integers(1990, 2099),
    spelling=st.sampled_from(["{a} - {b}", "{a}-{b}", "{a} –{b}", "с {ga} по {b}"]),
)
def test_month_range_is_ordered_and_short(first, second, year, start, spelling):
    nominative, genitive = NOMINATIVE.split(), GENITIVE.split()
    text = spelling.format(
        a=nominative[first - 1], b=nominative[second - 1], ga=genitive[first - 1]
    )
    if year is not None:
        text += f" {year} года"
    result = parse_deadline(text, start)
    assert result.kind == "range"
    assert result.starts_on <= result.due_on
    assert (result.due_on - result.starts_on).days < 366
    assert (result.starts_on.month, result.due_on.month) == (first, second)


@given(
    day=st.dates(D(1990, 1, 1), D(2100, 12, 31)),
    prefix=st.sampled_from(["до ", "до  ", "не позднее ", "", "До\n"]),
    start=st.integers(1990, 2099),
)
def test_until_numeric_date(day, prefix, start):
    result = parse_deadline(f"{prefix}{day:%d.%m.%Y}", start)
    assert (result.kind, result.starts_on, result.due_on) == ("date", None, day)


@given(day=st.dates(D(2000, 1, 1), D(2099, 12, 31)))
def test_until_two_digit_year(day):
    result = parse_deadline(f"до {day:%d.%m.%y}", S)
    assert (result.kind, result.due_on) == ("date", day)


@given(
    text=st.sampled_from([p[0] for p in PHRASES]),
    start=st.integers(1990, 2099),
    today=st.dates(D(1991, 1, 1), D(2099, 12, 31)),
)
def test_known_phrases_keep_invariants_for_any_school_year(text, start, today):
    check_invariants(parse_deadline(text, start, today=today), text)


def test_week_occurrence_always_contains_today():
    day = D(2021, 1, 1)
    for offset in range(14):
        today = day + timedelta(days=offset)
        result = parse_deadline("еженедельно", S, today=today)
        assert result.starts_on.weekday() == 0
        assert result.starts_on <= today <= result.due_on


# --- school wordings: quarters of the school calendar, «в течении года», «по итогам года» --------

S21 = 2021
PERIOD_21 = (D(2021, 9, 1), D(2022, 5, 31))


@pytest.mark.parametrize(
    ("text", "kind", "starts_on", "due_on"),
    [
        ("III четверть", "range", D(2022, 1, 9), D(2022, 3, 22)),
        ("в III четверти", "range", D(2022, 1, 9), D(2022, 3, 22)),
        ("в течение III четверти", "range", D(2022, 1, 9), D(2022, 3, 22)),
        ("3 четверть", "range", D(2022, 1, 9), D(2022, 3, 22)),
        ("третья четверть", "range", D(2022, 1, 9), D(2022, 3, 22)),
        ("I-II четверть", "range", D(2021, 9, 1), D(2021, 12, 29)),
        ("IV четверть 2022 года", "range", D(2022, 4, 1), D(2022, 5, 31)),
        ("I четверть 2021-2022 учебного года", "range", D(2021, 9, 1), D(2021, 10, 27)),
        ("до конца III четверти", "date", None, D(2022, 3, 22)),
        ("по итогам III четверти", "date", None, D(2022, 3, 22)),
        ("по итогам I полугодия", "date", None, D(2021, 12, 31)),
        ("в течении года", "range", D(2021, 9, 1), D(2022, 5, 31)),
        ("В течении учебного года", "range", D(2021, 9, 1), D(2022, 5, 31)),
        ("по итогам года", "date", None, D(2022, 5, 31)),
        ("По итогам учебного года", "date", None, D(2022, 5, 31)),
        ("1 раз в четверть", "recurring", *PERIOD_21),
        ("по итогам каждой четверти", "recurring", *PERIOD_21),
        ("ежечетвертно", "recurring", *PERIOD_21),
    ],
)
def test_school_wordings(text, kind, starts_on, due_on):
    result = parse_deadline(text, S21, period=PERIOD_21)
    assert (result.kind, result.starts_on, result.due_on) == (kind, starts_on, due_on)
    assert format_deadline(result) != "не распознано"


def test_quarters_follow_the_municipalitys_calendar():
    own = SchoolCalendar(
        quarters=(((9, 2), (10, 31)), ((11, 8), (12, 30)), ((1, 10), (3, 20)), ((3, 30), (5, 25)))
    )
    result = parse_deadline("III четверть", S21, calendar=own)
    assert (result.starts_on, result.due_on) == (D(2022, 1, 10), D(2022, 3, 20))
    result = parse_deadline("по итогам IV четверти", S21, calendar=own)
    assert result.due_on == D(2022, 5, 25)
    term = parse_deadline(
        "1 раз в четверть", S21, period=PERIOD_21, today=D(2021, 11, 3), calendar=own
    )
    assert (term.recurrence, term.starts_on, term.due_on) == (
        "term",
        D(2021, 11, 8),
        D(2021, 12, 30),
    )


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
ORDINALS = {1: "первая", 2: "вторая", 3: "третья", 4: "четвертая"}
QUARTER_FORMS = ["четверть", "четверти", "Четверть", "ЧЕТВЕРТИ"]


def month_days():
    return st.tuples(st.integers(1, 12), st.integers(1, 28))


@st.composite
def school_calendars(draw):
    """Four quarters in school-year order (September to August), each starting before it ends."""
    order = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8]
    picks = sorted(
        draw(st.lists(st.integers(0, 11 * 28 + 27), min_size=8, max_size=8, unique=True))
    )
    days = [(order[p // 28], p % 28 + 1) for p in picks]
    return SchoolCalendar(quarters=tuple((days[i], days[i + 1]) for i in range(0, 8, 2)))


@given(
    start=st.integers(1990, 2099),
    number=st.integers(1, 4),
    spelling=st.sampled_from(["roman", "arabic", "ordinal"]),
    form=st.sampled_from(QUARTER_FORMS),
    prefix=st.sampled_from(["", "в ", "В течение ", "в течении "]),
    school=school_calendars(),
)
def test_any_quarter_in_any_calendar(start, number, spelling, form, prefix, school):
    word = {"roman": ROMAN[number], "arabic": str(number), "ordinal": ORDINALS[number]}[spelling]
    text = f"{prefix}{word} {form}"
    result = parse_deadline(text, start, calendar=school)
    check_invariants(result, text)
    assert (result.kind, result.starts_on, result.due_on) == (
        "range",
        *school.quarter(start, number),
    )
    ended = parse_deadline(f"по итогам {word} {form}", start, calendar=school)
    assert (ended.kind, ended.due_on) == ("date", school.quarter(start, number)[1])


@given(start=st.integers(1990, 2099), suffix=st.sampled_from(["года", "учебного года"]))
def test_misspelt_throughout_the_year_reads_as_the_spelling(start, suffix):
    wrong = parse_deadline(f"в течении {suffix}", start)
    right = parse_deadline(f"в течение {suffix}", start)
    assert (wrong.kind, wrong.starts_on, wrong.due_on) == ("range", *school_year_bounds(start))
    assert (wrong.starts_on, wrong.due_on) == (right.starts_on, right.due_on)
    assert parse_deadline(f"по итогам {suffix}", start).due_on == school_year_bounds(start)[1]


RECURRING_TEXTS = [
    "ежемесячно",
    "ежеквартально",
    "еженедельно",
    "раз в полугодие",
    "ежегодно",
    "1 раз в четверть",
    "по итогам каждой четверти",
]


@settings(max_examples=300)
@given(
    text=st.sampled_from(RECURRING_TEXTS),
    start=st.integers(1991, 2098),
    first=st.dates(D(1991, 1, 1), D(2099, 12, 31)),
    length=st.integers(0, 800),
    today=st.one_of(st.none(), st.dates(D(1990, 1, 1), D(2100, 12, 31))),
    school=st.one_of(st.just(DEFAULT_CALENDAR), school_calendars()),
)
def test_recurring_is_always_dated_inside_the_period(text, start, first, length, today, school):
    period = (first, min(first + timedelta(days=length), D(2099, 12, 31)))
    result = parse_deadline(text, start, period=period, today=today, calendar=school)
    check_invariants(result, text)
    assert result.kind == "recurring"
    assert period[0] <= result.starts_on <= result.due_on <= period[1]
    if today is None:
        assert (result.starts_on, result.due_on) == period
    elif period[0] <= today <= period[1] and result.recurrence in ("week", "month", "quarter"):
        assert result.starts_on <= today <= result.due_on


def test_term_occurrence_is_the_running_or_next_quarter():
    cases = [
        (D(2021, 10, 1), (D(2021, 9, 1), D(2021, 10, 27))),
        (D(2021, 11, 1), (D(2021, 11, 6), D(2021, 12, 29))),  # the autumn holidays
        (D(2022, 3, 25), (D(2022, 4, 1), D(2022, 5, 31))),
        (D(2026, 11, 3), (D(2022, 4, 1), D(2022, 5, 31))),  # long after the period: its last one
        (D(2019, 1, 1), (D(2021, 9, 1), D(2021, 10, 27))),  # before the period: its first one
    ]
    for today, expected in cases:
        result = parse_deadline("1 раз в четверть", S21, period=PERIOD_21, today=today)
        assert (result.starts_on, result.due_on) == expected, today
