"""The audit log of access to personal data: one function writes an entry, nothing edits it."""

from __future__ import annotations

from core.models import AuditEvent


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
