"""Reads of what a measure tracks besides its executions — occurrences of recurring work and of
a schedule, events of event-type measures — scoped to the user, and the checks of a roadmap
before approval."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.permissions import can_act_on, can_see_personal_data, is_curator
from core.selectors import school_of
from roadmap.models import (
    Event,
    EventKeeping,
    Execution,
    Measure,
    Occurrence,
    OccurrenceExecution,
    Roadmap,
)
from roadmap.selectors import executions_for, measure_executions, measures_for

UNDATED = ("none", "unknown")
Status = OccurrenceExecution.Status


# --- occurrences ---------------------------------------------------------------------------------


def occurrence_for(user, pk: int) -> Occurrence:
    """The occurrence by its id, then its measure checked against what the user may see: two
    lookups by key, whatever the size of the region (404 for another school's or region's)."""
    occurrence = get_object_or_404(
        Occurrence.objects.select_related("measure__section__roadmap"), pk=pk
    )
    if not measures_for(user).filter(pk=occurrence.measure_id).exists():
        raise Http404
    return occurrence


def occurrence_execution_for(user, pk: int) -> OccurrenceExecution:
    row = get_object_or_404(
        OccurrenceExecution.objects.select_related("occurrence__measure", "execution"), pk=pk
    )
    if not executions_for(user).filter(pk=row.execution_id).exists():
        raise Http404
    return row


@dataclass
class OccurrenceCell:
    """One executor's state on one occurrence."""

    execution: Execution
    row: OccurrenceExecution | None
    overdue: bool
    can_report: bool

    @property
    def status_label(self) -> str:
        return self.row.get_status_display() if self.row else "не отчитались"

    @property
    def status(self) -> str:
        return self.row.status if self.row else "not_started"


@dataclass
class OccurrenceLine:
    occurrence: Occurrence
    cells: list[OccurrenceCell] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return any(cell.overdue for cell in self.cells)

    @property
    def done(self) -> bool:
        return bool(self.cells) and all(c.status == Status.ACCEPTED for c in self.cells)


def occurrence_lines(measure: Measure, user, today: date | None = None) -> list[OccurrenceLine]:
    """Every occurrence of the measure with the state of each executor the user may see (a
    curator: their school only); overdue when its day has passed and it is not accepted."""
    today = today or timezone.localdate()
    executions = list(measure_executions(measure, user))
    rows = {
        (r.occurrence_id, r.execution_id): r
        for r in OccurrenceExecution.objects.filter(execution__in=executions)
    }
    lines = []
    for occurrence in measure.occurrences.order_by("due_on", "id"):
        line = OccurrenceLine(occurrence)
        for execution in executions:
            row = rows.get((occurrence.pk, execution.pk))
            status = row.status if row else None
            line.cells.append(
                OccurrenceCell(
                    execution=execution,
                    row=row,
                    overdue=occurrence.due_on < today and status != Status.ACCEPTED,
                    can_report=can_act_on(user, execution) and status in (None, Status.RETURNED),
                )
            )
        lines.append(line)
    return lines


def current_due(lines: list[OccurrenceLine]) -> date | None:
    """The day the measure is due now: its first occurrence not yet accepted by everyone,
    always a day of the roadmap's period."""
    open_lines = [line for line in lines if not line.done]
    return open_lines[0].occurrence.due_on if open_lines else None


def occurrence_due_dates(measure_ids, as_of: date) -> dict[int, date]:
    """For the dashboard: each measure's first occurrence not yet accepted from all of its
    executors by the day (the last occurrence once all are; a measure without executors is
    due on its first occurrence not accepted from anyone)."""
    owed = dict(
        Execution.objects.filter(measure_id__in=measure_ids)
        .values("measure_id")
        .annotate(n=Count("id"))
        .values_list("measure_id", "n")
    )
    accepted = Q(executions__status=Status.ACCEPTED, executions__completed_on__lte=as_of)
    due: dict[int, date] = {}
    last: dict[int, date] = {}
    for measure_id, due_on, done in (
        Occurrence.objects.filter(measure_id__in=measure_ids)
        .annotate(done=Count("executions", filter=accepted))
        .order_by("measure_id", "due_on")
        .values_list("measure_id", "due_on", "done")
    ):
        last[measure_id] = due_on
        if measure_id not in due and (done < owed.get(measure_id, 0) or not done):
            due[measure_id] = due_on
    return {measure_id: due.get(measure_id, day) for measure_id, day in last.items()}


# --- measures without a deadline and the checks before approval ---------------------------------


def undated_measures(roadmap: Roadmap) -> QuerySet[Measure]:
    """Measures «без срока»: no deadline written, or one that cannot be read; and schedules
    without a single dated item."""
    no_schedule = Q(deadline_kind="schedule") & ~Q(
        pk__in=Occurrence.objects.filter(measure__section__roadmap=roadmap).values("measure_id")
    )
    return (
        Measure.objects.filter(section__roadmap=roadmap)
        .filter(Q(deadline_kind__in=UNDATED) | no_schedule)
        .select_related("section")
        .order_by("number_key", "id")
    )


def approval_warnings(roadmap: Roadmap) -> list[str]:
    """What the head should know before approving: measures without a deadline, with an
    unreadable one, and schedules with no item. Warnings, not refusals."""
    warnings = []
    for measure in undated_measures(roadmap):
        if measure.deadline_kind == "none":
            problem = "срок не указан"
        elif measure.deadline_kind == "unknown":
            problem = f"срок «{measure.deadline_text}» не распознан"
        else:
            problem = "график не заполнен: нет ни одного срока"
        warnings.append(
            f"Мероприятие {measure.number}: {problem} — оно не будет просрочено никогда."
        )
    return warnings


# --- events --------------------------------------------------------------------------------------


def keeps_events(measure: Measure) -> bool:
    return EventKeeping.objects.filter(measure=measure).exists()


def events_for(user) -> QuerySet[Event]:
    """Events the user may see: the department's whole municipality, a curator their own
    school's only; nobody without access to personal data (titles and files are the work's
    own texts)."""
    if not can_see_personal_data(user):
        return Event.objects.none()
    queryset = Event.objects.filter(measure__in=measures_for(user)).select_related(
        "school", "measure__section__roadmap"
    )
    if is_curator(user):
        school = school_of(user)
        return queryset.filter(school=school) if school else queryset.none()
    return queryset


def event_for(user, pk: int) -> Event:
    return get_object_or_404(events_for(user), pk=pk)


def event_file_for(user, pk: int) -> Event:
    event = event_for(user, pk)
    if not event.file:
        raise Http404("Файл не найден.")
    return event


def event_counts(measure_ids) -> dict[int, tuple[int, int]]:
    """(events, participants) per measure, for the dashboard."""
    return {
        measure_id: (n, people or 0)
        for measure_id, n, people in Event.objects.filter(measure_id__in=measure_ids)
        .values("measure_id")
        .annotate(n=Count("id"), people=Sum("participants"))
        .values_list("measure_id", "n", "people")
    }


def tracking_data(measure: Measure, user, today: date | None = None) -> dict:
    """The measure page's part on occurrences and events."""
    lines = occurrence_lines(measure, user, today)
    events = list(events_for(user).filter(measure=measure).order_by("held_on", "id"))
    keeping = keeps_events(measure)
    counts = event_counts([measure.pk]).get(measure.pk, (0, 0))
    return {
        "occurrence_lines": lines,
        "current_due": current_due(lines),
        "is_schedule": measure.deadline_kind == "schedule",
        "keeps_events": keeping,
        "events": events,
        "events_total": counts[0],
        "participants_total": counts[1],
    }
