"""Demonstration monitoring data for `make run`: counts, pairs, targets, two periods with
reports in every state and questionnaire answers. Deterministic; created once."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from core.models import Profile
from devdata.region import names
from monitoring import services
from monitoring.models import Period, Questionnaire, Stage, Target
from registry.models import (
    Mentee,
    Mentor,
    MentoringForm,
    Pair,
    PairMentee,
    PersonKind,
    Programme,
    SchoolYearStats,
)
from registry.reference import ensure_mentoring_forms

# The 2020/21 pairs are over: they ran to the end of that school year.
PAIRS_ENDED_ON = date(2021, 5, 31)
TARGETS = (
    ("pupils_10_plus", 2021, 10),
    ("pupils_10_plus", 2022, 30),
    ("pupils_10_plus", 2024, 70),
    ("young_teachers", 2024, 70),
    ("approved_programme", 2021, 100),
    ("measures_on_time", 2021, 90),
    ("mentors", 2021, 40),
)


@transaction.atomic
def load_monitoring_demo(municipality, schools, today: date) -> None:
    if Period.objects.filter(municipality=municipality).exists():
        return
    rng = random.Random(172)
    forms = {form.name: form for form in ensure_mentoring_forms()}
    User = get_user_model()
    staff = User.objects.get(username="staff")
    for code, year, value in TARGETS:
        Target.objects.get_or_create(
            municipality=municipality, indicator=code, year=year, defaults={"value": value}
        )
    keys = people_keys(municipality)
    for number, school in enumerate(schools, start=1):
        for year in {2020, today.year if today.month >= 9 else today.year - 1}:
            SchoolYearStats.objects.get_or_create(
                school=school,
                school_year_start=year,
                defaults={
                    "pupils_total": 400 + 60 * number,
                    "pupils_10_plus": 260 + 40 * number,
                    "teachers_total": 30 + 4 * number,
                    "young_teachers": 3 + number % 3,
                },
            )
        _school_pairs(school, number, rng, forms, keys)
    first = services.save_period(
        municipality=municipality,
        title="I полугодие 2020/21",
        starts_on=date(2020, 9, 1),
        ends_on=date(2021, 1, 31),
        report_due_on=date(2021, 2, 10),
    )
    second = services.save_period(
        municipality=municipality,
        title="II полугодие 2020/21",
        starts_on=date(2021, 2, 1),
        ends_on=date(2021, 5, 31),
        report_due_on=date(2021, 6, 10),
    )
    curators = {p.school_id: p.user for p in _curator_profiles(schools)}
    questionnaires = list(Questionnaire.objects.filter(municipality=municipality))
    for period, plan in ((first, "AAAAS"), (second, "AAARD")):
        for school, state in zip(schools, plan, strict=False):
            report = services.report_of(period, school)
            _answers(report, questionnaires, forms["учитель – ученик"], rng, period is second)
            move_report(
                report,
                state,
                curator=curators.get(school.pk, staff),
                staff=staff,
                comment="Не заполнен SWOT-анализ программы; уточните число ответивших.",
            )


def move_report(report, state: str, *, curator, staff, comment: str) -> None:
    """Take a school's report from its draft to the state planned for the demo: «D» left a
    draft, «S» submitted, «A» accepted, «R» returned with ``comment``."""
    if state == "D":
        return
    services.submit_report(user=curator, report=report)
    if state == "A":
        services.review_report(user=staff, report=report, accept=True)
    elif state == "R":
        services.review_report(user=staff, report=report, accept=False, comment=comment)


def _curator_profiles(schools):
    return Profile.objects.filter(school__in=schools).select_related("user")


def people_keys(municipality) -> set:
    """The municipality's people as its uniqueness rule sees them (names and birth date)."""
    return {
        (last.lower(), first.lower(), (middle or "").lower(), born)
        for last, first, middle, born in Mentee.objects.filter(
            municipality=municipality
        ).values_list("last_name", "first_name", "patronymic", "birth_date")
    }


def _born(rng: random.Random, first: int, last: int):
    return lambda: date(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))


def _mentor(school, rng: random.Random, born: date, position: str = "учитель") -> Mentor:
    name = names.person(rng, female=rng.random() < 0.7)
    mentor = Mentor.objects.create(
        municipality=school.municipality,
        last_name=name.last,
        first_name=name.first,
        patronymic=name.patronymic,
        birth_date=born,
        kind=PersonKind.TEACHER,
        position=position,
    )
    mentor.schools.add(school)
    return mentor


