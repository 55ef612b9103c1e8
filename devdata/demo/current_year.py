"""The demo's current school year: the seed roadmap copied to it through the same service the
department uses (``copy_roadmap``: whatever a copy carries comes along) and approved, with its
executions in a realistic mix — done, done late, on review, returned, overdue, due soon — the
year's programmes, pupils with their representatives' consent and pairs formed through the
registry's services, and a monitoring period with accepted and pending reports.

Deterministic for a given day: the mix follows fixed patterns over the measures in the order
of their deadlines, names come from a seeded stream. Created once.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from core.models import Profile
from devdata.demo.monitoring import _answers, move_report, people_keys
from devdata.region import names
from monitoring import services as monitoring_services
from monitoring.indicators import school_year_of
from monitoring.models import Period, Questionnaire
from registry import services as registry_services
from registry.models import Mentee, Mentor, PersonKind, Programme
from registry.reference import ensure_mentoring_forms
from roadmap.evidence import condition_met, execution_figure, frozen_unmet
from roadmap.models import Execution, Order, Roadmap
from roadmap.services import approve_roadmap, copy_roadmap
from roadmap.services.executions import review_report, start_execution, submit_report

SOON_DAYS = 14
# What becomes of a school's executions, in the order of their deadlines (each school starts
# further along the pattern, so that the schools differ).
PAST = ("done", "done_late", "done", "overdue", "returned", "done", "review", "done")
SOON = ("done", "review", "in_progress", "done", "not_started", "review", "done", "returned")
LATER = ("not_started", "not_started", "in_progress", "not_started", "not_started")
DEPARTMENT_PAST = ("done_late", "done", "done", "done", "overdue", "done", "done")
DEPARTMENT_SOON = ("done", "in_progress", "done", "not_started")
REPORT_TEXTS = (
    "Издан приказ ОО о внедрении целевой модели наставничества; копия размещена на сайте ОО.",
    "Проведено совещание педагогического коллектива, протокол № 3; ответственные назначены.",
    "Сформирована база наставников и наставляемых, сведения внесены в реестр.",
    "Проведены встречи наставнических пар по графику; фотоотчёт на сайте ОО.",
    "Информация опубликована на официальном сайте и в социальных сетях ОО.",
    "Проведено анкетирование участников; результаты обобщены в справке.",
)
RETURN_COMMENTS = (
    "Не приложен приказ ОО; добавьте скан и уточните дату выполнения.",
    "Нет ссылки на публикацию на сайте ОО; дополните отчёт.",
)
UNMET_REASON = "Принято: база дополняется в течение учебного года, сведения проверены на месте."
REPORT_PLAN = "ARSAD"  # by school: accepted, returned, submitted (pending), accepted, draft


def load_current_year(seed: Roadmap, today: date) -> Roadmap | None:
    """The seed roadmap's copy for the school year of ``today``, once; None when the seed is
    already of that year."""
    year = school_year_of(today)
    if seed.school_year_start >= year:
        return None
    existing = Roadmap.objects.filter(
        municipality=seed.municipality, school_year_start=year
    ).first()
    if existing is not None:
        return existing
    return _load(seed, year, today)


@transaction.atomic
def _load(seed: Roadmap, year: int, today: date) -> Roadmap:
    User = get_user_model()
    staff, head = User.objects.get(username="staff"), User.objects.get(username="head")
    copy = copy_roadmap(user=staff, roadmap=seed, years=year - seed.school_year_start)
    Order.objects.filter(roadmap=copy).update(number="118/2")
    copy = approve_roadmap(user=head, roadmap=copy)
    curators = {
        p.school_id: p.user
        for p in Profile.objects.filter(school__isnull=False, user__username__startswith="curator")
        .select_related("user")
        .order_by("user__username")
    }
    schools = list(copy.schools.order_by("short_name"))
    _executions(copy, schools, curators, staff, today)
    rng = random.Random(2026)
    _registry(copy.municipality, schools, staff, year, rng, today)
    _monitoring(copy.municipality, schools, curators, staff, year, rng)
    return copy


# --- the roadmap's executions ------------------------------------------------------------------


def _when(execution: Execution, today: date) -> str:
    due = execution.measure.due_on
    if due is None or execution.measure.deadline_kind in ("schedule", "unknown", "none"):
        return "later"
    if due < today:
        return "past"
    return "soon" if due <= today + timedelta(days=SOON_DAYS) else "later"


def _executions(roadmap: Roadmap, schools, curators, staff, today: date) -> None:
    executions = list(
        Execution.objects.filter(measure__section__roadmap=roadmap)
        .select_related("measure")
        .order_by("measure__due_on", "measure__number_key", "school__short_name", "id")
    )
    offsets = {school.pk: 2 * n for n, school in enumerate(schools)}
    seen: dict[tuple, int] = {}
    for execution in executions:
        when = _when(execution, today)
        key = (execution.school_id, when)
        k = seen[key] = seen.get(key, -1) + 1
        if execution.school_id is None:
            patterns = {"past": DEPARTMENT_PAST, "soon": DEPARTMENT_SOON, "later": LATER}
            actor = staff
        else:
            patterns = {"past": PAST, "soon": SOON, "later": LATER}
            actor = curators.get(execution.school_id)
            if actor is None:
                continue
        pattern = patterns[when]
        state = pattern[(k + offsets.get(execution.school_id, 0)) % len(pattern)]
        _act(execution, state, actor, staff, today, roadmap, k)


def _unmet_now(execution, today: date) -> bool:
    figure = execution_figure(execution, today)
    return figure is not None and not condition_met(figure, execution)


def _act(execution, state, actor, staff, today: date, roadmap: Roadmap, k: int) -> None:
    measure = execution.measure
    due = measure.due_on or today
    earliest = max(measure.starts_on or roadmap.period_start, roadmap.period_start)
    text = REPORT_TEXTS[(k + measure.pk) % len(REPORT_TEXTS)]
    if state in ("not_started", "overdue") and k % 2 == 0:
        return
    if state in ("in_progress", "overdue"):
        start_execution(user=actor, execution=execution)
        return
    if state == "not_started":
        return
    if state == "done_late":
        completed = min(today - timedelta(days=1), due + timedelta(days=4 + k % 15))
    else:
        completed = min(due - timedelta(days=2 + k % 9), today - timedelta(days=1 + k % 5))
    completed = max(completed, min(earliest, today))
    # A measure bound to a figure of the system whose condition is not met yet (the year has
    # just begun) is accepted with a written reason, as the department would write it.
    own = execution.school_id is None
    report = submit_report(
        user=actor,
        execution=execution,
        text=text,
        completed_on=completed,
        reason=UNMET_REASON if own and _unmet_now(execution, today) else "",
    )
    if execution.school_id is None:
        return  # the department's own report completes it at once
    if state in ("done", "done_late"):
        unmet = frozen_unmet(report.figure)
        review_report(user=staff, report=report, accept=True, comment=UNMET_REASON if unmet else "")
    elif state == "returned":
        comment = RETURN_COMMENTS[k % len(RETURN_COMMENTS)]
        review_report(user=staff, report=report, accept=False, comment=comment)


# --- the registry of the year ------------------------------------------------------------------


def _registry(municipality, schools, staff, year: int, rng: random.Random, today: date) -> None:
    """Per school: the year's programme, pupils with consent in groups of the school's
    mentors, a young teacher with a mentor; all through the registry's services."""
    forms = {form.name: form for form in ensure_mentoring_forms()}
    teacher_pupil, teacher_teacher = forms["учитель – ученик"], forms["учитель – учитель"]
    keys = people_keys(municipality)
    start, end = date(year, 9, 1), date(year + 1, 5, 31)
    pairs_start = date(year, 9, 15)
    for number, school in enumerate(schools):
        label = f"{year}/{str(year + 1)[2:]}"
        pupils_programme = Programme.objects.create(
            school=school,
            form=teacher_pupil,
            title=f"«Шаг вперёд» на {label} учебный год ({school.short_name})",
            starts_on=start,
            ends_on=end,
            **(
                {
                    "review_status": Programme.Review.APPROVED,
                    "reviewer": "ЧИПКРО",
                    "review_conclusion": "Программа соответствует методологии ЦМН.",
                    "reviewed_on": date(year, 9, 10),
                }
                if number != 2
                else {}
            ),
        )
        teachers_programme = Programme.objects.create(
            school=school,
            form=teacher_teacher,
            title=f"Молодой педагог: {label} учебный год ({school.short_name})",
            starts_on=start,
            ends_on=end,
        )
        mentors = list(
            Mentor.objects.filter(schools=school, kind=PersonKind.TEACHER).order_by("pk")[:3]
        )
        for group, mentor in enumerate(mentors[:2] if len(mentors) > 2 else mentors[:1]):
            pupils = [
                _pupil(school, staff, rng, keys, year, today)
                for _ in range(2 + (number + group) % 3)
            ]
            registry_services.save_pair(
                user=staff,
                programme=pupils_programme,
                mentor=mentor,
                mentees=pupils,
                starts_on=pairs_start,
                goals="Подготовка к олимпиадам и конкурсам; проектная работа.",
                activate=True,
            )
        name, born = names.unique_name(
            rng,
            rng.random() < 0.7,
            lambda: date(2000 + rng.randint(0, 3), 3, 1 + rng.randint(0, 27)),
            keys,
        )
        newcomer = Mentee.objects.create(
            municipality=municipality,
            school=school,
            last_name=name.last,
            first_name=name.first,
            patronymic=name.patronymic,
            birth_date=born,
            kind=PersonKind.TEACHER,
            position="учитель начальных классов",
            experience_years=number % 2,
        )
        registry_services.save_pair(
            user=staff,
            programme=teachers_programme,
            mentor=mentors[-1],
            mentees=[newcomer],
            starts_on=pairs_start,
            goals="Адаптация в коллективе, подготовка открытого урока.",
            activate=True,
        )


