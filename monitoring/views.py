"""Monitoring pages: the dashboard, the records behind a figure, targets, questionnaires."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from core import permissions
from core.decorators import department_required, editor_required, require
from core.files import XLSX
from core.http import attachment, form_page, handle_form, perform
from core.selectors import municipalities_for
from monitoring import dashboard as dashboard_module
from monitoring import indicators, regional, selectors, services
from monitoring.forms import DayForm, QuestionForm, QuestionnaireForm, TargetForm
from monitoring.models import IndicatorCode, Question
from monitoring.reference import ensure_questionnaires
from registry.models import MentoringForm

PAGE_SIZE = 50
# Lists without people, open to the regional coordinator too (who reads them without the
# programmes' experts: see records.html).
REGION_RECORDS = {IndicatorCode.APPROVED_PROGRAMME, IndicatorCode.MEASURES_ON_TIME}


monitoring_user = require(permissions.can_use_monitoring, "Нет доступа к мониторингу.")
region_required = require(
    permissions.can_see_regional_summary,
    "Сводка по региону доступна региональному координатору.",
)


def _one_municipality(user):
    municipality = municipalities_for(user).first()
    if municipality is None:
        raise PermissionDenied("Пользователь не привязан к муниципалитету.")
    return municipality


def _day_and_school(request):
    """The «на дату» and school of the URL; bad values are a 400 page naming the field."""
    form = DayForm(request.GET)
    if not form.is_valid():
        return None, None, form
    schools = list(selectors.monitored_schools(request.user))
    municipalities = sorted({s.municipality for s in schools}, key=lambda m: m.name)
    if form.cleaned_data.get("municipality"):
        wanted = form.cleaned_data["municipality"]
        schools = [s for s in schools if s.municipality_id == wanted]
        if not schools:
            raise Http404("Нет такого муниципалитета среди доступных вам.")
    form.municipalities = municipalities if len(municipalities) > 1 else []
    school = None
    if form.cleaned_data.get("school"):
        school = next((s for s in schools if s.pk == form.cleaned_data["school"]), None)
        if school is None:
            raise Http404("Нет такой ОО среди доступных вам.")
    if permissions.is_curator(request.user) and schools:
        school = schools[0]
    form.schools = schools
    form.school = school
    form.chosen_municipality = form.cleaned_data.get("municipality")
    return form.cleaned_data.get("on") or timezone.localdate(), school, form


def _bad_query(request, form):
    return render(request, "monitoring/bad_query.html", {"form": form}, status=400)


@require_safe
@monitoring_user
def dashboard(request):
    day, school, form = _day_and_school(request)
    if day is None:
        return _bad_query(request, form)
    compare = form.cleaned_data.get("compare") or IndicatorCode.PUPILS_10_PLUS
    board = dashboard_module.build(
        schools=form.schools,
        day=day,
        school=school,
        compare=compare,
        personal=permissions.can_see_personal_data(request.user),
    )
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "board": board,
            "form": form,
            "codes": IndicatorCode.choices,
            "is_curator": permissions.is_curator(request.user),
            "region_records": sorted(REGION_RECORDS),
            "records_query": urlencode(
                {
                    "on": day.strftime("%d.%m.%Y"),
                    **({"school": school.pk} if school else {}),
                    **(
                        {"municipality": form.chosen_municipality}
                        if form.chosen_municipality
                        else {}
                    ),
                }
            ),
        },
    )


RECORD_TEMPLATES = {
    IndicatorCode.MENTORS: "mentors",
    IndicatorCode.MENTEES: "mentees",
    IndicatorCode.PUPILS_10_PLUS: "mentees",
    IndicatorCode.YOUNG_TEACHERS: "mentees",
    IndicatorCode.PAIRS: "pairs",
    IndicatorCode.APPROVED_PROGRAMME: "programmes",
    IndicatorCode.MEASURES_ON_TIME: "executions",
}


@require_safe
@monitoring_user
def records(request, code: str):
    """The records behind a figure: who is counted, as of the day, in the user's schools."""
    if code not in IndicatorCode.values:
        raise Http404("Нет такого показателя.")
    if not permissions.can_see_personal_data(request.user) and code not in REGION_RECORDS:
        raise PermissionDenied(
            "Списки людей за показателями видят департамент и кураторы своей ОО; региональному "
            "координатору доступны сами показатели."
        )
    day, school, form = _day_and_school(request)
    if day is None:
        return _bad_query(request, form)
    scope = [school] if school else form.schools
    form_id = form.cleaned_data.get("form")
    mentoring_form = None
    if form_id:
        mentoring_form = get_object_or_404(MentoringForm, pk=form_id)
    figures = dashboard_module.cached_figures(scope, day)  # the dashboard just counted them
    figure = figures.totals[code]
    page = Paginator(
        selectors.records(
            code,
            schools=scope,
            day=day,
            form_id=form_id,
            personal=permissions.can_see_personal_data(request.user),
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    without = [s for s in scope if s.pk in set(figures.without_counts)]
    return render(
        request,
        "monitoring/records.html",
        {
            "code": code,
            "label": IndicatorCode(code).label,
            "kind": RECORD_TEMPLATES[code],
            "figure": figure,
            "denominator_label": indicators.DENOMINATOR_LABELS.get(code, ""),
            "page": page,
            "day": day,
            "school": school,
            "mentoring_form": mentoring_form,
            "without_counts": without if code in indicators.SHARES[:2] else [],
            "by_school": [(s, figures.by_school[s.pk][code]) for s in scope]
            if len(scope) > 1
            else [],
            "query": urlencode(
                {k: v for k, v in request.GET.items() if k != "page" and v}, doseq=False
            ),
        },
    )


# --- targets -----------------------------------------------------------------------------------


@department_required
def targets(request):
    municipality = _one_municipality(request.user)
    editable = permissions.can_edit_department(request.user)
    form = TargetForm(request.POST or None)
    if request.method == "POST" and not editable:
        raise PermissionDenied("Цели задают сотрудники департамента.")
    return handle_form(
        request,
        form,
        lambda: services.save_target(
            user=request.user, municipality=municipality, **form.cleaned_data
        ),
        said=lambda t: f"Цель сохранена: {t.get_indicator_display()}, {t.year} г.",
        then="monitoring:targets",
        page=lambda: render(
            request,
            "monitoring/targets.html",
            {
                "form": form,
                "targets": selectors.targets_for(request.user).order_by("indicator", "year"),
                "editable": editable,
            },
            status=422 if form.errors else 200,
        ),
    )


@editor_required
@require_POST
def target_delete(request, pk: int):
    target = selectors.target_for(request.user, pk)
    return perform(
        request,
        lambda: services.delete_target(user=request.user, target=target),
        success="Цель удалена.",
        back="monitoring:targets",
    )


# --- questionnaires ----------------------------------------------------------------------------


@require_safe
@department_required
def questionnaires(request):
    municipality = _one_municipality(request.user)
    ensure_questionnaires(municipality)
    return render(
        request,
        "monitoring/questionnaires.html",
        {
            "questionnaires": selectors.questionnaires_for(request.user).prefetch_related(
                "questions"
            ),
            "editable": permissions.can_edit_department(request.user),
        },
    )


@editor_required
def questionnaire_create(request):
    municipality = _one_municipality(request.user)
    form = QuestionnaireForm(request.POST or None)

    def save():
        return services.save_questionnaire(
            user=request.user, municipality=municipality, **form.cleaned_data
        )

    return handle_form(
        request,
        form,
        save,
        said="Анкета создана.",
        then=lambda q: q.get_absolute_url(),
        page=lambda: form_page(
            request, form, title="Новая анкета", cancel=reverse("monitoring:questionnaires")
        ),
    )


@department_required
def questionnaire_detail(request, pk: int):
    questionnaire = selectors.questionnaire_for(request.user, pk)
    editable = permissions.can_edit_department(request.user)
    form = QuestionnaireForm(instance=questionnaire)
    question_form = QuestionForm()
    adds_question = request.method == "POST" and "text" in request.POST
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Анкеты изменяют сотрудники департамента.")
        if adds_question:
            question_form = QuestionForm(request.POST)
        else:
            form = QuestionnaireForm(
                request.POST, instance=selectors.questionnaire_for(request.user, pk)
            )

    def page():
        return render(
            request,
            "monitoring/questionnaire.html",
            {
                "questionnaire": questionnaire,
                "questions": questionnaire.questions.all(),
                "form": form,
                "question_form": question_form,
                "editable": editable,
            },
            status=422 if form.errors or question_form.errors else 200,
        )

    if adds_question:
        return handle_form(
            request,
            question_form,
            lambda: services.save_question(
                user=request.user,
                questionnaire=questionnaire,
                text=question_form.cleaned_data["text"],
            ),
            said="Вопрос добавлен.",
            then=questionnaire.get_absolute_url(),
            page=page,
        )

    def save():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return services.save_questionnaire(
            user=request.user,
            municipality=questionnaire.municipality,
            questionnaire=selectors.questionnaire_for(request.user, pk),
            **data,
        )

    return handle_form(
        request,
        form,
        save,
        said="Анкета сохранена.",
        then=questionnaire.get_absolute_url(),
        page=page,
    )


@editor_required
@require_POST
def question_delete(request, pk: int):
    question = get_object_or_404(
        Question.objects.select_related("questionnaire"),
        pk=pk,
        questionnaire__in=selectors.questionnaires_for(request.user),
    )
    back = question.questionnaire.get_absolute_url()
    return perform(
        request,
        lambda: services.delete_question(user=request.user, question=question),
        success="Вопрос удалён.",
        back=back,
    )


# --- the region --------------------------------------------------------------------------------


@require_safe
@region_required
def regional_summary(request, fmt: str = "html"):
    """Municipalities side by side for one period title, from accepted reports."""
    municipalities = list(municipalities_for(request.user).order_by("name"))
    titles = regional.period_titles(municipalities)
    title = request.GET.get("period") or (titles[0] if titles else "")
    if titles and title not in titles:
        raise Http404("Нет такого периода мониторинга.")
    built = regional.build_regional(municipalities, title) if title else None
    if fmt == "xlsx" and built is not None:
        name = f"Сводка_по_региону_{title}.xlsx".replace(" ", "_").replace("/", "-")
        return attachment(
            regional.regional_xlsx(built),
            name,
            XLSX.content_type,
        )
    return render(
        request,
        "monitoring/regional.html",
        {"titles": titles, "title": title, "regional": built, "codes": indicators.ORDER},
    )
