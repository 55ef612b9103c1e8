"""Monitoring periods and the schools' reports: a report's page, its submission, the
department's review, the SWOT analysis of a programme."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import permissions
from core.decorators import curator_required, editor_required
from core.http import confirm_then, form_page, handle_form, perform, refused
from core.selectors import school_of
from monitoring import confirmations, selectors, services, summary
from monitoring.forms import PeriodForm, ReviewForm, SwotForm, UploadForm
from monitoring.models import SchoolReport
from monitoring.views.common import (
    monitoring_user,
    one_municipality,
    refused_frozen,
    writable_report,
)
from registry.selectors import programme_for

STATUS_CSS = {
    SchoolReport.Status.DRAFT: "secondary",
    SchoolReport.Status.SUBMITTED: "info",
    SchoolReport.Status.RETURNED: "warning",
    SchoolReport.Status.ACCEPTED: "success",
}


@require_safe
@monitoring_user
def periods(request):
    return render(
        request,
        "monitoring/periods.html",
        {
            "periods": selectors.periods_with_own_reports(request.user),
            "editable": permissions.can_edit_department(request.user),
            "is_curator": permissions.is_curator(request.user),
        },
    )


@editor_required
def period_create(request):
    municipality = one_municipality(request.user)
    form = PeriodForm(request.POST or None)

    def save():
        return services.save_period(
            user=request.user, municipality=municipality, **form.cleaned_data
        )

    return handle_form(
        request,
        form,
        save,
        said=lambda p: f"Период «{p.title}» создан.",
        then=lambda p: reverse("monitoring:period", args=[p.pk]),
        page=lambda: form_page(
            request, form, title="Новый период мониторинга", cancel=reverse("monitoring:periods")
        ),
    )


@editor_required
def period_edit(request, pk: int):
    period = selectors.period_for(request.user, pk)
    form = PeriodForm(request.POST or None, instance=selectors.period_for(request.user, pk))

    def save():
        return services.save_period(
            user=request.user, municipality=period.municipality, period=period, **form.cleaned_data
        )

    return handle_form(
        request,
        form,
        save,
        said="Период сохранён.",
        then=reverse("monitoring:period", args=[pk]),
        page=lambda: form_page(
            request,
            form,
            title=f"Период «{period.title}»",
            cancel=reverse("monitoring:period", args=[pk]),
        ),
    )


@require_safe
@monitoring_user
def period_detail(request, pk: int):
    period = selectors.period_for(request.user, pk)
    if permissions.is_curator(request.user):
        report = selectors.own_report(request.user, period)
        if report:
            return redirect("monitoring:report", pk=report.pk)
        return render(request, "monitoring/period_start.html", {"period": period})
    built = summary.build_summary(period, personal=permissions.can_see_personal_data(request.user))
    return render(
        request,
        "monitoring/period.html",
        {
            "period": period,
            "summary": built,
            "status_css": STATUS_CSS,
            "editable": permissions.can_edit_department(request.user),
        },
    )


@curator_required
@require_POST
def report_start(request, pk: int):
    period = selectors.period_for(request.user, pk)
    school = school_of(request.user)
    if school is None:
        raise PermissionDenied("Куратор не привязан к ОО.")
    report = services.report_of(period, school)
    return redirect("monitoring:report", pk=report.pk)


def _can_write(user, report: SchoolReport) -> bool:
    return permissions.can_fill_school_report(user, report) and report.is_editable


@require_safe
@monitoring_user
def report_detail(request, pk: int):
    report = selectors.report_for(request.user, pk)
    return render(
        request,
        "monitoring/report.html",
        {
            **selectors.report_data(report, request.user),
            "can_write": _can_write(request.user, report),
            "can_review": permissions.can_review(request.user)
            and report.status == SchoolReport.Status.SUBMITTED,
            "review_form": ReviewForm(initial={"version": report.version}),
            "upload_form": UploadForm(),
            "status_css": STATUS_CSS,
        },
    )


@curator_required
@require_http_methods(["GET", "POST"])
def report_submit(request, pk: int):
    report = writable_report(request, pk)
    version = request.POST.get("version") or None
    return confirm_then(
        request,
        lambda: confirmations.submission(report, version),
        lambda: services.submit_report(user=request.user, report=report, version=version),
        success="Отчёт отправлен на проверку. Показатели зафиксированы на конец периода.",
    )


@editor_required
@require_POST
def report_review(request, pk: int):
    report = selectors.report_for(request.user, pk)
    form = ReviewForm(request.POST)
    back = reverse("monitoring:report", args=[pk])
    if not form.is_valid():
        reasons = [f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()]
        return refused(request, reasons, back=back, status=422)
    accept = form.cleaned_data["decision"] == "accept"
    return perform(
        request,
        lambda: services.review_report(
            user=request.user,
            report=report,
            accept=accept,
            comment=form.cleaned_data["comment"],
            version=form.cleaned_data.get("version"),
        ),
        success="Отчёт принят." if accept else "Отчёт возвращён на доработку.",
        back=back,
    )


@curator_required
def swot_edit(request, pk: int, programme_id: int):
    report = writable_report(request, pk)
    programme = programme_for(request.user, programme_id)
    if frozen := refused_frozen(request, report):
        return frozen
    form = SwotForm(request.POST or None, instance=selectors.swot_of(report, programme))

    def save():
        return services.save_swot(
            user=request.user, report=report, programme=programme, **form.cleaned_data
        )

    return handle_form(
        request,
        form,
        save,
        said="SWOT-анализ сохранён.",
        then=reverse("monitoring:report", args=[pk]),
        page=lambda: form_page(
            request,
            form,
            title=f"SWOT-анализ программы «{programme.title}»",
            cancel=reverse("monitoring:report", args=[pk]),
        ),
    )
