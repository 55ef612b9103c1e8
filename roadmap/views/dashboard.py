"""The head's dashboard: figures, overdue lists, schools, filters kept in the URL."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from core.decorators import department_required
from core.files import XLSX
from core.http import attachment, bad_file_query
from roadmap import selectors
from roadmap.dashboard import (
    LATE_LEGEND,
    STATUS_FILTERS,
    board_xlsx,
    build_dashboard,
    late_heading,
)
from roadmap.forms.dashboard import DashboardFilterForm


@department_required
def dashboard(request, pk: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    form = DashboardFilterForm(request.GET or None, roadmap=roadmap)
    board = build_dashboard(roadmap, form.filters())
    if request.GET.get("format") == "xlsx":
        if form.errors:  # never a list «на дату» other than the one asked for
            return bad_file_query(form, "Список не выгружен.")
        name = f"Исполнение_дорожной_карты_на_{board.as_of:%d.%m.%Y}.xlsx"
        ascii_name = f"roadmap_{board.as_of:%Y-%m-%d}.xlsx"
        return attachment(board_xlsx(board), name, XLSX.content_type, ascii_name=ascii_name)
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("format", None)
    return render(
        request,
        "roadmap/dashboard.html",
        {
            "roadmap": roadmap,
            "board": board,
            "evidence_count": selectors.evidence_count(roadmap),
            "form": form,
            "query_without_sort": query.urlencode(),
            "query": request.GET.urlencode(),
            "late_legend": LATE_LEGEND,
            "late_count": late_heading(len(board.late_rows)),
            "status_label": STATUS_FILTERS.get(board.filters.status, ""),
        },
        status=400 if form.errors else 200,
    )


@department_required
def dashboard_evidence(request, pk: int):
    """The dashboard's folded block «Подтверждение из системы», read when it is opened: its
    rows for htmx, a page of its own otherwise. The day is the dashboard's («на дату»)."""
    roadmap = selectors.roadmap_for(request.user, pk)
    form = DashboardFilterForm(request.GET or None, roadmap=roadmap)
    if form.errors:
        return bad_file_query(form, "Блок «Подтверждение из системы» не открыт.")
    as_of = form.filters().as_of or timezone.localdate()
    context = {
        "roadmap": roadmap,
        "as_of": as_of,
        "evidence": selectors.evidence_board(roadmap, as_of),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "roadmap/_evidence_rows.html", context)
    return render(request, "roadmap/dashboard_evidence.html", context)


@department_required
def current_dashboard(request):
    """The dashboard of the current roadmap: the newest approved one, else the newest."""
    roadmap = selectors.current_roadmap(request.user)
    if roadmap is None:
        messages.info(request, "Дорожных карт пока нет.")
        return redirect("roadmap:list")
    return redirect("roadmap:dashboard", pk=roadmap.pk)
