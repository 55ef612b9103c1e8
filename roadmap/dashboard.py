"""The head's dashboard: the state of a roadmap's measures on a day, with the rules of
"overdue" in one place.

Rules: a measure is done when all its executions are accepted, and a done measure is never
overdue; done after its due date it is «выполнено с нарушением срока». Overdue means the due
date has passed and it is not done. Measures "throughout the period" are due at the period's
end (the parser gives that date). Measures by schedule, without a date or with an unreadable
deadline are listed apart and never counted as overdue. A day in the past is shown as it was
then, from the history of measures and executions; a day before the roadmap was entered into
the system shows it as entered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from core.models import School
from core.plural import plural
from core.xlsx.writer import table_workbook
from roadmap import figures
from roadmap.deadlines import parse_deadline
from roadmap.models import (
    Execution,
    Measure,
    MeasureResponsibility,
    ResponsibleParty,
    Roadmap,
    roadmap_quarters,
)
from roadmap.selectors import DONE, IN_PROGRESS, MEASURE_STATUS_LABELS, NOT_STARTED, measure_status
from roadmap.tracking import event_counts, occurrence_due_dates

UNDATED_KINDS = set(figures.UNDATED_KINDS)
OCCURRENCE_KINDS = {"recurring", "throughout", "schedule"}
DEPARTMENT = "Департамент образования"
ACCEPTED = Execution.Status.ACCEPTED

STATUS_FILTERS = {
    "": "все",
    "overdue": "просрочено",
    "due_soon": "срок скоро",
    "in_progress": "в работе",
    "not_started": "не начато",
    "done": "выполнено",
    "done_late": "выполнено с нарушением срока",
    "undated": "без срока / по графику",
}

SCHOOL_SORTS = ("name", "owed", "accepted", "overdue", "percent")
LAGGING_SHOWN = 8


@dataclass(frozen=True)
class Filters:
    section_id: int | None = None
    party_id: int | None = None
    school_id: int | None = None
    status: str = ""
    as_of: date | None = None
    school_sort: str = "-overdue"


@dataclass
class ExecutionState:
    school_id: int | None
    status: str
    completed_on: date | None


@dataclass
class MeasureState:
    id: int
    number: str
    title: str
    section_id: int
    deadline_text: str
    deadline_kind: str
    due_on: date | None
    responsible_text: str
    party_ids: set[int]
    executions: list[ExecutionState] = field(default_factory=list)
    status: str = NOT_STARTED
    overdue: bool = False
    days_overdue: int = 0
    done_late: bool = False
    due_soon: bool = False
    lagging: list[str] = field(default_factory=list)
    by_occurrences: bool = False
    events: tuple[int, int] | None = None

    @property
    def events_label(self) -> str:
        return f"мероприятий: {self.events[0]}, участников: {self.events[1]}" if self.events else ""

    @property
    def lagging_preview(self) -> str:
        """The first few lagging executors, then how many more: a page, not a phone book."""
        shown = ", ".join(self.lagging[:LAGGING_SHOWN])
        more = len(self.lagging) - LAGGING_SHOWN
        return f"{shown} и ещё {more}" if more > 0 else shown

    @property
    def dated(self) -> bool:
        return (
            self.by_occurrences or self.deadline_kind not in UNDATED_KINDS
        ) and self.due_on is not None

    @property
    def status_label(self) -> str:
        if self.done_late:
            return "выполнено с нарушением срока"
        if self.overdue:
            return "просрочено"
        return MEASURE_STATUS_LABELS[self.status]

    @property
    def status_code(self) -> str:
        if self.done_late:
            return "done_late"
        if self.overdue:
            return "overdue"
        return self.status


@dataclass
class SectionProgress:
    id: int
    number: str
    title: str
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class SchoolRow:
    id: int
    name: str
    owed: int = 0
    accepted: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.accepted / self.owed) if self.owed else 0


@dataclass
class LateColumn:
    """A column of the late grid: a school (short name), or the department's own part."""

    school_id: int | None
    label: str
    title: str
    late: int = 0


@dataclass
class LateRow:
    """An overdue measure and, per column, how its executor stands: ``(css, said)``."""

    measure: MeasureState
    cells: list[tuple[str, str]]


