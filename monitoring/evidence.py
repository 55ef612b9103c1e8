"""The monitoring's figure a roadmap measure can be bound to (core.evidence): the schools'
monitoring reports accepted by the department by a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count

from core.evidence import Kind, Reading, counted, register
from core.models import School
from monitoring.models import SchoolReport

UNIT = ("принятый отчёт", "принятых отчёта", "принятых отчётов")


def _accepted_reports(schools: Sequence[School], day: dt.date):
    rows = (
        SchoolReport.objects.filter(
            school__in=schools,
            status=SchoolReport.Status.ACCEPTED,
            reviewed_at__date__lte=day,
        )
        .values("school_id")
        .annotate(n=Count("pk"))
    )
    by_school = {row["school_id"]: Reading(row["n"], counted(row["n"], *UNIT)) for row in rows}
    n = sum(r.value for r in by_school.values())
    return by_school, Reading(n, counted(n, *UNIT))


MONITORING_REPORTS = Kind(
    key="monitoring_reports_accepted",
    title="Отчёты ОО по мониторингу приняты",
    unit=("принятого отчёта", "принятых отчётов", "принятых отчётов"),
    read=_accepted_reports,
    zero="принятых отчётов нет",
)


def register_kinds() -> None:
    register(MONITORING_REPORTS)
