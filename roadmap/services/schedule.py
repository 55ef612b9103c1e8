"""A measure's deadline read from its text, its responsible parties, and the executions each
participant owes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from roadmap.deadlines import parse_deadline
from roadmap.models import (
    Execution,
    Measure,
    MeasureResponsibility,
    ResponsibleParty,
    Roadmap,
    roadmap_quarters,
)
from roadmap.selectors import responsible_display
from roadmap.services.guards import stamp
from roadmap.services.occurrences import sync_occurrences


def apply_deadline(measure: Measure, roadmap: Roadmap, today: date | None = None) -> None:
    """Read the written deadline into the measure's kind and dates (no save)."""
    deadline = parse_deadline(
        measure.deadline_text,
        roadmap.school_year_start,
        period=(roadmap.period_start, roadmap.period_end),
        today=today,
        calendar=roadmap_quarters(roadmap),
    )
    measure.deadline_kind = deadline.kind
    measure.starts_on = deadline.starts_on
    measure.due_on = deadline.due_on
    measure.recurrence = deadline.recurrence or ""


@transaction.atomic
def apply_school_calendar(municipality) -> int:
    """Date again the measures whose deadline names a school quarter («III четверть»), after the
    municipality's school calendar changed; archived roadmaps keep their dates."""
    measures = list(
        Measure.objects.filter(
            section__roadmap__municipality=municipality, deadline_text__icontains="четверт"
        )
        .exclude(section__roadmap__status=Roadmap.Status.ARCHIVED)
        .select_related("section__roadmap")
    )
    for measure in measures:
        apply_deadline(measure, measure.section.roadmap)
    Measure.objects.bulk_update(measures, ["deadline_kind", "starts_on", "due_on", "recurrence"])
    return len(measures)


def set_responsible(measure: Measure, parties: Iterable[ResponsibleParty]) -> None:
    """Replace the measure's responsible parties, keeping the order given (no history row)."""
    parties = list(dict.fromkeys(parties))
    MeasureResponsibility.objects.filter(measure=measure).delete()
    MeasureResponsibility.objects.bulk_create(
        MeasureResponsibility(measure=measure, party=party, position=index)
        for index, party in enumerate(parties)
    )
    measure.responsible_text = responsible_display([p.name for p in parties])


def _wanted_executors(kinds: set[str], school_ids: set[int]) -> set[int | None]:
    """None stands for the department's own execution."""
    wanted: set[int | None] = set()
    if kinds & {ResponsibleParty.Kind.DEPARTMENT, ResponsibleParty.Kind.EXTERNAL}:
        wanted.add(None)
    if ResponsibleParty.Kind.SCHOOLS in kinds:
        wanted |= school_ids
    return wanted


@transaction.atomic
def sync_executions(roadmap: Roadmap, user=None) -> int:
    """Create the executions that the measures' parties and the participating schools call for.

    Executions no longer owed are removed only while untouched (no report, no progress), so
    that nothing a school did is ever lost. Returns how many were created.
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
    if to_create:
        bulk_create_with_history(to_create, Execution, batch_size=1000, default_user=user)
    if stale:
        wanted_gone = set(stale)
        schools = {school_id for _, school_id in wanted_gone}
        by_executor = Q(school_id__in=schools - {None})
        if None in schools:
            by_executor |= Q(school__isnull=True)
        untouched = Execution.objects.filter(
            by_executor,
            measure_id__in={measure_id for measure_id, _ in wanted_gone},
            status=Execution.Status.NOT_STARTED,
            reports__isnull=True,
        )
        for execution in untouched:
            if (execution.measure_id, execution.school_id) in wanted_gone:
                # One by one, so that each removal leaves its history row.
                stamp(execution, user, "Исполнитель больше не участвует")
                execution.delete()
    sync_occurrences(roadmap)
    return len(to_create)
