"""Requests to link a mentor to a second school: the lists and the decision."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core import permissions
from core.decorators import registry_user
from core.http import handle_form
from core.selectors import school_of
from registry import selectors, services
from registry.forms import (
    LinkDecisionForm,
)
from registry.models import MentorLinkRequest
from registry.views.common import paginate

DECIDED_SHOWN = 50


def _request_view(user, link_request, *, decides: bool) -> dict:
    """One request as the user may see it. The asking school reads only what it typed, the
    state and the decision's comment; those who decide see the mentor and who asks."""
    department = permissions.is_department(user)
    own = school_of(user)
    asked_by_us = own is not None and link_request.school_id == own.pk
    approved = link_request.state == MentorLinkRequest.State.APPROVED
    shows_mentor = not asked_by_us or approved
    return {
        "request": link_request,
        "url": reverse("registry:link_request", args=[link_request.pk]),
        "mentor_url": (
            reverse("registry:mentor", args=[link_request.mentor_id]) if shows_mentor else ""
        ),
        "mentor_name": (
            link_request.mentor.full_name if shows_mentor else link_request.requested_as
        ),
        "requested_as": link_request.requested_as,
        "requested_by": link_request.requested_by.get_full_name()
        or link_request.requested_by.username
        if department
        else "",
        "decided_by": (link_request.decided_by.get_full_name() or link_request.decided_by.username)
        if department and link_request.decided_by
        else "",
        "decides": decides and link_request.is_pending,
    }


@require_safe
@registry_user
def link_request_list(request):
    """Pending requests for those who decide them (with a count in the menu), the school's
    own requests for a curator, and the latest decisions."""
    user = request.user
    own = school_of(user)
    decides = permissions.can_edit_department(user) or own is not None
    lists = selectors.link_request_lists(user, shown=DECIDED_SHOWN)
    page = paginate(request, lists["pending"])
    return render(
        request,
        "registry/link_requests.html",
        {
            "page": page,
            "pending": [_request_view(user, r, decides=decides) for r in page.object_list],
            "decided": [_request_view(user, r, decides=False) for r in lists["decided"]],
            "ours": [_request_view(user, r, decides=False) for r in lists["ours"]],
            "is_curator": own is not None,
            "decided_shown": DECIDED_SHOWN,
        },
    )


@registry_user
def link_request_detail(request, pk: int):
    """A request; those who may decide approve or reject it here."""
    link_request = selectors.link_request_for(request.user, pk)
    may_decide = services.may_decide_link_request(request.user, link_request)
    form = LinkDecisionForm(request.POST or None)
    if request.method == "POST" and not may_decide:
        raise PermissionDenied(
            "Запрос рассматривает департамент образования или ОО, где наставник уже числится."
        )

    def decide():
        return services.decide_link_request(
            user=request.user,
            link_request=link_request,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        )

    def page():
        status = 200
        if request.method == "POST":
            # a request decided meanwhile is a conflict; a missing reason, the form's error
            refused_outright = bool(form.non_field_errors()) and set(form.errors) == {"__all__"}
            status = 409 if refused_outright else 422
            link_request.refresh_from_db()
        return render(
            request,
            "registry/link_request.html",
            {
                "item": _request_view(request.user, link_request, decides=may_decide),
                "form": form,
            },
            status=status,
        )

    return handle_form(
        request,
        form,
        decide,
        said=lambda decided: (
            f"Запрос № {decided.pk} {decided.get_state_display()}"
            + (
                ": наставник связан с ОО-заявителем."
                if decided.state == MentorLinkRequest.State.APPROVED
                else "."
            )
        ),
        then=reverse("registry:link_requests"),
        page=page,
    )
