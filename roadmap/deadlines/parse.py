"""Reading a deadline typed in Russian («до 1 декабря 2020 года», «ежеквартально», «в течение
учебного года», «I полугодие 2021 г.»…) into a Deadline of the school year it belongs to."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from roadmap.deadlines.school_year import (
    DEFAULT_CALENDAR,
    MAX_YEAR,
    MIN_YEAR,
    Deadline,
    SchoolCalendar,
    school_year_bounds,
    school_year_of,
)
from roadmap.deadlines.words import (
    DATE_RE,
    DUE_PREFIXES,
    END_WORDS,
    IN_PREFIXES,
    MONTHS,
    ORDINAL_STEMS,
    RANGE_PREFIXES,
    RECURRING_PHRASES,
    RESULTS_PREFIXES,
    ROMAN,
    SCHEDULE_RE,
    THROUGHOUT_RE,
    TIMES_A_YEAR,
    TIMES_RE,
    TIMES_UNITS,
    WHOLE_YEAR_RE,
    YEAR_END_RE,
    YEAR_WORDS,
    YEAR_WORDS_PLURAL,
    YEAR_WORDS_SINGULAR,
    tokenize,
)


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
        kind, starts_on, due_on, recurrence = _read(tokenize(text), context, period, today)
    except (_Unreadable, ValueError, OverflowError, IndexError):
        kind, starts_on, due_on, recurrence = "unknown", None, None, None
    return Deadline(kind, starts_on, due_on, text, recurrence)


@dataclass(frozen=True)
class _Context:
    start: int
    calendar: SchoolCalendar


class _Unreadable(Exception):
    """Lets any depth of the reader give the whole text up as unknown."""


_Result = tuple[str, date | None, date | None, str | None]


def _read(
    toks: list[str], ctx: _Context, period: tuple[date, date] | None, today: date | None
) -> _Result:
    if all(t in ("-", "нет") for t in toks):
        return "none", None, None, None
    s = " ".join(toks)
    if SCHEDULE_RE.fullmatch(s):
        return "schedule", None, None, None
    bounds = (min(period), max(period)) if period else school_year_bounds(ctx.start)
    recurrence = _recurrence_of(s)
    if recurrence is not None:
        if today is None:
            return "recurring", bounds[0], bounds[1], recurrence
        if isinstance(today, datetime):
            today = today.date()
        return ("recurring", *_occurrence(recurrence, today, bounds, ctx.calendar), recurrence)
    if THROUGHOUT_RE.fullmatch(s):
        return "throughout", bounds[0], bounds[1], None
    if WHOLE_YEAR_RE.fullmatch(s):
        return ("range", *school_year_bounds(ctx.start), None)
    if YEAR_END_RE.fullmatch(s):
        return "date", None, school_year_bounds(ctx.start)[1], None
    if len(toks) > 1 and toks[-1] == "включительно":
        toks = toks[:-1]
    for reader in (_read_date, _read_results, _read_months, _read_range, _read_span):
        found = reader(toks, ctx)
        if found is not None:
            return (*found, None)
    return "unknown", None, None, None


def _recurrence_of(s: str) -> str | None:
    if s in RECURRING_PHRASES:
        return RECURRING_PHRASES[s]
    match = TIMES_RE.fullmatch(s)
    if match is None:
        return None
    unit = TIMES_UNITS[match[2]]
    if unit == "year":
        return TIMES_A_YEAR.get(match[1] or "", "year")
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
    i = _skip_prefix(toks, DUE_PREFIXES)
    if _at(toks, i) in END_WORDS:
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
    i = _skip_prefix(toks, RESULTS_PREFIXES)
    if i == 0:
        return None
    span = _span_at(toks, i, ctx)
    if span is None or span[1] != len(toks):
        return None
    return "date", None, span[0][1]


def _read_months(toks: list[str], ctx: _Context) -> tuple[str, date, date] | None:
    start = ctx.start
    i = _skip_prefix(toks, IN_PREFIXES)
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
    i = _skip_prefix(toks, RANGE_PREFIXES)
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
    span = _span_at(toks, _skip_prefix(toks, IN_PREFIXES), ctx)
    if span is None or span[1] != len(toks):
        return None
    return ("range", *span[0])


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
    return i + 1 if _at(toks, i) in YEAR_WORDS else i


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
    numeric = DATE_RE.fullmatch(t)
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
    if _is_number(t) and len(t) <= 2 and _at(toks, i + 1) in MONTHS:
        day = int(t)
        j += 1
    month = MONTHS.get(_at(toks, j))
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
    number = ROMAN.get(t)
    if number is None and _is_number(t) and len(t) == 1:
        number = int(t)
    if number is None:
        number = next((n for stem, n in ORDINAL_STEMS if t.startswith(stem)), None)
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
        if is_school and _at(toks, i + 1) in YEAR_WORDS_SINGULAR:
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
    if school or (last == first + 1 and word not in YEAR_WORDS_PLURAL):
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
