"""Who may write which registry records: curators their own school's, department staff the
municipality's; the head reads only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from core import permissions
from core.models import School


def own_school_id(user) -> int | None:
    profile = getattr(user, "profile", None)
    return profile.school_id if profile is not None else None


def ensure_writes_for(user, school: School | None) -> None:
    """Registry records are kept by curators (their own school's) and department staff."""
    if not permissions.can_change_registry(user):
        raise PermissionDenied("Реестр ведут кураторы ОО и сотрудники департамента.")
    if permissions.is_curator(user):
        profile = getattr(user, "profile", None)
        if profile is None or school is None or profile.school_id != school.pk:
            raise PermissionDenied("Куратор ведёт записи только своей ОО.")
