"""What the registry's pages share: the list page, paging, the school field of a form."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms as djforms
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render

from core import paging, permissions
from core.http import refused
from core.selectors import school_of
from registry import selectors

PAGE_SIZE = 50
HISTORY_SIZE = 20


@dataclass
class Cell:
    text: object
    url: str = ""


def with_school_field(form, user, initial=None):
    """Staff choose the school; a curator's school is fixed and never read from the post."""
    if not permissions.is_curator(user):
        form.fields["school"] = djforms.ModelChoiceField(
            label="ОО", queryset=selectors.school_choices(user), initial=initial
        )
        form.order_fields(["school"])
    return form


def school_from(form, user):
    return school_of(user) if permissions.is_curator(user) else form.cleaned_data["school"]


def paginate(request, queryset):
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def list_page(request, *, title, filterset, headers, row, actions=(), entity=""):
    """A registry list: numbered pages while cheap, then by key (core.paging); a damaged
    page link is a 400 that says so."""
    try:
        page = paging.paginate(filterset.qs, request.GET, size=PAGE_SIZE)
    except paging.BadPage as error:
        back = f"?{query_without(request, *paging.CURSOR_PARAMS)}"
        return refused(request, [error.message], back=back, status=400)
    return render(
        request,
        "registry/list.html",
        {
            "title": title,
            "filter": filterset,
            "page": page,
            "headers": headers,
            "rows": [row(obj) for obj in page.object_list],
            "actions": actions,
            "entity": entity,
            "query": query_without(request, *paging.CURSOR_PARAMS),
            "can_edit": permissions.can_change_registry(request.user),
        },
    )


def stored_file(record):
    """A checked upload (a certificate, an expert conclusion) handed out as an attachment."""
    try:
        handle = record.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Файл не найден в хранилище.") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=record.original_name or "файл",
        content_type=record.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
