"""What the entities' sheets and planners share: the columns of a person and of a school, the
school a row belongs to, and a person found by full name and date of birth."""

from __future__ import annotations

import datetime as dt

from django.db.models.functions import Lower

from core import permissions
from core.models import School
from core.selectors import school_of, schools_for
from core.xlsx.spec import CellError, Column, ParseResult
from registry import services
from registry.models import search_key


def person_columns() -> tuple[Column, ...]:
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


def contact_columns() -> tuple[Column, ...]:
    return (
        Column("phone", "Телефон", example="+7 928 000-00-00", width=18, max_length=50),
        Column("email", "E-mail", example="", width=22, max_length=254),
    )


def school_column(user) -> Column:
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


def schools_by_name(user) -> dict[str, School]:
    return {s.short_name.lower(): s for s in schools_for(user)}


def row_school(user, values, row, errors, schools) -> School | None:
    """A curator's rows are their school's whatever the column says (it must not differ)."""
    own = school_of(user)
    named = schools.get((values.get("school") or "").lower())
    if permissions.is_curator(user):
        if named is not None and named.pk != own.pk:
            errors.append(CellError(row, "ОО", f"ОО: можно загружать только свою ОО ({own})."))
            return None
        return own
    if named is None:
        errors.append(CellError(row, "ОО", "ОО: нет такой ОО в муниципалитете."))
    return named


def identity(values) -> tuple:
    return (
        values["last_name"].lower(),
        values["first_name"].lower(),
        (values.get("patronymic") or "").lower(),
        values["birth_date"],
    )


def existing_people(model, municipality_ids, parsed: ParseResult) -> dict[tuple, object]:
    """The registry's people that the file's rows name, in one indexed query."""
    names = {
        search_key(
            " ".join(row.values.get(k) or "" for k in ("last_name", "first_name", "patronymic"))
        )
        for row in parsed.rows
    }
    found = model.objects.annotate(
        ln=Lower("last_name"), fn=Lower("first_name"), pn=Lower("patronymic")
    ).filter(municipality_id__in=municipality_ids, search_name__in=names)
    return {(p.ln, p.fn, p.pn, p.birth_date): p for p in found}


def card(values, fields) -> dict:
    """The row's values for a card's fields (an empty cell is an empty text, or no number)."""
    return {
        name: "" if values.get(name) is None and name != "experience_years" else values.get(name)
        for name in fields
    }


def differs(record, data: dict) -> bool:
    """Whether saving the card would change the stored record."""
    return any(getattr(record, name) != value for name, value in data.items())


def full_name(values) -> str:
    """The person's name as the row spells it."""
    return " ".join(
        p for p in (values.get(k) for k in ("last_name", "first_name", "patronymic")) if p
    )


def typed(values) -> str:
    """The person as the file's row names them."""
    return services.identity_label(
        last_name=values["last_name"],
        first_name=values["first_name"],
        patronymic=values.get("patronymic") or "",
        birth_date=values["birth_date"],
    )
