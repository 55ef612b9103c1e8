"""What every change of a roadmap checks first, and how a change is signed in its history."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from core import permissions
from roadmap.models import (
    Amendment,
    Roadmap,
)

FROZEN = (
    "Дорожная карта утверждена: её текст меняется только через изменение "
    "(кнопка «Внести изменение» с датой и причиной)."
)


ARCHIVED = "Дорожная карта в архиве: изменить её нельзя."


REASON_LENGTH = 100  # simple-history's history_change_reason column


class AmendmentReason(str):
    """The reason of a change made under an amendment: the text for the history, and the
    amendment itself, which ``stamp`` ties the history row to."""

    amendment_id: int

    def __new__(cls, text: str, amendment_id: int):
        reason = super().__new__(cls, text)
        reason.amendment_id = amendment_id
        return reason


def stamp(instance, user, reason: str = "") -> None:
    """Tell simple-history who makes this change and why; a change under an amendment (its
    ``AmendmentReason``) is tied to it. The reason is cut to its column's length: a long
    amendment reason must not refuse the edits made under it."""
    instance._history_user = user
    instance._history_amendment_id = getattr(reason, "amendment_id", None)
    if reason:
        text = str(reason)
        if len(text) > REASON_LENGTH:
            text = text[: REASON_LENGTH - 1].rstrip() + "…"
        instance._change_reason = text


def open_amendment_of(roadmap: Roadmap) -> Amendment | None:
    return roadmap.amendments.filter(closed_at__isnull=True).first()


def ensure_wording_editable(roadmap: Roadmap) -> str:
    """Refuse wording changes to an archived or frozen roadmap; return the change reason (an
    ``AmendmentReason`` under an open amendment)."""
    if roadmap.status == Roadmap.Status.ARCHIVED:
        raise ValidationError(ARCHIVED)
    if roadmap.status == Roadmap.Status.APPROVED:
        amendment = open_amendment_of(roadmap)
        if amendment is None:
            raise ValidationError(FROZEN)
        return AmendmentReason(f"{amendment}: {amendment.reason}", amendment.pk)
    return ""


def ensure_can_edit(user) -> None:
    if not permissions.can_edit_department(user):
        raise PermissionDenied("Изменять дорожную карту могут только сотрудники департамента.")
