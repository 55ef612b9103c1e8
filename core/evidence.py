"""Evidence from the system: the kinds of figure a roadmap measure can be bound to.

A kind reads one figure of the registry (or of the tenant itself) for a set of schools on a
day — per school and in total — in a fixed number of queries, and says whether a condition
(«не менее N», «обновлена в этом учебном году») holds. The kinds are defined by the apps that
own the data (registry.evidence; the tenant's own here) and registered in their
``AppConfig.ready``; the roadmap binds measures to them by key and never imports the apps
that compute them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count

from core.models import Profile, School
from core.roles import CURATOR


def plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def counted(n: int, one: str, few: str, many: str) -> str:
    """«6 пар», «1 пара», «21 пара»."""
    return f"{n} {plural(n, one, few, many)}"


def school_year_start(day: dt.date) -> dt.date:
    """1 September of the school year the day belongs to."""
    return dt.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


@dataclass(frozen=True)
class Reading:
    """A figure for one school or for all of them: the number the condition is about, how it
    reads («6 пар, 37 наставляемых») and when the records behind it last changed."""

    value: int
    text: str
    updated_on: dt.date | None = None


# schools, day -> (reading by school id, the total reading)
Reader = Callable[[Sequence[School], dt.date], tuple[dict[int, Reading], Reading]]


@dataclass(frozen=True)
class Kind:
    key: str
    title: str  # what the figure is: «Пары сформированы»
    # the counted thing after «не менее» (genitive): («пары», «пар», «пар»)
    unit: tuple[str, str, str]
    read: Reader
    each_school: bool = True  # the condition holds in every school (or over the total)
    may_require_update: bool = False  # «обновлена в этом учебном году» makes sense
    zero: str = "нет"  # how an empty figure reads

    def condition(self, threshold: int, require_update: bool = False) -> str:
        where = "в каждой участвующей ОО" if self.each_school else "всего"
        text = f"не менее {counted(threshold, *self.unit)} {where}"
        if require_update and self.may_require_update:
            text += ", обновлена в этом учебном году"
        return text

    def met(
        self, reading: Reading, day: dt.date, threshold: int, require_update: bool = False
    ) -> bool:
        if reading.value < threshold:
            return False
        if require_update and self.may_require_update:
            return reading.updated_on is not None and reading.updated_on >= school_year_start(day)
        return True

    def reading(self, schools: Sequence[School], day: dt.date):
        """(by school id, total); a school with nothing recorded reads as zero."""
        by_school, total = self.read(list(schools), day)
        empty = Reading(0, self.zero)
        return {s.pk: by_school.get(s.pk, empty) for s in schools}, total


KINDS: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    for kind in kinds:
        KINDS[kind.key] = kind


def kind_of(key: str) -> Kind | None:
    return KINDS.get(key)


def choices() -> list[tuple[str, str]]:
    return [(kind.key, kind.title) for kind in KINDS.values()]


# The tenant's own figures -------------------------------------------------------------


def _curators(schools: Sequence[School], day: dt.date):
    users = get_user_model().objects.filter(
        is_active=True, groups__name=CURATOR, date_joined__date__lte=day
    )
    rows = (
        Profile.objects.filter(school__in=schools, user__in=users)
        .values("school_id")
        .annotate(n=Count("pk"))
    )
    by_school = {
        row["school_id"]: Reading(row["n"], counted(row["n"], "куратор", "куратора", "кураторов"))
        for row in rows
    }
    total = sum(1 for s in schools if s.pk in by_school)
    return by_school, Reading(
        total, f"назначен в {total} из {counted(len(schools), 'ОО', 'ОО', 'ОО')}"
    )


def _participants(schools: Sequence[School], day: dt.date):
    joined = {s.pk for s in schools if getattr(s, "joined_on", day) <= day}
    by_school = {pk: Reading(1, "участвует") for pk in joined}
    n = len(joined)
    return by_school, Reading(n, counted(n, "участвующая ОО", "участвующие ОО", "участвующих ОО"))


CURATOR_ASSIGNED = Kind(
    key="curator_assigned",
    title="Куратор назначен",
    unit=("куратора", "кураторов", "кураторов"),
    read=_curators,
    zero="куратор не назначен",
)
PARTICIPANTS = Kind(
    key="participating_schools",
    title="Участвующие ОО",
    unit=("ОО", "ОО", "ОО"),
    read=_participants,
    each_school=False,
    zero="не участвует",
)

register(PARTICIPANTS, CURATOR_ASSIGNED)
