"""The dashboard of figures on a day and the records behind a figure."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from core import paging, permissions
from core.http import refused
from monitoring import dashboard as dashboard_module
from monitoring import indicators, selectors
from monitoring.forms import DayForm
from monitoring.models import IndicatorCode
from monitoring.views.common import monitoring_user

PAGE_SIZE = 50


# Lists without people, open to the regional coordinator too (who reads them without the
# programmes' experts: see records.html).
REGION_RECORDS = {IndicatorCode.APPROVED_PROGRAMME, IndicatorCode.MEASURES_ON_TIME}


def _scope(request) -> tuple[selectors.Scope | None, DayForm]:
    """The «на дату», municipality and school of the URL; bad values give no scope (a 400
    page naming the field)."""
    form = DayForm(request.GET)
    if not form.is_valid():
        return None, form
    data = form.cleaned_data
    scope = selectors.monitoring_scope(
        request.user,
        day=data.get("on"),
        school_id=data.get("school"),
        municipality_id=data.get("municipality"),
    )
    return scope, form


def _bad_query(request, form):
    return render(request, "monitoring/bad_query.html", {"form": form}, status=400)


@require_safe
@monitoring_user
def dashboard(request):
    scope, form = _scope(request)
    if scope is None:
        return _bad_query(request, form)
    compare = form.cleaned_data.get("compare") or IndicatorCode.PUPILS_10_PLUS
    personal = permissions.can_see_personal_data(request.user)
    board = None
    if scope.is_regional:
        board = dashboard_module.build_regional(
            municipality_ids=[m.pk for m in scope.municipalities],
            day=scope.day,
            compare=compare,
            personal=personal,
        )
    if board is None:
        board = dashboard_module.build(
            schools=scope.schools,
            day=scope.day,
            school=scope.school,
            compare=compare,
            personal=personal,
        )
    records_query = {"on": scope.day.strftime("%d.%m.%Y")}
    if scope.school:
        records_query["school"] = scope.school.pk
    if scope.municipality_id:
        records_query["municipality"] = scope.municipality_id
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "board": board,
            "form": form,
            "scope": scope,
            "codes": IndicatorCode.choices,
            "is_curator": permissions.is_curator(request.user),
            "region_records": sorted(REGION_RECORDS),
            "records_query": urlencode(records_query),
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
    scope, form = _scope(request)
    if scope is None:
        return _bad_query(request, form)
    form_id = form.cleaned_data.get("form")
    mentoring_form = selectors.mentoring_form(form_id) if form_id else None
    counted = None
    if scope.is_regional:
        counted = dashboard_module.regional_records_figure(
            code, scope.municipalities, scope.day, form_id
        )
    if counted is None:
        counted = dashboard_module.records_figure(code, scope.shown, scope.day, form_id)
    records = selectors.records(
        code,
        schools=scope.shown_query,
        day=scope.day,
        form_id=form_id,
        personal=permissions.can_see_personal_data(request.user),
    )
    try:
        page = dashboard_module.records_page(records, PAGE_SIZE, request.GET, count=counted.count)
    except paging.BadPage as error:
        back = f"?{_without_page(request)}"
        return refused(request, [error.message], back=back, status=400)
    return render(
        request,
        "monitoring/records.html",
        {
            "code": code,
            "label": IndicatorCode(code).label,
            "kind": RECORD_TEMPLATES[code],
            "figure": counted.figure,
            "denominator_label": indicators.DENOMINATOR_LABELS.get(code, ""),
            "page": page,
            "day": scope.day,
            "school": scope.school,
            "mentoring_form": mentoring_form,
            "without_counts": counted.without_counts,
            "by_school": counted.by_school,
            "by_municipality": counted.by_municipality,
            "query": _without_page(request),
        },
    )


def _without_page(request) -> str:
    """The list's query string without its position (page, after, before)."""
    return urlencode(
        {k: v for k, v in request.GET.items() if k not in paging.CURSOR_PARAMS and v},
        doseq=False,
    )