@dataclass
class PartyLate:
    """A responsible party's overdue measures: how many, how many executions, how long."""

    name: str
    measures: list[MeasureState] = field(default_factory=list)
    executions: int = 0
    max_days: int = 0

    @property
    def said(self) -> str:
        measures, executions = len(self.measures), self.executions
        return (
            f"{measures} {plural(measures, 'мероприятие', 'мероприятия', 'мероприятий')}, "
            f"{executions} {plural(executions, 'исполнение', 'исполнения', 'исполнений')}, "
            f"до {self.max_days} дн."
        )


def late_heading(count: int) -> str:
    return f"{count} {plural(count, 'мероприятие', 'мероприятия', 'мероприятий')}"


@dataclass
class Dashboard:
    roadmap: Roadmap
    filters: Filters
    as_of: date
    is_past: bool
    entered_on: date | None
    measures: list[MeasureState]
    figures: dict[str, int]
    sections: list[SectionProgress]
    overdue_by_section: list[tuple[SectionProgress, list[MeasureState]]]
    overdue_by_party: list[tuple[str, list[MeasureState]]]
    undated: list[MeasureState]
    schools: list[SchoolRow]
    late_columns: list[LateColumn] = field(default_factory=list)
    late_rows: list[LateRow] = field(default_factory=list)
    late_by_party: list[PartyLate] = field(default_factory=list)
    with_events: list[MeasureState] = field(default_factory=list)


def _end_of_day(day: date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + timedelta(days=1), dt.time.min))


def _measures_now(roadmap: Roadmap) -> list[MeasureState]:
    """The roadmap's measures in their order, read as values (two queries, no records built:
    a prefetch cost three times the measures' own query)."""
    parties: dict[int, set[int]] = defaultdict(set)
    for measure_id, party_id in MeasureResponsibility.objects.filter(
        measure__section__roadmap=roadmap
    ).values_list("measure_id", "party_id"):
        parties[measure_id].add(party_id)
    rows = (
        Measure.objects.filter(section__roadmap=roadmap)
        .order_by("section__position", "section__number_key", "position", "number_key", "id")
        .values_list(*_STATE_FIELDS)
    )
    return [
        MeasureState(**dict(zip(_STATE_FIELDS, row, strict=True)), party_ids=parties[row[0]])
        for row in rows
    ]


_STATE_FIELDS = (
    "id",
    "number",
    "title",
    "section_id",
    "deadline_text",
    "deadline_kind",
    "due_on",
    "responsible_text",
)


def _state(measure, party_ids: set[int]) -> MeasureState:
    """A measure or one of its history rows, as the dashboard sees it."""
    return MeasureState(
        id=measure.id,
        number=measure.number,
        title=measure.title,
        section_id=measure.section_id,
        deadline_text=measure.deadline_text,
        deadline_kind=measure.deadline_kind,
        due_on=measure.due_on,
        responsible_text=measure.responsible_text,
        party_ids=party_ids,
    )


def _measures_then(roadmap: Roadmap, moment: dt.datetime) -> list[MeasureState]:
    """Each measure's last history row before ``moment``, skipping those deleted by then."""
    section_ids = list(roadmap.sections.values_list("id", flat=True))
    rows = (
        Measure.history.filter(section_id__in=section_ids, history_date__lt=moment)
        .order_by("id", "-history_date", "-history_id")
        .distinct("id")
    )
    parties: dict[int, set[int]] = defaultdict(set)
    for measure_id, party_id in MeasureResponsibility.objects.filter(
        measure__section__roadmap=roadmap
    ).values_list("measure_id", "party_id"):
        parties[measure_id].add(party_id)
    positions = {s.pk: (s.position, s.number_key) for s in roadmap.sections.all()}
    states = [
        (
            (positions.get(r.section_id, (0, [])), r.position, r.number_key, r.id),
            _state(r, parties.get(r.id, set())),
        )
        for r in rows
        if r.history_type != "-"
    ]
    return [state for _, state in sorted(states, key=lambda pair: pair[0])]


