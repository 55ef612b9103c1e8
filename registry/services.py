"""Writes to the registry. Every rule is a Russian message and nothing is half-saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from core import permissions, roles
from core.accounts.services import require_password_change
from core.audit import audit
from core.files import JPEG, PDF, PNG, safe_filename, validate_upload
from core.models import AuditEvent, Profile, School
from core.selectors import municipalities_for
from registry.models import (
    Agreement,
    Consent,
    Mentee,
    Mentor,
    MentorLinkRequest,
    Pair,
    PairMentee,
    PartnerOrganization,
    Programme,
    SchoolYearStats,
)

ADULT_AGE = 18


# --- people ----------------------------------------------------------------------------------


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
        own = _own_school_id(user)
        if own is None:
            return False
        if isinstance(person, Mentor):
            return person.schools.filter(pk=own).exists()
        return person.school_id == own
    if permissions.is_department(user):
        return municipalities_for(user).filter(pk=person.municipality_id).exists()
    return False


def _own_school_id(user) -> int | None:
    profile = getattr(user, "profile", None)
    return profile.school_id if profile is not None else None


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


def _ensure_school_of_user(user, school: School | None) -> None:
    """Registry records are kept by curators (their own school's) and department staff."""
    if not permissions.can_change_registry(user):
        raise PermissionDenied("Реестр ведут кураторы ОО и сотрудники департамента.")
    if permissions.is_curator(user):
        profile = getattr(user, "profile", None)
        if profile is None or school is None or profile.school_id != school.pk:
            raise PermissionDenied("Куратор ведёт записи только своей ОО.")


@transaction.atomic
def save_mentee(*, user, school: School, mentee: Mentee | None = None, **data) -> Mentee:
    _ensure_school_of_user(user, school)
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
        own = _own_school_id(user)
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
    school_id = _own_school_id(user) if permissions.is_curator(user) else None
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
        _ensure_school_of_user(user, school)
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


# --- a mentor who works at a second school -----------------------------------------------------


@transaction.atomic
def link_mentor_to_school(*, user, mentor: Mentor, school: School) -> Mentor:
    """The department links a mentor of its municipality to a school directly; a pending
    request of that school for the mentor is closed as approved. Curators send requests."""
    if not permissions.can_edit_department(user):
        raise PermissionDenied(
            "Наставника с ОО связывает департамент; куратор ОО отправляет запрос на связь."
        )
    if not municipalities_for(user).filter(pk=school.municipality_id).exists():
        raise PermissionDenied("ОО другого муниципалитета.")
    if mentor.municipality_id != school.municipality_id:
        raise ValidationError("Наставник из другого муниципалитета.")
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    if mentor.schools.filter(pk=school.pk).exists():
        return mentor
    mentor.schools.add(school)
    now = timezone.now()
    closed = list(
        MentorLinkRequest.objects.select_for_update().filter(
            mentor=mentor, school=school, state=MentorLinkRequest.State.PENDING
        )
    )
    for link_request in closed:
        link_request.state = MentorLinkRequest.State.APPROVED
        link_request.decided_by = user
        link_request.decided_at = now
        link_request.comment = "Связан департаментом напрямую."
        link_request.save()
    numbers = ", ".join(f"№ {r.pk}" for r in closed)
    audit(
        user,
        AuditEvent.Action.LINK,
        "mentor",
        mentor.pk,
        school=school,
        detail=f"связан с ОО «{school.short_name}» департаментом"
        + (f"; закрыт запрос {numbers}" if numbers else ""),
    )
    return mentor


@dataclass
class LinkOutcome:
    """What a school's request to link mentors did: new requests, requests that were already
    waiting, and mentors already linked to the school (nothing to ask)."""

    created: list = field(default_factory=list)
    waiting: list = field(default_factory=list)
    linked: list = field(default_factory=list)


@transaction.atomic
def request_mentor_links(
    *, user, school: School, wanted: Sequence[tuple[Mentor, str]], source: str = ""
) -> LinkOutcome:
    """A curator asks to link mentors of the municipal registry to their school.

    ``wanted`` pairs each mentor with the name and birth date as the curator typed them: the
    request shows the curator nothing else. The mentors' rows are locked, so two requests at
    once leave one pending request per mentor and school (the database keeps that too).
    """
    if not permissions.is_curator(user):
        raise PermissionDenied(
            "Запрос на связь отправляет куратор ОО; департамент связывает наставника с ОО сам."
        )
    _ensure_school_of_user(user, school)
    ids = sorted({mentor.pk for mentor, _ in wanted})
    locked = {
        m.pk: m
        for m in Mentor.objects.select_for_update()
        .filter(pk__in=ids, municipality_id=school.municipality_id)
        .order_by("pk")
    }
    if len(locked) != len(ids):
        raise ValidationError("Наставник из другого муниципалитета.")
    linked = set(
        Mentor.schools.through.objects.filter(school=school, mentor_id__in=ids).values_list(
            "mentor_id", flat=True
        )
    )
    waiting = {
        r.mentor_id: r
        for r in MentorLinkRequest.objects.filter(
            school=school, mentor_id__in=ids, state=MentorLinkRequest.State.PENDING
        )
    }
    outcome = LinkOutcome()
    for mentor_id, typed in {m.pk: typed for m, typed in wanted}.items():
        if mentor_id in linked:
            outcome.linked.append(locked[mentor_id])
        elif mentor_id in waiting:
            outcome.waiting.append(waiting[mentor_id])
        else:
            outcome.created.append(
                MentorLinkRequest(
                    mentor_id=mentor_id,
                    school=school,
                    requested_as=typed[:330],
                    requested_by=user,
                    source=source[:255],
                )
            )
    try:
        with transaction.atomic():
            MentorLinkRequest.objects.bulk_create(outcome.created)
    except IntegrityError as exc:  # the lock above makes this a safety net only
        raise ValidationError(
            "Запрос на связь этого наставника с ОО уже отправлен и ожидает решения."
        ) from exc
    AuditEvent.objects.bulk_create(
        AuditEvent(
            user=user,
            action=AuditEvent.Action.LINK_REQUEST,
            object_type="mentor",
            object_id=str(r.mentor_id),
            school=school,
            detail=f"запрос № {r.pk} на связь с ОО «{school.short_name}»"
            + (f" ({source})" if source else ""),
        )
        for r in outcome.created
    )
    return outcome


def may_decide_link_request(user, link_request: MentorLinkRequest) -> bool:
    """Staff of the mentor's municipality, or the curator of a school the mentor already
    works at (never the school that asks)."""
    mentor = link_request.mentor
    if permissions.can_edit_department(user):
        return municipalities_for(user).filter(pk=mentor.municipality_id).exists()
    if permissions.is_curator(user):
        own = _own_school_id(user)
        return (
            own is not None
            and own != link_request.school_id
            and mentor.schools.filter(pk=own).exists()
        )
    return False


@transaction.atomic
def decide_link_request(
    *, user, link_request: MentorLinkRequest, approve: bool, comment: str = ""
) -> MentorLinkRequest:
    """Approve (the mentor is linked to the asking school) or reject (with a reason)."""
    link_request = (
        MentorLinkRequest.objects.select_for_update()
        .select_related("mentor", "school")
        .get(pk=link_request.pk)
    )
    if not may_decide_link_request(user, link_request):
        raise PermissionDenied(
            "Запрос рассматривает департамент образования или ОО, где наставник уже числится."
        )
    if not link_request.is_pending:
        raise ValidationError(
            f"Запрос № {link_request.pk} уже рассмотрен: {link_request.get_state_display()}."
        )
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": "Укажите причину отказа."})
    link_request.state = (
        MentorLinkRequest.State.APPROVED if approve else MentorLinkRequest.State.REJECTED
    )
    link_request.decided_by = user
    link_request.decided_at = timezone.now()
    link_request.comment = comment[:1000]
    link_request.save()
    if approve:
        link_request.mentor.schools.add(link_request.school)
    audit(
        user,
        AuditEvent.Action.LINK_DECISION,
        "mentor",
        link_request.mentor_id,
        school=link_request.school,
        detail=f"запрос № {link_request.pk} на связь с ОО «{link_request.school.short_name}» "
        f"{link_request.get_state_display()}" + (f": {comment}" if comment else ""),
    )
    return link_request


# --- consent ---------------------------------------------------------------------------------


def current_consent(mentee: Mentee, day: dt.date | None = None) -> Consent | None:
    day = day or timezone.localdate()
    for consent in mentee.consents.all():
        if consent.is_valid_on(day):
            return consent
    return None


def needs_consent(mentee: Mentee, day: dt.date | None = None) -> bool:
    return mentee.age_on(day or timezone.localdate()) < ADULT_AGE


@transaction.atomic
def record_consent(*, user, mentee: Mentee, scan=None, **data) -> Consent:
    _ensure_school_of_user(user, mentee.school)
    consent = Consent(mentee=mentee, recorded_by=user, **data)
    errors = {}
    if consent.given_on and consent.given_on > timezone.localdate():
        errors["given_on"] = "Дата согласия не может быть в будущем."
    if consent.given_on and consent.valid_until and consent.valid_until < consent.given_on:
        errors["valid_until"] = "Срок действия согласия раньше даты согласия."
    kind = None
    if scan is not None:
        try:
            kind = validate_upload(
                scan, max_bytes=settings.EVIDENCE_MAX_BYTES, allowed=(PDF, JPEG, PNG)
            )
        except ValidationError as exc:
            errors["scan"] = exc.messages
    if errors:
        raise ValidationError(errors)
    consent.full_clean(exclude=["scan", "recorded_by"])
    if scan is not None:
        consent.scan_name = safe_filename(scan.name, kind.extension)
        consent.scan.save(f"scan.{kind.extension}", scan, save=False)
    consent.save()
    return consent


@transaction.atomic
def withdraw_consent(*, user, consent: Consent, withdrawn_on: dt.date) -> int:
    """Record the withdrawal and end the minor's active pairs; returns how many ended."""
    consent = (
        Consent.objects.select_for_update().select_related("mentee__school").get(pk=consent.pk)
    )
    _ensure_school_of_user(user, consent.mentee.school)
    if consent.withdrawn_on:
        raise ValidationError("Согласие уже отозвано.")
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": "Дата отзыва раньше даты согласия."})
    if withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": "Дата отзыва не может быть в будущем."})
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_recorded_by = user
    consent.withdrawal_recorded_at = timezone.now()
    consent.save()
    mentee = consent.mentee
    if current_consent(mentee, withdrawn_on) is not None or not needs_consent(mentee, withdrawn_on):
        return 0
    ended = 0
    reason = (
        f"Отозвано согласие законного представителя на обработку персональных данных "
        f"{mentee.full_name} ({withdrawn_on:%d.%m.%Y})"
    )
    for pair in Pair.objects.select_for_update().filter(
        memberships__mentee=mentee, status=Pair.Status.ACTIVE
    ):
        _set_status(pair, Pair.Status.TERMINATED, reason=reason, ends_on=withdrawn_on)
        ended += 1
    return ended


# --- programmes and pairs --------------------------------------------------------------------


@transaction.atomic
def save_programme(*, user, school: School, programme: Programme | None = None, **data):
    _ensure_school_of_user(user, school)
    programme = programme or Programme(school=school)
    for name, value in data.items():
        setattr(programme, name, value)
    programme.school = school
    if programme.starts_on and programme.ends_on and programme.ends_on < programme.starts_on:
        raise ValidationError({"ends_on": "Окончание программы раньше её начала."})
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def review_programme(
    *,
    user,
    programme: Programme,
    status: str,
    reviewer: str = "",
    conclusion: str = "",
    reviewed_on: dt.date | None = None,
) -> Programme:
    """The department's expert review of a programme (measure 2.5)."""
    if not permissions.can_review(user):
        raise PermissionDenied("Экспертизу программ отмечают сотрудники департамента.")
    if status in {Programme.Review.APPROVED, Programme.Review.RETURNED} and not conclusion.strip():
        raise ValidationError({"review_conclusion": "Приложите текст заключения эксперта."})
    programme.review_status = status
    programme.reviewer = reviewer.strip()
    programme.review_conclusion = conclusion.strip()
    programme.reviewed_on = reviewed_on
    programme.save()
    return programme


def _fit_errors(programme: Programme, mentor: Mentor, mentees: Sequence[Mentee]) -> dict:
    form = programme.form
    errors: dict[str, list[str]] = {}
    if mentor.kind not in form.mentor_kinds:
        errors.setdefault("mentor", []).append(
            f"В форме «{form.name}» наставником не может быть "
            f"{mentor.get_kind_display()} ({mentor.full_name})."
        )
    for mentee in mentees:
        if mentee.kind not in form.mentee_kinds:
            errors.setdefault("mentees", []).append(
                f"В форме «{form.name}» наставляемым не может быть "
                f"{mentee.get_kind_display()} ({mentee.full_name})."
            )
        if mentee.school_id != programme.school_id:
            errors.setdefault("mentees", []).append(
                f"{mentee.full_name} — из другой ОО, чем программа."
            )
    if not mentor.schools.filter(pk=programme.school_id).exists() and mentor.partner_id is None:
        errors.setdefault("mentor", []).append(
            f"{mentor.full_name} не связан(а) с ОО программы и не работает в организации-партнёре."
        )
    if not mentees:
        errors.setdefault("mentees", []).append("Выберите хотя бы одного наставляемого.")
    return errors


def _activation_errors(pair: Pair, mentees: Sequence[Mentee], day: dt.date) -> dict:
    errors: dict[str, list[str]] = {}
    for mentee in mentees:
        if needs_consent(mentee, day) and current_consent(mentee, day) is None:
            errors.setdefault("mentees", []).append(
                f"{mentee.full_name} — несовершеннолетний(яя): нет действующего согласия "
                "законного представителя на обработку персональных данных."
            )
        busy = (
            PairMentee.objects.filter(mentee=mentee, form=pair.programme.form, is_active=True)
            .exclude(pair_id=pair.pk)
            .select_related("pair__mentor")
            .first()
        )
        if busy is not None:
            errors.setdefault("mentees", []).append(
                f"{mentee.full_name} уже в действующей паре формы «{pair.programme.form}» "
                f"(наставник {busy.pair.mentor.full_name})."
            )
    limit = settings.MENTOR_MAX_MENTEES
    load = (
        PairMentee.objects.filter(pair__mentor=pair.mentor, is_active=True)
        .exclude(pair_id=pair.pk)
        .count()
    )
    if load + len(mentees) > limit:
        errors.setdefault("mentor", []).append(
            f"У наставника {pair.mentor.full_name} уже {load} наставляемых в действующих парах; "
            f"допускается не более {limit}."
        )
    return errors


def _set_status(pair: Pair, status: str, *, reason: str = "", ends_on=None) -> None:
    pair.status = status
    if status == Pair.Status.TERMINATED:
        pair.termination_reason = reason
    if ends_on and status in {Pair.Status.COMPLETED, Pair.Status.TERMINATED}:
        pair.ends_on = max(ends_on, pair.starts_on)
    pair.version += 1
    pair.save()
    PairMentee.objects.filter(pair=pair).update(is_active=status == Pair.Status.ACTIVE)


def pair_errors(pair: Pair, mentees: Sequence[Mentee], *, activate: bool) -> dict:
    """Every rule a pair breaks, by field; empty when it may be saved (and activated)."""
    programme = pair.programme
    errors = _fit_errors(programme, pair.mentor, mentees)
    if pair.ends_on and pair.ends_on < pair.starts_on:
        errors.setdefault("ends_on", []).append("Окончание раньше начала.")
    if not programme.starts_on <= pair.starts_on <= programme.ends_on:
        errors.setdefault("starts_on", []).append(
            f"Начало пары вне срока программы ({programme.starts_on:%d.%m.%Y} – "
            f"{programme.ends_on:%d.%m.%Y})."
        )
    if (activate or pair.status == Pair.Status.ACTIVE) and not errors:
        day = max(pair.starts_on, timezone.localdate())
        errors.update(_activation_errors(pair, mentees, day))
    return errors


def _refuse_twin_pair(
    programme: Programme, mentor: Mentor, mentees: Sequence[Mentee], starts_on: dt.date
) -> None:
    """A new pair that repeats a live one — same programme, mentor and start (the import's
    identity of a pair) with any of the same mentees — is a double submit: refused. The
    programme's row is locked, so two submits at once are checked one after the other."""
    list(Programme.objects.select_for_update().filter(pk=programme.pk).values_list("pk"))
    twin = (
        Pair.objects.filter(
            programme=programme,
            mentor=mentor,
            starts_on=starts_on,
            status__in=(Pair.Status.PLANNED, Pair.Status.ACTIVE),
            memberships__mentee__in=[m.pk for m in mentees],
        )
        .distinct()
        .first()
    )
    if twin is not None:
        names = ", ".join(m.full_name for m in twin.mentees.all())
        raise ValidationError(
            f"Такая пара (группа) уже есть: наставник {mentor.full_name}, программа "
            f"«{programme.title}», начало {starts_on:%d.%m.%Y}, наставляемые: {names}. "
            "Откройте её, чтобы изменить состав наставляемых."
        )


@transaction.atomic
def save_pair(
    *,
    user,
    programme: Programme,
    mentor: Mentor,
    mentees: Sequence[Mentee],
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    goals: str = "",
    pair: Pair | None = None,
    activate: bool = False,
) -> Pair:
    _ensure_school_of_user(user, programme.school)
    mentees = list(dict.fromkeys(mentees))
    if pair is not None and pair.pk:
        pair = Pair.objects.select_for_update().get(pk=pair.pk)
    else:
        _refuse_twin_pair(programme, mentor, mentees, starts_on)
    pair = pair or Pair(programme=programme)
    pair.programme, pair.mentor, pair.starts_on, pair.ends_on = (
        programme,
        mentor,
        starts_on,
        ends_on,
    )
    pair.goals = goals.strip()
    errors = pair_errors(pair, mentees, activate=activate)
    if errors:
        raise ValidationError(errors)
    if activate:
        pair.status = Pair.Status.ACTIVE
    pair.save()
    PairMentee.objects.filter(pair=pair).exclude(mentee__in=mentees).delete()
    existing = set(PairMentee.objects.filter(pair=pair).values_list("mentee_id", flat=True))
    try:
        with transaction.atomic():
            PairMentee.objects.bulk_create(
                PairMentee(pair=pair, mentee=m, form=programme.form)
                for m in mentees
                if m.pk not in existing
            )
            PairMentee.objects.filter(pair=pair).update(
                form=programme.form, is_active=pair.status == Pair.Status.ACTIVE
            )
    except IntegrityError as exc:  # another curator activated a pair with them just now
        raise ValidationError(
            {"mentees": "Наставляемый уже состоит в действующей паре этой формы наставничества."}
        ) from exc
    return pair


@transaction.atomic
def change_pair_status(
    *, user, pair: Pair, status: str, reason: str = "", result: str = "", on=None
) -> Pair:
    pair = (
        Pair.objects.select_for_update().select_related("programme__form", "mentor").get(pk=pair.pk)
    )
    _ensure_school_of_user(user, pair.programme.school)
    allowed = {
        Pair.Status.PLANNED: {Pair.Status.ACTIVE, Pair.Status.TERMINATED},
        Pair.Status.ACTIVE: {Pair.Status.COMPLETED, Pair.Status.TERMINATED},
    }
    if status not in allowed.get(pair.status, set()):
        raise ValidationError(
            f"Пару в статусе «{pair.get_status_display()}» нельзя перевести в "
            f"«{Pair.Status(status).label}»."
        )
    day = on or timezone.localdate()
    if status == Pair.Status.TERMINATED and not reason.strip():
        raise ValidationError({"reason": "Укажите причину досрочного прекращения."})
    if status == Pair.Status.ACTIVE:
        mentees = list(pair.mentees.all())
        errors = _activation_errors(pair, mentees, max(pair.starts_on, day))
        if errors:
            raise ValidationError(errors)
    if result.strip():
        pair.result = result.strip()
    try:
        with transaction.atomic():
            _set_status(pair, status, reason=reason.strip(), ends_on=day)
    except IntegrityError as exc:
        raise ValidationError(
            "Наставляемый уже состоит в действующей паре этой формы наставничества."
        ) from exc
    return pair


# --- curators --------------------------------------------------------------------------------


@transaction.atomic
def appoint_curator(
    *,
    user,
    school: School,
    username: str,
    last_name: str,
    first_name: str,
    email: str,
    position: str = "",
    phone: str = "",
    password: str,
):
    """Staff appoint a school's curator: an account in the curators' group, tied to the school.
    The password is the staff member's choice, so the curator must replace it at first login."""
    if not permissions.can_manage_accounts(user):
        raise PermissionDenied("Кураторов назначают сотрудники департамента.")
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "Такое имя пользователя уже занято."})
    curator = User(username=username, last_name=last_name, first_name=first_name, email=email)
    try:
        validate_password(password, curator)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    curator.set_password(password)
    curator.save()
    curator.groups.add(Group.objects.get_or_create(name=roles.CURATOR)[0])
    Profile.objects.create(
        user=curator,
        municipality=school.municipality,
        school=school,
        position=position,
        phone=phone,
    )
    require_password_change(curator)
    return curator


