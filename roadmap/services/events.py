"""Events of event-type measures: which measures keep a list, and its entries with a link or a
file (checked by content, core.files)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import permissions
from core.files import safe_filename, sha256_of, validate_upload
from core.models import School
from core.selectors import school_of
from roadmap.models import Event, EventKeeping, Measure, Roadmap


def ensure_event_editor(user) -> None:
    if not permissions.can_record_events(user):
        raise PermissionDenied("Проведённые мероприятия вносят кураторы ОО и сотрудники.")


@transaction.atomic
def keep_events(*, user, measure: Measure, keep: bool) -> bool:
    """Staff decide which measures keep a list of events; a list with entries stays."""
    if not permissions.can_edit_department(user):
        raise PermissionDenied("Это решают сотрудники департамента.")
    if keep:
        EventKeeping.objects.get_or_create(measure=measure)
    else:
        if measure.events.exists():
            raise ValidationError("В списке уже есть мероприятия: сначала удалите их.")
        EventKeeping.objects.filter(measure=measure).delete()
    return keep


def event_schools(user, measure: Measure) -> list[School]:
    """Whom staff may enter an event for: the roadmap's participating schools (or the
    department); a curator enters only their own school's, so is offered no choice."""
    if permissions.is_curator(user):
        return []
    return list(measure.section.roadmap.schools.order_by("short_name"))


def mark_event_measures(roadmap: Roadmap, numbers) -> int:
    """Let the measures with these numbers keep a list of events (the seed's seminars and
    campaigns); returns how many started to."""
    measures = Measure.objects.filter(section__roadmap=roadmap, number__in=list(numbers))
    created = EventKeeping.objects.bulk_create(
        [EventKeeping(measure=m) for m in measures], ignore_conflicts=True
    )
    return len(created)


@transaction.atomic
def add_event(
    *,
    user,
    measure: Measure,
    held_on,
    title: str,
    participants: int,
    link: str = "",
    file=None,
    school=None,
) -> Event:
    """An event held by the curator's own school (whatever is posted) or, entered by staff,
    by a participating school or the department."""
    ensure_event_editor(user)
    roadmap = measure.section.roadmap
    if not EventKeeping.objects.filter(measure=measure).exists():
        raise ValidationError("Для этого мероприятия список проведённых мероприятий не ведётся.")
    if roadmap.status == Roadmap.Status.ARCHIVED:
        raise ValidationError("Дорожная карта в архиве: изменить её нельзя.")
    if permissions.is_curator(user):
        own = school_of(user)
        if own is None:
            raise PermissionDenied("У вашей учётной записи не указана ОО.")
        school_id = own.pk
    else:
        school_id = school
        if (
            school_id is not None
            and not roadmap.participations.filter(school_id=school_id).exists()
        ):
            raise ValidationError({"school": "Эта ОО не участвует в дорожной карте."})
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Укажите название мероприятия."
    if held_on is not None and not roadmap.period_start <= held_on <= roadmap.period_end:
        errors["held_on"] = (
            f"Дата вне периода дорожной карты ({roadmap.period_start:%d.%m.%Y} – "
            f"{roadmap.period_end:%d.%m.%Y})."
        )
    if not link and not file:
        errors["link"] = "Укажите ссылку на публикацию или приложите файл."
    kind = None
    if file:
        try:
            kind = validate_upload(file, max_bytes=settings.EVIDENCE_MAX_BYTES)
        except ValidationError as exc:
            errors["file"] = exc.messages
    if errors:
        raise ValidationError(errors)
    event = Event(
        measure=measure,
        school_id=school_id,
        held_on=held_on,
        title=title.strip(),
        participants=participants,
        link=link or "",
        created_by=user,
    )
    event.full_clean(exclude=["file"])
    if kind is not None:
        event.original_name = safe_filename(file.name, kind.extension)
        event.content_type = kind.content_type
        event.size = file.size
        event.sha256 = sha256_of(file)
        event.file.save(f"upload.{kind.extension}", file, save=False)
    try:
        event.save()
    except Exception:
        if event.file:
            event.file.delete(save=False)
        raise
    return event


@transaction.atomic
def delete_event(*, user, event: Event) -> None:
    ensure_event_editor(user)
    if permissions.is_curator(user) and not permissions.is_curator_of(user, event.school_id):
        raise PermissionDenied("Куратор удаляет только мероприятия своей ОО.")
    stored = event.file
    event.delete()
    if stored:
        transaction.on_commit(lambda: stored.delete(save=False))
