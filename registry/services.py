"""Writes to the registry. Every rule is a Russian message and nothing is half-saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from registry import roles
from registry.models import (
    Agreement,
    AuditEvent,
    Consent,
    Mentee,
    Mentor,
    Pair,
    PairMentee,
    PartnerOrganization,
    Profile,
    Programme,
    School,
    SchoolYearStats,
)
from roadmap.files import JPEG, PDF, PNG, safe_filename, validate_upload

ADULT_AGE = 18


# --- audit -----------------------------------------------------------------------------------


def audit(
    request_or_user,
    action: str,
    object_type: str,
    object_id="",
    *,
    school=None,
    detail="",
    actor=None,
):
    """Record who saw, exported or was refused what (152-ФЗ): never edited afterwards.
    ``actor``: who acted when it is not the request's user (someone setting a password by a
    link is not logged in)."""
    request = request_or_user if hasattr(request_or_user, "user") else None
    user = actor or (request.user if request else request_or_user)
    ip = None
    if request is not None:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        ip = (forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR")) or None
    AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        school=school,
        detail=detail[:500],
        ip=ip,
    )


# --- people ----------------------------------------------------------------------------------


class DuplicatePerson(ValidationError):
    """The same full name and date of birth are already in the municipality's registry."""

    def __init__(self, existing):
        self.existing = existing
        where = ", ".join(s.short_name for s in _schools_of(existing)) or "без ОО"
        super().__init__(
            f"{existing.full_name}, {existing.birth_date:%d.%m.%Y} г. р., уже есть в реестре "
            f"({where}). Используйте существующую запись вместо новой."
        )


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
        raise DuplicatePerson(same)
    person.full_clean(exclude=["schools"] if isinstance(person, Mentor) else None)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # a concurrent twin got in first
        raise ValidationError("Такой человек уже есть в реестре муниципалитета.") from exc


def _ensure_school_of_user(user, school: School) -> None:
    if roles.role_of(user) == roles.ROLE_CURATOR:
        profile = getattr(user, "profile", None)
        if profile is None or profile.school_id != school.pk:
            raise PermissionDenied("Куратор ведёт записи только своей ОО.")


@transaction.atomic
def save_mentee(*, user, school: School, mentee: Mentee | None = None, **data) -> Mentee:
    _ensure_school_of_user(user, school)
    mentee = mentee or Mentee(municipality=school.municipality)
    mentee.school = school
    _save_person(mentee, data, user)
    return mentee


@transaction.atomic
def save_mentor(
    *, user, school: School | None, mentor: Mentor | None = None, partner=None, **data
) -> Mentor:
    municipality = school.municipality if school else partner.municipality
    if school is not None:
        _ensure_school_of_user(user, school)
    mentor = mentor or Mentor(municipality=municipality)
    mentor.partner = partner
    _save_person(mentor, data, user)
    if school is not None:
        mentor.schools.add(school)
    return mentor


@transaction.atomic
def link_mentor_to_school(*, user, mentor: Mentor, school: School) -> Mentor:
    """A mentor who works at a second school is linked, not entered again."""
    _ensure_school_of_user(user, school)
    if mentor.municipality_id != school.municipality_id:
        raise ValidationError("Наставник из другого муниципалитета.")
    mentor.schools.add(school)
    return mentor


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
    if roles.role_of(user) not in {roles.ROLE_STAFF, roles.ROLE_ADMIN}:
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
    from registry.accounts import require_password_change

    if roles.role_of(user) not in {roles.ROLE_STAFF, roles.ROLE_ADMIN}:
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
def save_year_stats(*, school: School, school_year_start: int, **counts) -> SchoolYearStats:
    """The school's pupil and teacher counts for a year: one row per year, updated in place."""
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
def save_partner(*, municipality, **data) -> PartnerOrganization:
    partner = PartnerOrganization(municipality=municipality, **data)
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def save_agreement(*, partner: PartnerOrganization, school: School | None, **data) -> Agreement:
    """A curator's agreement is their school's; the department's has no school."""
    agreement = Agreement(partner=partner, school=school, **data)
    agreement.full_clean()
    agreement.save()
    return agreement
