"""Reads of roadmaps, scoped to the user: a roadmap of another municipality is a 404."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.models import ImportBatch
from core.permissions import can_see_personal_data, is_curator
from core.selectors import municipalities_for, municipality_of, school_of
from roadmap.deadlines import Deadline, format_deadline, parse_deadline
from roadmap.deadlines import SchoolCalendar as Quarters
from roadmap.evidence import (
    binding_of,
    bound_count,
    condition_met,
    execution_figure,
    roadmap_figures,
)
from roadmap.history import execution_history
from roadmap.models import (
    Amendment,
    Evidence,
    Execution,
    Measure,
    MeasureResponsibility,
    Occurrence,
    OccurrenceExecution,
    Participation,
    Report,
    Roadmap,
    Section,
    quarters_for,
    roadmap_quarters,
)

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


def calendar_for(user) -> Quarters:
    """The school quarters of the user's municipality: how a file's deadlines are read."""
    municipality = municipality_of(user)
    return quarters_for(municipality.pk if municipality else None)


def roadmaps_for(user) -> QuerySet[Roadmap]:
    return Roadmap.objects.filter(municipality__in=municipalities_for(user)).select_related(
        "municipality", "order"
    )


def roadmap_list(user, municipality=None) -> dict:
    """The roadmaps the user sees, by municipality and newest year first; narrowed to one
    municipality when chosen. ``municipalities``: the filter's choices, when there are several."""
    municipalities = municipalities_for(user).order_by("name")
    roadmaps = roadmaps_for(user).order_by("municipality__name", "-school_year_start", "-pk")
    if municipality is not None:
        roadmaps = roadmaps.filter(municipality=municipality)
    several = municipalities.count() > 1
    return {
        "roadmaps": list(roadmaps),
        "municipalities": municipalities if several else None,
        "several": several,
    }


def current_roadmap(user) -> Roadmap | None:
    """The roadmap in force: the newest approved one, else the newest draft."""
    roadmaps = roadmaps_for(user).exclude(status=Roadmap.Status.ARCHIVED)
    return (
        roadmaps.filter(status=Roadmap.Status.APPROVED)
        .order_by("-school_year_start", "-pk")
        .first()
        or roadmaps.order_by("-school_year_start", "-pk").first()
    )


def home_roadmap(user) -> Roadmap | None:
    """The first page of one municipality's people: its roadmap in force (the newest approved,
    not the archived one a copy replaced); None for the region, who starts from the list."""
    if municipalities_for(user).count() != 1:
        return None
    return current_roadmap(user)


def roadmap_for(user, pk: int) -> Roadmap:
    return get_object_or_404(roadmaps_for(user), pk=pk)


def amendments_for(user) -> QuerySet[Amendment]:
    return Amendment.objects.filter(roadmap__in=roadmaps_for(user)).select_related(
        "roadmap__municipality", "roadmap__order"
    )


def amendment_for(user, pk: int) -> Amendment:
    return get_object_or_404(amendments_for(user), pk=pk)


def amendments_of(roadmap: Roadmap) -> QuerySet[Amendment]:
    """The roadmap's amendments in their order, as its page lists them."""
    return roadmap.amendments.order_by("number")


def read_deadline(roadmap: Roadmap, text: str) -> tuple[Deadline, str]:
    """What a typed deadline is read as in this roadmap's year, period and school quarters,
    and the words that say so under the field."""
    deadline = parse_deadline(
        text,
        roadmap.school_year_start,
        period=(roadmap.period_start, roadmap.period_end),
        calendar=roadmap_quarters(roadmap),
    )
    return deadline, format_deadline(deadline)


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
        .order_by("position", "number_key", "id")
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
        for section in Section.objects.filter(roadmap=roadmap).order_by(
            "position", "number_key", "id"
        )
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


# --- objects reached by id: each through what the user may see --------------------------------


def sections_for(user) -> QuerySet[Section]:
    return Section.objects.filter(roadmap__in=roadmaps_for(user)).select_related("roadmap")


