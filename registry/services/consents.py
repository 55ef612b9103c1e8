"""Consents of minors' legal representatives: recorded, withdrawn (ending the minor's pairs)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.files import JPEG, PDF, PNG, safe_filename, validate_upload
from core.http import Caution
from registry import consent_terms
from registry.models import (
    Consent,
    Mentee,
    Pair,
)
from registry.services.access import ensure_writes_for
from registry.services.pair_status import set_pair_status

ADULT_AGE = consent_terms.ADULT_AGE


def current_consent(mentee: Mentee, day: dt.date | None = None) -> Consent | None:
    day = day or timezone.localdate()
    for consent in mentee.consents.all():
        if consent.is_valid_on(day):
            return consent
    return None


def needs_consent(mentee: Mentee, day: dt.date | None = None) -> bool:
    return mentee.age_on(day or timezone.localdate()) < ADULT_AGE


def consent_gap(mentee: Mentee, start: dt.date, end: dt.date) -> str:
    """Why the minor's consents do not cover the days from ``start`` to ``end`` (a pair's
    dates), in Russian; empty when they do (or the person is of age on each uncovered day)."""
    consents = list(mentee.consents.all())
    day = consent_terms.first_uncovered_day(
        [consent_terms.Term.of(c) for c in consents], mentee.birth_date, start, end
    )
    if day is None:
        return ""
    if consents:
        known = "; ".join(f"от {c.given_on:%d.%m.%Y} — {c.state_on(day).label}" for c in consents)
        known = f" Внесённые согласия на эту дату: {known}."
    else:
        known = " Согласий не внесено."
    return (
        f"{mentee.full_name} — несовершеннолетний(яя): на {day:%d.%m.%Y} нет действующего "
        "согласия законного представителя на обработку персональных данных, а пара должна "
        f"действовать с {start:%d.%m.%Y}.{known} Внесите согласие, действующее с начала пары, "
        "или измените дату начала пары."
    )


def recorded_notice(consent: Consent, day: dt.date) -> str:
    """What the user is told after recording a consent: it was recorded, and whether it is in
    force today (a consent «до 31.05.2021» entered in 2026 has expired: said in amber)."""
    state = consent.state_on(day)
    text = (
        f"Согласие законного представителя от {consent.given_on:%d.%m.%Y} внесено: {state.label}."
    )
    if state.in_force:
        return text
    return Caution(f"{text} Действующего согласия оно не даёт.")


@transaction.atomic
def record_consent(*, user, mentee: Mentee, scan=None, **data) -> Consent:
    ensure_writes_for(user, mentee.school)
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
    ensure_writes_for(user, consent.mentee.school)
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
        set_pair_status(pair, Pair.Status.TERMINATED, reason=reason, ends_on=withdrawn_on)
        ended += 1
    return ended
