"""Mentors and mentees: one record per person in the municipality, a twin refused with what
the user may know about it, changes of a mentor's card recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from core import permissions
from core.models import AuditEvent, School
from core.selectors import municipalities_for
from registry.models import (
    Mentee,
    Mentor,
    PartnerOrganization,
    search_key,
)
from registry.services.access import ensure_writes_for, own_school_id
from registry.services.bulk import write_all


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

# Relations a person's card is saved with are objects already read (the form's choices, the
# import's look-ups); the identity constraint, the only one, is checked for all at once.
NOT_CLEANED = ["municipality", "school", "schools", "partner"]


def _identity(person) -> tuple:
    return (
        person.municipality_id,
        person.last_name.lower(),
        person.first_name.lower(),
        (person.patronymic or "").lower(),
        person.birth_date,
    )


def _refuse_twins(model, people: Sequence, user) -> None:
    """One record per person in the municipality (same full name and date of birth): a twin
    in the registry is refused with what the user may know of it. One query for all."""
    wanted: dict[tuple, object] = {}
    for person in people:
        key = _identity(person)
        if key in wanted:
            raise ValidationError(
                f"{person.full_name}, {person.birth_date:%d.%m.%Y} г. р., указан(а) дважды."
            )
        wanted[key] = person
    found = model.objects.annotate(
        ln=Lower("last_name"), fn=Lower("first_name"), pn=Lower("patronymic")
    ).filter(
        municipality_id__in={key[0] for key in wanted},
        ln__in={key[1] for key in wanted},
        fn__in={key[2] for key in wanted},
        pn__in={key[3] for key in wanted},
        birth_date__in={key[4] for key in wanted},
    )
    for same in found.order_by("pk"):
        person = wanted.get((same.municipality_id, same.ln, same.fn, same.pn, same.birth_date))
        if person is not None and person.pk != same.pk:
            raise DuplicatePerson(same, user)


def _save_people(model, people: Sequence[tuple], user, *, also: tuple[str, ...]) -> None:
    """Set, check and write people: the rules of one card, for one person or thousands —
    dates of birth, twins, field checks — and the rows written in bulk, all or none."""
    for person, data in people:
        for name, value in data.items():
            setattr(person, name, value.strip() if isinstance(value, str) else value)
        errors: dict = {}
        if person.birth_date:
            _check_birth_date(person.birth_date, errors)
        if errors:
            raise ValidationError(errors)
    _refuse_twins(model, [person for person, _ in people], user)
    now = timezone.now()
    for person, _ in people:
        person.full_clean(exclude=NOT_CLEANED, validate_constraints=False)
        person.search_name = search_key(person.full_name)
        person.updated_at = now
    fields = {name for _, data in people for name in data} | {*also, "search_name", "updated_at"}
    write_all(
        model,
        [person for person, _ in people],
        sorted(fields),
        conflict=ValidationError("Такой человек уже есть в реестре муниципалитета."),
    )


@dataclass
class MenteeEntry:
    """One mentee to save: the school, the card's fields, and the record if it exists."""

    school: School
    data: dict
    mentee: Mentee | None = None


@transaction.atomic
def save_mentee(*, user, school: School, mentee: Mentee | None = None, **data) -> Mentee:
    return save_mentees(user=user, entries=[MenteeEntry(school, data, mentee)])[0]


@transaction.atomic
def save_mentees(*, user, entries: Sequence[MenteeEntry]) -> list[Mentee]:
    """Mentees created or changed — a form's one or an import's thousands — by one set of
    rules: who may write for the school, a transfer is the department's, one record per
    person in the municipality."""
    curator = permissions.is_curator(user)
    allowed: set[int] = set()
    people = []
    for entry in entries:
        school, mentee = entry.school, entry.mentee
        if school.pk not in allowed:
            ensure_writes_for(user, school)
            allowed.add(school.pk)
        if curator and mentee is not None and mentee.pk and mentee.school_id != school.pk:
            # a transfer between schools is the department's
            raise PermissionDenied("Перевод наставляемого в другую ОО оформляет департамент.")
        request = entry.data.get("request")
        if request is not None and request.municipality_id != school.municipality_id:
            raise ValidationError({"request": "Запрос не из списка этого муниципалитета."})
        mentee = mentee or Mentee(municipality_id=school.municipality_id)
        mentee.school = school
        people.append((mentee, entry.data))
    _save_people(Mentee, people, user, also=("school",))
    return [mentee for mentee, _ in people]