def _pupil(school, staff, rng: random.Random, keys: set, year: int, today: date) -> Mentee:
    female = rng.random() < 0.5
    name, born = names.unique_name(
        rng,
        female,
        lambda: date(year - 16 + rng.randint(0, 5), rng.randint(1, 12), rng.randint(1, 28)),
        keys,
    )
    pupil = Mentee.objects.create(
        municipality=school.municipality,
        school=school,
        last_name=name.last,
        first_name=name.first,
        patronymic=name.patronymic,
        birth_date=born,
        class_name=f"{year - born.year - 6}{rng.choice('АБВ')}",
    )
    mother = names.person(rng, female=True)
    registry_services.record_consent(
        user=staff,
        mentee=pupil,
        representative_name=f"{names.feminine(name.base_last)} {mother.first} {mother.patronymic}",
        relation="mother",
        document=f"паспорт 96 {rng.randint(10, 22)} {rng.randint(100000, 999999)}",
        given_on=min(date(year, 9, 1 + rng.randint(0, 9)), today),
        valid_until=date(year + 1, 5, 31),
    )
    return pupil


# --- the monitoring of the year ----------------------------------------------------------------


def _monitoring(municipality, schools, curators, staff, year: int, rng) -> None:
    """«I четверть»: ended, its reports accepted, returned, waiting for review and a draft."""
    if Period.objects.filter(municipality=municipality, starts_on__year=year).exists():
        return
    period = monitoring_services.save_period(
        municipality=municipality,
        title=f"I четверть {year}/{str(year + 1)[2:]}",
        starts_on=date(year, 9, 1),
        ends_on=date(year, 10, 31),
        report_due_on=date(year, 11, 10),
    )
    teacher_pupil = next(f for f in ensure_mentoring_forms() if f.name == "учитель – ученик")
    questionnaires = list(Questionnaire.objects.filter(municipality=municipality))
    for school, state in zip(schools, REPORT_PLAN, strict=False):
        report = monitoring_services.report_of(period, school)
        _answers(report, questionnaires, teacher_pupil, rng, False)
        move_report(
            report,
            state,
            curator=curators.get(school.pk, staff),
            staff=staff,
            comment="Уточните число ответивших на анкету наставляемых.",
        )