def _executions(
    roadmap: Roadmap, moment: dt.datetime | None, measure_ids: list[int]
) -> list[tuple[int, ExecutionState]]:
    if moment is None:
        rows = Execution.objects.filter(measure__section__roadmap=roadmap).values_list(
            "measure_id", "school_id", "status", "completed_on"
        )
        return [(m, ExecutionState(s, st, c)) for m, s, st, c in rows]
    rows = (
        Execution.history.filter(measure_id__in=measure_ids, history_date__lt=moment)
        .order_by("id", "-history_date", "-history_id")
        .distinct("id")
        .values_list("measure_id", "school_id", "status", "completed_on", "history_type")
    )
    return [(m, ExecutionState(s, st, c)) for m, s, st, c, kind in rows if kind != "-"]


def _evaluate(
    state: MeasureState,
    roadmap: Roadmap,
    as_of: date,
    names: dict,
    parties: dict,
    occurrence_due: dict[int, date],
) -> None:
    if state.id in occurrence_due and state.deadline_kind in OCCURRENCE_KINDS:
        # Recurring work and schedules are due on their first occurrence not yet accepted.
        state.due_on = occurrence_due[state.id]
        state.by_occurrences = True
    elif state.deadline_kind == "recurring":
        # A recurring measure is due at the end of the occurrence that contains the day.
        state.due_on = parse_deadline(
            state.deadline_text,
            roadmap.school_year_start,
            period=(roadmap.period_start, roadmap.period_end),
            today=as_of,
            calendar=roadmap_quarters(roadmap),
        ).due_on
    executions = state.executions
    accepted = sum(1 for e in executions if e.status == ACCEPTED)
    started = sum(1 for e in executions if e.status != Execution.Status.NOT_STARTED)
    state.status = measure_status(len(executions), accepted, started)
    # The department's own part is named after who owes it: the department, or an outside
    # party (ЧИПКРО) whose work the department tracks.
    kinds = [parties[p] for p in state.party_ids if p in parties]
    outside = sorted(name for name, kind in kinds if kind == ResponsibleParty.Kind.EXTERNAL)
    has_department = any(kind == ResponsibleParty.Kind.DEPARTMENT for _, kind in kinds)
    department_label = DEPARTMENT if has_department or not outside else ", ".join(outside)
    state.lagging = sorted(
        names.get(e.school_id, DEPARTMENT) if e.school_id else department_label
        for e in executions
        if e.status != ACCEPTED
    )
    if not state.dated:
        return
    if state.status == DONE:
        finished = max((e.completed_on for e in executions if e.completed_on), default=None)
        state.done_late = bool(finished and finished > state.due_on)
        return
    state.overdue = state.due_on < as_of
    state.days_overdue = (as_of - state.due_on).days if state.overdue else 0
    state.due_soon = not state.overdue and state.due_on <= as_of + timedelta(
        days=settings.DUE_SOON_DAYS
    )


_ORG_FORM = re.compile(r"^(?:[МГЧ][А-ЯЁ]{0,3}ОУ(?:\s*ДО)?|МБУ\s*ДО|МБУДО|МАУ|МБУ)\s+")


def short_school(name: str) -> str:
    """«МБОУ «СОШ № 1» г. Аргун» → «СОШ 1»: a grid's column, the full name in its title."""
    quoted = re.search(r"«([^»]+)»", name)
    text = quoted.group(1) if quoted else _ORG_FORM.sub("", name)
    text = re.sub(r"\s*г\.\s*\S+\s*$", "", text)
    text = re.sub(r"№\s*", "", text).strip()
    return text if len(text) <= 16 else text[:15].rstrip() + "…"


def late_band(days: int) -> str:
    """The colour of a late cell by how long it is overdue."""
    if days > 365:
        return "late-4"
    if days > 90:
        return "late-3"
    if days > 30:
        return "late-2"
    return "late-1"


LATE_LEGEND = [
    ("late-1", "до 30 дн."),
    ("late-2", "31–90 дн."),
    ("late-3", "91–365 дн."),
    ("late-4", "больше года"),
    ("late-done", "выполнено"),
    ("late-none", "не участвует"),
]


