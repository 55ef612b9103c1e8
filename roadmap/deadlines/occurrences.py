"""The dated occurrences of recurring work inside a roadmap's period: «ежеквартально» in the
2020/21 roadmap (01.10.2020–31.05.2021) is due 31.12.2020, 31.03.2021 and 31.05.2021 — the
last quarter cut to the period, never a day outside it.

Work «в течение всего периода» is reported at the end of every school quarter (THROUGHOUT),
so that a stall shows before the year is over.
"""

from __future__ import annotations

from datetime import date, timedelta

from roadmap.deadlines.parse import _occurrence
from roadmap.deadlines.school_year import DEFAULT_CALENDAR, SchoolCalendar

THROUGHOUT = "term"
# A safety bound: a week over a century of period is about 5 200 occurrences.
MAX_OCCURRENCES = 6000


def occurrences(
    recurrence: str, period: tuple[date, date], calendar: SchoolCalendar = DEFAULT_CALENDAR
) -> list[tuple[date, date]]:
    """(first day, due day) of every occurrence within the period, in order.

    Each one is the span the deadline parser gives for a day (a calendar month, quarter,
    half-year, school quarter, school year, week), cut to the period.
    """
    bounds = (min(period), max(period))
    found: list[tuple[date, date]] = []
    day = bounds[0]
    while day <= bounds[1] and len(found) < MAX_OCCURRENCES:
        first, last = _occurrence(recurrence, day, bounds, calendar)
        if last < day:  # no school quarter is left in the period
            break
        found.append((first, last))
        day = last + timedelta(days=1)
    return found


def rhythm_of(kind: str, recurrence: str | None) -> str | None:
    """The recurrence a measure's deadline is reported by, or None for a one-off deadline."""
    if kind == "recurring":
        return recurrence or None
    if kind == "throughout":
        return THROUGHOUT
    return None
