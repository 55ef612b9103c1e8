"""Monitoring periods, the schools' reports with their questionnaires, and the summary."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core import permissions
from core.decorators import curator_required, department_required, editor_required
from core.files import PDF, XLSX
from core.http import attachment, form_page, handle_form, perform, refused
from core.selectors import school_of
from monitoring import answers_io, exports, indicators, selectors, services, summary
from monitoring.forms import AnswerSetForm, PeriodForm, ReviewForm, SwotForm, UploadForm
from monitoring.models import AnswerSet, Questionnaire, SchoolReport, Swot
from monitoring.views import _one_municipality, monitoring_user
from registry.selectors import programmes_for

STATUS_CSS = {
    SchoolReport.Status.DRAFT: "secondary",
    SchoolReport.Status.SUBMITTED: "info",
    SchoolReport.Status.RETURNED: "warning",
    SchoolReport.Status.ACCEPTED: "success",
}


# --- periods -----------------------------------------------------------------------------------


@require_safe
@monitoring_user
def periods(request):
    rows = selectors.periods_for(request.user).order_by("-ends_on", "-id")
    mine = {}
    if permissions.is_curator(request.user):
        mine = {r.period_id: r for r in selectors.reports_for(request.user)}
    return render(
        request,
        "monitoring/periods.html",
        {
            "periods": [(p, mine.get(p.pk)) for p in rows],
            "editable": permissions.can_edit_department(request.user),
            "is_curator": permissions.is_curator(request.user),
        },
    )


@editor_required
def period_create(request):
    municipality = _one_municipality(request.user)
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
        report = selectors.reports_for(request.user).filter(period=period).first()
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


@require_safe
@department_required
def period_summary(request, pk: int):
    period = selectors.period_for(request.user, pk)
    built = summary.build_summary(period, personal=permissions.can_see_personal_data(request.user))
    return render(
        request,
        "monitoring/summary.html",
        {
            "period": period,
            "summary": built,
            "denominators": indicators.DENOMINATOR_LABELS,
            "swot_withheld": exports.SWOT_WITHHELD,
        },
    )


@require_safe
@department_required
def period_summary_file(request, pk: int, fmt: str):
    period = selectors.period_for(request.user, pk)
    built = summary.build_summary(period, personal=permissions.can_see_personal_data(request.user))
    name = exports.summary_filename(built, fmt)
    if fmt == "xlsx":
        return attachment(exports.summary_xlsx(built), name, XLSX.content_type)
    return attachment(exports.summary_pdf(built), name, PDF.content_type)


# --- one school's report -----------------------------------------------------------------------


def _can_write(user, report: SchoolReport) -> bool:
    return permissions.can_fill_school_report(user, report) and report.is_editable


@require_safe
@monitoring_user
def report_detail(request, pk: int):
    report = selectors.report_for(request.user, pk)
    if report.figures and not report.is_editable:
        frozen = True
        figures = summary.figures_of(report)
        by_form = report.figures.get("by_form", [])
    else:
        frozen = False
        computed = indicators.compute([report.school], report.period.ends_on)
        figures = computed.by_school[report.school.pk]
        by_form = [f.__dict__ for f in computed.by_school_form[report.school.pk]]
    questionnaires = list(
        Questionnaire.objects.filter(
            municipality_id=report.period.municipality_id, is_active=True
        ).prefetch_related("questions")
    )
    answer_sets = list(
        report.answer_sets.select_related("questionnaire", "form").prefetch_related(
            "answers__question"
        )
    )
    personal = permissions.can_see_personal_data(request.user)
    # The SWOT texts, the department's comments and who did what are read only by those who
    # may see personal data; the regional coordinator reads the figures and the statuses.
    swots = {s.programme_id: s for s in report.swots.all()} if personal else {}
    programmes = list(programmes_for(request.user).filter(school=report.school))
    events = (
        report.events.select_related("user")
        if personal
        else report.events.only("id", "report_id", "at", "action")
    )
    return render(
        request,
        "monitoring/report.html",
        {
            "report": report,
            "frozen": frozen,
            "figures": [figures[code] for code in indicators.ORDER if code in figures],
            "by_form": by_form,
            "questionnaires": [
                (q, [s for s in answer_sets if s.questionnaire_id == q.pk]) for q in questionnaires
            ],
            "programmes": [(p, swots.get(p.pk)) for p in programmes],
            "can_write": _can_write(request.user, report),
            "can_review": permissions.can_review(request.user)
            and report.status == SchoolReport.Status.SUBMITTED,
            "review_form": ReviewForm(initial={"version": report.version}),
            "upload_form": UploadForm(),
            "events": events,
            "status_css": STATUS_CSS,
        },
    )


def _writable_report(request, pk: int) -> SchoolReport:
    report = selectors.report_for(request.user, pk)
    if not permissions.is_curator(request.user):
        raise PermissionDenied("Отчёт заполняет куратор ОО.")
    return report


def _refused_frozen(request, report: SchoolReport):
    """None while the report can be edited, else the 409 page with the service's reason."""
    try:
        services.ensure_editable(report)
    except ValidationError as error:
        return refused(request, error.messages, back=reverse("monitoring:report", args=[report.pk]))
    return None