def _late_grid(
    overdue: list[MeasureState], school_names: dict, school_id: int | None
) -> tuple[list[LateColumn], list[LateRow]]:
    """Overdue measures × executors: schools by short name (the latest first), and the
    department's own part when it has one; filtered to a school, that school alone."""
    shown = {school_id: school_names[school_id]} if school_id in school_names else school_names
    columns = {pk: LateColumn(pk, short_school(name), name) for pk, name in shown.items()}
    if not school_id and any(e.school_id is None for s in overdue for e in s.executions):
        columns[None] = LateColumn(
            None, "Департамент", "Департамент образования и внешние исполнители"
        )
    for state in overdue:
        for execution in state.executions:
            column = columns.get(execution.school_id)
            if column is not None and execution.status != ACCEPTED:
                column.late += 1
    ordered = sorted(columns.values(), key=lambda c: (c.school_id is not None, -c.late, c.label))
    rows = []
    for state in overdue:
        by_executor = {e.school_id: e for e in state.executions}
        cells = []
        for column in ordered:
            execution = by_executor.get(column.school_id)
            if execution is None:
                cells.append(("late-none", f"{column.title}: не участвует"))
            elif execution.status == ACCEPTED:
                cells.append(("late-done", f"{column.title}: выполнено"))
            else:
                said = f"{column.title}: просрочено на {state.days_overdue} дн."
                cells.append((late_band(state.days_overdue), said))
        rows.append(LateRow(state, cells))
    return ordered, rows


def _late_by_party(overdue: list[MeasureState], parties: dict) -> list[PartyLate]:
    """Who owes the overdue work: the schools' part under the schools' party, the
    department's under the department (or the outside party it tracks) — counted from the
    executions in scope, so a filter to one school blames no one else."""
    by_name: dict[str, PartyLate] = {}
    for state in overdue:
        kinds = [parties[p] for p in state.party_ids if p in parties]
        schools_name = next(
            (name for name, kind in kinds if kind == ResponsibleParty.Kind.SCHOOLS),
            "Образовательные организации",
        )
        outside = sorted(name for name, kind in kinds if kind == ResponsibleParty.Kind.EXTERNAL)
        has_department = any(kind == ResponsibleParty.Kind.DEPARTMENT for _, kind in kinds)
        own = DEPARTMENT if has_department or not outside else ", ".join(outside)
        for execution in state.executions:
            if execution.status == ACCEPTED:
                continue
            name = schools_name if execution.school_id else own
            late = by_name.setdefault(name, PartyLate(name))
            if not late.measures or late.measures[-1] is not state:
                late.measures.append(state)
            late.executions += 1
            late.max_days = max(late.max_days, state.days_overdue)
    return sorted(by_name.values(), key=lambda p: (-len(p.measures), -p.max_days, p.name))


def _matches(state: MeasureState, status: str) -> bool:
    if not status:
        return True
    return {
        "overdue": state.overdue,
        "due_soon": state.due_soon,
        "in_progress": state.status == IN_PROGRESS and not state.overdue,
        "not_started": state.status == NOT_STARTED and not state.overdue,
        "done": state.status == DONE,
        "done_late": state.done_late,
        "undated": not state.dated,
    }.get(status, True)


