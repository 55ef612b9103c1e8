"""What the menu and the first page after a login tell the user about reports: how many wait
for them (the badges) and what happened since their previous login. Reads only, scoped to the
user; at most one query each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from core.permissions import can_review, is_curator
from core.selectors import profile_of, school_of
from roadmap.models import Execution, Report, Roadmap
from roadmap.selectors import reports_for

CURRENT = [Roadmap.Status.APPROVED, Roadmap.Status.DRAFT]


@dataclass(frozen=True)
class MenuBadges:
    on_review: int = 0  # reports waiting for the department's decision (reviewers)
    returned: int = 0  # the curator's school's reports sent back for rework

    @property
    def total(self) -> int:
        return self.on_review + self.returned


def menu_badges(user) -> MenuBadges:
    """One query: reviewers count the pending reports, curators their returned measures."""
    if can_review(user):
        return MenuBadges(
            on_review=reports_for(user).filter(decision=Report.Decision.PENDING).count()
        )
    if is_curator(user):
        # The curator's executions (executions_for): their school's in its municipality's
        # roadmaps, counted without the municipalities as a sub-select.
        school, profile = school_of(user), profile_of(user)
        if school is None or profile is None or profile.municipality_id is None:
            return MenuBadges()
        returned = Execution.objects.filter(
            school=school,
            status=Execution.Status.RETURNED,
            measure__section__roadmap__status__in=CURRENT,
            measure__section__roadmap__municipality_id=profile.municipality_id,
        )
        return MenuBadges(returned=returned.count())
    return MenuBadges()


@dataclass(frozen=True)
class Changes:
    since: datetime
    submitted: int
    accepted: int
    returned: int

    @property
    def any(self) -> bool:
        return bool(self.submitted or self.accepted or self.returned)


def changes_since(user, since: datetime) -> Changes:
    """Reports submitted, accepted and returned since ``since`` among those the user may see
    (a curator: their school's; the department: the municipality's) — one query."""
    figures = reports_for(user).aggregate(
        submitted=Count("id", filter=Q(submitted_at__gt=since)),
        accepted=Count("id", filter=Q(reviewed_at__gt=since, decision=Report.Decision.ACCEPTED)),
        returned=Count("id", filter=Q(reviewed_at__gt=since, decision=Report.Decision.RETURNED)),
    )
    return Changes(since=since, **figures)
