"""What withdrawing a consent will do, counted before it is done: the pairs it ends and the
day the minor's personal data are due for destruction (152-ФЗ, ст. 21)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from core.http import Confirmation
from core.plural import plural
from registry.models import Consent, Pair
from registry.retention import RETENTION_DAYS


def withdrawal(consent: Consent, withdrawn_on: dt.date) -> Confirmation:
    mentee = consent.mentee
    pairs = Pair.objects.filter(memberships__mentee=mentee, status=Pair.Status.ACTIVE).count()
    destroy_on = withdrawn_on + dt.timedelta(days=RETENTION_DAYS)
    lines = [
        f"Согласие от {consent.given_on:%d.%m.%Y} ({consent.representative_name}) будет "
        f"отмечено отозванным с {withdrawn_on:%d.%m.%Y}; отменить отзыв нельзя.",
        (
            f"Действующие пары наставляемого будут прекращены: {pairs} "
            f"{plural(pairs, 'пара', 'пары', 'пар')}."
            if pairs
            else "Действующих пар у наставляемого нет."
        ),
        f"Начнётся срок уничтожения персональных данных ({RETENTION_DAYS} дней): после "
        f"{destroy_on:%d.%m.%Y} ФИО, дата рождения, контакты {mentee.full_name} и сканы согласий "
        "будут уничтожены, если до этого не будет внесено новое согласие.",
    ]
    return Confirmation(
        title=f"Отозвать согласие на обработку персональных данных {mentee.full_name}?",
        consequences=lines,
        button="Отозвать согласие",
        back=reverse("registry:mentee", args=[mentee.pk]),
        keep={"withdrawn_on": f"{withdrawn_on:%d.%m.%Y}"},
        danger=True,
    )
