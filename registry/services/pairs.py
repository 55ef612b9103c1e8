"""Programmes (with the department's expert review) and pairs: what a pair needs to be formed
and to be active."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import permissions
from core.models import School
from registry.models import (
    Mentee,
    Mentor,
    Pair,
    PairMentee,
    Programme,
)
from registry.services.access import ensure_writes_for
from registry.services.bulk import refuse_taken, taken, write_all
from registry.services.consents import consent_gap
from registry.services.pair_status import set_pair_status

TITLE = ("school", "title")  # a programme's title is unique in its school


@dataclass
class ProgrammeEntry:
    """One programme to save: the school, the fields, and the record if it exists."""

    school: School
    data: dict
    programme: Programme | None = None


@transaction.atomic
def save_programme(*, user, school: School, programme: Programme | None = None, **data):
    return save_programmes(user=user, entries=[ProgrammeEntry(school, data, programme)])[0]


@transaction.atomic
def save_programmes(*, user, entries: Sequence[ProgrammeEntry]) -> list[Programme]:
    """Programmes created or changed — a form's one or an import's many — by one set of rules:
    who may write for the school, a term that ends after it starts, one title per school. The
    school and the form are objects already read; the title is checked for all in one query."""
    allowed: set[int] = set()
    programmes = []
    for entry in entries:
        if entry.school.pk not in allowed:
            ensure_writes_for(user, entry.school)
            allowed.add(entry.school.pk)
        programme = entry.programme or Programme(school=entry.school)
        for name, value in entry.data.items():
            setattr(programme, name, value)
        programme.school = entry.school
        if programme.starts_on and programme.ends_on and programme.ends_on < programme.starts_on:
            raise ValidationError({"ends_on": "Окончание программы раньше её начала."})
        programme.full_clean(exclude=["school", "form"], validate_constraints=False)
        programmes.append(programme)
    if not programmes:
        return []
    refuse_taken(Programme, programmes, TITLE)
    fields = {name for entry in entries for name in entry.data} | {"school"}
    write_all(Programme, programmes, sorted(fields), conflict=taken(programmes[0], TITLE))
    return programmes


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


def consent_span(pair: Pair, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The days an active pair's minors need consent for: from its start to its end, or to
    today while it goes on (just its first day when it starts later)."""
    today = today or timezone.localdate()
    end = min(pair.ends_on, today) if pair.ends_on else today
    return pair.starts_on, max(pair.starts_on, end)


def _activation_errors(pair: Pair, mentees: Sequence[Mentee], day: dt.date) -> dict:
    errors: dict[str, list[str]] = {}
    start, end = consent_span(pair)
    for mentee in mentees:
        gap = consent_gap(mentee, start, end)
        if gap:
            errors.setdefault("mentees", []).append(gap)
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
    ensure_writes_for(user, programme.school)
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
    ensure_writes_for(user, pair.programme.school)
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
            set_pair_status(pair, status, reason=reason.strip(), ends_on=day)
    except IntegrityError as exc:
        raise ValidationError(
            "Наставляемый уже состоит в действующей паре этой формы наставничества."
        ) from exc
    return pair
