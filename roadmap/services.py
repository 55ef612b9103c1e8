"""Writes to roadmaps: each function changes state inside one transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from registry.models import School
from roadmap.deadlines import parse_deadline
from roadmap.models import (
    Execution,
    Measure,
    MeasureResponsibility,
    Participation,
    ResponsibleParty,
    Roadmap,
)


def apply_deadline(measure: Measure, roadmap: Roadmap) -> None:
    """Read the written deadline into the measure's kind and dates (no save)."""
    deadline = parse_deadline(
        measure.deadline_text,
        roadmap.school_year_start,
        period=(roadmap.period_start, roadmap.period_end),
    )
    measure.deadline_kind = deadline.kind
    measure.starts_on = deadline.starts_on
    measure.due_on = deadline.due_on
    measure.recurrence = deadline.recurrence or ""


def set_responsible(measure: Measure, parties: Iterable[ResponsibleParty]) -> None:
    """Replace the measure's responsible parties, keeping the order given."""
    MeasureResponsibility.objects.filter(measure=measure).delete()
    MeasureResponsibility.objects.bulk_create(
        MeasureResponsibility(measure=measure, party=party, position=index)
        for index, party in enumerate(parties)
    )


def _wanted_executors(kinds: set[str], school_ids: set[int]) -> set[int | None]:
    """None stands for the department's own execution."""
    wanted: set[int | None] = set()
    if kinds & {ResponsibleParty.Kind.DEPARTMENT, ResponsibleParty.Kind.EXTERNAL}:
        wanted.add(None)
    if ResponsibleParty.Kind.SCHOOLS in kinds:
        wanted |= school_ids
    return wanted


@transaction.atomic
def sync_executions(roadmap: Roadmap) -> int:
    """Create the executions that the measures' parties and the participating schools call for.

    Executions that are no longer owed are kept when they hold any progress and removed
    only while they are untouched, so that no report is ever lost. Returns how many were made.
    """
    school_ids = set(roadmap.participations.values_list("school_id", flat=True))
    kinds_by_measure: dict[int, set[str]] = {}
    for measure_id, kind in MeasureResponsibility.objects.filter(
        measure__section__roadmap=roadmap
    ).values_list("measure_id", "party__kind"):
        kinds_by_measure.setdefault(measure_id, set()).add(kind)
    measure_ids = Measure.objects.filter(section__roadmap=roadmap).values_list("id", flat=True)

    existing: dict[int, set[int | None]] = {}
    for measure_id, school_id in Execution.objects.filter(
        measure__section__roadmap=roadmap
    ).values_list("measure_id", "school_id"):
        existing.setdefault(measure_id, set()).add(school_id)

    to_create = []
    stale: list[tuple[int, int | None]] = []
    for measure_id in measure_ids:
        wanted = _wanted_executors(kinds_by_measure.get(measure_id, set()), school_ids)
        have = existing.get(measure_id, set())
        to_create.extend(
            Execution(measure_id=measure_id, school_id=school_id) for school_id in wanted - have
        )
        stale.extend((measure_id, school_id) for school_id in have - wanted)
    Execution.objects.bulk_create(to_create)
    for measure_id, school_id in stale:
        Execution.objects.filter(
            measure_id=measure_id,
            school_id=school_id,
            status=Execution.Status.NOT_STARTED,
            completed_on__isnull=True,
            comment="",
        ).delete()
    return len(to_create)


@transaction.atomic
def add_school(*, roadmap: Roadmap, school: School) -> Participation:
    """Make a school a participant and create the executions it owes."""
    if school.municipality_id != roadmap.municipality_id:
        raise ValidationError(
            {"school": "Образовательная организация относится к другому муниципалитету."}
        )
    participation, _ = Participation.objects.get_or_create(roadmap=roadmap, school=school)
    sync_executions(roadmap)
    return participation


@transaction.atomic
def remove_school(*, roadmap: Roadmap, school: School) -> None:
    Participation.objects.filter(roadmap=roadmap, school=school).delete()
    sync_executions(roadmap)
