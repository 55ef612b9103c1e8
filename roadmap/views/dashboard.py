"""The head's dashboard: figures, overdue lists, schools, filters kept in the URL."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from core.decorators import department_required
from core.files import XLSX
from core.http import attachment
from core.xlsx.writer import table_workbook
from roadmap import selectors
from roadmap.dashboard import Filters, build_dashboard
from roadmap.forms.dashboard import DashboardFilterForm


def _filters(form: DashboardFilterForm) -> Filters:
    data = form.cleaned_data if form.is_valid() else {}
    return Filters(
        section_id=data["section"].pk if data.get("section") else None,
        party_id=data["party"].pk if data.get("party") else None,
        school_id=data["school"].pk if data.get("school") else None,
        status=data.get("status") or "",
        as_of=data.get("as_of"),
        school_sort=data.get("sort") or "-overdue",
    )


@department_required
def dashboard(request, pk: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    form = DashboardFilterForm(request.GET or None, roadmap=roadmap)
    board = build_dashboard(roadmap, _filters(form))
    if request.GET.get("format") == "xlsx":
        if form.errors:  # never a list «на дату» other than the one asked for
            problems = " ".join(
                f"«{form.fields[name].label}»: {' '.join(errors)}"
                for name, errors in form.errors.items()
            )
            return HttpResponse(
                f"Список не выгружен. {problems}",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return _xlsx(board)
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("format", None)
    return render(
        request,
        "roadmap/dashboard.html",
        {
            "roadmap": roadmap,
            "board": board,
            "form": form,
            "query_without_sort": query.urlencode(),
            "query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )


def _xlsx(board) -> HttpResponse:
    headers = [
        "№ п/п",
        "Наименование мероприятия",
        "Срок реализации",
        "Срок исполнения",
        "Ответственный исполнитель",
        "Статус",
        "Просрочено, дней",
        "Не выполнили",
    ]
    rows = [
        [
            m.number,
            m.title,
            m.deadline_text,
            m.due_on,
            m.responsible_text,
            m.status_label,
            m.days_overdue or None,
            ", ".join(m.lagging),
        ]
        for m in board.measures
    ]
    content = table_workbook(
        f"На {board.as_of:%d.%m.%Y}", headers, rows, widths=[8, 60, 22, 14, 30, 22, 12, 50]
    )
    name = f"Исполнение_дорожной_карты_на_{board.as_of:%d.%m.%Y}.xlsx"
    return attachment(
        content, name, XLSX.content_type, ascii_name=f"roadmap_{board.as_of:%Y-%m-%d}.xlsx"
    )


@department_required
def current_dashboard(request):
    """The dashboard of the current roadmap: the newest approved one, else the newest."""
    roadmap = selectors.current_roadmap(request.user)
    if roadmap is None:
        messages.info(request, "Дорожных карт пока нет.")
        return redirect("roadmap:list")
    return redirect("roadmap:dashboard", pk=roadmap.pk)