def build_dashboard(roadmap: Roadmap, filters: Filters, today: date | None = None) -> Dashboard:
    """Everything the dashboard shows, in a fixed number of queries whatever the data size."""
    today = today or timezone.localdate()
    as_of = filters.as_of or today
    is_past = as_of < today
    # A roadmap is often entered after the fact: before the day it was entered, its state is
    # taken as it was entered (nothing reported yet), not as an empty plan.
    entered = timezone.localdate(roadmap.created_at)
    shown_on = max(as_of, entered)
    moment = _end_of_day(shown_on) if shown_on < today else None
    states = _measures_now(roadmap) if moment is None else _measures_then(roadmap, moment)
    by_id = {state.id: state for state in states}
    school_names = dict(
        School.objects.filter(participations__roadmap=roadmap).values_list("id", "short_name")
    )
    for measure_id, execution in _executions(roadmap, moment, list(by_id)):
        if filters.school_id and execution.school_id != filters.school_id:
            continue
        if measure_id in by_id:
            by_id[measure_id].executions.append(execution)
    parties = {
        pk: (name, kind)
        for pk, name, kind in ResponsibleParty.objects.values_list("id", "name", "kind")
    }
    occurrence_due = occurrence_due_dates(list(by_id), as_of)
    events = event_counts(list(by_id))
    for state in states:
        _evaluate(state, roadmap, as_of, school_names, parties, occurrence_due)
        state.events = events.get(state.id)

    if filters.section_id:
        states = [s for s in states if s.section_id == filters.section_id]
    if filters.party_id:
        states = [s for s in states if filters.party_id in s.party_ids]
    if filters.school_id:
        states = [s for s in states if s.executions]
    scope = states  # figures and tables describe the filtered scope, before the status filter
    listed = [s for s in states if _matches(s, filters.status)]

    figures = {
        "total": len(scope),
        "done": sum(1 for s in scope if s.status == DONE),
        "done_late": sum(1 for s in scope if s.done_late),
        "in_progress": sum(1 for s in scope if s.status == IN_PROGRESS),
        "overdue": sum(1 for s in scope if s.overdue),
        "due_soon": sum(1 for s in scope if s.due_soon),
        "undated": sum(1 for s in scope if not s.dated),
        "due_soon_days": settings.DUE_SOON_DAYS,
    }

    sections = [
        SectionProgress(id=s.pk, number=s.number, title=s.title) for s in roadmap.sections.all()
    ]
    section_by_id = {s.id: s for s in sections}
    for state in scope:
        progress = section_by_id.get(state.section_id)
        if progress is None:
            continue
        progress.total += 1
        progress.done += state.status == DONE
        progress.overdue += state.overdue

    overdue = sorted((s for s in listed if s.overdue), key=lambda s: -s.days_overdue)
    late_columns, late_rows = _late_grid(overdue, school_names, filters.school_id)
    overdue_by_section = [
        (section, [s for s in overdue if s.section_id == section.id])
        for section in sections
        if any(s.section_id == section.id for s in overdue)
    ]
    party_names = {pk: name for pk, (name, _) in parties.items()}
    by_party: dict[str, list[MeasureState]] = defaultdict(list)
    for state in overdue:
        for party_id in sorted(state.party_ids):
            by_party[party_names.get(party_id, "—")].append(state)

    schools = {pk: SchoolRow(id=pk, name=name) for pk, name in school_names.items()}
    for state in scope:
        for execution in state.executions:
            row = schools.get(execution.school_id)
            if row is None:
                continue
            row.owed += 1
            row.accepted += execution.status == ACCEPTED
            row.overdue += bool(
                state.dated and state.due_on < as_of and execution.status != ACCEPTED
            )
    school_rows = [row for row in schools.values() if row.owed or not filters.school_id]
    sort = filters.school_sort if filters.school_sort.lstrip("-") in SCHOOL_SORTS else "-overdue"
    key = sort.lstrip("-")
    school_rows.sort(key=lambda r: r.name)
    school_rows.sort(key=lambda r: getattr(r, key), reverse=sort.startswith("-"))

    return Dashboard(
        roadmap=roadmap,
        filters=filters,
        as_of=as_of,
        is_past=is_past,
        entered_on=entered if as_of < entered else None,
        measures=listed,
        figures=figures,
        sections=[s for s in sections if s.total or not filters.section_id],
        overdue_by_section=overdue_by_section,
        overdue_by_party=sorted(by_party.items()),
        undated=[s for s in listed if not s.dated],
        with_events=[s for s in listed if s.events],
        schools=school_rows,
        late_columns=late_columns,
        late_rows=late_rows,
        late_by_party=_late_by_party(overdue, parties),
    )


XLSX_HEADERS = [
    "№ п/п",
    "Наименование мероприятия",
    "Срок реализации",
    "Срок исполнения",
    "Ответственный исполнитель",
    "Статус",
    "Просрочено, дней",
    "Не выполнили",
]


def board_xlsx(board: Dashboard) -> bytes:
    """The dashboard's measures as filtered, one row each, on a sheet named for its day."""
    rows = [
        [
            m.number,
            m.title,
            m.deadline_text,
            m.due_on,
            m.responsible_text,
            m.status_label,
            m.days_overdue or None,
            ", ".join(m.lagging),
        ]
        for m in board.measures
    ]
    return table_workbook(
        f"На {board.as_of:%d.%m.%Y}", XLSX_HEADERS, rows, widths=[8, 60, 22, 14, 30, 22, 12, 50]
    )
