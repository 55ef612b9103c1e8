"""Occurrences: generated from recurring deadlines, entered or loaded as a schedule by staff,
reported by each executor; an execution is done when all its occurrences are accepted."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from core import permissions
from core.xlsx.reader import read_sheet
from core.xlsx.spec import Column, ImportFileError, SheetSpec
from roadmap.deadlines.occurrences import occurrences, rhythm_of
from roadmap.models import (
    Execution,
    Measure,
    Occurrence,
    OccurrenceExecution,
    Roadmap,
    roadmap_quarters,
)
from roadmap.services.executions import ensure_executor
from roadmap.services.guards import ARCHIVED, stamp

SCHEDULE_SHEET = SheetSpec(
    title="График",
    columns=(
        Column("due_on", "Срок", kind="date", required=True, example="15.12.2020"),
        Column("title", "Что сделать", required=True, example="Курсы для наставников", width=50),
        Column("starts_on", "Начало", kind="date", example="01.12.2020"),
    ),
)
SCHEDULE_MAX_ROWS = 500


def sync_occurrences(roadmap: Roadmap) -> int:
    """Date the occurrences of the roadmap's recurring measures (and those «в течение всего
    периода») inside its period. Occurrences no longer owed go unless someone reported on
    them; schedule items are never touched. Returns how many were created."""
    measures = list(
        Measure.objects.filter(
            section__roadmap=roadmap, deadline_kind__in=("recurring", "throughout")
        ).values_list("id", "deadline_kind", "recurrence")
    )
    wanted: dict[int, set[tuple[date, date]]] = {}
    period = (roadmap.period_start, roadmap.period_end)
    quarters = roadmap_quarters(roadmap)
    for measure_id, kind, recurrence in measures:
        rhythm = rhythm_of(kind, recurrence)
        if rhythm:
            wanted[measure_id] = set(occurrences(rhythm, period, quarters))
    existing = Occurrence.objects.filter(
        measure__section__roadmap=roadmap, source=Occurrence.Source.RECURRING
    ).annotate(reports=Count("executions"))
    have: dict[int, set[tuple[date, date]]] = {}
    stale = []
    for occurrence in existing:
        span = (occurrence.starts_on, occurrence.due_on)
        if span in wanted.get(occurrence.measure_id, set()):
            have.setdefault(occurrence.measure_id, set()).add(span)
        elif not occurrence.reports:
            stale.append(occurrence.pk)
    if stale:
        Occurrence.objects.filter(pk__in=stale).delete()
    created = Occurrence.objects.bulk_create(
        Occurrence(
            measure_id=measure_id,
            source=Occurrence.Source.RECURRING,
            starts_on=first,
            due_on=due,
        )
        for measure_id, spans in wanted.items()
        for first, due in sorted(spans - have.get(measure_id, set()))
    )
    return len(created)


def _ensure_schedule_editor(user, measure: Measure) -> None:
    if not permissions.can_edit_department(user):
        raise PermissionDenied("График ведут сотрудники департамента.")
    if measure.section.roadmap.status == Roadmap.Status.ARCHIVED:
        raise ValidationError(ARCHIVED)


def _checked_item(measure: Measure, *, due_on, title: str, starts_on=None) -> Occurrence:
    roadmap = measure.section.roadmap
    item = Occurrence(
        measure=measure,
        source=Occurrence.Source.SCHEDULE,
        title=(title or "").strip(),
        starts_on=starts_on,
        due_on=due_on,
    )
    errors = {}
    if not item.title:
        errors["title"] = "Укажите, что сделать к этому сроку."
    if due_on is not None and not roadmap.period_start <= due_on <= roadmap.period_end:
        errors["due_on"] = (
            f"Срок вне периода дорожной карты ({roadmap.period_start:%d.%m.%Y} – "
            f"{roadmap.period_end:%d.%m.%Y})."
        )
    if starts_on is not None and due_on is not None and starts_on > due_on:
        errors["starts_on"] = "Начало позже срока."
    if errors:
        raise ValidationError(errors)
    return item


@transaction.atomic
def add_schedule_item(*, user, measure: Measure, due_on: date, title: str, starts_on=None):
    _ensure_schedule_editor(user, measure)
    item = _checked_item(measure, due_on=due_on, title=title, starts_on=starts_on)
    item.created_by = user
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def delete_schedule_item(*, user, occurrence: Occurrence) -> None:
    _ensure_schedule_editor(user, occurrence.measure)
    if occurrence.source != Occurrence.Source.SCHEDULE:
        raise ValidationError("Сроки по периодичности следуют из срока мероприятия.")
    if occurrence.executions.exists():
        raise ValidationError("По этому пункту графика уже отчитались: удалить его нельзя.")
    occurrence.delete()


@transaction.atomic
def import_schedule(*, user, measure: Measure, upload) -> list[Occurrence]:
    """Load schedule items from the first sheet of an XLSX file: all rows or none; every
    problem is named by row and column."""
    _ensure_schedule_editor(user, measure)
    try:
        parsed = read_sheet(upload, SCHEDULE_SHEET, max_rows=SCHEDULE_MAX_ROWS)
    except ImportFileError as exc:
        raise ValidationError(str(exc)) from exc
    errors = [str(e) for e in parsed.errors]
    items = []
    seen = set(
        Occurrence.objects.filter(measure=measure, source=Occurrence.Source.SCHEDULE).values_list(
            "due_on", "title"
        )
    )
    labels = {c.key: c.header for c in SCHEDULE_SHEET.columns}
    for row in parsed.rows:
        values = row.values
        try:
            item = _checked_item(
                measure,
                due_on=values.get("due_on"),
                title=values.get("title") or "",
                starts_on=values.get("starts_on"),
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.extend(f"Строка {row.row}, столбец «{labels[key]}»: {m}" for m in messages)
            continue
        key = (item.due_on, item.title)
        if key in seen:
            errors.append(
                f"Строка {row.row}: пункт «{item.title}» со сроком {item.due_on:%d.%m.%Y} "
                "уже есть в графике."
            )
            continue
        seen.add(key)
        item.created_by = user
        items.append(item)
    if errors:
        raise ValidationError(errors)
    if not items:
        raise ValidationError("В файле нет ни одной строки графика.")
    return Occurrence.objects.bulk_create(items)


REPORTABLE = {None, OccurrenceExecution.Status.RETURNED}


@transaction.atomic
def report_occurrence(
    *, user, occurrence: Occurrence, execution: Execution, completed_on: date, text: str
) -> OccurrenceExecution:
    """An executor reports one occurrence; the department's own part is accepted at once."""
    execution = Execution.objects.select_for_update().get(pk=execution.pk)
    ensure_executor(user, execution)
    if execution.measure_id != occurrence.measure_id:
        raise ValidationError("Этот срок относится к другому мероприятию.")
    row = OccurrenceExecution.objects.filter(occurrence=occurrence, execution=execution).first()
    if row is not None and row.status not in REPORTABLE:
        raise ValidationError(
            "Отчёт за этот срок уже принят."
            if row.status == OccurrenceExecution.Status.ACCEPTED
            else "Отчёт за этот срок уже отправлен и ждёт проверки."
        )
    errors = {}
    if not (text or "").strip():
        errors["text"] = "Опишите, что сделано."
    if completed_on is None:
        errors["completed_on"] = "Укажите дату выполнения."
    elif completed_on > timezone.localdate():
        errors["completed_on"] = "Дата выполнения не может быть позже сегодняшней."
    if errors:
        raise ValidationError(errors)
    own_department = execution.school_id is None
    now = timezone.now()
    row = row or OccurrenceExecution(occurrence=occurrence, execution=execution)
    row.completed_on = completed_on
    row.text = text.strip()
    row.reported_by = user
    row.reported_at = now
    row.status = (
        OccurrenceExecution.Status.ACCEPTED
        if own_department
        else OccurrenceExecution.Status.SUBMITTED
    )
    row.reviewed_by = user if own_department else None
    row.reviewed_at = now if own_department else None
    row.review_comment = ""
    row.save()
    _progress_execution(execution, user)
    return row


