"""The sheet of each registry entity: its columns as the template shows and the import reads
them, and the entity's title."""

from __future__ import annotations

import datetime as dt

from core.selectors import schools_for
from core.xlsx.spec import Column, SheetSpec
from registry.models import (
    MENTEE_KINDS,
    MentoringForm,
    PersonKind,
)
from registry.selectors import programmes_for as selectors_programmes

MENTEE_KIND_LABELS = {str(k.label): k.value for k in MENTEE_KINDS}


MENTOR_KIND_LABELS = {str(label): value for value, label in PersonKind.choices}


def _person_columns() -> tuple[Column, ...]:
    return (
        Column("last_name", "Фамилия", required=True, example="Иванова", width=18, max_length=100),
        Column("first_name", "Имя", required=True, example="Мария", width=16, max_length=100),
        Column("patronymic", "Отчество", example="Ахмедовна", width=18, max_length=100),
        Column(
            "birth_date",
            "Дата рождения",
            kind="date",
            required=True,
            example=dt.date(2010, 3, 14),
            width=14,
        ),
    )


def _contact_columns() -> tuple[Column, ...]:
    return (
        Column("phone", "Телефон", example="+7 928 000-00-00", width=18, max_length=50),
        Column("email", "E-mail", example="", width=22, max_length=254),
    )


def _school_column(user) -> Column:
    names = tuple(schools_for(user).order_by("short_name").values_list("short_name", flat=True))
    return Column(
        "school",
        "ОО",
        kind="choice",
        choices=names or ("—",),
        required=True,
        example=names[0] if names else "",
        width=30,
        help="Краткое наименование ОО, как в реестре",
    )


def mentee_spec(user) -> SheetSpec:
    return SheetSpec(
        "Наставляемые",
        (
            *_person_columns(),
            _school_column(user),
            Column(
                "kind",
                "Кто",
                kind="choice",
                choices=tuple(MENTEE_KIND_LABELS),
                example="обучающийся",
                width=16,
            ),
            Column("class_name", "Класс", example="7Б", width=8, max_length=20),
            Column("position", "Должность (для педагога)", width=22),
            Column(
                "experience_years", "Стаж, лет", kind="int", min_value=0, max_value=60, width=10
            ),
            *_contact_columns(),
        ),
    )


def mentor_spec(user) -> SheetSpec:
    return SheetSpec(
        "Наставники",
        (
            *_person_columns(),
            Column(
                "kind",
                "Кто",
                kind="choice",
                choices=tuple(MENTOR_KIND_LABELS),
                required=True,
                example="педагог",
                width=24,
            ),
            _school_column(user),
            Column(
                "partner",
                "Организация-партнёр",
                width=30,
                help="Наименование, как в списке организаций-партнёров",
            ),
            Column("position", "Должность или класс", example="учитель математики", width=24),
            *_contact_columns(),
        ),
    )


def programme_spec(user) -> SheetSpec:
    forms = tuple(MentoringForm.objects.filter(is_active=True).values_list("name", flat=True))
    return SheetSpec(
        "Программы",
        (
            Column(
                "title",
                "Наименование",
                required=True,
                width=40,
                max_length=500,
                example="Программа наставничества «Шаг вперёд»",
            ),
            _school_column(user),
            Column(
                "form",
                "Форма наставничества",
                kind="choice",
                choices=forms or ("—",),
                required=True,
                example=forms[0] if forms else "",
                width=24,
            ),
            Column(
                "starts_on",
                "Начало",
                kind="date",
                required=True,
                example=dt.date(2020, 11, 1),
                width=12,
            ),
            Column(
                "ends_on",
                "Окончание",
                kind="date",
                required=True,
                example=dt.date(2021, 5, 31),
                width=12,
            ),
        ),
    )


def partner_spec(user) -> SheetSpec:
    return SheetSpec(
        "Партнёры",
        (
            Column(
                "name",
                "Наименование",
                required=True,
                width=40,
                max_length=500,
                example="ООО «Аргунский завод»",
            ),
            Column("inn", "ИНН", width=14, max_length=12, example="2001000000"),
            Column("address", "Адрес", width=30, max_length=500),
            Column("contact_person", "Контактное лицо", width=24),
            *_contact_columns(),
        ),
    )


PAIR_STATUSES = {"планируется": "planned", "действует": "active"}


def pair_spec(user) -> SheetSpec:
    programmes = tuple(
        selectors_programmes(user).order_by("title").values_list("title", flat=True).distinct()
    )
    return SheetSpec(
        "Пары",
        (
            Column(
                "programme",
                "Программа",
                kind="choice",
                choices=programmes or ("—",),
                required=True,
                width=36,
                example=programmes[0] if programmes else "",
            ),
            Column(
                "mentor_last_name", "Наставник: фамилия", required=True, width=20, example="Исаев"
            ),
            Column("mentor_first_name", "Наставник: имя", required=True, width=16, example="Ислам"),
            Column("mentor_patronymic", "Наставник: отчество", width=20),
            Column(
                "mentor_birth_date",
                "Наставник: дата рождения",
                kind="date",
                required=True,
                width=14,
                example=dt.date(1985, 4, 1),
            ),
            Column(
                "last_name", "Наставляемый: фамилия", required=True, width=20, example="Иванова"
            ),
            Column("first_name", "Наставляемый: имя", required=True, width=16, example="Мария"),
            Column("patronymic", "Наставляемый: отчество", width=20),
            Column(
                "birth_date",
                "Наставляемый: дата рождения",
                kind="date",
                required=True,
                width=14,
                example=dt.date(2010, 3, 14),
            ),
            Column(
                "starts_on",
                "Начало",
                kind="date",
                required=True,
                width=12,
                example=dt.date(2020, 11, 2),
            ),
            Column(
                "status",
                "Статус",
                kind="choice",
                choices=tuple(PAIR_STATUSES),
                example="планируется",
                width=14,
                help="Строки с одинаковыми программой, наставником и началом — одна группа",
            ),
        ),
    )


SPECS = {
    "mentees": mentee_spec,
    "mentors": mentor_spec,
    "programmes": programme_spec,
    "pairs": pair_spec,
    "partners": partner_spec,
}


ENTITY_TITLES = {
    "mentees": "наставляемых",
    "mentors": "наставников",
    "programmes": "программ",
    "pairs": "пар и групп",
    "partners": "организаций-партнёров",
}
