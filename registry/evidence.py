"""The registry's figures a roadmap measure can be bound to (core.evidence): programmes,
the bases of mentors and mentees, pairs formed, working and completed, partners' agreements.

Each reads its figure for a set of schools on a day in two queries at most, whatever the
number of schools; a record counts on a day when it existed by then (created, started,
approved or in force on that day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Max, Q
from django.utils import timezone

from core.evidence import Kind, Reading, counted, register
from core.models import School
from registry.models import Agreement, Mentee, Mentor, Pair, Programme

APPROVED = Programme.Review.APPROVED


def _day(value) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def _last_change(created, updated) -> dt.date | None:
    dates = [d for d in (_day(created), _day(updated)) if d is not None]
    return max(dates) if dates else None


def _programmes(schools: Sequence[School], day: dt.date):
    rows = (
        Programme.objects.filter(school__in=schools, review_status=APPROVED)
        .filter(Q(reviewed_on__isnull=True) | Q(reviewed_on__lte=day))
        .values("school_id")
        .annotate(n=Count("pk"))
    )
    unit = ("утверждённая программа", "утверждённые программы", "утверждённых программ")
    by_school = {row["school_id"]: Reading(row["n"], counted(row["n"], *unit)) for row in rows}
    n = sum(r.value for r in by_school.values())
    return by_school, Reading(n, counted(n, *unit))


def _base(rows, total, unit) -> tuple[dict[int, Reading], Reading]:
    by_school = {
        row["school_id"]: Reading(
            row["n"], counted(row["n"], *unit), _last_change(row["created"], row["updated"])
        )
        for row in rows
    }
    return by_school, Reading(
        total["n"], counted(total["n"], *unit), _last_change(total["created"], total["updated"])
    )


def _day_end(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in the current time zone: ``moment < _day_end(day)`` is
    ``moment``'s local date on or before ``day``, as a range an index and the planner's
    statistics can use (a date taken of every row in the time zone can use neither)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _aggregates(day: dt.date) -> dict:
    # The base changed on a day when a record was added or edited by then; an edit after the
    # day is not known on it (the record's earlier edits are not kept), its addition is.
    return {
        "n": Count("pk"),
        "created": Max("created_at"),
        "updated": Max("updated_at", filter=Q(updated_at__lt=_day_end(day))),
    }


def _mentors(schools: Sequence[School], day: dt.date):
    """Two queries: the schools' links to mentors, then those mentors by key. Joined in SQL,
    the planner scans every mentor of the region to find the schools' few; by key it reads
    only theirs."""
    links = list(
        Mentor.schools.through.objects.filter(school__in=schools).values_list(
            "school_id", "mentor_id"
        )
    )
    end = _day_end(day)
    mentors = {
        pk: (created, updated if updated is not None and updated < end else None)
        for pk, created, updated in Mentor.objects.filter(
            pk__in={mentor_id for _school, mentor_id in links}, created_at__lt=end
        ).values_list("pk", "created_at", "updated_at")
    }
    by_school: dict[int, set[int]] = {}
    for school_id, mentor_id in links:
        if mentor_id in mentors:
            by_school.setdefault(school_id, set()).add(mentor_id)
    rows = [_dates(ids, mentors) | {"school_id": school_id} for school_id, ids in by_school.items()]
    # A mentor of two schools counts once in the total.
    total = _dates(set(mentors), mentors)
    return _base(rows, total, ("наставник", "наставника", "наставников"))


def _dates(ids: set[int], mentors: dict) -> dict:
    """How many of ``mentors`` are ``ids``, the latest addition and the latest edit known."""
    return {
        "n": len(ids),
        "created": max((mentors[pk][0] for pk in ids), default=None),
        "updated": max((mentors[pk][1] for pk in ids if mentors[pk][1]), default=None),
    }


def _mentees(schools: Sequence[School], day: dt.date):
    """One query: a mentee belongs to one school, so the total is summed from the schools."""
    rows = list(
        Mentee.objects.filter(
            school__in=schools, created_at__lt=_day_end(day), data_destroyed_at__isnull=True
        )
        .values("school_id")
        .annotate(**_aggregates(day))
    )
    total = {
        "n": sum(row["n"] for row in rows),
        "created": max((row["created"] for row in rows if row["created"]), default=None),
        "updated": max((row["updated"] for row in rows if row["updated"]), default=None),
    }
    return _base(rows, total, ("наставляемый", "наставляемых", "наставляемых"))


def _pairs(condition):
    """A reader of the pairs that satisfy ``condition(day)``, with their mentees."""

    def read(schools: Sequence[School], day: dt.date):
        rows = (
            Pair.objects.filter(programme__school__in=schools)
            .filter(condition(day))
            .values("programme__school_id")
            .annotate(n=Count("pk", distinct=True), mentees=Count("memberships", distinct=True))
        )
        by_school, pairs, mentees = {}, 0, 0
        for row in rows:
            by_school[row["programme__school_id"]] = Reading(
                row["n"], _pairs_text(row["n"], row["mentees"])
            )
            pairs += row["n"]
            mentees += row["mentees"]
        return by_school, Reading(pairs, _pairs_text(pairs, mentees))

    return read


def _pairs_text(pairs: int, mentees: int) -> str:
    return (
        f"{counted(pairs, 'пара', 'пары', 'пар')}, "
        f"{counted(mentees, 'наставляемый', 'наставляемых', 'наставляемых')}"
    )


def _formed(day: dt.date) -> Q:
    return Q(starts_on__lte=day) & ~Q(status=Pair.Status.PLANNED)


def _working(day: dt.date) -> Q:
    return Q(starts_on__lte=day, status=Pair.Status.ACTIVE) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )


def _completed(day: dt.date) -> Q:
    return Q(status=Pair.Status.COMPLETED, starts_on__lte=day) & (
        Q(ends_on__isnull=True) | Q(ends_on__lte=day)
    )


def _agreements(schools: Sequence[School], day: dt.date):
    in_force = Agreement.objects.filter(valid_from__lte=day, date__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    municipalities = {s.municipality_id for s in schools}
    rows = list(
        in_force.filter(
            Q(school__in=schools)
            | Q(school__isnull=True, partner__municipality_id__in=municipalities)
        ).values_list("school_id", "partner_id")
    )
    by_school: dict[int, list] = {}
    for school_id, partner_id in rows:
        if school_id is not None:
            by_school.setdefault(school_id, []).append(partner_id)
    readings = {
        pk: Reading(len(partners), _agreements_text(len(partners), len(set(partners))))
        for pk, partners in by_school.items()
    }
    partners = {partner_id for _school, partner_id in rows}
    return readings, Reading(len(rows), _agreements_text(len(rows), len(partners)))


def _agreements_text(agreements: int, partners: int) -> str:
    return (
        f"{counted(agreements, 'соглашение', 'соглашения', 'соглашений')} с "
        f"{counted(partners, 'партнёром', 'партнёрами', 'партнёрами')}"
    )


PROGRAMMES = Kind(
    key="programmes_approved",
    title="Утверждённые программы наставничества",
    unit=("утверждённой программы", "утверждённых программ", "утверждённых программ"),
    read=_programmes,
)
MENTORS = Kind(
    key="mentors_base",
    title="База наставников",
    unit=("наставника", "наставников", "наставников"),
    read=_mentors,
    each_school=False,
    may_require_update=True,
)
MENTEES = Kind(
    key="mentees_base",
    title="База наставляемых",
    unit=("наставляемого", "наставляемых", "наставляемых"),
    read=_mentees,
    each_school=False,
    may_require_update=True,
)
PAIRS_FORMED = Kind(
    key="pairs_formed",
    title="Пары и группы сформированы",
    unit=("пары", "пар", "пар"),
    read=_pairs(_formed),
)
PAIRS_WORKING = Kind(
    key="pairs_working",
    title="Пары и группы работают",
    unit=("пары", "пар", "пар"),
    read=_pairs(_working),
)
PAIRS_COMPLETED = Kind(
    key="pairs_completed",
    title="Пары и группы завершили наставничество",
    unit=("пары", "пар", "пар"),
    read=_pairs(_completed),
)
AGREEMENTS = Kind(
    key="partner_agreements",
    title="Соглашения с организациями-партнёрами",
    unit=("соглашения", "соглашений", "соглашений"),
    read=_agreements,
    each_school=False,
)

KINDS = (PROGRAMMES, MENTORS, MENTEES, PAIRS_FORMED, PAIRS_WORKING, PAIRS_COMPLETED, AGREEMENTS)


def register_kinds() -> None:
    register(*KINDS)
