"""Executions and reports: who may act on an execution, reports with evidence files, review."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from core import permissions
from core.files import safe_filename, sha256_of, validate_upload
from roadmap import evidence as figures
from roadmap.models import (
    Evidence,
    Execution,
    Report,
)
from roadmap.services.guards import stamp

UNMET = (
    "Условие подтверждения из системы не выполнено ({condition}): чтобы {action}, напишите "
    "причину в поле «{field}»."
)

REPORTABLE = {
    Execution.Status.NOT_STARTED,
    Execution.Status.IN_PROGRESS,
    Execution.Status.RETURNED,
}
STARTABLE = {Execution.Status.NOT_STARTED, Execution.Status.RETURNED}


def ensure_executor(user, execution: Execution) -> None:
    """Curators act for their own school's part; staff for the department's part."""
    if permissions.can_act_on(user, execution):
        return
    if execution.school_id is None:
        raise PermissionDenied("Исполнение департамента отмечают сотрудники департамента.")
    raise PermissionDenied("Отчёт по образовательной организации сдаёт её куратор.")


@transaction.atomic
def start_execution(*, user, execution: Execution) -> Execution:
    execution = Execution.objects.select_for_update().get(pk=execution.pk)
    ensure_executor(user, execution)
    if execution.status not in STARTABLE:
        raise ValidationError("Взять в работу можно только не начатое или возвращённое.")
    execution.status = Execution.Status.IN_PROGRESS
    execution.version += 1
    stamp(execution, user, "Взято в работу")
    execution.save()
    return execution


@transaction.atomic
def submit_report(
    *,
    user,
    execution: Execution,
    text: str,
    completed_on: date,
    files: Sequence = (),
    kept: Sequence[Evidence] = (),
    reason: str = "",
) -> Report:
    """A school's report goes to review; the department's own report completes it at once.

    ``kept`` — files of the execution's returned report that the new report carries on: each
    is copied, so the returned report keeps its own files in the history.

    A measure bound to a figure of the system gets the figure frozen on the report, dated
    today; the department's own report of a measure whose condition is not met needs a
    written ``reason`` (kept as the review comment)."""
    execution = Execution.objects.select_for_update().get(pk=execution.pk)
    ensure_executor(user, execution)
    if execution.status not in REPORTABLE:
        label = Execution.Status(execution.status).label
        raise ValidationError(f"Отчёт уже отправлен или принят (статус: {label}).")
    errors = {}
    if not text.strip():
        errors["text"] = "Опишите, что сделано."
    today = timezone.localdate()
    if completed_on is None:
        errors["completed_on"] = "Укажите дату выполнения."
    elif completed_on > today:
        errors["completed_on"] = "Дата выполнения не может быть позже сегодняшней."
    checked = []
    for upload in files:
        try:
            checked.append((upload, validate_upload(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)))
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    own_department = execution.school_id is None
    figure = figures.snapshot(execution, today)
    if own_department and figures.frozen_unmet(figure) and not reason.strip():
        errors["reason"] = UNMET.format(
            condition=figure["condition"], action="отметить выполненным", field="Причина"
        )
    foreign = [e for e in kept if e.report.execution_id != execution.pk]
    if foreign:
        errors.setdefault("files", []).append("Файлы другого исполнения приложить нельзя.")
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    report = Report.objects.create(
        execution=execution,
        municipality_id=execution.measure.section.roadmap.municipality_id,
        text=text.strip(),
        completed_on=completed_on,
        submitted_by=user,
        submitted_at=now,
        decision=Report.Decision.ACCEPTED if own_department else Report.Decision.PENDING,
        reviewed_by=user if own_department else None,
        reviewed_at=now if own_department else None,
        review_comment=reason.strip() if own_department else "",
        figure=figure,
    )
    stored = []
    try:
        for upload, kind in checked:
            evidence = Evidence(
                report=report,
                original_name=safe_filename(upload.name, kind.extension),
                content_type=kind.content_type,
                size=upload.size,
                sha256=sha256_of(upload),
            )
            evidence.file.save(f"upload.{kind.extension}", upload, save=False)
            stored.append(evidence.file)
            evidence.save()
        for previous in kept:
            evidence = Evidence(
                report=report,
                original_name=previous.original_name,
                content_type=previous.content_type,
                size=previous.size,
                sha256=previous.sha256,
            )
            with previous.file.open("rb") as content:
                name = PurePosixPath(previous.file.name).name
                evidence.file.save(name, File(content), save=False)
            stored.append(evidence.file)
            evidence.save()
    except Exception:
        for file in stored:  # the rows roll back; the files must go with them
            file.delete(save=False)
        raise
    if own_department:
        execution.status = Execution.Status.ACCEPTED
        execution.completed_on = completed_on
        reason = "Отмечено выполненным"
    else:
        execution.status = Execution.Status.SUBMITTED
        reason = "Отчёт отправлен на проверку"
    execution.version += 1
    stamp(execution, user, reason)
    execution.save()
    return report


@transaction.atomic
def review_report(*, user, report: Report, accept: bool, comment: str = "") -> Report:
    if not permissions.can_review(user):
        raise PermissionDenied("Отчёты проверяют сотрудники департамента.")
    report = Report.objects.select_for_update().select_related("execution").get(pk=report.pk)
    execution = Execution.objects.select_for_update().get(pk=report.execution_id)
    if report.decision != Report.Decision.PENDING:
        raise ValidationError("Этот отчёт уже проверен.")
    if not accept and not comment.strip():
        raise ValidationError({"comment": "Напишите, что нужно доработать."})
    if accept and figures.frozen_unmet(report.figure) and not comment.strip():
        raise ValidationError(
            {
                "comment": UNMET.format(
                    condition=report.figure["condition"],
                    action="принять отчёт",
                    field="Комментарий для куратора",
                )
            }
        )
    report.decision = Report.Decision.ACCEPTED if accept else Report.Decision.RETURNED
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment.strip()
    report.save()
    if accept:
        execution.status = Execution.Status.ACCEPTED
        execution.completed_on = report.completed_on
        reason = "Отчёт принят"
    else:
        execution.status = Execution.Status.RETURNED
        execution.completed_on = None
        reason = "Отчёт возвращён на доработку"
    execution.comment = comment.strip()
    execution.version += 1
    stamp(execution, user, reason)
    execution.save()
    return report
