"""Mentees: the sheet a school fills, the rows checked and written, the list exported."""

from __future__ import annotations

from django.utils import timezone

from core import permissions
from core.selectors import municipalities_for
from core.xlsx.spec import CellError, Column, SheetSpec
from registry import filters, selectors, services
from registry.entities.base import Entity, ExportSheet, Plan
from registry.entities.common import (
    card,
    contact_columns,
    differs,
    existing_people,
    full_name,
    identity,
    person_columns,
    row_school,
    school_column,
    schools_by_name,
    typed,
)
from registry.models import MENTEE_KINDS, Mentee, MenteeRequest, PersonKind

MENTEE_KIND_LABELS = {str(k.label): k.value for k in MENTEE_KINDS}

FIELDS = (*services.PERSON_FIELDS, "kind", "class_name", "position", "experience_years")


def requests_by_name(user) -> dict[str, MenteeRequest]:
    """The municipality's requests in use, by name as a cell may write it."""
    return {
        r.name.casefold(): r
        for r in MenteeRequest.objects.filter(
            municipality__in=municipalities_for(user), is_active=True
        )
    }


def request_column(user) -> Column:
    names = tuple(sorted(r.name for r in requests_by_name(user).values()))
    return Column(
        "request",
        "Запрос",
        kind="choice" if names else "text",
        choices=names,
        example=names[0] if names else "",
        width=30,
        help="Запрос наставляемого из списка муниципалитета",
    )


def mentee_spec(user) -> SheetSpec:
    return SheetSpec(
        "Наставляемые",
        (
            *person_columns(),
            school_column(user),
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
            *contact_columns(),
            request_column(user),
        ),
    )


def plan_mentees(plan: Plan, parsed) -> None:
    user = plan.user
    municipality_ids = list(municipalities_for(user).values_list("id", flat=True))
    existing = existing_people(Mentee, municipality_ids, parsed)
    schools = schools_by_name(user)
    requests = requests_by_name(user)
    seen: dict[tuple, int] = {}
    for row in parsed.rows:
        values = dict(row.values)
        school = row_school(user, values, row.row, plan.errors, schools)
        if school is None:
            continue
        key = identity(values)
        if not plan.first_time(seen, key, row.row, "тот же человек"):
            continue
        values["kind"] = MENTEE_KIND_LABELS.get(values.get("kind") or "", PersonKind.PUPIL)
        if values["birth_date"] > timezone.localdate():
            plan.errors.append(
                CellError(row.row, "Дата рождения", "Дата рождения: не может быть в будущем.")
            )
            continue
        mentee = existing.get(key)
        moving = mentee is not None and mentee.school_id != school.pk
        if moving and permissions.is_curator(user):
            message = (
                f"{typed(values)} уже есть в муниципальном реестре; перевод в вашу ОО "
                "оформляет департамент образования."
            )
            plan.errors.append(CellError(row.row, None, message))
            continue
        fields = FIELDS
        if "request" in parsed.columns_found:  # a file without the column keeps the requests
            written = (values.get("request") or "").strip()
            values["request"] = requests.get(written.casefold()) if written else None
            if written and values["request"] is None:
                message = f"Запрос: «{written}» нет в списке запросов муниципалитета."
                plan.errors.append(CellError(row.row, "Запрос", message))
                continue
            fields = (*FIELDS, "request")
        data = card(values, fields)
        if "request" in data and data["request"] == "":
            data["request"] = None
        writes = mentee is None or moving or differs(mentee, data)
        if writes and plan.invalid(row.row, Mentee, data):
            continue
        if mentee is None:
            plan.to_create.append(services.MenteeEntry(school, data))
        elif writes:
            plan.to_update.append(services.MenteeEntry(school, data, mentee))
        plan.show(
            row.row,
            full_name(values),
            school.short_name,
            "новый" if mentee is None else "обновление",
        )


def write_mentees(plan: Plan) -> tuple[int, int]:
    """Through the service the mentee's form uses: the same rules for every row."""
    services.save_mentees(user=plan.user, entries=[*plan.to_create, *plan.to_update])
    return len(plan.to_create), len(plan.to_update)


FULL = (
    Column("last_name", "Фамилия"),
    Column("first_name", "Имя"),
    Column("patronymic", "Отчество"),
    Column("birth_date", "Дата рождения", kind="date"),
    Column("school", "ОО", width=30),
    Column("kind", "Кто"),
    Column("class_name", "Класс", width=8),
    Column("position", "Должность"),
    Column("experience_years", "Стаж, лет", kind="int"),
    Column("phone", "Телефон"),
    Column("email", "E-mail"),
    Column("request", "Запрос", width=30),
)


def full_row(mentee: Mentee) -> dict:
    return {
        **{c.key: getattr(mentee, c.key) for c in FULL},
        "school": mentee.school.short_name,
        "kind": mentee.get_kind_display(),
        "request": mentee.request.name if mentee.request_id else "",
    }


def depersonalised_row(mentee: Mentee) -> dict:
    return {
        "initials": mentee.initials,
        "birth_year": mentee.birth_date.year,
        "school": mentee.school.short_name,
        "class_name": mentee.class_name,
        "kind": mentee.get_kind_display(),
        "request": mentee.request.name if mentee.request_id else "",
    }


ENTITY = Entity(
    key="mentees",
    title="Наставляемые",
    of_what="наставляемых",
    sheet=mentee_spec,
    planner=plan_mentees,
    writer=write_mentees,
    selector=selectors.mentees_for,
    filters=filters.MenteeFilter,
    prefetch=("request",),
    export=ExportSheet(SheetSpec("Наставляемые", FULL), full_row),
    depersonalised=ExportSheet(
        SheetSpec(
            "Наставляемые (обезличено)",
            (
                Column("initials", "Инициалы", width=12),
                Column("birth_year", "Год рождения", kind="int", width=12),
                Column("school", "ОО", width=30),
                Column("class_name", "Класс", width=8),
                Column("kind", "Кто", width=16),
                Column("request", "Запрос", width=30),
            ),
        ),
        depersonalised_row,
    ),
)
