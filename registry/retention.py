"""152-ФЗ, ст. 21: personal data of a minor whose consent was withdrawn are destroyed within
30 days. The record stays (pairs and counts keep their history) without anything personal."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from core.models import AuditEvent
from registry.models import Consent, Mentee, search_key

RETENTION_DAYS = 30


def due_for_destruction(today: dt.date):
    """Mentees with a consent withdrawn over 30 days ago and no valid consent since."""
    limit = today - dt.timedelta(days=RETENTION_DAYS)
    withdrawn = Consent.objects.filter(mentee=OuterRef("pk"), withdrawn_on__lte=limit)
    valid = (
        Consent.objects.filter(mentee=OuterRef("pk"), given_on__lte=today)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    )
    return Mentee.objects.filter(data_destroyed_at__isnull=True).filter(
        Exists(withdrawn), ~Exists(valid)
    )


@transaction.atomic
def destroy(mentee: Mentee) -> None:
    """Replace everything that identifies the person; delete consent scans; record the act."""
    school = mentee.school
    mentee.last_name = "Данные уничтожены"
    mentee.first_name = f"№ {mentee.pk}"
    mentee.patronymic = ""
    mentee.birth_date = mentee.birth_date.replace(month=1, day=1)
    mentee.phone = mentee.email = mentee.position = ""
    mentee.search_name = search_key(mentee.full_name)
    mentee.data_destroyed_at = timezone.now()
    mentee.save()
    for consent in mentee.consents.all():
        if consent.scan:
            consent.scan.delete(save=False)
        consent.scan_name = ""
        consent.representative_name = "Данные уничтожены"
        consent.document = ""
        consent.save()
    AuditEvent.objects.create(
        action=AuditEvent.Action.DESTROY,
        object_type="mentee",
        object_id=str(mentee.pk),
        school=school,
        detail="Уничтожены персональные данные после отзыва согласия (152-ФЗ, ст. 21)",
    )


def destroy_due(today: dt.date | None = None) -> int:
    count = 0
    for mentee in due_for_destruction(today or timezone.localdate()).select_related("school"):
        destroy(mentee)
        count += 1
    return count


def planned(today: dt.date | None = None) -> list[str]:
    """What `destroy_due` would do, one line per mentee, without the data it would destroy."""
    lines = []
    mentees = (
        due_for_destruction(today or timezone.localdate())
        .select_related("school")
        .annotate(withdrawn=Max("consents__withdrawn_on"))
        .prefetch_related("consents")
        .order_by("school__short_name", "pk")
    )
    for mentee in mentees:
        consents = list(mentee.consents.all())
        scans = sum(1 for consent in consents if consent.scan)
        lines.append(
            f"наставляемый № {mentee.pk} ({mentee.school.short_name}): согласие отозвано "
            f"{mentee.withdrawn:%d.%m.%Y}; будут заменены ФИО, телефон, e-mail, должность, "
            f"день и месяц рождения; согласий — {len(consents)}, сканов к удалению — {scans}"
        )
    return lines