MENTOR_FIELDS = (*PERSON_FIELDS, "kind", "position", "partner")


def editable_mentors(user, mentors: Sequence[Mentor]) -> set[int]:
    """Of these mentors, the ids of those whose card the user may change: staff, any mentor of
    their municipality; a curator, a mentor linked to their school, whichever other schools the
    mentor also works at; nobody else. One query."""
    ids = {mentor.pk for mentor in mentors}
    if not ids:
        return set()
    if permissions.can_edit_department(user):
        municipalities = set(municipalities_for(user).values_list("pk", flat=True))
        return {mentor.pk for mentor in mentors if mentor.municipality_id in municipalities}
    if permissions.is_curator(user):
        own = own_school_id(user)
        if own is None:
            return set()
        return set(
            Mentor.schools.through.objects.filter(school_id=own, mentor_id__in=ids).values_list(
                "mentor_id", flat=True
            )
        )
    return set()


def may_edit_mentor(user, mentor: Mentor) -> bool:
    return mentor.pk in editable_mentors(user, [mentor])


def _card(mentor: Mentor) -> dict:
    """The card's fields as stored (a partner by its id: nothing is read to compare)."""
    return {name: getattr(mentor, Mentor._meta.get_field(name).attname) for name in MENTOR_FIELDS}


def _changed_labels(before: dict, after: dict) -> list[str]:
    return [
        str(Mentor._meta.get_field(name).verbose_name)
        for name, value in before.items()
        if after[name] != value
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


@dataclass
class MentorEntry:
    """One mentor to save: the school (none for a partner's employee, or for a card changed
    without linking a school), the partner organisation, the card's fields, and the record if
    it exists."""

    school: School | None
    data: dict
    partner: PartnerOrganization | None = None
    mentor: Mentor | None = None


@transaction.atomic
def save_mentor(
    *, user, school: School | None, mentor: Mentor | None = None, partner=None, **data
) -> Mentor:
    """Create a mentor (in a school, or at a partner organisation) or change one's card."""
    return save_mentors(user=user, entries=[MentorEntry(school, data, partner, mentor)])[0]


@transaction.atomic
def save_mentors(*, user, entries: Sequence[MentorEntry], via: str = "") -> list[Mentor]:
    """Mentors created or changed — a form's one or an import's thousands — by one set of
    rules. A change is allowed to staff and to a curator of any school the mentor works at;
    each change is written to the mentor's history (the audit log) with the fields it touched,
    and a school given is linked to the mentor."""
    editable = editable_mentors(user, [e.mentor for e in entries if e.mentor and e.mentor.pk])
    allowed: set[int] = set()
    people, cards = [], []
    for entry in entries:
        mentor, school, partner = entry.mentor, entry.school, entry.partner
        card = None
        if mentor is None or mentor.pk is None:
            municipality = (school or partner).municipality if (school or partner) else None
            if municipality is None:
                raise ValidationError(
                    {"partner": "Укажите ОО или организацию-партнёра наставника."}
                )
            if school is None and not permissions.can_edit_department(user):
                raise PermissionDenied("Наставника без ОО вносит департамент.")
            mentor = mentor or Mentor(municipality=municipality)
        else:
            if mentor.pk not in editable:
                raise PermissionDenied(
                    "Карточку наставника изменяют департамент и кураторы ОО, где он работает."
                )
            card = _card(mentor)
        if school is not None:
            if school.pk not in allowed:
                ensure_writes_for(user, school)
                allowed.add(school.pk)
            if school.municipality_id != mentor.municipality_id:
                raise ValidationError({"school": "ОО из другого муниципалитета."})
        if partner is not None and partner.municipality_id != mentor.municipality_id:
            raise ValidationError({"partner": "Организация-партнёр из другого муниципалитета."})
        mentor.partner = partner
        people.append((mentor, entry.data))
        cards.append(card)
    _save_people(Mentor, people, user, also=("partner",))
    links = Mentor.schools.through
    links.objects.bulk_create(
        [
            links(mentor_id=mentor.pk, school_id=entry.school.pk)
            for (mentor, _), entry in zip(people, entries, strict=True)
            if entry.school is not None
        ],
        ignore_conflicts=True,
    )
    record_mentor_changes(
        user,
        [
            (mentor.pk, _changed_labels(card, _card(mentor)))
            for (mentor, _), card in zip(people, cards, strict=True)
            if card is not None
        ],
        via=via,
    )
    return [mentor for mentor, _ in people]
