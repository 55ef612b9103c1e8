"""The dates of a representative's consent (152-ФЗ, ст. 9), in one place: its state on a day
(«действует», «истекло», «отозвано», «ещё не действует») and whether consents cover a minor's
pair over its dates.

A consent is in force from the day it was given to its «действует до» inclusive, and no longer
from the day it was withdrawn. A pupil needs one until the 18th birthday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

ADULT_AGE = 18
ONE_DAY = dt.timedelta(days=1)

ACTIVE, EXPIRED, WITHDRAWN, NOT_YET = "active", "expired", "withdrawn", "not_yet"


@dataclass(frozen=True)
class Term:
    """A consent's dates."""

    given_on: dt.date
    valid_until: dt.date | None = None
    withdrawn_on: dt.date | None = None

    @classmethod
    def of(cls, consent) -> Term:
        return cls(consent.given_on, consent.valid_until, consent.withdrawn_on)

    @property
    def last_day(self) -> dt.date | None:
        """The last day in force (None: open-ended); before ``given_on`` when never in force."""
        ends = [
            d for d in (self.valid_until, self.withdrawn_on and self.withdrawn_on - ONE_DAY) if d
        ]
        return min(ends) if ends else None

    def covers(self, day: dt.date) -> bool:
        last = self.last_day
        return self.given_on <= day and (last is None or day <= last)


@dataclass(frozen=True)
class State:
    code: str
    label: str

    @property
    def css(self) -> str:
        return {ACTIVE: "success", NOT_YET: "warning"}.get(self.code, "secondary")

    @property
    def in_force(self) -> bool:
        return self.code == ACTIVE


def state_on(term: Term, day: dt.date) -> State:
    """«действует до 31.05.2027» / «истекло 31.05.2021» / «отозвано 05.01.2022» on the day."""
    if term.withdrawn_on and day >= term.withdrawn_on:
        return State(WITHDRAWN, f"отозвано {term.withdrawn_on:%d.%m.%Y}")
    if term.valid_until and day > term.valid_until:
        return State(EXPIRED, f"истекло {term.valid_until:%d.%m.%Y}")
    if day < term.given_on:
        return State(NOT_YET, "ещё не действует")
    if term.valid_until:
        return State(ACTIVE, f"действует до {term.valid_until:%d.%m.%Y}")
    return State(ACTIVE, "действует, срок не ограничен")


def adult_from(birth_date: dt.date) -> dt.date:
    """The 18th birthday (29 February: 1 March in a common year)."""
    try:
        return birth_date.replace(year=birth_date.year + ADULT_AGE)
    except ValueError:
        return dt.date(birth_date.year + ADULT_AGE, 3, 1)


def first_uncovered_day(
    terms: Iterable[Term], birth_date: dt.date, start: dt.date, end: dt.date
) -> dt.date | None:
    """The first day from ``start`` to ``end`` inclusive on which the person is a minor and no
    consent is in force; None when every such day is covered."""
    end = min(end, adult_from(birth_date) - ONE_DAY)
    day = start
    spans = [(t.given_on, t.last_day) for t in terms]
    while day <= end:
        reach = None  # the furthest last day of the consents in force on `day`
        for given_on, last in spans:
            if given_on <= day and (last is None or last >= day):
                if last is None:
                    return None
                reach = last if reach is None else max(reach, last)
        if reach is None:
            return day
        day = reach + ONE_DAY
    return None
