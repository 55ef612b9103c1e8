"""Executions and reports: the curator's «Мои мероприятия», the review queue, evidence files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST, require_safe

from core import paging, permissions
from core.decorators import department_required, personal_data_required
from core.http import handle_form, perform, refused
from roadmap import reminders, selectors, services
from roadmap.forms.executions import ReportForm, ReviewForm
from roadmap.models import Execution, Report


@login_required
def my_measures(request):
    """The curator's executions (staff: the department's own), overdue first."""
    if not permissions.has_own_measures(request.user):
        raise PermissionDenied("Список «Мои мероприятия» — для кураторов ОО и сотрудников.")
    return render(request, "roadmap/my_measures.html", selectors.my_measures_data(request.user))


REVIEW_PAGE_SIZE = 50


@department_required
def review_queue(request):
    reports = selectors.review_queue(request.user)
    try:
        page = paging.paginate(reports, request.GET, size=REVIEW_PAGE_SIZE)
    except paging.BadPage as error:
        return refused(request, [error.message], back=reverse("roadmap:review"), status=400)
    return render(request, "roadmap/review_queue.html", {"reports": page, "page": page})


def _execution_context(request, execution: Execution, **extra) -> dict:
    user = request.user
    own_part = permissions.can_act_on(user, execution)
    context = selectors.execution_data(execution, user)
    own_bound = execution.school_id is None and context["figure"] is not None
    return {
        **context,
        "can_report": own_part and execution.status in services.REPORTABLE,
        "can_start": own_part and execution.status in services.STARTABLE,
        "can_review": permissions.can_review(user) and context["pending"] is not None,
        "report_form": ReportForm(
            previous=selectors.returned_report(execution), with_reason=own_bound
        ),
        "review_form": ReviewForm(),
        **extra,
    }


@require_safe
@login_required
def execution_detail(request, pk: int):
    execution = selectors.execution_for(request.user, pk)
    return render(request, "roadmap/execution_detail.html", _execution_context(request, execution))


@require_POST
@login_required
def execution_start(request, pk: int):
    execution = selectors.execution_for(request.user, pk)
    return perform(
        request,
        lambda: services.start_execution(user=request.user, execution=execution),
        success="Мероприятие взято в работу.",
        back=reverse("roadmap:execution", args=[execution.pk]),
    )


@require_POST
@login_required
def execution_report(request, pk: int):
    execution = selectors.execution_for(request.user, pk)
    services.ensure_executor(request.user, execution)  # 403 before reading the form
    bound = selectors.binding_for(execution.measure) is not None
    form = ReportForm(
        request.POST,
        request.FILES,
        previous=selectors.returned_report(execution),
        with_reason=bound and execution.school_id is None,
    )

    def submit():
        data = form.cleaned_data
        return services.submit_report(
            user=request.user,
            execution=execution,
            text=data["text"],
            completed_on=data["completed_on"],
            reason=data.get("reason", ""),
            **form.evidence(),
        )

    def page():
        execution.refresh_from_db()
        return render(
            request,
            "roadmap/execution_detail.html",
            _execution_context(request, execution, report_form=form),
            status=422,
        )

    return handle_form(
        request,
        form,
        submit,
        said=(
            "Исполнение департамента отмечено выполненным."
            if execution.school_id is None
            else "Отчёт отправлен в департамент на проверку."
        ),
        then=reverse("roadmap:execution", args=[execution.pk]),
        page=page,
    )


@require_POST
@department_required
def report_review(request, pk: int):
    report = selectors.report_for(request.user, pk)
    form = ReviewForm(request.POST)

    def save():
        return services.review_report(
            user=request.user,
            report=report,
            accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
        )

    return handle_form(
        request,
        form,
        save,
        said=lambda reviewed: (
            "Отчёт принят."
            if reviewed.decision == Report.Decision.ACCEPTED
            else "Отчёт возвращён куратору на доработку."
        ),
        then=reverse("roadmap:execution", args=[report.execution_id]),
        page=lambda: render(
            request,
            "roadmap/execution_detail.html",
            _execution_context(request, report.execution, review_form=form),
            status=422,
        ),
    )


@require_GET
@personal_data_required
def evidence_download(request, pk: int):
    evidence = selectors.evidence_for(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Файл не найден в хранилище.") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def reminder_list(request):
    today = timezone.localdate()
    return render(
        request,
        "roadmap/reminders.html",
        {"items": reminders.items_for(request.user, today), "today": today},
    )
