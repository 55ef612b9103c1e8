"""The period's summary (page, XLSX, PDF) and the regional summary."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core import permissions
from core.decorators import department_required, require
from core.files import PDF, XLSX
from core.http import attachment
from monitoring import exports, indicators, regional, selectors, summary


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


region_required = require(
    permissions.can_see_regional_summary,
    "Сводка по региону доступна региональному координатору.",
)


@require_safe
@region_required
def regional_summary(request, fmt: str = "html"):
    """Municipalities side by side for one period title, from accepted reports; as a page,
    XLSX or PDF (figures only: the regional coordinator reads no one's name)."""
    municipalities = selectors.compared_municipalities(request.user)
    choices, opening = regional.period_choices(municipalities)
    titles = {t for t, _ in choices}
    title = request.GET.get("period") or opening
    if titles and title not in titles:
        raise Http404("Нет такого периода мониторинга.")
    built = regional.build_regional(municipalities, title) if title else None
    if fmt == "xlsx" and built is not None:
        name = regional.regional_filename(title, "xlsx")
        return attachment(regional.regional_xlsx(built), name, XLSX.content_type)
    if fmt == "pdf" and built is not None:
        name = regional.regional_filename(title, "pdf")
        return attachment(regional.regional_pdf(built), name, PDF.content_type)
    return render(
        request,
        "monitoring/regional.html",
        {
            "titles": choices,
            "title": title,
            "regional": built,
            "codes": indicators.ORDER,
        },
    )