@curator_required
@require_POST
def report_submit(request, pk: int):
    report = _writable_report(request, pk)
    return perform(
        request,
        lambda: services.submit_report(
            user=request.user, report=report, version=request.POST.get("version") or None
        ),
        success="Отчёт отправлен на проверку. Показатели зафиксированы на конец периода.",
        back=reverse("monitoring:report", args=[pk]),
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
def answer_set_edit(request, pk: int, questionnaire_id: int):
    report = _writable_report(request, pk)
    if frozen := _refused_frozen(request, report):
        return frozen
    questionnaire = get_object_or_404(
        selectors.questionnaires_for(request.user).prefetch_related("questions"),
        pk=questionnaire_id,
    )
    initial = {}
    existing_id = request.GET.get("set")
    if existing_id and existing_id.isdigit():
        existing = get_object_or_404(report.answer_sets, pk=int(existing_id))
        initial = {
            "form": existing.form_id,
            "moment": existing.moment,
            "respondents": existing.respondents,
        }
        initial.update(
            {f"q{a.question_id}": str(a.average).replace(".", ",") for a in existing.answers.all()}
        )
    form = AnswerSetForm(request.POST or None, initial=initial, questionnaire=questionnaire)

    def save():
        data = form.cleaned_data
        return services.save_answer_set(
            user=request.user,
            report=report,
            questionnaire=questionnaire,
            form=data["form"],
            moment=data.get("moment", ""),
            respondents=data["respondents"],
            averages=form.averages(),
        )

    return handle_form(
        request,
        form,
        save,
        said=f"Результаты анкеты «{questionnaire.title}» сохранены.",
        then=reverse("monitoring:report", args=[pk]),
        page=lambda: render(
            request,
            "monitoring/answer_form.html",
            {"report": report, "questionnaire": questionnaire, "form": form},
            status=422 if form.errors else 200,
        ),
    )


@curator_required
@require_POST
def answer_set_delete(request, pk: int):
    answer_set = get_object_or_404(
        AnswerSet.objects.select_related("report"),
        pk=pk,
        report__in=selectors.reports_for(request.user),
    )
    back = reverse("monitoring:report", args=[answer_set.report_id])
    return perform(
        request,
        lambda: services.delete_answer_set(user=request.user, answer_set=answer_set),
        success="Результаты анкетирования удалены.",
        back=back,
    )


@curator_required
def swot_edit(request, pk: int, programme_id: int):
    report = _writable_report(request, pk)
    programme = get_object_or_404(programmes_for(request.user), pk=programme_id)
    if frozen := _refused_frozen(request, report):
        return frozen
    instance = Swot.objects.filter(report=report, programme=programme).first()
    form = SwotForm(request.POST or None, instance=instance)

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


@require_safe
@monitoring_user
def answers_template(request, pk: int):
    report = selectors.report_for(request.user, pk)
    name = f"Анкеты_{report.period.title}.xlsx".replace(" ", "_").replace("/", "-")
    return attachment(answers_io.answers_template(report), name, XLSX.content_type)


@curator_required
@require_POST
def answers_import(request, pk: int):
    report = _writable_report(request, pk)
    form = UploadForm(request.POST, request.FILES)
    back = reverse("monitoring:report", args=[pk])
    if not form.is_valid():
        return refused(request, ["Выберите файл Excel (.xlsx)."], back=back, status=422)
    return perform(
        request,
        lambda: answers_io.import_answers(report, form.cleaned_data["file"], user=request.user),
        success=lambda n: f"Загружено результатов анкетирования: {n}.",
        back=back,
    )
