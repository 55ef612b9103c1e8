"""Mentors and mentees: one record per person in the municipality, a twin refused with what
the user may know about it, changes of a mentor's card recorded."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from core import permissions
from core.models import AuditEvent, School
from core.selectors import municipalities_for
from registry.models import (
    Mentee,
    Mentor,
)
from registry.services.access import ensure_writes_for, own_school_id


class DuplicatePerson(ValidationError):
    """The same full name and date of birth are already in the municipality's registry.

    The message tells only what the user may know: the department and the curator of the
    person's own school read who it is and where; a curator of another school reads only
    that the person is in the municipal registry and how to proceed.
    """

    def __init__(self, existing, user=None):
        self.existing = existing
        self.visible = user is not None and person_visible_to(user, existing)
        if self.visible:
            where = ", ".join(s.short_name for s in _schools_of(existing)) or "без ОО"
            message = (
                f"{existing.full_name}, {existing.birth_date:%d.%m.%Y} г. р., уже есть в реестре "
                f"({where}). Используйте существующую запись вместо новой."
            )
        else:
            message = foreign_person_message(existing)
        super().__init__(message)


def identity_label(*, last_name: str, first_name: str, patronymic: str = "", birth_date) -> str:
    """A person as someone typed them: «Фамилия Имя Отчество, 01.01.1985 г. р.»."""
    name = " ".join(p.strip() for p in (last_name, first_name, patronymic or "") if p.strip())
    return f"{name}, {birth_date:%d.%m.%Y} г. р."


def foreign_person_message(person) -> str:
    """What a curator of another school is told about a person of the municipal registry."""
    if isinstance(person, Mentor):
        return (
            "Наставник с такими ФИО и датой рождения уже есть в муниципальном реестре. "
            "Если он работает и в вашей ОО, отправьте запрос на связь: его подтвердит "
            "департамент образования или ОО, где наставник уже числится. Перевод из другой ОО "
            "оформляет департамент образования."
        )
    return (
        "Человек с такими ФИО и датой рождения уже есть в муниципальном реестре. "
        "Перевод в вашу ОО оформляет департамент образования."
    )


def person_visible_to(user, person) -> bool:
    """Whether the user may know who the person is and where they study or work."""
    if permissions.is_curator(user):
        own = own_school_id(user)
        if own is None:
            return False
        if isinstance(person, Mentor):
            return person.schools.filter(pk=own).exists()
        return person.school_id == own
    if permissions.is_department(user):
        return municipalities_for(user).filter(pk=person.municipality_id).exists()
    return False


def _schools_of(person):
    if isinstance(person, Mentor):
        return list(person.schools.all())
    return [person.school]


def find_same_person(
    model, *, municipality, last_name, first_name, patronymic, birth_date, exclude_pk=None
):
    return (
        model.objects.annotate(
            ln=Lower("last_name"), fn=Lower("first_name"), pn=Lower("patronymic")
        )
        .filter(
            municipality=municipality,
            ln=last_name.strip().lower(),
            fn=first_name.strip().lower(),
            pn=(patronymic or "").strip().lower(),
            birth_date=birth_date,
        )
        .exclude(pk=exclude_pk)
        .first()
    )


def _check_birth_date(birth_date: dt.date, errors: dict) -> None:
    today = timezone.localdate()
    if birth_date > today:
        errors["birth_date"] = "Дата рождения не может быть в будущем."
    elif birth_date.year < today.year - 100:
        errors["birth_date"] = "Проверьте дату рождения: получается больше 100 лет."


PERSON_FIELDS = ("last_name", "first_name", "patronymic", "birth_date", "phone", "email")


def _save_person(person, data: dict, user) -> None:
    for name, value in data.items():
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    errors: dict = {}
    if person.birth_date:
        _check_birth_date(person.birth_date, errors)
    if errors:
        raise ValidationError(errors)
    same = find_same_person(
        type(person),
        municipality=person.municipality,
        last_name=person.last_name,
        first_name=person.first_name,
        patronymic=person.patronymic,
        birth_date=person.birth_date,
        exclude_pk=person.pk,
    )
    if same is not None:
        raise DuplicatePerson(same, user)
    person.full_clean(exclude=["schools"] if isinstance(person, Mentor) else None)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # a concurrent twin got in first
        raise ValidationError("Такой человек уже есть в реестре муниципалитета.") from exc


@transaction.atomic
def save_mentee(*, user, school: School, mentee: Mentee | None = None, **data) -> Mentee:
    ensure_writes_for(user, school)
    curator = permissions.is_curator(user)
    if curator and mentee is not None and mentee.pk and mentee.school_id != school.pk:
        # a transfer between schools is the department's
        raise PermissionDenied("Перевод наставляемого в другую ОО оформляет департамент.")
    mentee = mentee or Mentee(municipality=school.municipality)
    mentee.school = school
    _save_person(mentee, data, user)
    return mentee


MENTOR_FIELDS = (*PERSON_FIELDS, "kind", "position", "partner")


def may_edit_mentor(user, mentor: Mentor) -> bool:
    """Staff: any mentor of their municipality. A curator: a mentor linked to their school,
    whichever other schools the mentor also works at. Nobody else."""
    if permissions.can_edit_department(user):
        return municipalities_for(user).filter(pk=mentor.municipality_id).exists()
    if permissions.is_curator(user):
        own = own_school_id(user)
        return own is not None and mentor.schools.filter(pk=own).exists()
    return False


def _changed_labels(model, before: dict, after) -> list[str]:
    return [
        str(model._meta.get_field(name).verbose_name)
        for name, value in before.items()
        if getattr(after, name) != value
    ]


def record_mentor_changes(user, changes, *, via: str = "") -> None:
    """The card's history: who changed which fields of which mentor, from which school."""
    school_id = own_school_id(user) if permissions.is_curator(user) else None
    prefix = f"{via}: " if via else ""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            user=user if getattr(user, "is_authenticated", False) else None,
            action=AuditEvent.Action.CHANGE,
            object_type="mentor",
            object_id=str(mentor_id),
            school_id=school_id,
            detail=f"{prefix}изменены поля: {', '.join(labels)}"[:500],
        )
        for mentor_id, labels in changes
        if labels
    )


