"""A measure's schedule and occurrences (entered, loaded from Excel, reported, reviewed), its
events, and the list of measures «без срока»."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.decorators import department_required, editor_required, personal_data_required
from core.files import XLSX
from core.http import attachment, handle_form, perform
from core.xlsx.writer import template_xlsx
from roadmap import selectors, services, tracking
from roadmap.forms.executions import ReviewForm
from roadmap.forms.tracking import (
    EventForm,
    OccurrenceReportForm,
    ScheduleImportForm,
    ScheduleItemForm,
)
from roadmap.services import events as event_services
from roadmap.services import occurrences as occurrence_services


def _measure_url(measure_id: int, anchor: str = "") -> str:
    url = reverse("roadmap:measure", args=[measure_id])
    return f"{url}#{anchor}" if anchor else url


# --- schedule ------------------------------------------------------------------------------------


@editor_required
def schedule_add(request, pk: int):
    measure = selectors.measure_for(request.user, pk)
    form = ScheduleItemForm(request.POST or None)
    return handle_form(
        request,
        form,
        lambda: occurrence_services.add_schedule_item(
            user=request.user, measure=measure, **form.cleaned_data
        ),
        said="Срок добавлен в график.",
        then=_measure_url(measure.pk, "occurrences"),
        title=f"Мероприятие {measure.number}: срок графика",
        cancel=_measure_url(measure.pk),
    )


@editor_required
def schedule_import(request, pk: int):
    measure = selectors.measure_for(request.user, pk)
    form = ScheduleImportForm(request.POST or None, request.FILES or None)
    return handle_form(
        request,
        form,
        lambda: occurrence_services.import_schedule(
            user=request.user, measure=measure, upload=form.cleaned_data["file"]
        ),
        said=lambda items: f"График загружен: сроков — {len(items)}.",
        then=_measure_url(measure.pk, "occurrences"),
        title=f"Мероприятие {measure.number}: загрузка графика из Excel",
        cancel=_measure_url(measure.pk),
        template_url=reverse("roadmap:schedule_template", args=[measure.pk]),
    )


@require_GET
@editor_required
def schedule_template(request, pk: int):
    measure = selectors.measure_for(request.user, pk)
    return attachment(
        template_xlsx(occurrence_services.SCHEDULE_SHEET),
        f"График мероприятия {measure.number}.xlsx",
        XLSX.content_type,
        ascii_name=f"schedule-{measure.number}.xlsx",
    )


@require_POST
@editor_required
def schedule_delete(request, pk: int):
    occurrence = tracking.occurrence_for(request.user, pk)
    return perform(
        request,
        lambda: occurrence_services.delete_schedule_item(user=request.user, occurrence=occurrence),
        success="Срок удалён из графика.",
        back=_measure_url(occurrence.measure_id, "occurrences"),
    )


# --- reports on occurrences ----------------------------------------------------------------------


@login_required
def occurrence_report(request, pk: int, execution_id: int):
    occurrence = tracking.occurrence_for(request.user, pk)
    execution = selectors.execution_for(request.user, execution_id)
    services.ensure_executor(request.user, execution)  # 403 before reading the form
    form = OccurrenceReportForm(request.POST or None)
    return handle_form(
        request,
        form,
        lambda: occurrence_services.report_occurrence(
            user=request.user, occurrence=occurrence, execution=execution, **form.cleaned_data
        ),
        said="Отчёт за срок сохранён.",
        then=_measure_url(occurrence.measure_id, "occurrences"),
        title=(
            f"Мероприятие {occurrence.measure.number}: отчёт за срок "
            f"{occurrence.due_on:%d.%m.%Y} ({execution.executor_name})"
        ),
        cancel=_measure_url(occurrence.measure_id),
    )


@department_required
def occurrence_review(request, pk: int):
    row = tracking.occurrence_execution_for(request.user, pk)
    form = ReviewForm(request.POST or None)
    return handle_form(
        request,
        form,
        lambda: occurrence_services.review_occurrence(
            user=request.user,
            row=row,
            accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
        ),
        said="Решение по отчёту сохранено.",
        then=_measure_url(row.occurrence.measure_id, "occurrences"),
        title=(
            f"Проверка отчёта за срок {row.occurrence.due_on:%d.%m.%Y} "
            f"({row.execution.executor_name})"
        ),
        cancel=_measure_url(row.occurrence.measure_id),
        report=row,
    )


@department_required
def undated(request, pk: int):
    """Measures «без срока» of a roadmap: never overdue until they get one."""
    roadmap = selectors.roadmap_for(request.user, pk)
    return render(
        request,
        "roadmap/undated.html",
        {
            "roadmap": roadmap,
            "measures": tracking.undated_measures(roadmap),
            "warnings": tracking.approval_warnings(roadmap),
        },
    )


# --- events --------------------------------------------------------------------------------------


@require_POST
@editor_required
def events_keep(request, pk: int):
    measure = selectors.measure_for(request.user, pk)
    keep = request.POST.get("keep") == "1"
    return perform(
        request,
        lambda: event_services.keep_events(user=request.user, measure=measure, keep=keep),
        success="Список мероприятий ведётся." if keep else "Список мероприятий больше не ведётся.",
        back=_measure_url(measure.pk, "events"),
    )


@personal_data_required
def event_add(request, pk: int):
    measure = selectors.measure_for(request.user, pk)
    event_services.ensure_event_editor(request.user)  # 403 before reading the form
    schools = event_services.event_schools(request.user, measure)
    form = EventForm(request.POST or None, request.FILES or None, schools=schools)
    return handle_form(
        request,
        form,
        lambda: event_services.add_event(user=request.user, measure=measure, **form.cleaned_data),
        said="Мероприятие добавлено в список.",
        then=_measure_url(measure.pk, "events"),
        title=f"Мероприятие {measure.number}: проведённое мероприятие",
        cancel=_measure_url(measure.pk),
    )


@require_POST
@personal_data_required
def event_delete(request, pk: int):
    event = tracking.event_for(request.user, pk)
    return perform(
        request,
        lambda: event_services.delete_event(user=request.user, event=event),
        success="Мероприятие удалено из списка.",
        back=_measure_url(event.measure_id, "events"),
    )


@require_GET
@personal_data_required
def event_file(request, pk: int):
    event = tracking.event_file_for(request.user, pk)
    try:
        handle = event.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Файл не найден в хранилище.") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=event.original_name, content_type=event.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