@transaction.atomic
def review_occurrence(
    *, user, row: OccurrenceExecution, accept: bool, comment: str = ""
) -> OccurrenceExecution:
    if not permissions.can_review(user):
        raise PermissionDenied("Отчёты проверяют сотрудники департамента.")
    row = OccurrenceExecution.objects.select_for_update().get(pk=row.pk)
    if row.status != OccurrenceExecution.Status.SUBMITTED:
        raise ValidationError("Этот отчёт уже проверен.")
    if not accept and not comment.strip():
        raise ValidationError({"comment": "Напишите, что нужно доработать."})
    row.status = (
        OccurrenceExecution.Status.ACCEPTED if accept else OccurrenceExecution.Status.RETURNED
    )
    row.reviewed_by = user
    row.reviewed_at = timezone.now()
    row.review_comment = comment.strip()
    row.save()
    execution = Execution.objects.select_for_update().get(pk=row.execution_id)
    _progress_execution(execution, user)
    return row


def _progress_execution(execution: Execution, user) -> None:
    """The execution follows its occurrences: in progress once one is reported, accepted (on
    the last completion day) when every occurrence is."""
    total = Occurrence.objects.filter(measure_id=execution.measure_id).count()
    rows = OccurrenceExecution.objects.filter(execution=execution)
    accepted = rows.filter(status=OccurrenceExecution.Status.ACCEPTED)
    if total and accepted.count() == total:
        status = Execution.Status.ACCEPTED
        completed_on = max(accepted.values_list("completed_on", flat=True))
        reason = "Приняты отчёты за все сроки"
    else:
        status = Execution.Status.IN_PROGRESS
        completed_on = None
        reason = "Отчёт за срок графика"
    if (execution.status, execution.completed_on) == (status, completed_on):
        return
    execution.status = status
    execution.completed_on = completed_on
    execution.version += 1
    stamp(execution, user, reason)
    execution.save()