def section_for(user, pk: int) -> Section:
    return get_object_or_404(sections_for(user), pk=pk)


def measures_for(user) -> QuerySet[Measure]:
    return Measure.objects.filter(section__roadmap__in=roadmaps_for(user)).select_related(
        "section__roadmap"
    )


def measure_for(user, pk: int) -> Measure:
    return get_object_or_404(measures_for(user), pk=pk)


def measures_in(section: Section) -> int:
    return section.measures.count()


def executions_for(user) -> QuerySet[Execution]:
    """Department roles see the municipality's executions; a curator only their school's."""
    queryset = Execution.objects.filter(
        measure__section__roadmap__municipality__in=municipalities_for(user)
    ).select_related("measure__section__roadmap", "school")
    if is_curator(user):
        school = school_of(user)
        return queryset.filter(school=school) if school else queryset.none()
    return queryset


def execution_for(user, pk: int) -> Execution:
    return get_object_or_404(executions_for(user), pk=pk)


def measure_executions(measure: Measure, user) -> QuerySet[Execution]:
    """The measure's executions the user may see: a curator's school's only."""
    return executions_for(user).filter(measure=measure)


def reports_for(user) -> QuerySet[Report]:
    """By the report's own municipality key; a curator's school's only."""
    queryset = Report.objects.filter(municipality__in=municipalities_for(user))
    if is_curator(user):
        school = school_of(user)
        return queryset.filter(execution__school=school) if school else queryset.none()
    return queryset


def report_for(user, pk: int) -> Report:
    return get_object_or_404(reports_for(user).select_related("execution"), pk=pk)


def evidence_for(user, pk: int) -> Evidence:
    """An evidence file the user may download; none at all without access to personal data."""
    if not can_see_personal_data(user):
        raise Http404("Файл не найден.")
    return get_object_or_404(Evidence.objects.filter(report__in=reports_for(user)), pk=pk)


@dataclass(frozen=True)
class ReportStep:
    """A report as those who see no personal data read it: when, the decision, how many
    files — no text, no comment, no file names, no people."""

    pk: int
    submitted_at: object
    completed_on: date | None
    decision: str
    reviewed_at: object
    files: int

    def get_decision_display(self) -> str:
        return Report.Decision(self.decision).label


def execution_reports(execution: Execution, user) -> list:
    """The execution's reports, oldest first: with their files and people (three queries), or,
    for whoever sees no personal data, only their dates, decisions and file counts (one)."""
    if not can_see_personal_data(user):
        rows = (
            execution.reports.annotate(files=Count("evidence"))
            .order_by("submitted_at", "id")
            .values_list("pk", "submitted_at", "completed_on", "decision", "reviewed_at", "files")
        )
        return [ReportStep(*row) for row in rows]
    return list(
        execution.reports.select_related("submitted_by", "reviewed_by")
        .prefetch_related("evidence")
        .order_by("submitted_at", "id")
    )


def my_measures_data(user, today: date | None = None) -> dict:
    """«Мои мероприятия»: the executions, how many are overdue, the curator's school."""
    executions = my_executions(user, today)
    return {
        "executions": executions,
        "overdue_count": sum(1 for e in executions if e.is_overdue),
        "school": school_of(user),
    }


def evidence_board(roadmap: Roadmap, day: date) -> list:
    """The dashboard's block «Подтверждение из системы»: every bound measure with its figure
    per participating school on the day (a fixed number of queries)."""
    return roadmap_figures(roadmap, day)


def evidence_count(roadmap: Roadmap) -> int:
    """How many rows the block «Подтверждение из системы» holds, for its folded heading."""
    return bound_count(roadmap)


def binding_for(measure: Measure):
    """The measure's binding to a figure of the system (roadmap.evidence), or None."""
    return binding_of(measure)


def returned_report(execution: Execution) -> Report | None:
    """The report the department returned, while the execution waits for its rework: the
    curator's next report starts from its text, date and files."""
    if execution.status != Execution.Status.RETURNED:
        return None
    return (
        execution.reports.filter(decision=Report.Decision.RETURNED)
        .prefetch_related("evidence")
        .order_by("-submitted_at", "-id")
        .first()
    )


