"""What sending a school's monitoring report will do, and what looks early or empty in it:
the period not over yet, questionnaires without results, programmes without a SWOT."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from core.http import Confirmation
from monitoring.models import Questionnaire, SchoolReport
from registry.models import Programme


def submit_warnings(report: SchoolReport, today: dt.date | None = None) -> list[str]:
    today = today or timezone.localdate()
    period = report.period
    warnings = []
    if today < period.ends_on:
        warnings.append(
            f"Период «{period.title}» ещё не закончился (до {period.ends_on:%d.%m.%Y}): "
            "показатели будут зафиксированы по реестру на сегодня, и то, что изменится до "
            "конца периода, в отчёт не попадёт."
        )
    answered = set(report.answer_sets.values_list("questionnaire_id", flat=True))
    empty = [
        title
        for pk, title in Questionnaire.objects.filter(
            municipality_id=period.municipality_id, is_active=True
        ).values_list("pk", "title")
        if pk not in answered
    ]
    if empty:
        names = "; ".join(f"«{title}»" for title in empty)
        warnings.append(f"Не внесены результаты анкетирования: {names}.")
    with_swot = set(report.swots.values_list("programme_id", flat=True))
    no_swot = [
        title
        for pk, title in Programme.objects.filter(school=report.school).values_list("pk", "title")
        if pk not in with_swot
    ]
    if no_swot:
        names = "; ".join(f"«{title}»" for title in no_swot)
        warnings.append(f"Не заполнен SWOT-анализ программ: {names}.")
    return warnings


def submission(report: SchoolReport, version) -> Confirmation:
    period = report.period
    return Confirmation(
        title=f"Отправить отчёт за период «{period.title}» на проверку?",
        consequences=[
            f"Отчёт {report.school} уйдёт в департамент на проверку.",
            f"Показатели будут зафиксированы на {period.ends_on:%d.%m.%Y}; изменения реестра "
            "после отправки отчёт не меняют.",
            "Пока департамент не вернёт отчёт, изменить его нельзя.",
        ],
        warnings=submit_warnings(report),
        button="Отправить на проверку",
        back=reverse("monitoring:report", args=[report.pk]),
        keep={"version": str(version)} if version else {},
    )
