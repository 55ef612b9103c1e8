"""Writes of the monitoring: targets, periods, schools' reports and their answers.

A report's figures are computed from the registry as of the period's end and frozen into the
report when it is submitted; while it is on review or accepted nothing about it can change.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import permissions
from core.models import School
from monitoring import indicators
from monitoring.models import (
    Answer,
    AnswerSet,
    IndicatorCode,
    Moment,
    Period,
    Question,
    Questionnaire,
    ReportEvent,
    SchoolReport,
    Stage,
    Swot,
    Target,
)
from monitoring.reference import ensure_questionnaires
from registry.models import MentoringForm, Programme


def _full_clean(instance, exclude=None) -> None:
    instance.full_clean(exclude=exclude)


def _department_keeps(user, message: str) -> None:
    if not permissions.can_edit_department(user):
        raise PermissionDenied(message)


def ensure_school_fills(user, report: SchoolReport) -> None:
    """``user`` None: a trusted caller without a person (the demo data, a command)."""
    if user is not None and not permissions.can_fill_school_report(user, report):
        raise PermissionDenied("Отчёт заполняет куратор ОО.")


# --- targets -----------------------------------------------------------------------------------


@transaction.atomic
def save_target(*, user, municipality, indicator: str, year: int, value, note: str = "") -> Target:
    _department_keeps(user, "Цели задают сотрудники департамента.")
    if indicator not in IndicatorCode.values:
        raise ValidationError({"indicator": "Неизвестный показатель."})
    if indicator in indicators.SHARES and value is not None and Decimal(value) > 100:
        raise ValidationError({"value": "Доля не может быть больше 100 %."})
    target = Target.objects.filter(
        municipality=municipality, indicator=indicator, year=year
    ).first() or Target(municipality=municipality, indicator=indicator, year=year)
    target.value, target.note = value, note
    _full_clean(target)
    target.save()
    return target


@transaction.atomic
def delete_target(*, user, target: Target) -> None:
    _department_keeps(user, "Цели задают сотрудники департамента.")
    target.delete()


# --- periods -----------------------------------------------------------------------------------


@transaction.atomic
def save_period(*, municipality, period: Period | None = None, user=None, **data) -> Period:
    """A monitoring period of the municipality. ``user`` None: a trusted caller without a
    person (the demo data, the region generator)."""
    if user is not None:
        _department_keeps(user, "Периоды мониторинга задают сотрудники департамента.")
    period = period or Period(municipality=municipality)
    moved = data.get("ends_on") and period.pk and data["ends_on"] != period.ends_on
    if moved and period.reports.exclude(status=SchoolReport.Status.DRAFT).exists():
        raise ValidationError(
            {"ends_on": "ОО уже отправили отчёты на конец периода: дату изменить нельзя."}
        )
    for name, value in data.items():
        setattr(period, name, value)
    _full_clean(period)
    period.save()
    ensure_questionnaires(municipality)
    return period


# --- reports -----------------------------------------------------------------------------------


def freeze_figures(school: School, day: dt.date) -> dict:
    """The registry figures of one school on a day, as stored in its report."""
    return frozen_figures(indicators.compute([school], day), school.pk, at=timezone.now())


def frozen_figures(figures: indicators.Figures, school_id: int, *, at: dt.datetime) -> dict:
    """What a school's report stores of ``figures`` computed at ``at``: the one shape of the
    snapshot, whether the figures were computed for this school alone or for many at once (a
    school's figures do not depend on the others computed with it)."""
    return {
        "as_of": figures.day.isoformat(),
        "school_year_start": figures.school_year_start,
        "computed_at": at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "values": {
            str(code): [figure.numerator, figure.denominator]
            for code, figure in figures.by_school[school_id].items()
        },
        "by_form": [
            {
                "form_id": f.form_id,
                "name": f.name,
                "mentors": f.mentors,
                "mentees": f.mentees,
                "pairs": f.pairs,
            }
            for f in figures.by_school_form[school_id]
        ],
    }


def report_of(period: Period, school: School) -> SchoolReport:
    """The school's report for the period, a draft created the first time it is written to."""
    if school.municipality_id != period.municipality_id:
        raise ValidationError("ОО и период мониторинга относятся к разным муниципалитетам.")
    report, _ = SchoolReport.objects.get_or_create(period=period, school=school)
    return report


def _lock(report: SchoolReport) -> SchoolReport:
    return (
        SchoolReport.objects.select_for_update()
        .select_related("period", "school")
        .get(pk=report.pk)
    )


def ensure_editable(report: SchoolReport) -> None:
    if not report.is_editable:
        raise ValidationError(
            f"Отчёт «{report.get_status_display()}»: изменять его нельзя. "
            "Изменить можно черновик или отчёт, возвращённый на доработку."
        )


def _check_version(report: SchoolReport, version: int | str | None) -> None:
    try:
        stale = version is not None and int(version) != report.version
    except (TypeError, ValueError):  # a tampered form: not a number
        stale = True
    if stale:
        raise ValidationError(
            "Отчёт изменился, пока вы его смотрели (его отправили или проверили). "
            "Откройте его заново."
        )


def _step(report: SchoolReport, action: str, user, comment: str = "") -> None:
    report.version += 1
    report.save()
    ReportEvent.objects.create(report=report, action=action, user=user, comment=comment)


@transaction.atomic
def submit_report(*, user, report: SchoolReport, version: int | None = None) -> SchoolReport:
    """The report goes for review: sent by a curator (which school's reports a curator reaches
    is the selectors' business), or by department staff for a school that has none."""
    report = _lock(report)
    if not (permissions.is_curator(user) or permissions.can_edit_department(user)):
        raise PermissionDenied("Отчёт заполняет куратор ОО.")
    _check_version(report, version)
    ensure_editable(report)
    report.figures = freeze_figures(report.school, report.period.ends_on)
    report.status = SchoolReport.Status.SUBMITTED
    report.submitted_at, report.submitted_by = timezone.now(), user
    report.review_comment = ""
    _step(report, ReportEvent.Action.SUBMITTED, user)
    return report


@transaction.atomic
def review_report(
    *, user, report: SchoolReport, accept: bool, comment: str = "", version: int | None = None
) -> SchoolReport:
    if not permissions.can_review(user):
        raise PermissionDenied("Отчёты проверяют сотрудники департамента.")
    report = _lock(report)
    _check_version(report, version)
    if report.status != SchoolReport.Status.SUBMITTED:
        raise ValidationError(
            f"Проверить можно только отчёт на проверке; этот — «{report.get_status_display()}»."
        )
    comment = comment.strip()
    if not accept and not comment:
        raise ValidationError({"comment": "Укажите, что нужно доработать."})
    report.status = SchoolReport.Status.ACCEPTED if accept else SchoolReport.Status.RETURNED
    report.reviewed_at, report.reviewed_by, report.review_comment = timezone.now(), user, comment
    _step(
        report,
        ReportEvent.Action.ACCEPTED if accept else ReportEvent.Action.RETURNED,
        user,
        comment,
    )
    return report


# --- questionnaire answers ---------------------------------------------------------------------


def parse_average(raw, scale_max: int, label: str) -> Decimal:
    """An average score typed by a person: «7,5», «7.5» or 7.5, from 1 to the scale's top."""
    text = str(raw).strip().replace(",", ".").replace(" ", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{label}: «{str(raw)[:40]}» — не число.") from None
    if not value.is_finite() or not (1 <= value <= scale_max):
        raise ValidationError(f"{label}: средний балл должен быть от 1 до {scale_max}.")
    return value.quantize(Decimal("0.01"))


def _check_moment(questionnaire: Questionnaire, moment: str) -> None:
    if moment not in questionnaire.moments:
        if questionnaire.stage == Stage.MOTIVATION:
            raise ValidationError(
                {"moment": "Для анкеты II этапа укажите замер: в начале или в конце."}
            )
        raise ValidationError({"moment": "Анкета I этапа заполняется один раз, без замера."})


@transaction.atomic
def save_answer_set(
    *,
    report: SchoolReport,
    questionnaire: Questionnaire,
    form: MentoringForm,
    moment: str,
    respondents: int,
    averages: dict[int, object],
    user=None,
) -> AnswerSet:
    """Save (or replace) one questionnaire's aggregated answers for a form and a moment.

    ``averages`` maps question ids to the average score; every question must be answered."""
    report = _lock(report)
    ensure_school_fills(user, report)
    ensure_editable(report)
    if questionnaire.municipality_id != report.period.municipality_id:
        raise ValidationError({"questionnaire": "Анкета другого муниципалитета."})
    _check_moment(questionnaire, moment)
    if respondents is None or int(respondents) < 1:
        raise ValidationError({"respondents": "Число ответивших должно быть не меньше 1."})
    questions = list(questionnaire.questions.all())
    if not questions:
        raise ValidationError("В анкете нет вопросов.")
    errors, values = [], {}
    for question in questions:
        raw = averages.get(question.pk)
        label = f"Вопрос {question.position}"
        if raw is None or str(raw).strip() == "":
            errors.append(f"{label}: не указан средний балл.")
            continue
        try:
            values[question.pk] = parse_average(raw, questionnaire.scale_max, label)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    answer_set, _ = AnswerSet.objects.update_or_create(
        report=report,
        questionnaire=questionnaire,
        form=form,
        moment=moment,
        defaults={"respondents": int(respondents)},
    )
    answer_set.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(answer_set=answer_set, question_id=pk, average=value) for pk, value in values.items()
    )
    return answer_set


@transaction.atomic
def delete_answer_set(*, user, answer_set: AnswerSet) -> None:
    report = _lock(answer_set.report)
    if not permissions.can_fill_school_report(user, report):
        raise PermissionDenied("Отчёт заполняет куратор ОО.")
    ensure_editable(report)
    answer_set.delete()


@transaction.atomic
def save_swot(*, report: SchoolReport, programme: Programme, user=None, **texts) -> Swot:
    report = _lock(report)
    ensure_school_fills(user, report)
    ensure_editable(report)
    if programme.school_id != report.school_id:
        raise ValidationError({"programme": "Программа другой ОО."})
    swot, _ = Swot.objects.update_or_create(report=report, programme=programme, defaults=texts)
    return swot


# --- questionnaires ----------------------------------------------------------------------------


@transaction.atomic
def save_questionnaire(
    *, user, municipality, questionnaire: Questionnaire | None = None, **data
) -> Questionnaire:
    _department_keeps(user, "Анкеты изменяют сотрудники департамента.")
    questionnaire = questionnaire or Questionnaire(municipality=municipality)
    if questionnaire.pk and questionnaire.answer_sets.exists():
        changed = [
            name
            for name in ("stage", "scale_max")
            if name in data and data[name] != getattr(questionnaire, name)
        ]
        if changed:
            raise ValidationError(
                "По анкете уже есть ответы: этап и шкалу изменить нельзя. Создайте новую анкету."
            )
    for name, value in data.items():
        setattr(questionnaire, name, value)
    _full_clean(questionnaire, exclude=["municipality"])
    questionnaire.save()
    return questionnaire


@transaction.atomic
def save_question(
    *, user, questionnaire: Questionnaire, question: Question | None = None, text: str
) -> Question:
    _department_keeps(user, "Анкеты изменяют сотрудники департамента.")
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": "Введите текст вопроса."})
    if question is None:
        last = questionnaire.questions.order_by("-position").first()
        question = Question(
            questionnaire=questionnaire, position=(last.position + 1) if last else 1
        )
    question.text = text
    question.save()
    return question


@transaction.atomic
def delete_question(*, user, question: Question) -> None:
    _department_keeps(user, "Анкеты изменяют сотрудники департамента.")
    if question.answers.exists():
        raise ValidationError(
            "На этот вопрос уже есть ответы в отчётах ОО: удалить его нельзя. "
            "Отключите анкету и создайте новую."
        )
    try:
        question.delete()
    except IntegrityError as error:  # pragma: no cover - answers arrived in between
        raise ValidationError("На вопрос уже есть ответы.") from error


__all__ = [
    "Moment",
    "delete_answer_set",
    "delete_question",
    "delete_target",
    "freeze_figures",
    "frozen_figures",
    "parse_average",
    "report_of",
    "review_report",
    "save_answer_set",
    "save_period",
    "save_question",
    "save_questionnaire",
    "save_swot",
    "save_target",
    "submit_report",
]
