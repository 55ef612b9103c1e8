"""The registry's further facts: the municipality's list of mentees' requests, mentors'
training with certificates, and the file of a programme's expert conclusion."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core import permissions
from core.files import safe_filename, sha256_of, validate_upload
from core.selectors import municipality_of
from registry.models import ConclusionFile, MenteeRequest, Mentor, MentorTraining, Programme
from registry.reference import ensure_mentee_requests
from registry.services.people import may_edit_mentor

# --- the list of requests -------------------------------------------------------------------


def _ensure_keeps_requests(user):
    if not permissions.can_edit_department(user):
        raise PermissionDenied("Список запросов ведут сотрудники департамента.")
    municipality = municipality_of(user)
    if municipality is None:
        raise PermissionDenied("У вашей учётной записи не указан муниципалитет.")
    return municipality


@transaction.atomic
def save_mentee_request(
    *,
    user,
    name: str,
    is_active: bool = True,
    position: int = 0,
    request: MenteeRequest | None = None,
) -> MenteeRequest:
    municipality = _ensure_keeps_requests(user)
    if request is not None and request.municipality_id != municipality.pk:
        raise PermissionDenied("Запрос другого муниципалитета.")
    request = request or MenteeRequest(municipality=municipality)
    request.name = " ".join((name or "").split())
    request.is_active = is_active
    request.position = position
    request.full_clean()
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise ValidationError({"name": "Такой запрос уже есть в списке."}) from exc
    return request


@transaction.atomic
def add_usual_requests(*, user) -> list[MenteeRequest]:
    return ensure_mentee_requests(_ensure_keeps_requests(user))


@transaction.atomic
def delete_mentee_request(*, user, request: MenteeRequest) -> None:
    municipality = _ensure_keeps_requests(user)
    if request.municipality_id != municipality.pk:
        raise PermissionDenied("Запрос другого муниципалитета.")
    if request.mentees.exists():
        raise ValidationError(
            "Этот запрос указан у наставляемых: его можно только отключить (снять «используется»)."
        )
    request.delete()


# --- stored files ------------------------------------------------------------------------------


def _store(record, upload, field_errors: dict, key: str) -> None:
    """Check an upload by its content and set the record's file fields (saved with it)."""
    try:
        kind = validate_upload(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
    except ValidationError as exc:
        field_errors[key] = exc.messages
        return
    record.original_name = safe_filename(upload.name, kind.extension)
    record.content_type = kind.content_type
    record.size = upload.size
    record.sha256 = sha256_of(upload)
    record._upload = (f"upload.{kind.extension}", upload)


def _save_with_file(record) -> None:
    upload = getattr(record, "_upload", None)
    if upload is not None:
        record.file.save(*upload, save=False)
    try:
        record.save()
    except Exception:
        if upload is not None:
            record.file.delete(save=False)
        raise


# --- mentors' training -------------------------------------------------------------------------


def _ensure_keeps_training(user, mentor: Mentor) -> None:
    if not (permissions.can_change_registry(user) and may_edit_mentor(user, mentor)):
        raise PermissionDenied(
            "Обучение наставника вносят сотрудники департамента и куратор его ОО."
        )


@transaction.atomic
def add_training(
    *,
    user,
    mentor: Mentor,
    course: str,
    organisation: str,
    starts_on: date,
    ends_on: date,
    certificate=None,
) -> MentorTraining:
    _ensure_keeps_training(user, mentor)
    training = MentorTraining(
        mentor=mentor,
        course=" ".join((course or "").split()),
        organisation=" ".join((organisation or "").split()),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=user,
    )
    errors: dict = {}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "Окончание обучения раньше его начала."
    if certificate:
        _store(training, certificate, errors, "certificate")
    if errors:
        raise ValidationError(errors)
    training.full_clean(exclude=["file"])
    _save_with_file(training)
    return training


@transaction.atomic
def delete_training(*, user, training: MentorTraining) -> None:
    _ensure_keeps_training(user, training.mentor)
    stored = training.file
    training.delete()
    if stored:
        transaction.on_commit(lambda: stored.delete(save=False))


# --- the expert conclusion of a programme -------------------------------------------------------


@transaction.atomic
def attach_conclusion(*, user, programme: Programme, upload) -> ConclusionFile:
    """The file of the expert conclusion (мероприятие 2.5); a new file replaces the old."""
    if not permissions.can_review(user):
        raise PermissionDenied("Заключение экспертизы загружают сотрудники департамента.")
    if not upload:
        raise ValidationError({"file": "Выберите файл заключения."})
    conclusion = ConclusionFile.objects.filter(programme=programme).first() or ConclusionFile(
        programme=programme
    )
    old = conclusion.file.name if conclusion.pk else ""
    errors: dict = {}
    _store(conclusion, upload, errors, "file")
    if errors:
        raise ValidationError(errors)
    conclusion.uploaded_by = user
    _save_with_file(conclusion)
    if old:
        storage = conclusion.file.storage
        transaction.on_commit(lambda: storage.delete(old))
    return conclusion
