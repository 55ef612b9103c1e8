"""Deadlines of measures as the order words them: what a deadline is, the school year and its
quarters (`school_year`), and the reader of the Russian wording (`parse`, with its `words`).

Kept free of Django so the importer, the editor and plain unit tests can all share it."""

from roadmap.deadlines.parse import (
    parse_deadline,
)
from roadmap.deadlines.school_year import (
    DEFAULT_CALENDAR,
    KINDS,
    MAX_YEAR,
    MIN_YEAR,
    RECURRENCES,
    Deadline,
    MonthDay,
    SchoolCalendar,
    format_deadline,
    school_year_bounds,
    school_year_of,
)

__all__ = [
    "DEFAULT_CALENDAR",
    "KINDS",
    "MAX_YEAR",
    "MIN_YEAR",
    "RECURRENCES",
    "Deadline",
    "MonthDay",
    "SchoolCalendar",
    "format_deadline",
    "parse_deadline",
    "school_year_bounds",
    "school_year_of",
]
