"""Consents of minors' legal representatives: recorded, withdrawn (ending the minor's pairs)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.files import JPEG, PDF, PNG, safe_filename, validate_upload
from registry.models import (
    Consent,
    Mentee,
    Pair,
)
from registry.services.access import ensure_writes_for
from registry.services.pair_status import set_pair_status

ADULT_AGE = 18


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