def execution_data(execution: Execution, user) -> dict:
    """The execution page's data: its reports as the user may read them, the one awaiting
    the department's review, and the status history."""
    reports = execution_reports(execution, user)
    today = timezone.localdate()
    figure = execution_figure(execution, today)
    return {
        "figure": figure,
        "figure_met": figure is not None and condition_met(figure, execution),
        "execution": execution,
        "measure": execution.measure,
        "reports": reports,
        "pending": next((r for r in reports if r.decision == Report.Decision.PENDING), None),
        "history": execution_history(execution, user),
    }


def execution_due_dates(executions) -> dict[int, date | None]:
    """The day each execution is due now (two queries whatever their number): for recurring
    work and schedules, its first occurrence not yet accepted from this executor (None once
    all are); otherwise the measure's own deadline."""
    executions = list(executions)
    due = {e.pk: e.measure.due_on for e in executions}
    by_measure: dict[int, list[tuple[int, date]]] = {}
    for occurrence_id, measure_id, due_on in (
        Occurrence.objects.filter(measure_id__in={e.measure_id for e in executions})
        .order_by("due_on", "pk")
        .values_list("pk", "measure_id", "due_on")
    ):
        by_measure.setdefault(measure_id, []).append((occurrence_id, due_on))
    if not by_measure:
        return due
    accepted = set(
        OccurrenceExecution.objects.filter(
            execution_id__in=[e.pk for e in executions if e.measure_id in by_measure],
            status=OccurrenceExecution.Status.ACCEPTED,
        ).values_list("execution_id", "occurrence_id")
    )
    for execution in executions:
        occurrences = by_measure.get(execution.measure_id)
        if occurrences:
            due[execution.pk] = next(
                (day for pk, day in occurrences if (execution.pk, pk) not in accepted), None
            )
    return due


def _by_due_date(executions: list[Execution], today: date) -> list[Execution]:
    """Overdue first, then by due date; measures without a date last."""

    def key(execution: Execution):
        due = execution.due_on
        overdue = bool(due and due < today)
        return (not overdue, due is None, due or date.max, execution.measure.number_key)

    return sorted(executions, key=key)


def my_executions(user, today: date | None = None) -> list[Execution]:
    """«Мои мероприятия»: the curator's school's executions in current roadmaps."""
    today = today or timezone.localdate()
    queryset = executions_for(user).filter(
        measure__section__roadmap__status__in=[Roadmap.Status.APPROVED, Roadmap.Status.DRAFT]
    )
    if not is_curator(user):
        queryset = queryset.filter(school__isnull=True)
    # The list shows each execution's measure only: not its section, roadmap and school.
    executions = list(queryset.select_related(None).select_related("measure"))
    due_dates = execution_due_dates(executions)
    for execution in executions:
        due = execution.due_on = due_dates[execution.pk]
        execution.is_overdue = bool(
            due and due < today and execution.status != Execution.Status.ACCEPTED
        )
        execution.days_overdue = (today - due).days if execution.is_overdue else 0
    return _by_due_date(executions, today)


def review_queue(user) -> QuerySet[Report]:
    """Reports waiting for the department, oldest first (one range of the queue's index, files
    counted for the rows shown only); authors and texts for those who may see personal data."""
    files = Evidence.objects.filter(report=OuterRef("pk")).values("report")
    queryset = (
        reports_for(user)
        .filter(decision=Report.Decision.PENDING)
        .select_related("execution__measure__section__roadmap", "execution__school")
        .annotate(files=Coalesce(Subquery(files.annotate(n=Count("*")).values("n")), 0))
        .order_by("submitted_at", "id")
    )
    if can_see_personal_data(user):
        return queryset.select_related("submitted_by")
    return queryset.defer("text", "review_comment", "submitted_by", "reviewed_by")


# --- the editor ------------------------------------------------------------------------------