@transaction.atomic
def save_school(*, user, school: School, **data) -> School:
    """The school's names, kind, contacts and whether it still works (the department's)."""
    if not permissions.can_edit_department(user):
        raise PermissionDenied("Сведения об ОО изменяют сотрудники департамента.")
    for name, value in data.items():
        setattr(school, name, value)
    school.full_clean()
    school.save()
    return school


@transaction.atomic
def save_year_stats(*, user, school: School, school_year_start: int, **counts) -> SchoolYearStats:
    """The school's pupil and teacher counts for a year: one row per year, updated in place."""
    if not permissions.can_edit_department(user):
        raise PermissionDenied("Численность ОО вносят сотрудники департамента.")
    errors = {}
    if counts["pupils_10_plus"] > counts["pupils_total"]:
        errors["pupils_10_plus"] = "Обучающихся 10 лет и старше больше, чем обучающихся всего."
    if counts["young_teachers"] > counts["teachers_total"]:
        errors["young_teachers"] = "Молодых педагогов больше, чем педагогов всего."
    if errors:
        raise ValidationError(errors)
    stats, _ = SchoolYearStats.objects.update_or_create(
        school=school, school_year_start=school_year_start, defaults=counts
    )
    return stats


@transaction.atomic
def save_partner(*, user, municipality, **data) -> PartnerOrganization:
    if not permissions.can_edit_department(user):
        raise PermissionDenied("Организации-партнёры вносят сотрудники департамента.")
    partner = PartnerOrganization(municipality=municipality, **data)
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def save_agreement(
    *, user, partner: PartnerOrganization, school: School | None, **data
) -> Agreement:
    """A curator's agreement is their school's; the department's has no school."""
    if school is None and not permissions.can_edit_department(user):
        raise PermissionDenied("Соглашения департамента вносят сотрудники департамента.")
    _ensure_school_of_user(user, school)
    agreement = Agreement(partner=partner, school=school, **data)
    agreement.full_clean()
    agreement.save()
    return agreement
