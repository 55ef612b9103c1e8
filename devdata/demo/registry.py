"""The demonstration's registry: a mentor, three pupils with their representatives' consent,
a programme and one pair in each of the first two demo schools."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from devdata.region import names
from registry.models import (
    Consent,
    Mentee,
    Mentor,
    Pair,
    PairMentee,
    PersonKind,
    Programme,
    SchoolYearStats,
)
from registry.reference import ensure_mentoring_forms

MOTHERS = {"Амина": "Луиза Адамовна", "Ислам": "Зарема Саидовна", "Седа": "Хава Руслановна"}
DEMO_PEOPLE = [
    ("Дудаева", "Амина", "Руслановна", date(2011, 4, 12), "7А"),
    ("Магомадов", "Ислам", "Адамович", date(2010, 9, 3), "8Б"),
    ("Хасанова", "Седа", "Ибрагимовна", date(2012, 1, 27), "6В"),
]


def load_registry_demo(schools, municipality) -> None:
    """A mentor, three pupils with consent, a programme and one pair per demo school."""
    forms = {form.name: form for form in ensure_mentoring_forms()}
    for number, school in enumerate(schools, start=1):
        if Mentee.objects.filter(school=school).exists():
            continue
        mentor = Mentor.objects.create(
            municipality=municipality,
            last_name="Исаева" if number == 1 else "Алиев",
            first_name="Марьям" if number == 1 else "Хамзат",
            patronymic="Саидовна" if number == 1 else "Русланович",
            birth_date=date(1986 + number, 5, 14),
            kind=PersonKind.TEACHER,
            position="учитель математики",
        )
        mentor.schools.add(school)
        programme = Programme.objects.create(
            school=school,
            form=forms["учитель – ученик"],
            title=f"Программа наставничества «Шаг вперёд» ({school.short_name})",
            starts_on=date(2020, 11, 1),
            ends_on=date(2021, 5, 31),
        )
        pupils = []
        for last, first, middle, born, class_name in DEMO_PEOPLE:
            pupil = Mentee.objects.create(
                municipality=municipality,
                school=school,
                last_name=f"{last}",
                first_name=first,
                patronymic=middle,
                birth_date=born.replace(year=born.year + number - 1),
                class_name=class_name,
            )
            Consent.objects.create(
                mentee=pupil,
                representative_name=f"{names.feminine(last)} {MOTHERS[first]}",
                relation=Consent.Relation.MOTHER,
                document="паспорт 96 20 4815" + f"{number}{len(pupils)}",
                given_on=date(2020, 9, 1),
                # One consent was given for that school year only: in force no longer.
                valid_until=date(2021, 5, 31) if last == "Хасанова" else None,
                recorded_by=get_user_model().objects.get(username="staff"),
            )
            pupils.append(pupil)
        pair = Pair.objects.create(
            programme=programme,
            mentor=mentor,
            starts_on=date(2020, 11, 2),
            ends_on=date(2021, 5, 31),
            status=Pair.Status.COMPLETED,
            goals="Подготовка к олимпиаде",
        )
        PairMentee.objects.create(pair=pair, mentee=pupils[0], form=programme.form, is_active=False)
        SchoolYearStats.objects.get_or_create(
            school=school,
            school_year_start=2020,
            defaults={
                "pupils_total": 640,
                "pupils_10_plus": 410,
                "teachers_total": 48,
                "young_teachers": 6,
            },
        )
