"""Reads of the registry, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from registry.models import Municipality, Profile, School
from registry.roles import ROLE_ADMIN, ROLE_CURATOR, role_of


def profile_of(user) -> Profile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def municipalities_for(user) -> QuerySet[Municipality]:
    """Administrators see every municipality; everyone else only their own."""
    if role_of(user) == ROLE_ADMIN and profile_of(user) is None:
        return Municipality.objects.all()
    profile = profile_of(user)
    if profile is None or profile.municipality_id is None:
        return Municipality.objects.none()
    return Municipality.objects.filter(pk=profile.municipality_id)


def school_of(user) -> School | None:
    """The curator's school; None for everyone else."""
    profile = profile_of(user)
    if role_of(user) != ROLE_CURATOR or profile is None:
        return None
    return profile.school


def schools_for(user) -> QuerySet[School]:
    if role_of(user) == ROLE_CURATOR:
        school = school_of(user)
        return School.objects.filter(pk=school.pk) if school else School.objects.none()
    return School.objects.filter(municipality__in=municipalities_for(user))
