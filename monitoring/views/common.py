"""What the monitoring's pages share: who may use them, the one municipality of a user, a
school's report that its curator may still change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core import permissions
from core.decorators import require
from core.http import refused
from core.selectors import municipality_of
from monitoring import selectors, services
from monitoring.models import SchoolReport

monitoring_user = require(permissions.can_use_monitoring, "Нет доступа к мониторингу.")


def one_municipality(user):
    municipality = municipality_of(user)
    if municipality is None:
        raise PermissionDenied("Пользователь не привязан к муниципалитету.")
    return municipality


def writable_report(request, pk: int) -> SchoolReport:
    report = selectors.report_for(request.user, pk)
    if not permissions.is_curator(request.user):
        raise PermissionDenied("Отчёт заполняет куратор ОО.")
    return report


def refused_frozen(request, report: SchoolReport):
    """None while the report can be edited, else the 409 page with the service's reason."""
    try:
        services.ensure_editable(report)
    except ValidationError as error:
        return refused(request, error.messages, back=reverse("monitoring:report", args=[report.pk]))
    return None