def _editor_measures() -> QuerySet[Measure]:
    return (
        Measure.objects.select_related("binding")
        .prefetch_related(
            Prefetch(
                "responsibilities", queryset=MeasureResponsibility.objects.select_related("party")
            )
        )
        .annotate(reports_count=Count("executions__reports"))
    )


def _wording_editable(status: str, amendment_open: bool) -> bool:
    return status == Roadmap.Status.DRAFT or (status == Roadmap.Status.APPROVED and amendment_open)


def wording_editable(roadmap: Roadmap) -> bool:
    """Whether the roadmap's text may change now (a draft, or an open amendment)."""
    return _wording_editable(
        roadmap.status, roadmap.amendments.filter(closed_at__isnull=True).exists()
    )


def editor_measure(pk: int) -> Measure:
    return _editor_measures().select_related("section__roadmap").get(pk=pk)


def editor_section(pk: int) -> Section:
    """One section of the editor with its measures, as the editor's table shows it."""
    return (
        Section.objects.select_related("roadmap")
        .prefetch_related(
            Prefetch(
                "measures", queryset=_editor_measures().order_by("position", "number_key", "id")
            )
        )
        .get(pk=pk)
    )


def next_measure_number(section: Section) -> str:
    """The number the section's next measure takes: one after its greatest («4.4» after 4.3)."""
    keys = [key for key in section.measures.values_list("number_key", flat=True) if key]
    last = max(keys, default=None)
    if last and len(last) > 1:
        return ".".join(str(part) for part in [*last[:-1], last[-1] + 1])
    return f"{section.number}.{len(keys) + 1}"


def editor_data(roadmap: Roadmap) -> dict:
    """The editor page's data: sections with their measures, amendments (constant queries)."""
    sections = list(
        roadmap.sections.order_by("position", "number_key", "id").prefetch_related(
            Prefetch(
                "measures", queryset=_editor_measures().order_by("position", "number_key", "id")
            )
        )
    )
    amendments = list(roadmap.amendments.select_related("opened_by").order_by("-number"))
    open_amendment = next((a for a in amendments if a.closed_at is None), None)
    editable = _wording_editable(roadmap.status, open_amendment is not None)
    return {
        "roadmap": roadmap,
        "sections": sections,
        "amendments": amendments,
        "open_amendment": open_amendment,
        "editable": editable,
    }


def participation_for(roadmap: Roadmap, school_id: int) -> Participation:
    """A school's participation in a roadmap the user already reached: a 404 when it takes
    no part."""
    return get_object_or_404(roadmap.participations.select_related("school"), school_id=school_id)


@dataclass
class ParticipationRow:
    school: object
    owed: int
    accepted: int
    with_reports: int


def participation_rows(roadmap: Roadmap) -> list[ParticipationRow]:
    rows = (
        roadmap.participations.select_related("school")
        .annotate(
            owed=Count(
                "school__executions",
                filter=Q(school__executions__measure__section__roadmap=roadmap),
                distinct=True,
            ),
        )
        .order_by("school__short_name")
    )
    counts = {
        school_id: (accepted, reported)
        for school_id, accepted, reported in Execution.objects.filter(
            measure__section__roadmap=roadmap, school__isnull=False
        )
        .values("school_id")
        .annotate(
            accepted=Count("id", filter=Q(status=Execution.Status.ACCEPTED), distinct=True),
            reported=Count("id", filter=Q(reports__isnull=False), distinct=True),
        )
        .values_list("school_id", "accepted", "reported")
    }
    return [
        ParticipationRow(
            school=p.school,
            owed=p.owed,
            accepted=counts.get(p.school_id, (0, 0))[0],
            with_reports=counts.get(p.school_id, (0, 0))[1],
        )
        for p in rows
    ]


# --- a roadmap imported from a file ----------------------------------------------------------


def import_batch_for(user, pk: int) -> ImportBatch:
    """A roadmap file this user uploaded and has not confirmed yet; anyone else's is a 404."""
    return get_object_or_404(
        ImportBatch, pk=pk, user=user, entity="roadmap", status=ImportBatch.Status.PREVIEW
    )