def _school_pairs(school, number: int, rng: random.Random, forms, keys: set) -> None:
    """Pupils in groups of a teacher mentor and young teachers with a mentor, per school, in
    2020/21 (the pairs ended with that school year)."""
    municipality = school.municipality
    teacher_pupil, teacher_teacher = forms["учитель – ученик"], forms["учитель – учитель"]
    programme, _ = Programme.objects.get_or_create(
        school=school,
        title=f"Программа наставничества «Шаг вперёд» ({school.short_name})",
        defaults={
            "form": teacher_pupil,
            "starts_on": date(2020, 11, 1),
            "ends_on": date(2021, 5, 31),
        },
    )
    if number % 2:
        programme.review_status = Programme.Review.APPROVED
        programme.reviewer = "ЧИПКРО"
        programme.review_conclusion = "Программа соответствует методологии ЦМН."
        programme.reviewed_on = date(2020, 12, 15)
        programme.save()
    young = Programme.objects.create(
        school=school,
        form=teacher_teacher,
        title=f"Наставничество молодых педагогов ({school.short_name})",
        starts_on=date(2020, 9, 1),
        ends_on=date(2021, 8, 31),
    )
    for group in range(2 + number % 3):
        mentor = _mentor(school, rng, date(1975 + group, 1 + number, 10))
        pair = Pair.objects.create(
            programme=programme,
            mentor=mentor,
            starts_on=date(2020, 11, 2) if group < 2 else date(2021, 3, 1),
            ends_on=PAIRS_ENDED_ON,
            status=Pair.Status.COMPLETED,
            result="Программа пройдена; наставляемые участвовали в олимпиадах и конкурсах.",
        )
        for _ in range(8 + 3 * number):
            name, born = names.unique_name(rng, rng.random() < 0.5, _born(rng, 2008, 2013), keys)
            pupil = Mentee.objects.create(
                municipality=municipality,
                school=school,
                last_name=name.last,
                first_name=name.first,
                patronymic=name.patronymic,
                birth_date=born,
                class_name=f"{rng.randint(5, 11)}{rng.choice('АБВ')}",
            )
            PairMentee.objects.create(pair=pair, mentee=pupil, form=teacher_pupil, is_active=False)
    senior = _mentor(school, rng, date(1970, 3, number), "учитель высшей категории")
    pair = Pair.objects.create(
        programme=young,
        mentor=senior,
        starts_on=date(2020, 9, 15),
        ends_on=PAIRS_ENDED_ON,
        status=Pair.Status.COMPLETED,
    )
    for n in range(1 + number % 3):
        name, born = names.unique_name(rng, rng.random() < 0.7, _born(rng, 1994, 1998), keys)
        teacher = Mentee.objects.create(
            municipality=municipality,
            school=school,
            last_name=name.last,
            first_name=name.first,
            patronymic=name.patronymic,
            birth_date=born,
            kind=PersonKind.TEACHER,
            position="учитель",
            experience_years=1 + n,
        )
        PairMentee.objects.create(pair=pair, mentee=teacher, form=teacher_teacher, is_active=False)


def _answers(report, questionnaires, form: MentoringForm, rng: random.Random, both: bool) -> None:
    for questionnaire in questionnaires:
        questions = list(questionnaire.questions.all())
        if questionnaire.stage == Stage.MOTIVATION:
            moments = ["start", "end"] if both else ["start"]
        else:
            moments = [""]
        for moment in moments:
            base = 5.5 if moment == "start" else 7.0
            services.save_answer_set(
                report=report,
                questionnaire=questionnaire,
                form=form,
                moment=moment,
                respondents=rng.randint(8, 30),
                averages={
                    q.pk: Decimal(str(round(min(10, base + rng.random() * 2.5), 1)))
                    for q in questions
                },
            )
    for programme in report.school.programmes.all()[:1]:
        services.save_swot(
            report=report,
            programme=programme,
            strengths="Опытные педагоги-наставники; поддержка администрации.",
            weaknesses="Мало времени на встречи пар.",
            opportunities="Партнёрство с колледжем и предприятиями города.",
            threats="Перегрузка наставников.",
        )
