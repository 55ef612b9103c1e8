"""Programmes: the sheet, the rows checked and written, the list exported."""

from __future__ import annotations

import datetime as dt

from core.selectors import schools_for
from core.xlsx.spec import CellError, Column, SheetSpec
from registry import filters, selectors, services
from registry.entities.base import Entity, ExportSheet, Plan
from registry.entities.common import differs, row_school, school_column, schools_by_name
from registry.models import MentoringForm, Programme


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
            school_column(user),
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


def plan_programmes(plan: Plan, parsed) -> None:
    user = plan.user
    schools = schools_by_name(user)
    forms = {f.name: f for f in MentoringForm.objects.all()}
    existing = {
        (p.school_id, p.title.lower()): p
        for p in Programme.objects.filter(school__in=schools_for(user))
    }
    seen: dict[tuple, int] = {}
    for row in parsed.rows:
        values = row.values
        school = row_school(user, values, row.row, plan.errors, schools)
        if school is None:
            continue
        if values["ends_on"] < values["starts_on"]:
            plan.errors.append(CellError(row.row, "Окончание", "Окончание: раньше начала."))
            continue
        key = (school.pk, values["title"].lower())
        if not plan.first_time(seen, key, row.row, "та же программа"):
            continue
        programme = existing.get(key)
        wanted = {
            "title": values["title"],
            "form": forms[values["form"]],
            "starts_on": values["starts_on"],
            "ends_on": values["ends_on"],
        }
        writes = programme is None or differs(programme, wanted)
        if writes and plan.invalid(row.row, Programme, wanted):
            continue
        if programme is None:
            plan.to_create.append(services.ProgrammeEntry(school, wanted))
        elif writes:
            plan.to_update.append(services.ProgrammeEntry(school, wanted, programme))
        plan.show(
            row.row,
            values["title"],
            school.short_name,
            "новая" if programme is None else "обновление",
        )


def write_programmes(plan: Plan) -> tuple[int, int]:
    """Through the service the programme's form uses."""
    services.save_programmes(user=plan.user, entries=[*plan.to_create, *plan.to_update])
    return len(plan.to_create), len(plan.to_update)


COLUMNS = (
    Column("title", "Наименование", width=40),
    Column("school", "ОО", width=30),
    Column("form", "Форма", width=24),
    Column("starts_on", "Начало", kind="date"),
    Column("ends_on", "Окончание", kind="date"),
    Column("review", "Экспертиза", width=24),
)


def export_row(programme: Programme) -> dict:
    return {
        "title": programme.title,
        "school": programme.school.short_name,
        "form": programme.form.name,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "review": programme.get_review_status_display(),
    }


ENTITY = Entity(
    key="programmes",
    title="Программы",
    of_what="программ",
    sheet=programme_spec,
    planner=plan_programmes,
    writer=write_programmes,
    selector=selectors.programmes_for,
    filters=filters.ProgrammeFilter,
    export=ExportSheet(SheetSpec("Программы", COLUMNS), export_row),
)
