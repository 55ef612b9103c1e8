"""Deadline reminders: what each person should see in their daily digest and in the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from core import permissions, roles
from roadmap.models import Execution, ReminderDigest, Roadmap
from roadmap.selectors import execution_due_dates, executions_for


@dataclass(frozen=True)
class ReminderItem:
    execution: Execution
    due_on: date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def items_for(user, today: date) -> list[ReminderItem]:
    """The person's own executions due within REMINDER_DAYS or overdue, not yet handed in.

    A curator's are their school's; staff's are the department's own.
    """
    if not permissions.gets_reminders(user):
        return []
    horizon = today + timedelta(days=settings.REMINDER_DAYS)
    queryset = (
        executions_for(user)
        .filter(
            measure__section__roadmap__status=Roadmap.Status.APPROVED,
            status__in=[
                Execution.Status.NOT_STARTED,
                Execution.Status.IN_PROGRESS,
                Execution.Status.RETURNED,
            ],
        )
        # recurring work and schedules are due on their occurrences, not the period's end
        .filter(Q(measure__due_on__lte=horizon) | Q(measure__occurrences__isnull=False))
        .exclude(measure__deadline_kind__in=["unknown", "none"])
        .distinct()
    )
    if not permissions.is_curator(user):  # staff: the department's own part
        queryset = queryset.filter(school__isnull=True)
    executions = list(queryset)
    due_dates = execution_due_dates(executions)
    items = [
        ReminderItem(e, due_dates[e.pk], (due_dates[e.pk] - today).days)
        for e in executions
        if due_dates[e.pk] is not None and due_dates[e.pk] <= horizon
    ]
    return sorted(items, key=lambda i: (i.due_on, i.execution.measure.number_key))


def recipients():
    User = get_user_model()
    return (
        User.objects.filter(
            is_active=True,
            groups__name__in=[roles.CURATOR, roles.STAFF],
        )
        .exclude(email="")
        .select_related("profile__school")
        .distinct()
        .order_by("pk")
    )


@dataclass
class RunResult:
    sent: int = 0
    already_sent: int = 0
    nothing_to_send: int = 0
    # A dry run's letters, not sent: (user, the number of items, the subject).
    planned: list[tuple[object, int, str]] = field(default_factory=list)


def _subject(today: date, items: list) -> str:
    return f"Сроки по дорожной карте на {today:%d.%m.%Y}: {len(items)}"


def send_digests(today: date, *, dry_run: bool = False) -> RunResult:
    """One e-mail per person per day; a second run the same day sends nothing new.
    ``dry_run`` lists the letters that would go, and neither sends nor records them."""
    result = RunResult()
    for user in recipients():
        if ReminderDigest.objects.filter(user=user, sent_on=today).exists():
            result.already_sent += 1
            continue
        items = items_for(user, today)
        if not items:
            result.nothing_to_send += 1
            continue
        if dry_run:
            result.planned.append((user, len(items), _subject(today, items)))
            continue
        body = render_to_string(
            "roadmap/email/reminder_digest.txt",
            {
                "user": user,
                "items": items,
                "today": today,
                "link": settings.SITE_URL + reverse("roadmap:reminders"),
            },
        )
        try:
            with transaction.atomic():
                # The row first: if two runs race, only one gets to send.
                ReminderDigest.objects.create(user=user, sent_on=today, items=len(items), body=body)
                send_mail(
                    subject=_subject(today, items),
                    message=body,
                    from_email=None,
                    recipient_list=[user.email],
                )
        except IntegrityError:
            result.already_sent += 1
            continue
        result.sent += 1
    return result
