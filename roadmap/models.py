"""Roadmaps, their orders, sections, measures, responsible parties and executions."""

import uuid
from itertools import pairwise
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Municipality, School
from roadmap.deadlines import DEFAULT_CALENDAR, KINDS
from roadmap.deadlines import SchoolCalendar as Quarters
from roadmap.numbering import number_key


class ResponsibleParty(models.Model):
    """Who answers for a measure, as the roadmap names it."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("департамент")
        SCHOOLS = "schools", _("образовательные организации (каждая участвующая)")
        EXTERNAL = "external", _("внешняя организация")

    name = models.CharField(_("наименование"), max_length=255, unique=True)
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(_("порядок"), default=0)
    is_active = models.BooleanField(_("используется"), default=True)

    class Meta:
        verbose_name = _("ответственный исполнитель")
        verbose_name_plural = _("ответственные исполнители")
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


def _day_month(value: tuple[int, int]) -> str:
    month, day = value
    return f"{day:02d}.{month:02d}"


def _parse_day_month(text: str) -> tuple[int, int] | None:
    """«01.09» -> (9, 1); 29.02 is refused, since it is not in every year."""
    day, dot, month = (text or "").strip().partition(".")
    if not (dot and day.isdigit() and month.isdigit() and len(day) <= 2 and len(month) <= 2):
        return None
    month_number, day_number = int(month), int(day)
    days = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    if not 1 <= month_number <= 12 or not 1 <= day_number <= days[month_number - 1]:
        return None
    return month_number, day_number


class SchoolCalendar(models.Model):
    """A municipality's school quarters (четверти), as day and month, the same every year.

    «III четверть» or «1 раз в четверть» in a roadmap are dated by it; without one the usual
    Russian calendar is used (roadmap.deadlines.DEFAULT_CALENDAR).
    """

    FIELDS = tuple(f"quarter_{n}_{end}" for n in range(1, 5) for end in ("start", "end"))
    ORDER = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)  # months of a school year, in order

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="school_calendar",
        verbose_name=_("муниципальное образование"),
    )
    quarter_1_start = models.CharField(_("I четверть: начало"), max_length=5, default="01.09")
    quarter_1_end = models.CharField(_("I четверть: окончание"), max_length=5, default="27.10")
    quarter_2_start = models.CharField(_("II четверть: начало"), max_length=5, default="06.11")
    quarter_2_end = models.CharField(_("II четверть: окончание"), max_length=5, default="29.12")
    quarter_3_start = models.CharField(_("III четверть: начало"), max_length=5, default="09.01")
    quarter_3_end = models.CharField(_("III четверть: окончание"), max_length=5, default="22.03")
    quarter_4_start = models.CharField(_("IV четверть: начало"), max_length=5, default="01.04")
    quarter_4_end = models.CharField(_("IV четверть: окончание"), max_length=5, default="31.05")

    class Meta:
        verbose_name = _("школьный календарь (четверти)")
        verbose_name_plural = _("школьные календари (четверти)")

    def __str__(self) -> str:
        return f"Четверти: {self.municipality}"

    def clean(self):
        errors = {}
        days = []
        for name in self.FIELDS:
            value = _parse_day_month(getattr(self, name))
            if value is None:
                errors[name] = _("Укажите день и месяц в виде ДД.ММ, например 01.09.")
            else:
                setattr(self, name, _day_month(value))
                days.append((name, (self.ORDER.index(value[0]), value[1])))
        if not errors:
            for (_name, before), (name, after) in pairwise(days):
                if after < before:
                    errors[name] = _(
                        "Четверти идут по порядку учебного года (с сентября): эта дата "
                        "раньше предыдущей."
                    )
                    break
        if errors:
            raise ValidationError(errors)

    def as_quarters(self) -> Quarters:
        """The calendar for roadmap.deadlines; a value that does not read keeps the default."""
        values = []
        for index, name in enumerate(self.FIELDS):
            default = DEFAULT_CALENDAR.quarters[index // 2][index % 2]
            values.append(_parse_day_month(getattr(self, name)) or default)
        return Quarters(quarters=tuple((values[i], values[i + 1]) for i in range(0, 8, 2)))


def quarters_for(municipality_id: int | None) -> Quarters:
    """The municipality's school quarters, or the default calendar when it keeps none."""
    if municipality_id is None:
        return DEFAULT_CALENDAR
    own = SchoolCalendar.objects.filter(municipality_id=municipality_id).first()
    return own.as_quarters() if own else DEFAULT_CALENDAR


