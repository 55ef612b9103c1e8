"""A mentor who works at a second school: the department links directly, a curator asks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import permissions
from core.audit import audit
from core.models import AuditEvent, School
from core.selectors import municipalities_for
from registry.models import (
    Mentor,
    MentorLinkRequest,
)
from registry.services.access import ensure_writes_for, own_school_id


@transaction.atomic
def link_mentor_to_school(*, user, mentor: Mentor, school: School) -> Mentor:
    """The department links a mentor of its municipality to a school directly; a pending
    request of that school for the mentor is closed as approved. Curators send requests."""
    if not permissions.can_edit_department(user):
        raise PermissionDenied(
            "Наставника с ОО связывает департамент; куратор ОО отправляет запрос на связь."
        )
    if not municipalities_for(user).filter(pk=school.municipality_id).exists():
        raise PermissionDenied("ОО другого муниципалитета.")
    if mentor.municipality_id != school.municipality_id:
        raise ValidationError("Наставник из другого муниципалитета.")
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    if mentor.schools.filter(pk=school.pk).exists():
        return mentor
    mentor.schools.add(school)
    now = timezone.now()
    closed = list(
        MentorLinkRequest.objects.select_for_update().filter(
            mentor=mentor, school=school, state=MentorLinkRequest.State.PENDING
        )
    )
    for link_request in closed:
        link_request.state = MentorLinkRequest.State.APPROVED
        link_request.decided_by = user
        link_request.decided_at = now
        link_request.comment = "Связан департаментом напрямую."
        link_request.save()
    numbers = ", ".join(f"№ {r.pk}" for r in closed)
    audit(
        user,
        AuditEvent.Action.LINK,
        "mentor",
        mentor.pk,
        school=school,
        detail=f"связан с ОО «{school.short_name}» департаментом"
        + (f"; закрыт запрос {numbers}" if numbers else ""),
    )
    return mentor


@dataclass
class LinkOutcome:
    """What a school's request to link mentors did: new requests, requests that were already
    waiting, and mentors already linked to the school (nothing to ask)."""

    created: list = field(default_factory=list)
    waiting: list = field(default_factory=list)
    linked: list = field(default_factory=list)


@transaction.atomic
def request_mentor_links(
    *, user, school: School, wanted: Sequence[tuple[Mentor, str]], source: str = ""
) -> LinkOutcome:
    """A curator asks to link mentors of the municipal registry to their school.

    ``wanted`` pairs each mentor with the name and birth date as the curator typed them: the
    request shows the curator nothing else. The mentors' rows are locked, so two requests at
    once leave one pending request per mentor and school (the database keeps that too).
    """
    if not permissions.is_curator(user):
        raise PermissionDenied(
            "Запрос на связь отправляет куратор ОО; департамент связывает наставника с ОО сам."
        )
    ensure_writes_for(user, school)
    ids = sorted({mentor.pk for mentor, _ in wanted})
    locked = {
        m.pk: m
        for m in Mentor.objects.select_for_update()
        .filter(pk__in=ids, municipality_id=school.municipality_id)
        .order_by("pk")
    }
    if len(locked) != len(ids):
        raise ValidationError("Наставник из другого муниципалитета.")
    linked = set(
        Mentor.schools.through.objects.filter(school=school, mentor_id__in=ids).values_list(
            "mentor_id", flat=True
        )
    )
    waiting = {
        r.mentor_id: r
        for r in MentorLinkRequest.objects.filter(
            school=school, mentor_id__in=ids, state=MentorLinkRequest.State.PENDING
        )
    }
    outcome = LinkOutcome()
    for mentor_id, typed in {m.pk: typed for m, typed in wanted}.items():
        if mentor_id in linked:
            outcome.linked.append(locked[mentor_id])
        elif mentor_id in waiting:
            outcome.waiting.append(waiting[mentor_id])
        else:
            outcome.created.append(
                MentorLinkRequest(
                    mentor_id=mentor_id,
                    school=school,
                    requested_as=typed[:330],
                    requested_by=user,
                    source=source[:255],
                )
            )
    try:
        with transaction.atomic():
            MentorLinkRequest.objects.bulk_create(outcome.created)
    except IntegrityError as exc:  # the lock above makes this a safety net only
        raise ValidationError(
            "Запрос на связь этого наставника с ОО уже отправлен и ожидает решения."
        ) from exc
    AuditEvent.objects.bulk_create(
        AuditEvent(
            user=user,
            action=AuditEvent.Action.LINK_REQUEST,
            object_type="mentor",
            object_id=str(r.mentor_id),
            school=school,
            detail=f"запрос № {r.pk} на связь с ОО «{school.short_name}»"
            + (f" ({source})" if source else ""),
        )
        for r in outcome.created
    )
    return outcome


def may_decide_link_request(user, link_request: MentorLinkRequest) -> bool:
    """Staff of the mentor's municipality, or the curator of a school the mentor already
    works at (never the school that asks)."""
    mentor = link_request.mentor
    if permissions.can_edit_department(user):
        return municipalities_for(user).filter(pk=mentor.municipality_id).exists()
    if permissions.is_curator(user):
        own = own_school_id(user)
        return (
            own is not None
            and own != link_request.school_id
            and mentor.schools.filter(pk=own).exists()
        )
    return False


@transaction.atomic
def decide_link_request(
    *, user, link_request: MentorLinkRequest, approve: bool, comment: str = ""
) -> MentorLinkRequest:
    """Approve (the mentor is linked to the asking school) or reject (with a reason)."""
    link_request = (
        MentorLinkRequest.objects.select_for_update()
        .select_related("mentor", "school")
        .get(pk=link_request.pk)
    )
    if not may_decide_link_request(user, link_request):
        raise PermissionDenied(
            "Запрос рассматривает департамент образования или ОО, где наставник уже числится."
        )
    if not link_request.is_pending:
        raise ValidationError(
            f"Запрос № {link_request.pk} уже рассмотрен: {link_request.get_state_display()}."
        )
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": "Укажите причину отказа."})
    link_request.state = (
        MentorLinkRequest.State.APPROVED if approve else MentorLinkRequest.State.REJECTED
    )
    link_request.decided_by = user
    link_request.decided_at = timezone.now()
    link_request.comment = comment[:1000]
    link_request.save()
    if approve:
        link_request.mentor.schools.add(link_request.school)
    audit(
        user,
        AuditEvent.Action.LINK_DECISION,
        "mentor",
        link_request.mentor_id,
        school=link_request.school,
        detail=f"запрос № {link_request.pk} на связь с ОО «{link_request.school.short_name}» "
        f"{link_request.get_state_display()}" + (f": {comment}" if comment else ""),
    )
    return link_request
