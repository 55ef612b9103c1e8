"""What a deadline is once read — its kind, dates and recurrence — the school year and its
quarters, and how a deadline is written back in words."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

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
        return school_day(school_year_start, *first), school_day(school_year_start, *last)


DEFAULT_CALENDAR = SchoolCalendar()


def school_day(school_year_start: int, month: int, day: int) -> date:
    year = school_year_start if month >= 9 else school_year_start + 1
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


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
            return f"{word} с {format_day(d.starts_on)} по {format_day(d.due_on)}"
        return f"{word}, срок: {format_day(d.due_on)}" if d.due_on else word
    if d.kind == "unknown" or d.due_on is None:
        return "не распознано"
    if d.kind == "date" or d.starts_on is None:
        return f"до {format_day(d.due_on)}"
    span = f"{format_day(d.starts_on)} – {format_day(d.due_on)}"
    return f"весь период: {span}" if d.kind == "throughout" else span


def format_day(d: date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"
