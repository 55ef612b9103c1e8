"""Dates typed by people, taken from a URL or read from a file: one range for the whole product.

Every date the product deals with — an order, a roadmap's period, a report, an amendment, a
consent, a programme, a pair, an agreement, a monitoring period, a dashboard's «на дату» — lies
within DATE_MIN–DATE_MAX. A birth date of a person alive (a mentor, a mentee) lies within
BIRTH_DATE_MIN–DATE_MAX; that it is not in the future is checked where the person is saved.
A date outside is a typo («31.12.9999») or an attack («01.01.0010»), refused with a message that
names the field (a form error, a 400 page, an import's row and column), never a 500 from date
arithmetic further on.

- `DateField` / `BirthDateField`: the form fields of every date in every form (plain forms
  declare them; model forms and the admin get them through `formfield_for`).
- `parse`: one date typed anywhere else (a command's option), by the same field.
- `check`: the range alone, for a date that is already a date (an imported cell).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

DATE_MIN = dt.date(1990, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
BIRTH_DATE_MIN = dt.date(1900, 1, 1)

WIDGET = forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "ДД.ММ.ГГГГ"})


def bounds(*, birth: bool = False) -> tuple[dt.date, dt.date]:
    return (BIRTH_DATE_MIN if birth else DATE_MIN), DATE_MAX


def range_message(*, birth: bool = False) -> str:
    low, high = bounds(birth=birth)
    return f"Год должен быть от {low.year} до {high.year}."


def in_range(value: dt.date, *, birth: bool = False) -> bool:
    low, high = bounds(birth=birth)
    return low <= value <= high


def check(value: dt.date | None, *, birth: bool = False) -> None:
    """ValidationError (code ``date_range``) for a date outside the product's range."""
    if value is not None and not in_range(value, birth=birth):
        raise ValidationError(range_message(birth=birth), code="date_range")


class DateField(forms.DateField):
    """A date in ДД.ММ.ГГГГ within DATE_MIN–DATE_MAX; the error is the field's own."""

    birth = False
    widget = WIDGET

    def validate(self, value):
        super().validate(value)
        check(value, birth=self.birth)


class BirthDateField(DateField):
    """A birth date of a person alive: from BIRTH_DATE_MIN."""

    birth = True


def is_birth_date(db_field) -> bool:
    return db_field.name == "birth_date" or db_field.name.endswith("_birth_date")


def formfield_for(db_field, **kwargs):
    """`formfield_callback` of model forms (and the admin's hook): a model's date becomes a
    range-checked `DateField` (`BirthDateField` for a birth date); other fields are as usual."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", BirthDateField if is_birth_date(db_field) else DateField)
        kwargs.setdefault("widget", WIDGET)
    return db_field.formfield(**kwargs)


class DateRangeAdmin:
    """Mixed into every admin (and inline) whose model has a date: the same range there."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DateField) and not isinstance(
            db_field, models.DateTimeField
        ):
            kwargs.setdefault(
                "form_class", BirthDateField if is_birth_date(db_field) else DateField
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def parse(text: str, *, label: str, birth: bool = False) -> dt.date:
    """One date typed outside a form (a command's option): «label: message» if it is not one."""
    field = (BirthDateField if birth else DateField)(required=True)
    try:
        return field.clean(text)
    except ValidationError as exc:
        raise ValidationError(f"{label}: «{text}» — {' '.join(exc.messages)}") from exc