def roadmap_quarters(roadmap) -> Quarters:
    """``quarters_for`` the roadmap's municipality, kept on the instance for repeated use."""
    cached = getattr(roadmap, "_quarters", None)
    if cached is None:
        cached = roadmap._quarters = quarters_for(roadmap.municipality_id)
    return cached


class Roadmap(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("проект")
        APPROVED = "approved", _("утверждена")
        ARCHIVED = "archived", _("в архиве")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="roadmaps",
        verbose_name=_("муниципальное образование"),
    )
    title = models.TextField(_("наименование"))
    school_year_start = models.PositiveSmallIntegerField(
        _("учебный год (начало)"), help_text=_("Например, 2020 для 2020–2021 учебного года")
    )
    period_start = models.DateField(_("начало периода"))
    period_end = models.DateField(_("окончание периода"))
    status = models.CharField(
        _("статус"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    schools = models.ManyToManyField(
        School,
        through="Participation",
        related_name="roadmaps",
        verbose_name=_("участвующие образовательные организации"),
        blank=True,
    )
    approved_at = models.DateTimeField(_("утверждена"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("утвердил"),
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        editable=False,
        verbose_name=_("скопирована из"),
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("дорожная карта")
        verbose_name_plural = _("дорожные карты")
        ordering = ("-school_year_start", "-created_at")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="roadmap_period_ordered",
                violation_error_message=_("Окончание периода раньше его начала."),
            ),
            models.CheckConstraint(
                condition=Q(school_year_start__gte=1990) & Q(school_year_start__lte=2100),
                name="roadmap_school_year_plausible",
                violation_error_message=_("Учебный год должен быть между 1990 и 2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short_title} ({self.school_year})"

    @property
    def school_year(self) -> str:
        return f"{self.school_year_start}–{self.school_year_start + 1}"

    @property
    def short_title(self) -> str:
        title = " ".join(self.title.split())
        return title if len(title) <= 90 else title[:89].rstrip() + "…"


class Participation(models.Model):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="participations")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="participations")
    joined_on = models.DateField(_("включена"), auto_now_add=True)

    class Meta:
        verbose_name = _("участие образовательной организации")
        verbose_name_plural = _("участие образовательных организаций")
        constraints = [
            models.UniqueConstraint(fields=("roadmap", "school"), name="participation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school} — {self.roadmap}"


class Order(models.Model):
    """The order (приказ) that approves a roadmap; the roadmap is its appendix."""

    roadmap = models.OneToOneField(
        Roadmap, on_delete=models.CASCADE, related_name="order", verbose_name=_("дорожная карта")
    )
    number = models.CharField(_("номер"), max_length=50)
    date = models.DateField(_("дата"))
    title = models.TextField(_("заголовок"))
    preamble = models.TextField(_("преамбула"), blank=True)
    signatory_position = models.CharField(_("должность подписавшего"), max_length=255)
    signatory_name = models.CharField(_("подписавший (И.О. Фамилия)"), max_length=255)
    appendix_mark = models.TextField(
        _("отметка о приложении"),
        help_text=_("Например: Приложение к приказу Департамента образования г. Аргун"),
    )

    class Meta:
        verbose_name = _("приказ")
        verbose_name_plural = _("приказы")
        ordering = ("-date", "number")

    def __str__(self) -> str:
        return f"Приказ от {self.date:%d.%m.%Y} № {self.number}"


class OrderPoint(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="points")
    number = models.PositiveSmallIntegerField(_("номер пункта"))
    text = models.TextField(_("текст"))

    class Meta:
        verbose_name = _("пункт приказа")
        verbose_name_plural = _("пункты приказа")
        ordering = ("number",)
        constraints = [
            models.UniqueConstraint(fields=("order", "number"), name="order_point_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


def printed_if_different(printed: str, number: str) -> str:
    """A printed number worth showing: blank when there is none or it is the number itself."""
    printed = (printed or "").strip()
    return "" if printed == (number or "").strip() else printed


class Section(models.Model):
    roadmap = models.ForeignKey(
        Roadmap, on_delete=models.CASCADE, related_name="sections", verbose_name=_("дорожная карта")
    )
    number = models.CharField(_("номер"), max_length=20)
    number_key = ArrayField(models.IntegerField(), editable=False, default=list)
    title = models.TextField(_("наименование"))
    printed_number = models.CharField(
        _("номер в документе"),
        max_length=20,
        blank=True,
        help_text=_(
            "Как номер напечатан в загруженном документе (например, III), если он отличается "
            "от номера раздела."
        ),
    )
    position = models.PositiveIntegerField(_("порядок"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("раздел")
        verbose_name_plural = _("разделы")
        ordering = ("position", "number_key", "id")
        constraints = [
            models.UniqueConstraint(fields=("roadmap", "number"), name="section_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:80]}"

    def save(self, *args, **kwargs):
        self.number_key = number_key(self.number)
        super().save(*args, **kwargs)

    @property
    def printed_as(self) -> str:
        """The number the document printed, while it differs from the section's own."""
        return printed_if_different(self.printed_number, self.number)


class Measure(models.Model):
    DEADLINE_KINDS = [(kind, kind) for kind in KINDS]

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="measures", verbose_name=_("раздел")
    )
    number = models.CharField(_("номер"), max_length=20)
    number_key = ArrayField(models.IntegerField(), editable=False, default=list)
    printed_number = models.CharField(
        _("номер в документе"),
        max_length=20,
        blank=True,
        help_text=_(
            "Как номер напечатан в загруженном документе (например, 3 при нумерации заново в "
            "каждом разделе), если он отличается от номера мероприятия."
        ),
    )
    title = models.TextField(_("наименование мероприятия"))
    deadline_text = models.CharField(
        _("срок реализации (как в документе)"), max_length=255, blank=True
    )
    deadline_kind = models.CharField(
        _("вид срока"), max_length=20, choices=DEADLINE_KINDS, default="none", editable=False
    )
    recurrence = models.CharField(_("периодичность"), max_length=20, blank=True, editable=False)
    starts_on = models.DateField(_("начало срока"), null=True, blank=True, editable=False)
    due_on = models.DateField(_("срок исполнения"), null=True, blank=True, editable=False)
    responsible = models.ManyToManyField(
        ResponsibleParty,
        through="MeasureResponsibility",
        related_name="measures",
        verbose_name=_("ответственные исполнители"),
    )
    responsible_text = models.CharField(
        _("ответственные (как в документе)"), max_length=500, blank=True, editable=False
    )
    result = models.TextField(_("результат"), blank=True)
    position = models.PositiveIntegerField(_("порядок"), default=0)
    version = models.PositiveIntegerField(_("версия"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("мероприятие")
        verbose_name_plural = _("мероприятия")
        ordering = ("number_key", "position", "id")
        constraints = [
            models.UniqueConstraint(fields=("section", "number"), name="measure_unique_number"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(due_on__isnull=True)
                | Q(starts_on__lte=models.F("due_on")),
                name="measure_deadline_ordered",
                violation_error_message=_("Срок окончания раньше начала."),
            ),
        ]
        indexes = [models.Index(fields=("due_on",), name="measure_due_on_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title[:80]}"

    def save(self, *args, **kwargs):
        self.number_key = number_key(self.number)
        super().save(*args, **kwargs)

    @property
    def printed_as(self) -> str:
        """The number the document printed, while it differs from the measure's own."""
        return printed_if_different(self.printed_number, self.number)


class MeasureResponsibility(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="responsibilities")
    party = models.ForeignKey(
        ResponsibleParty, on_delete=models.PROTECT, related_name="responsibilities"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ответственный за мероприятие")
        verbose_name_plural = _("ответственные за мероприятие")
        ordering = ("position", "id")
        constraints = [
            models.UniqueConstraint(fields=("measure", "party"), name="responsibility_unique"),
        ]

    def __str__(self) -> str:
        return str(self.party)


class Execution(models.Model):
    """One executor's part of a measure: the department's (school empty) or one school's."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("не начато")
        IN_PROGRESS = "in_progress", _("в работе")
        SUBMITTED = "submitted", _("на проверке")
        ACCEPTED = "accepted", _("принято")
        RETURNED = "returned", _("возвращено")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="executions", verbose_name=_("мероприятие")
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="executions",
        verbose_name=_("образовательная организация"),
        help_text=_("Пусто — исполнение департамента."),
    )
    status = models.CharField(
        _("статус"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    completed_on = models.DateField(_("дата выполнения"), null=True, blank=True)
    comment = models.TextField(_("комментарий"), blank=True)
    version = models.PositiveIntegerField(_("версия"), default=1, editable=False)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("исполнение")
        verbose_name_plural = _("исполнения")
        ordering = ("measure__number_key", "school__short_name")
        constraints = [
            models.UniqueConstraint(
                fields=("measure", "school"),
                condition=Q(school__isnull=False),
                name="execution_unique_school",
            ),
            models.UniqueConstraint(
                fields=("measure",),
                condition=Q(school__isnull=True),
                name="execution_unique_department",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(completed_on__isnull=False),
                name="execution_accepted_has_date",
            ),
        ]
        indexes = [models.Index(fields=("school", "status"), name="execution_school_status_idx")]

    def __str__(self) -> str:
        return f"{self.measure.number} — {self.executor_name}"

    @property
    def executor_name(self) -> str:
        return self.school.short_name if self.school_id else "Департамент образования"


class Amendment(models.Model):
    """An explicit, dated change to an approved roadmap; while open, its wording may change."""

    roadmap = models.ForeignKey(
        Roadmap,
        on_delete=models.CASCADE,
        related_name="amendments",
        verbose_name=_("дорожная карта"),
    )
    number = models.PositiveSmallIntegerField(_("номер изменения"))
    date = models.DateField(_("дата"))
    reason = models.TextField(_("причина"))
    basis = models.CharField(
        _("основание"), max_length=255, blank=True, help_text=_("Например: приказ от … № …")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("внёс")
    )
    opened_at = models.DateTimeField(_("открыто"), default=timezone.now)
    closed_at = models.DateTimeField(_("закрыто"), null=True, blank=True)

    class Meta:
        verbose_name = _("изменение дорожной карты")
        verbose_name_plural = _("изменения дорожной карты")
        ordering = ("roadmap", "number")
        constraints = [
            models.UniqueConstraint(fields=("roadmap", "number"), name="amendment_unique_number"),
            models.UniqueConstraint(
                fields=("roadmap",),
                condition=Q(closed_at__isnull=True),
                name="amendment_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Изменение № {self.number} от {self.date:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Report(models.Model):
    """One submission on an execution, with its review: every step is dated and kept."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("на проверке")
        ACCEPTED = "accepted", _("принят")
        RETURNED = "returned", _("возвращён на доработку")

    execution = models.ForeignKey(
        Execution, on_delete=models.CASCADE, related_name="reports", verbose_name=_("исполнение")
    )
    text = models.TextField(_("отчёт"))
    completed_on = models.DateField(_("дата выполнения"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("автор"),
    )
    submitted_at = models.DateTimeField(_("отправлен"), default=timezone.now)
    decision = models.CharField(
        _("решение"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("проверил"),
    )
    reviewed_at = models.DateTimeField(_("проверен"), null=True, blank=True)
    review_comment = models.TextField(_("комментарий проверяющего"), blank=True)

    class Meta:
        verbose_name = _("отчёт об исполнении")
        verbose_name_plural = _("отчёты об исполнении")
        ordering = ("execution", "submitted_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("execution",),
                condition=Q(decision="pending"),
                name="report_one_pending_per_execution",
            ),
        ]

    def __str__(self) -> str:
        return f"Отчёт от {timezone.localtime(self.submitted_at):%d.%m.%Y %H:%M}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    """A server-made name: the user's file name never reaches the file system."""
    extension = PurePosixPath(filename).suffix.lower()[:8]
    today = timezone.localdate()
    return f"evidence/{today:%Y/%m}/{uuid.uuid4().hex}{extension}"


class Evidence(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("отчёт")
    )
    file = models.FileField(_("файл"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("имя файла"), max_length=255)
    content_type = models.CharField(_("тип"), max_length=100)
    size = models.PositiveBigIntegerField(_("размер, байт"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("загружен"), default=timezone.now)

    class Meta:
        verbose_name = _("подтверждающий документ")
        verbose_name_plural = _("подтверждающие документы")
        ordering = ("report", "id")

    def __str__(self) -> str:
        return self.original_name


class ReminderDigest(models.Model):
    """One digest e-mail per person per day: its row makes a second run send nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    sent_on = models.DateField(_("дата"))
    sent_at = models.DateTimeField(_("отправлено"), default=timezone.now)
    items = models.PositiveIntegerField(_("пунктов"))
    body = models.TextField(_("текст письма"))

    class Meta:
        verbose_name = _("напоминание о сроках")
        verbose_name_plural = _("напоминания о сроках")
        ordering = ("-sent_on", "user")
        constraints = [
            models.UniqueConstraint(fields=("user", "sent_on"), name="digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.sent_on:%d.%m.%Y}"
