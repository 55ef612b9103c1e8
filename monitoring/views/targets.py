"""The department's targets for the figures."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_POST

from core import permissions
from core.decorators import department_required, editor_required
from core.http import handle_form, perform
from monitoring import selectors, services
from monitoring.forms import TargetForm
from monitoring.views.common import one_municipality


@department_required
def targets(request):
    municipality = one_municipality(request.user)
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
                "targets": selectors.targets_for(request.user),
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
