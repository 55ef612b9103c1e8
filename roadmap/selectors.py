"""Reads of roadmaps, scoped to the user: a roadmap of another municipality is a 404."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from registry.selectors import municipalities_for, school_of
from roadmap.models import Execution, Measure, MeasureResponsibility, Roadmap, Section

# Derived status of a measure (never stored): all its executions accepted means done.
DONE = "done"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
NO_EXECUTORS = "no_executors"
MEASURE_STATUS_LABELS = {
    DONE: "выполнено",
    IN_PROGRESS: "в работе",
    NOT_STARTED: "не начато",
    NO_EXECUTORS: "нет исполнителей",
}


def measure_status(total: int, accepted: int, started: int) -> str:
    if total == 0:
        return NO_EXECUTORS
    if accepted == total:
        return DONE
    if started:
        return IN_PROGRESS
    return NOT_STARTED


def responsible_display(names: list[str]) -> str:
    """«Департамент образования, образовательные организации», as the document writes it."""
    parts = []
    for index, name in enumerate(names):
        if index and len(name) > 1 and not name[:2].isupper():
            name = name[0].lower() + name[1:]
        parts.append(name)
    return ", ".join(parts)


def roadmaps_for(user) -> QuerySet[Roadmap]:
    return Roadmap.objects.filter(municipality__in=municipalities_for(user)).select_related(
        "municipality", "order"
    )


def roadmap_for(user, pk: int) -> Roadmap:
    return get_object_or_404(roadmaps_for(user), pk=pk)


def measures_with_progress(roadmap: Roadmap, user=None) -> QuerySet[Measure]:
    """Measures of a roadmap with their execution counts; for a curator, their school's status."""
    accepted = Q(executions__status=Execution.Status.ACCEPTED)
    started = ~Q(executions__status=Execution.Status.NOT_STARTED)
    queryset = (
        Measure.objects.filter(section__roadmap=roadmap)
        .annotate(
            executions_total=Count("executions"),
            executions_accepted=Count("executions", filter=accepted),
            executions_started=Count("executions", filter=started),
        )
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=MeasureResponsibility.objects.select_related("party"),
            )
        )
        .order_by("number_key", "position", "id")
    )
    school = school_of(user) if user is not None else None
    if school is not None:
        own = Execution.objects.filter(measure=OuterRef("pk"), school=school)
        queryset = queryset.annotate(
            own_status=Subquery(own.values("status")[:1]),
            own_completed_on=Subquery(own.values("completed_on")[:1]),
        )
    return queryset


@dataclass
class MeasureRow:
    measure: Measure
    responsible: list[str]
    status: str
    overdue: bool
    own_status: str | None = None
    for_school: bool = False

    @property
    def status_label(self) -> str:
        return MEASURE_STATUS_LABELS[self.status]

    @property
    def own_status_label(self) -> str:
        if self.own_status is None:
            return "не требуется от ОО"
        return Execution.Status(self.own_status).label

    @property
    def responsible_text(self) -> str:
        return responsible_display(self.responsible)

    @property
    def counted(self) -> bool:
        """A school's view counts only the measures the school owes."""
        return self.own_status is not None if self.for_school else True

    @property
    def done(self) -> bool:
        if self.for_school:
            return self.own_status == Execution.Status.ACCEPTED
        return self.status == DONE


@dataclass
class SectionBlock:
    section: Section
    rows: list[MeasureRow] = field(default_factory=list)

    @property
    def measures_total(self) -> int:
        return sum(1 for row in self.rows if row.counted)

    @property
    def measures_done(self) -> int:
        return sum(1 for row in self.rows if row.counted and row.done)

    @property
    def percent_done(self) -> int:
        total = self.measures_total
        return round(100 * self.measures_done / total) if total else 0


def roadmap_table(roadmap: Roadmap, user=None, today: date | None = None) -> list[SectionBlock]:
    """The appendix grouped by section, with derived statuses: three queries whatever its size."""
    today = today or timezone.localdate()
    blocks = {
        section.pk: SectionBlock(section=section)
        for section in Section.objects.filter(roadmap=roadmap).order_by("number_key", "id")
    }
    for_school = user is not None and school_of(user) is not None
    for measure in measures_with_progress(roadmap, user):
        row = MeasureRow(
            measure=measure,
            responsible=[r.party.name for r in measure.responsibilities.all()],
            status=measure_status(
                measure.executions_total, measure.executions_accepted, measure.executions_started
            ),
            overdue=False,
            own_status=getattr(measure, "own_status", None),
            for_school=for_school,
        )
        # A curator's row is late only when their own part is.
        row.overdue = bool(
            row.counted and not row.done and measure.due_on and measure.due_on < today
        )
        blocks[measure.section_id].rows.append(row)
    return list(blocks.values())
