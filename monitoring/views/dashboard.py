"""The dashboard of figures on a day and the records behind a figure."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from core import permissions
from monitoring import dashboard as dashboard_module
from monitoring import indicators, selectors
from monitoring.forms import DayForm
from monitoring.models import IndicatorCode
from monitoring.views.common import monitoring_user
from registry.models import MentoringForm

PAGE_SIZE = 50


# Lists without people, open to the regional coordinator too (who reads them without the
# programmes' experts: see records.html).
REGION_RECORDS = {IndicatorCode.APPROVED_PROGRAMME, IndicatorCode.MEASURES_ON_TIME}


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
