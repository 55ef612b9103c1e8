"""Read the free-text «срок» column of the roadmap into dates.

Kept free of Django so the importer, the editor and plain unit tests can all share it.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

__all__ = [
    "DEFAULT_CALENDAR",
    "KINDS",
    "MAX_YEAR",
    "MIN_YEAR",
    "RECURRENCES",
    "Deadline",
    "SchoolCalendar",
    "format_deadline",
    "parse_deadline",
    "school_year_bounds",
    "school_year_of",
]

KINDS = (
    "date",
    "month",
    "months",
    "range",
    "throughout",
    "recurring",
    "schedule",
    "none",
    "unknown",
)
RECURRENCES = ("week", "month", "quarter", "term", "halfyear", "year")

# The product's range of dates (registry/dates.py, kept equal by a test): this module stays
# free of Django.
MIN_YEAR = 1990
MAX_YEAR = 2100


@dataclass(frozen=True)
class Deadline:
    """A deadline as read from text; dates stay None when the text names none."""

    kind: str
    starts_on: date | None
    due_on: date | None
    text: str
    recurrence: str | None = None


def school_year_bounds(school_year_start: int) -> tuple[date, date]:
    """The roadmap plans 1 September to 31 May; the summer is not part of a school year."""
    return date(school_year_start, 9, 1), date(school_year_start + 1, 5, 31)


def school_year_of(day: date) -> int:
    """The school year a day belongs to; a summer day belongs to the one just ended."""
    return day.year if day.month >= 9 else day.year - 1


MonthDay = tuple[int, int]


@dataclass(frozen=True)
class SchoolCalendar:
    """The four school quarters (четверти) of every school year, as (month, day) pairs.

    A month from September to December falls in the school year's first calendar year,
    January to August in the second. A municipality keeps its own (roadmap.models.SchoolCalendar).
    """

    quarters: tuple[tuple[MonthDay, MonthDay], ...] = (
        ((9, 1), (10, 27)),
        ((11, 6), (12, 29)),
        ((1, 9), (3, 22)),
        ((4, 1), (5, 31)),
    )

    def quarter(self, school_year_start: int, number: int) -> tuple[date, date]:
        """First and last day of quarter ``number`` (1-4) of a school year."""
        first, last = self.quarters[number - 1]
        return _school_day(school_year_start, *first), _school_day(school_year_start, *last)


DEFAULT_CALENDAR = SchoolCalendar()


def _school_day(school_year_start: int, month: int, day: int) -> date:
    year = school_year_start if month >= 9 else school_year_start + 1
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def parse_deadline(
    text: str,
    school_year_start: int,
    *,
    period: tuple[date, date] | None = None,
    today: date | None = None,
    calendar: SchoolCalendar | None = None,
) -> Deadline:
    """Never raises on text: whatever cannot be read comes back as kind "unknown".

    Everything is dated from the roadmap's school year and period, never from the clock. A
    recurring deadline spans the whole period; given ``today`` (a dashboard's "as of" day), it
    is the occurrence that contains that day, moved into the period and cut to it.
    """
    context = _Context(school_year_start, calendar or DEFAULT_CALENDAR)
    try:
        kind, starts_on, due_on, recurrence = _read(_tokens(text), context, period, today)
    except (_Unreadable, ValueError, OverflowError, IndexError):
        kind, starts_on, due_on, recurrence = "unknown", None, None, None
    return Deadline(kind, starts_on, due_on, text, recurrence)


@dataclass(frozen=True)
class _Context:
    start: int
    calendar: SchoolCalendar


_RECURRENCE_WORDS = {
    "week": "еженедельно",
    "month": "ежемесячно",
    "quarter": "ежеквартально",
    "term": "раз в четверть",
    "halfyear": "раз в полугодие",
    "year": "ежегодно",
}


def format_deadline(d: Deadline) -> str:
    """Short Russian wording for the editor; tolerant of hand-built Deadline values."""
    if d.kind == "none":
        return "срок не указан"
    if d.kind == "schedule":
        return "по графику"
    if d.kind == "recurring":
        word = _RECURRENCE_WORDS.get(d.recurrence or "", "периодически")
        if d.starts_on and d.due_on:
            return f"{word} с {_fmt(d.starts_on)} по {_fmt(d.due_on)}"
        return f"{word}, срок: {_fmt(d.due_on)}" if d.due_on else word
    if d.kind == "unknown" or d.due_on is None:
        return "не распознано"
    if d.kind == "date" or d.starts_on is None:
        return f"до {_fmt(d.due_on)}"
    span = f"{_fmt(d.starts_on)} – {_fmt(d.due_on)}"
    return f"весь период: {span}" if d.kind == "throughout" else span


def _fmt(d: date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"


class _Unreadable(Exception):
    """Lets any depth of the reader give the whole text up as unknown."""


# --- normalisation ----------------------------------------------------------------------------

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d"
_KEPT = frozenset("0123456789.,/-")
_LATIN_LOOKALIKES = str.maketrans("aceopxykmtbh", "асеорхукмтвн")
_WORD_RE = re.compile(r"[^\W\d_]+")
_CYRILLIC_RE = re.compile(r"[а-я]")
_ORDINAL_RE = re.compile(
    r"(?<![0-9a-z])([0-9]{1,2}|[ivx]{1,4})(?:\s*-\s*|)"
    r"(?:ый|ий|ой|ого|его|го|ое|ее|ом|ем|ая|ья|й|е|м|я)(?![^\W\d_])"
)
_LETTER_DIGIT_RE = re.compile(r"(?<=[0-9])(?=[^\W\d_])|(?<=[^\W\d_])(?=[0-9])")
_STRAY_DOT_RE = re.compile(r"\.(?![0-9])|(?<![0-9])\.")
_SEPARATOR_RE = re.compile(r"([-,/])")


def _fix_script(match: re.Match[str]) -> str:
    """Documents pasted from Word often mix Latin look-alikes into Cyrillic words."""
    word = match.group()
    if _CYRILLIC_RE.search(word) and not word.isascii():
        return word.translate(_LATIN_LOOKALIKES)
    return word


def _tokens(text: str) -> list[str]:
    """Lower-cased words, numbers, dates and separators, with spelling noise removed."""
    chars = []
    for ch in unicodedata.normalize("NFKC", text).lower():
        if ch in _KEPT:
            chars.append(ch)
        elif ch == "ё":
            chars.append("е")
        elif ch == "і":  # Cyrillic «і» typed for the Roman numeral
            chars.append("i")
        elif ch in _DASHES:
            chars.append("-")
        elif ch == ";":
            chars.append(",")
        elif ch.isalpha():
            chars.append(ch)
        elif unicodedata.category(ch) != "Cf":  # soft hyphens and zero-width marks vanish
            chars.append(" ")
    s = _WORD_RE.sub(_fix_script, "".join(chars))
    s = _ORDINAL_RE.sub(r"\1", s)
    s = _LETTER_DIGIT_RE.sub(" ", s)
    s = _STRAY_DOT_RE.sub(" ", s)
    toks = [_SPELLING.get(t, t) for t in _SEPARATOR_RE.sub(r" \1 ", s).split()]
    while toks and toks[-1] == ",":
        toks.pop()
    while toks and toks[0] == ",":
        toks.pop(0)
    return toks


# --- vocabulary ---------------------------------------------------------------------------------


def _month_forms() -> dict[str, int]:
    forms: dict[str, int] = {}
    soft = {1: "январ", 2: "феврал", 4: "апрел", 6: "июн", 7: "июл"}
    soft |= {9: "сентябр", 10: "октябр", 11: "ноябр", 12: "декабр"}
    for month, stem in soft.items():
        for ending in ("ь", "я", "е", "ю", "ем"):
            forms[stem + ending] = month
    for month, stem in {3: "март", 8: "август"}.items():
        for ending in ("", "а", "е", "у", "ом"):
            forms[stem + ending] = month
    for word in ("май", "мая", "мае", "маю", "маем"):
        forms[word] = 5
    abbreviations = {"янв": 1, "фев": 2, "февр": 2, "мар": 3, "апр": 4, "июн": 6, "июл": 7}
    abbreviations |= {"авг": 8, "сен": 9, "сент": 9, "окт": 10, "ноя": 11, "нояб": 11, "дек": 12}
    return forms | abbreviations


_MONTHS = _month_forms()
_YEAR_WORDS_SINGULAR = frozenset({"г", "год", "года", "году", "годом"})
_YEAR_WORDS_PLURAL = frozenset({"гг", "годы", "годов", "годах", "годам"})
_YEAR_WORDS = _YEAR_WORDS_SINGULAR | _YEAR_WORDS_PLURAL
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ORDINAL_STEMS = (("перв", 1), ("втор", 2), ("трет", 3), ("четверт", 4))
_SPELLING = {"течении": "течение"}  # «в течении года»: a frequent misspelling
_END_WORDS = frozenset({"конца", "концу", "окончания", "окончанию"})
_DATE_RE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})(?:\.([0-9]{4}|[0-9]{2}))?")

_IN_PREFIXES = (
    ("в",),
    ("во",),
    ("в", "течение"),
    ("в", "течение", "всего"),
    ("на", "протяжении"),
    ("на", "протяжении", "всего"),
    ("в", "период"),
    ("в", "ходе"),
)
_RANGE_PREFIXES = (
    *_IN_PREFIXES,
    ("с",),
    ("со",),
    ("в", "период", "с"),
    ("в", "период", "со"),
    ("в", "течение", "периода", "с"),
)
_DUE_PREFIXES = (
    ("до",),
    ("к",),
    ("по",),
    ("не", "позднее"),
    ("не", "позже"),
    ("срок", "до"),
    ("в", "срок"),
    ("в", "срок", "до"),
    ("в", "срок", "не", "позднее"),
    ("в", "срок", "не", "позже"),
)

_SCHEDULE_RE = re.compile(
    r"(?:в соответствии (?:с|со)|согласно)(?: .*)?"
    r"|по (?:[а-я]+ )?(?:график|план)[а-я]*(?: .*)?"
    r"|по мере [а-я]+(?: .*)?"
    r"|по (?:запросу|требованию|согласованию|необходимости)(?: .*)?"
)
_WHOLE = r"(?:период|периода|срок|срока|время|времени)"
_REALISATION = r"(?: реализации(?: .+)?)?"
_THROUGHOUT_RE = re.compile(
    rf"(?:в течение|на протяжении|в ходе|в период|за) (?:всего |весь |все )?{_WHOLE}{_REALISATION}"
    rf"|(?:весь|все|всего) {_WHOLE}{_REALISATION}"
    rf"|{_WHOLE} реализации(?: .+)?"
    r"|(?:в течение|на протяжении|в ходе|в период) (?:всего )?реализации(?: .+)?"
    r"|постоянно|ежедневно|систематически"
)
_WHOLE_YEAR_RE = re.compile(r"(?:в течение|на протяжении) (?:всего )?(?:учебного )?года")
_YEAR_END_RE = re.compile(
    r"по (?:итогам|окончании|завершении) (?:учебного )?года|(?:в конце|к концу) учебного года"
)
_RESULTS_PREFIXES = (
    ("по", "итогам"),
    ("по", "окончании"),
    ("по", "завершении"),
    ("в", "конце"),
)
_RECURRING_PHRASES = {
    "еженедельно": "week",
    "ежемесячно": "month",
    "ежеквартально": "quarter",
    "ежеполугодно": "halfyear",
    "ежегодно": "year",
    "каждую неделю": "week",
    "каждый месяц": "month",
    "каждый квартал": "quarter",
    "каждое полугодие": "halfyear",
    "каждый год": "year",
    "ежечетвертно": "term",
    "каждую четверть": "term",
    "в каждой четверти": "term",
    "по итогам четверти": "term",
    "по итогам каждой четверти": "term",
    "в конце каждой четверти": "term",
    "по окончании каждой четверти": "term",
}
_TIMES_RE = re.compile(
    r"(?:не (?:реже|менее) )?(?:(один|одного|[0-9]{1,2}|два|три|четыре) )?"
    r"раза? в (неделю|месяц|квартал|четверть|полугодие|полгода|год)"
)
_TIMES_UNITS = {
    "неделю": "week",
    "месяц": "month",
    "квартал": "quarter",
    "четверть": "term",
    "полугодие": "halfyear",
    "полгода": "halfyear",
    "год": "year",
}
_TIMES_A_YEAR = {
    "2": "halfyear",
    "два": "halfyear",
    "4": "quarter",
    "четыре": "quarter",
    "12": "month",
}


# --- reading ------------------------------------------------------------------------------------

_Result = tuple[str, date | None, date | None, str | None]


def _read(
    toks: list[str], ctx: _Context, period: tuple[date, date] | None, today: date | None
) -> _Result:
    if all(t in ("-", "нет") for t in toks):
        return "none", None, None, None
    s = " ".join(toks)
    if _SCHEDULE_RE.fullmatch(s):
        return "schedule", None, None, None
    bounds = (min(period), max(period)) if period else school_year_bounds(ctx.start)
    recurrence = _recurrence_of(s)
    if recurrence is not None:
        if today is None:
            return "recurring", bounds[0], bounds[1], recurrence
        if isinstance(today, datetime):
            today = today.date()
        return ("recurring", *_occurrence(recurrence, today, bounds, ctx.calendar), recurrence)
    if _THROUGHOUT_RE.fullmatch(s):
        return "throughout", bounds[0], bounds[1], None
    if _WHOLE_YEAR_RE.fullmatch(s):
        return ("range", *school_year_bounds(ctx.start), None)
    if _YEAR_END_RE.fullmatch(s):
        return "date", None, school_year_bounds(ctx.start)[1], None
    if len(toks) > 1 and toks[-1] == "включительно":
        toks = toks[:-1]
    for reader in (_read_date, _read_results, _read_months, _read_range, _read_span):
        found = reader(toks, ctx)
        if found is not None:
            return (*found, None)
    return "unknown", None, None, None


def _recurrence_of(s: str) -> str | None:
    if s in _RECURRING_PHRASES:
        return _RECURRING_PHRASES[s]
    match = _TIMES_RE.fullmatch(s)
    if match is None:
        return None
    unit = _TIMES_UNITS[match[2]]
    if unit == "year":
        return _TIMES_A_YEAR.get(match[1] or "", "year")
    return unit


def _occurrence(
    recurrence: str, today: date, bounds: tuple[date, date], school: SchoolCalendar
) -> tuple[date, date]:
    """The occurrence containing the day moved into the period, cut to the period."""
    day = min(max(today, bounds[0]), bounds[1])
    if recurrence == "week":
        monday = day - timedelta(days=day.weekday())
        first, last = monday, monday + timedelta(days=6)
    elif recurrence == "month":
        first, last = day.replace(day=1), _month_end(day.year, day.month)
    elif recurrence == "quarter":
        month = 3 * ((day.month - 1) // 3) + 1
        first, last = date(day.year, month, 1), _month_end(day.year, month + 2)
    elif recurrence == "halfyear":
        month = 1 if day.month <= 6 else 7
        first, last = date(day.year, month, 1), _month_end(day.year, month + 5)
    elif recurrence == "term":
        first, last = _term_of(day, bounds, school)
    else:
        first, last = school_year_bounds(school_year_of(day))
    first, last = max(first, bounds[0]), min(last, bounds[1])
    return (first, last) if first <= last else (day, day)


def _term_of(day: date, bounds: tuple[date, date], school: SchoolCalendar) -> tuple[date, date]:
    """The school quarter still running or next to come on the day, among those in the period."""
    year = school_year_of(day)
    terms = [school.quarter(y, n) for y in (year - 1, year, year + 1) for n in range(1, 5)]
    inside = [t for t in terms if t[0] <= bounds[1] and t[1] >= bounds[0]]
    for term in inside:
        if term[1] >= day:
            return term
    return inside[-1] if inside else (day, day)


def _read_date(toks: list[str], ctx: _Context) -> tuple[str, date | None, date] | None:
    i = _skip_prefix(toks, _DUE_PREFIXES)
    if _at(toks, i) in _END_WORDS:
        if i == 0:
            return None
        span = _span_at(toks, i + 1, ctx, bare_year=True)
        if span is None or span[1] != len(toks):
            return None
        return "date", None, span[0][1]
    found = _point_at(toks, i)
    if found is None or found[1] != len(toks) or found[0].day is None:
        return None
    return "date", None, _resolve([found[0]], ctx.start)[1]


def _read_results(toks: list[str], ctx: _Context) -> tuple[str, None, date] | None:
    """«По итогам III четверти», «в конце I полугодия»: due when that span ends."""
    i = _skip_prefix(toks, _RESULTS_PREFIXES)
    if i == 0:
        return None
    span = _span_at(toks, i, ctx)
    if span is None or span[1] != len(toks):
        return None
    return "date", None, span[0][1]


def _read_months(toks: list[str], ctx: _Context) -> tuple[str, date, date] | None:
    start = ctx.start
    i = _skip_prefix(toks, _IN_PREFIXES)
    points = []
    while True:
        found = _point_at(toks, i)
        if found is None or found[0].day is not None:
            return None
        points.append(found[0])
        i = found[1]
        if i == len(toks):
            break
        if _at(toks, i) not in (",", "и"):
            return None
        i += 1
        if _at(toks, i) == "и":
            i += 1
        if _at(toks, i) in ("в", "во"):
            i += 1
    kind = "month" if len(points) == 1 else "months"
    return (kind, *_resolve(points, start))


def _read_range(toks: list[str], ctx: _Context) -> tuple[str, date, date] | None:
    start = ctx.start
    i = _skip_prefix(toks, _RANGE_PREFIXES)
    opened = i > 0 and toks[i - 1] in ("с", "со")
    first = _point_at(toks, i)
    if first is None:
        return None
    j = first[1]
    if not (_at(toks, j) == "-" or (opened and _at(toks, j) in ("по", "до"))):
        return None
    second = _point_at(toks, j + 1)
    if second is None or second[1] != len(toks):
        return None
    return ("range", *_resolve([first[0], second[0]], start))


def _read_span(toks: list[str], ctx: _Context) -> tuple[str, date, date] | None:
    span = _span_at(toks, _skip_prefix(toks, _IN_PREFIXES), ctx)
    if span is None or span[1] != len(toks):
        return None
    return ("range", *span[0])


# --- grammar pieces -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Point:
    """A day or a whole month; a missing year is settled later by _resolve."""

    day: int | None
    month: int
    year: int | None


def _at(toks: list[str], i: int) -> str:
    return toks[i] if 0 <= i < len(toks) else ""


def _is_number(t: str) -> bool:
    return t.isascii() and t.isdigit()


def _skip_prefix(toks: list[str], prefixes: tuple[tuple[str, ...], ...]) -> int:
    best = 0
    for prefix in prefixes:
        if len(prefix) > best and tuple(toks[: len(prefix)]) == prefix:
            best = len(prefix)
    return best


def _skip_year_word(toks: list[str], i: int) -> int:
    return i + 1 if _at(toks, i) in _YEAR_WORDS else i


def _plausible(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _Unreadable
    return year


def _year_at(toks: list[str], i: int) -> int | None:
    """Three or more digits can only be a year, so an implausible one spoils the text."""
    t = _at(toks, i)
    if not _is_number(t) or len(t) < 3:
        return None
    if len(t) != 4:
        raise _Unreadable
    return _plausible(int(t))


def _point_at(toks: list[str], i: int) -> tuple[_Point, int] | None:
    t = _at(toks, i)
    numeric = _DATE_RE.fullmatch(t)
    if numeric:
        day, month, written = int(numeric[1]), int(numeric[2]), numeric[3]
        year = None
        j = i + 1
        if written:
            year = 2000 + int(written) if len(written) == 2 else _plausible(int(written))
            j = _skip_year_word(toks, j)
        return _checked_point(day, month, year), j
    day = None
    j = i
    if _is_number(t) and len(t) <= 2 and _at(toks, i + 1) in _MONTHS:
        day = int(t)
        j += 1
    month = _MONTHS.get(_at(toks, j))
    if month is None:
        return None
    j += 1
    year = _year_at(toks, j)
    if year is not None:
        j = _skip_year_word(toks, j + 1)
    return _checked_point(day, month, year), j


def _checked_point(day: int | None, month: int, year: int | None) -> _Point:
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        raise _Unreadable
    return _Point(day, month, year)


def _ordinal_at(toks: list[str], i: int, limit: int) -> int | None:
    t = _at(toks, i)
    number = _ROMAN.get(t)
    if number is None and _is_number(t) and len(t) == 1:
        number = int(t)
    if number is None:
        number = next((n for stem, n in _ORDINAL_STEMS if t.startswith(stem)), None)
    return number if number is not None and 1 <= number <= limit else None


def _numbers_at(toks: list[str], i: int, limit: int) -> tuple[list[int], int] | None:
    """Read "III-IV", "I и II", "первом": the quarters or halves named before the noun."""
    first = _ordinal_at(toks, i, limit)
    if first is None:
        return None
    numbers = [first]
    j = i + 1
    while _at(toks, j) in ("-", ",", "и"):
        following = _ordinal_at(toks, j + 1, limit)
        if following is None:
            break
        numbers.append(following)
        j += 2
    return numbers, j


_YearSpec = tuple[str, int | None, int | None]


def _year_spec_at(toks: list[str], i: int) -> tuple[_YearSpec, int] | None:
    """A calendar year, a span of years or a school year such as "2020/2021 учебного года"."""
    first = _year_at(toks, i)
    if first is None:
        is_school = _at(toks, i) == "уч" or _at(toks, i).startswith("учебн")
        if is_school and _at(toks, i + 1) in _YEAR_WORDS_SINGULAR:
            return ("school", None, None), i + 2
        return None
    j = i + 1
    last = _year_at(toks, j + 1) if _at(toks, j) in ("-", "/") else None
    if last is not None:
        j += 2
    school = _at(toks, j) == "уч" or _at(toks, j).startswith("учебн")
    if school:
        j += 1
    word = _at(toks, j)
    j = _skip_year_word(toks, j)
    if last is None:
        return None if school else (("calendar", first, first), j)
    if school or (last == first + 1 and word not in _YEAR_WORDS_PLURAL):
        return (("school", first, None), j) if last == first + 1 else None
    return (("calendar", first, last), j) if first <= last else None


def _span_at(
    toks: list[str], i: int, ctx: _Context, *, bare_year: bool = False
) -> tuple[tuple[date, date], int] | None:
    """Quarters, school quarters, half-years, years and months: what "до конца" can point at."""
    start = ctx.start
    numbers = _numbers_at(toks, i, 4)
    if numbers is not None:
        nums, j = numbers
        if _at(toks, j).startswith("четверт"):
            return _terms(nums, toks, j + 1, ctx)
        if _at(toks, j) == "кв" or _at(toks, j).startswith("квартал"):
            year = _year_at(toks, j + 1)
            j = j + 1 if year is None else _skip_year_word(toks, j + 2)
            points = [_Point(None, 3 * q - 2, None) for q in nums]
            return _resolve([*points, _Point(None, 3 * nums[-1], year)], start), j
        if _at(toks, j).startswith(("полугоди", "полугодь")) and max(nums) <= 2:
            return _halves(nums, toks, j + 1, start)
    spec = _year_spec_at(toks, i)
    if spec is not None:
        (kind, first, last), j = spec
        if kind == "school":
            return school_year_bounds(start if first is None else first), j
        return (date(first, 1, 1), date(last, 12, 31)), j
    if bare_year and _at(toks, i) in ("года", "год"):
        return (date(start, 1, 1), date(start, 12, 31)), i + 1
    found = _point_at(toks, i)
    if found is None or found[0].day is not None:
        return None
    return _resolve([found[0]], start), found[1]


def _terms(
    nums: list[int], toks: list[str], i: int, ctx: _Context
) -> tuple[tuple[date, date], int] | None:
    """School quarters by the municipality's calendar: «III четверть», «I-II четверти»."""
    if nums != sorted(nums):
        return None
    spec = _year_spec_at(toks, i)
    year, j = ctx.start, i
    if spec is not None:
        (kind, first, last), j = spec
        if kind == "school":
            year = ctx.start if first is None else first
        elif first == last:
            year = first if nums[0] <= 2 else first - 1  # III and IV fall after New Year
        else:
            return None
    return (ctx.calendar.quarter(year, nums[0])[0], ctx.calendar.quarter(year, nums[-1])[1]), j


def _halves(
    nums: list[int], toks: list[str], i: int, start: int
) -> tuple[tuple[date, date], int] | None:
    """Without a calendar year a half-year is one of the school year's (Sep-Dec, Jan-May)."""
    if nums != sorted(nums):
        return None
    spec = _year_spec_at(toks, i)
    kind, first, last = ("school", None, None) if spec is None else spec[0]
    j = i if spec is None else spec[1]
    if kind == "calendar":
        if first != last:
            return None
        bounds = {1: (date(first, 1, 1), date(first, 6, 30))}
        bounds[2] = (date(first, 7, 1), date(first, 12, 31))
    else:
        year = start if first is None else first
        bounds = {1: (date(year, 9, 1), date(year, 12, 31))}
        bounds[2] = (date(year + 1, 1, 1), date(year + 1, 5, 31))
    return (bounds[nums[0]][0], bounds[nums[-1]][1]), j


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _wraps(a: _Point, b: _Point) -> bool:
    """Whether b, read after a, must fall in the following calendar year."""
    if b.month != a.month:
        return b.month < a.month
    return a.day is not None and b.day is not None and b.day < a.day


def _resolve(points: list[_Point], start: int) -> tuple[date, date]:
    """Give every point a year and return the first and last day covered.

    Years missing before the first written one come from that year (a wrapping run is placed
    to overlap the school year); after it they run forward; with none written the first point
    follows the school-year rule (September-December in S, January-August in S+1).
    """
    years = [p.year for p in points]
    written = next((i for i, y in enumerate(years) if y is not None), None)
    if written is None:
        years[0] = start if points[0].month >= 9 else start + 1
    else:
        offsets = [0]
        for a, b in pairwise(points[: written + 1]):
            offsets.append(offsets[-1] + _wraps(a, b))
        year = years[written]
        after_first = [year + o for o in offsets]
        before_last = [year - offsets[-1] + o for o in offsets]
        chosen = after_first
        if offsets[-1]:
            school = school_year_bounds(start)
            if not _overlaps(points, after_first, school) and _overlaps(
                points, before_last, school
            ):
                chosen = before_last
        years[: written + 1] = chosen
    for i in range(1, len(points)):
        wraps = _wraps(points[i - 1], points[i])
        if years[i] is None:
            years[i] = years[i - 1] + wraps
        elif years[i] < years[i - 1] or (years[i] == years[i - 1] and wraps):
            raise _Unreadable
    for point, year in zip(points, years, strict=True):
        if point.day is not None:
            date(year, point.month, point.day)  # 31.02 and the like raise ValueError here
    first, last = points[0], points[-1]
    begins = date(years[0], first.month, first.day or 1)
    if last.day is None:
        ends = _month_end(years[-1], last.month)
    else:
        ends = date(years[-1], last.month, last.day)
    if begins > ends:
        raise _Unreadable
    return begins, ends


def _overlaps(points: list[_Point], years: list[int], school: tuple[date, date]) -> bool:
    begins = date(years[0], points[0].month, 1)
    ends = _month_end(years[-1], points[len(years) - 1].month)
    return begins <= school[1] and ends >= school[0]