@transaction.atomic
def save_mentor(
    *, user, school: School | None, mentor: Mentor | None = None, partner=None, **data
) -> Mentor:
    """Create a mentor (in a school, or at a partner organisation) or change one's card.

    A change is allowed to staff and to a curator of any school the mentor works at; each
    change is written to the mentor's history (the audit log) with the fields it touched.
    """
    before = None
    if mentor is None or mentor.pk is None:
        municipality = (school or partner).municipality if (school or partner) else None
        if municipality is None:
            raise ValidationError({"partner": "Укажите ОО или организацию-партнёра наставника."})
        if school is None and not permissions.can_edit_department(user):
            raise PermissionDenied("Наставника без ОО вносит департамент.")
        mentor = mentor or Mentor(municipality=municipality)
    else:
        if not may_edit_mentor(user, mentor):
            raise PermissionDenied(
                "Карточку наставника изменяют департамент и кураторы ОО, где он работает."
            )
        before = {name: getattr(mentor, name) for name in MENTOR_FIELDS}
    if school is not None:
        ensure_writes_for(user, school)
        if school.municipality_id != mentor.municipality_id:
            raise ValidationError({"school": "ОО из другого муниципалитета."})
    if partner is not None and partner.municipality_id != mentor.municipality_id:
        raise ValidationError({"partner": "Организация-партнёр из другого муниципалитета."})
    mentor.partner = partner
    _save_person(mentor, data, user)
    if school is not None:
        mentor.schools.add(school)
    if before is not None:
        record_mentor_changes(user, [(mentor.pk, _changed_labels(Mentor, before, mentor))])
    return mentor
