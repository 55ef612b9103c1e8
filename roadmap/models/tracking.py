"""What a measure tracks besides its executions: the dated occurrences of recurring work and
of a schedule («в соответствии с графиком»), each reported per executor, and the events of an
event-type measure (seminars, conferences, an information campaign)."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Occurrence(models.Model):
    """One dated piece of a measure's work: generated from a recurring deadline, or an item of
    the schedule entered by staff (or loaded from Excel)."""

    class Source(models.TextChoices):
        RECURRING = "recurring", "по периодичности"
        SCHEDULE = "schedule", "по графику"

    measure = models.ForeignKey(
        "roadmap.Measure",
        on_delete=models.CASCADE,
        related_name="occurrences",
        verbose_name="мероприятие",
    )
    source = models.CharField("откуда", max_length=20, choices=Source.choices)
    title = models.CharField("что сделать", max_length=255, blank=True)
    starts_on = models.DateField("начало", null=True, blank=True)
    due_on = models.DateField("срок")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="внёс",
    )
    created_at = models.DateTimeField("внесено", default=timezone.now)

    class Meta:
        verbose_name = "срок по графику или периодичности"
        verbose_name_plural = "сроки по графику и периодичности"
        ordering = ("measure", "due_on", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("measure", "source", "due_on", "title"),
                name="occurrence_unique",
                violation_error_message="Такой пункт графика с этой датой уже есть.",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(starts_on__lte=models.F("due_on")),
                name="occurrence_dates_ordered",
                violation_error_message="Начало позже срока.",
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.due_on:%d.%m.%Y}"
        return f"{label} — {self.title}" if self.title else label


class OccurrenceExecution(models.Model):
    """An executor's report on one occurrence (the executor is the measure's execution: a
    school or the department). No row yet means not reported."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "на проверке"
        ACCEPTED = "accepted", "принято"
        RETURNED = "returned", "возвращено"

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="executions", verbose_name="срок"
    )
    execution = models.ForeignKey(
        "roadmap.Execution",
        on_delete=models.CASCADE,
        related_name="occurrence_executions",
        verbose_name="исполнение",
    )
    status = models.CharField("статус", max_length=20, choices=Status.choices)
    completed_on = models.DateField("дата выполнения")
    text = models.TextField("что сделано")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="автор"
    )
    reported_at = models.DateTimeField("отправлено", default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="проверил",
    )
    reviewed_at = models.DateTimeField("проверено", null=True, blank=True)
    review_comment = models.TextField("комментарий проверяющего", blank=True)

    class Meta:
        verbose_name = "исполнение в срок графика"
        verbose_name_plural = "исполнения в сроки графика"
        ordering = ("occurrence", "execution")
        constraints = [
            models.UniqueConstraint(
                fields=("occurrence", "execution"), name="occurrence_execution_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurrence} — {self.get_status_display()}"


class EventKeeping(models.Model):
    """The measure keeps a list of events (its work is many seminars, not one document)."""

    measure = models.OneToOneField(
        "roadmap.Measure",
        on_delete=models.CASCADE,
        related_name="event_keeping",
        verbose_name="мероприятие",
    )
    created_at = models.DateTimeField("включено", default=timezone.now)

    class Meta:
        verbose_name = "учёт проведённых мероприятий"
        verbose_name_plural = "учёт проведённых мероприятий"

    def __str__(self) -> str:
        return f"Список мероприятий: {self.measure}"


def event_file_path(instance: "Event", filename: str) -> str:
    """A server-made name: the user's file name never reaches the file system."""
    extension = PurePosixPath(filename).suffix.lower()[:8]
    return f"events/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Event(models.Model):
    """One seminar, conference or publication held under an event-type measure, by a school or
    by the department (school empty)."""

    measure = models.ForeignKey(
        "roadmap.Measure",
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name="мероприятие дорожной карты",
    )
    school = models.ForeignKey(
        "core.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roadmap_events",
        verbose_name="образовательная организация",
        help_text="Пусто — проведено департаментом.",
    )
    held_on = models.DateField("дата проведения")
    title = models.CharField("название", max_length=500)
    participants = models.PositiveIntegerField("число участников")
    link = models.URLField("ссылка", max_length=500, blank=True)
    file = models.FileField("файл", upload_to=event_file_path, max_length=255, blank=True)
    original_name = models.CharField("имя файла", max_length=255, blank=True)
    content_type = models.CharField("тип файла", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("размер, байт", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="внёс"
    )
    created_at = models.DateTimeField("внесено", default=timezone.now)

    class Meta:
        verbose_name = "проведённое мероприятие"
        verbose_name_plural = "проведённые мероприятия"
        ordering = ("measure", "held_on", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__lte=1_000_000),
                name="event_participants_plausible",
                violation_error_message="Число участников не больше 1 000 000.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y} {self.title[:60]}"

    @property
    def executor_name(self) -> str:
        return self.school.short_name if self.school_id else "Департамент образования"
