"""Who works where, read for a user: their profile, the municipalities and schools they see,
and the accounts they manage. Every app's selectors scope their objects through these."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from core.models import AuditEvent, Municipality, Profile, School
from core.permissions import is_curator, is_region
from core.roles import (
    CURATOR,
    HEAD,
    REGION,
    ROLE_ADMIN,
    ROLE_STAFF,
    STAFF,
    role_of,
)


def profile_of(user) -> Profile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def municipalities_for(user) -> QuerySet[Municipality]:
    """Administrators and the regional coordinator see every municipality; everyone else
    only their own."""
    if sees_every_municipality(user):
        return Municipality.objects.all()
    profile = profile_of(user)
    if profile is None or profile.municipality_id is None:
        return Municipality.objects.none()
    return Municipality.objects.filter(pk=profile.municipality_id)


def sees_every_municipality(user) -> bool:
    """The regional coordinator, and an administrator who works for no municipality."""
    return is_region(user) or (role_of(user) == ROLE_ADMIN and profile_of(user) is None)


def municipality_of(user) -> Municipality | None:
    """The municipality the user works for (the first one for whoever sees many)."""
    return municipalities_for(user).first()


def school_of(user) -> School | None:
    """The curator's school; None for everyone else."""
    profile = profile_of(user)
    if not is_curator(user) or profile is None:
        return None
    return profile.school


def schools_for(user) -> QuerySet[School]:
    if is_curator(user):
        school = school_of(user)
        return School.objects.filter(pk=school.pk) if school else School.objects.none()
    return School.objects.filter(municipality__in=municipalities_for(user))


def school_for(user, pk: int) -> School:
    return get_object_or_404(schools_for(user), pk=pk)


def accounts_for(user) -> QuerySet:
    """The accounts the user manages (core.accounts): an administrator — everyone; staff —
    the curators of their municipality's schools, never an account with more rights
    (department roles, the region, Django admin access); anyone else — none."""
    User = get_user_model()
    queryset = User.objects.select_related("profile__school", "account_state")
    role = role_of(user)
    if role == ROLE_ADMIN:
        return queryset
    profile = profile_of(user)
    if role != ROLE_STAFF or profile is None or profile.municipality_id is None:
        return queryset.none()
    return queryset.filter(
        groups__name=CURATOR,
        profile__school__municipality_id=profile.municipality_id,
        is_superuser=False,
        is_staff=False,
    ).exclude(groups__name__in=[STAFF, HEAD, REGION])


def account_for(user, pk: int):
    return get_object_or_404(accounts_for(user), pk=pk)


def accounts_found(user, *, words: str = "", state: str = "") -> QuerySet:
    """The accounts the user manages whose name or login holds every word; ``state``
    "active" or "inactive" narrows them by access. By name, then login."""
    queryset = accounts_for(user).prefetch_related("groups")
    for word in words.split():
        queryset = queryset.filter(
            Q(username__icontains=word)
            | Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
        )
    if state == "active":
        queryset = queryset.filter(is_active=True)
    elif state == "inactive":
        queryset = queryset.filter(is_active=False)
    return queryset.order_by("last_name", "first_name", "username")


ACCOUNT_ACTIONS = (
    AuditEvent.Action.RESET_LINK,
    AuditEvent.Action.PASSWORD,
    AuditEvent.Action.DEACTIVATE,
    AuditEvent.Action.REACTIVATE,
)


def account_events(account, limit: int = 20) -> QuerySet[AuditEvent]:
    """The latest of what was done to an account: links issued, passwords, access."""
    return (
        AuditEvent.objects.filter(
            object_type="user", object_id=str(account.pk), action__in=ACCOUNT_ACTIONS
        )
        .select_related("user")
        .order_by("-at", "-id")[:limit]
    )
