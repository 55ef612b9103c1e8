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


def stamp(instance, user, reason: str = "") -> None:
    """Tell simple-history who makes this change and why."""
    instance._history_user = user
    if reason:
        instance._change_reason = reason


def open_amendment_of(roadmap: Roadmap) -> Amendment | None:
    return roadmap.amendments.filter(closed_at__isnull=True).first()


def ensure_wording_editable(roadmap: Roadmap) -> str:
    """Refuse wording changes to an archived or frozen roadmap; return the change reason."""
    if roadmap.status == Roadmap.Status.ARCHIVED:
        raise ValidationError(ARCHIVED)
    if roadmap.status == Roadmap.Status.APPROVED:
        amendment = open_amendment_of(roadmap)
        if amendment is None:
            raise ValidationError(FROZEN)
        return f"{amendment}: {amendment.reason}"
    return ""


def ensure_can_edit(user) -> None:
    if not permissions.can_edit_department(user):
        raise PermissionDenied("Изменять дорожную карту могут только сотрудники департамента.")
