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
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from core.models import Municipality, School
from roadmap.deadlines import DEFAULT_CALENDAR, KINDS
from roadmap.deadlines import SchoolCalendar as Quarters
from roadmap.numbering import number_key


class AmendmentRecord(models.Model):
    """What a history row of a roadmap's wording (the roadmap, its sections and measures) adds
    to simple-history's own fields: the amendment it was made under, if any.

    An approved roadmap changes only through an amendment (roadmap.services.guards), and every
    row written then names it: the wording as of any amendment is read back from these rows
    (roadmap.documents.wording), whatever their dates say.
    """

    amendment = models.ForeignKey(
        "roadmap.Amendment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="изменение",
    )

    class Meta:
        abstract = True


class ResponsibleParty(models.Model):
    """Who answers for a measure, as the roadmap names it."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "департамент"
        SCHOOLS = "schools", "образовательные организации (каждая участвующая)"
        EXTERNAL = "external", "внешняя организация"

    name = models.CharField("наименование", max_length=255, unique=True)
    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField("порядок", default=0)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "ответственный исполнитель"
        verbose_name_plural = "ответственные исполнители"
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
        verbose_name="муниципальное образование",
    )
    quarter_1_start = models.CharField("I четверть: начало", max_length=5, default="01.09")
    quarter_1_end = models.CharField("I четверть: окончание", max_length=5, default="27.10")
    quarter_2_start = models.CharField("II четверть: начало", max_length=5, default="06.11")
    quarter_2_end = models.CharField("II четверть: окончание", max_length=5, default="29.12")
    quarter_3_start = models.CharField("III четверть: начало", max_length=5, default="09.01")
    quarter_3_end = models.CharField("III четверть: окончание", max_length=5, default="22.03")
    quarter_4_start = models.CharField("IV четверть: начало", max_length=5, default="01.04")
    quarter_4_end = models.CharField("IV четверть: окончание", max_length=5, default="31.05")

    class Meta:
        verbose_name = "школьный календарь (четверти)"
        verbose_name_plural = "школьные календари (четверти)"

    def __str__(self) -> str:
        return f"Четверти: {self.municipality}"

    def clean(self):
        errors = {}
        days = []
        for name in self.FIELDS:
            value = _parse_day_month(getattr(self, name))
            if value is None:
                errors[name] = "Укажите день и месяц в виде ДД.ММ, например 01.09."
            else:
                setattr(self, name, _day_month(value))
                days.append((name, (self.ORDER.index(value[0]), value[1])))
        if not errors:
            for (_name, before), (name, after) in pairwise(days):
                if after < before:
                    errors[name] = (
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
        DRAFT = "draft", "проект"
        APPROVED = "approved", "утверждена"
        ARCHIVED = "archived", "в архиве"

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="roadmaps",
        verbose_name="муниципальное образование",
    )
    title = models.TextField("наименование")
    school_year_start = models.PositiveSmallIntegerField(
        "учебный год (начало)", help_text="Например, 2020 для 2020–2021 учебного года"
    )
    period_start = models.DateField("начало периода")
    period_end = models.DateField("окончание периода")
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.DRAFT)
    schools = models.ManyToManyField(
        School,
        through="Participation",
        related_name="roadmaps",
        verbose_name="участвующие образовательные организации",
        blank=True,
    )
    approved_at = models.DateTimeField("утверждена", null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="утвердил",
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        editable=False,
        verbose_name="скопирована из",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[AmendmentRecord])

    class Meta:
        verbose_name = "дорожная карта"
        verbose_name_plural = "дорожные карты"
        ordering = ("-school_year_start", "-created_at")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="roadmap_period_ordered",
                violation_error_message="Окончание периода раньше его начала.",
            ),
            models.CheckConstraint(
                condition=Q(school_year_start__gte=1990) & Q(school_year_start__lte=2100),
                name="roadmap_school_year_plausible",
                violation_error_message="Учебный год должен быть между 1990 и 2100.",
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
    joined_on = models.DateField("включена", auto_now_add=True)

    class Meta:
        verbose_name = "участие образовательной организации"
        verbose_name_plural = "участие образовательных организаций"
        constraints = [
            models.UniqueConstraint(fields=("roadmap", "school"), name="participation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school} — {self.roadmap}"


class Order(models.Model):
    """The order (приказ) that approves a roadmap; the roadmap is its appendix."""

    roadmap = models.OneToOneField(
        Roadmap, on_delete=models.CASCADE, related_name="order", verbose_name="дорожная карта"
    )
    number = models.CharField("номер", max_length=50)
    date = models.DateField("дата")
    title = models.TextField("заголовок")
    preamble = models.TextField("преамбула", blank=True)
    signatory_position = models.CharField("должность подписавшего", max_length=255)
    signatory_name = models.CharField("подписавший (И.О. Фамилия)", max_length=255)
    appendix_mark = models.TextField(
        "отметка о приложении",
        help_text="Например: Приложение к приказу Департамента образования г. Аргун",
    )

    class Meta:
        verbose_name = "приказ"
        verbose_name_plural = "приказы"
        ordering = ("-date", "number")

    def __str__(self) -> str:
        return f"Приказ от {self.date:%d.%m.%Y} № {self.number}"


class OrderPoint(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="points")
    number = models.PositiveSmallIntegerField("номер пункта")
    text = models.TextField("текст")

    class Meta:
        verbose_name = "пункт приказа"
        verbose_name_plural = "пункты приказа"
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


# The longest wording of a measure or section a form or an imported file may give; the
# order's longest is about 350 characters.
TEXT_MAX = 2000


class Section(models.Model):
    roadmap = models.ForeignKey(
        Roadmap, on_delete=models.CASCADE, related_name="sections", verbose_name="дорожная карта"
    )
    number = models.CharField("номер", max_length=20)
    number_key = ArrayField(models.IntegerField(), editable=False, default=list)
    title = models.TextField("наименование")
    printed_number = models.CharField(
        "номер в документе",
        max_length=20,
        blank=True,
        help_text=(
            "Как номер напечатан в загруженном документе (например, III), если он отличается "
            "от номера раздела."
        ),
    )
    position = models.PositiveIntegerField("порядок", default=0)
    history = HistoricalRecords(bases=[AmendmentRecord])

    class Meta:
        verbose_name = "раздел"
        verbose_name_plural = "разделы"
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
        Section, on_delete=models.CASCADE, related_name="measures", verbose_name="раздел"
    )
    number = models.CharField("номер", max_length=20)
    number_key = ArrayField(models.IntegerField(), editable=False, default=list)
    printed_number = models.CharField(
        "номер в документе",
        max_length=20,
        blank=True,
        help_text=(
            "Как номер напечатан в загруженном документе (например, 3 при нумерации заново в "
            "каждом разделе), если он отличается от номера мероприятия."
        ),
    )
    title = models.TextField("наименование мероприятия")
    deadline_text = models.CharField(
        "срок реализации (как в документе)", max_length=255, blank=True
    )
    deadline_kind = models.CharField(
        "вид срока", max_length=20, choices=DEADLINE_KINDS, default="none", editable=False
    )
    recurrence = models.CharField("периодичность", max_length=20, blank=True, editable=False)
    starts_on = models.DateField("начало срока", null=True, blank=True, editable=False)
    due_on = models.DateField("срок исполнения", null=True, blank=True, editable=False)
    responsible = models.ManyToManyField(
        ResponsibleParty,
        through="MeasureResponsibility",
        related_name="measures",
        verbose_name="ответственные исполнители",
    )
    responsible_text = models.CharField(
        "ответственные (как в документе)", max_length=500, blank=True, editable=False
    )
    result = models.TextField("результат", blank=True)
    position = models.PositiveIntegerField("порядок", default=0)
    version = models.PositiveIntegerField("версия", default=1, editable=False)
    history = HistoricalRecords(bases=[AmendmentRecord])

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ("number_key", "position", "id")
        constraints = [
            models.UniqueConstraint(fields=("section", "number"), name="measure_unique_number"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(due_on__isnull=True)
                | Q(starts_on__lte=models.F("due_on")),
                name="measure_deadline_ordered",
                violation_error_message="Срок окончания раньше начала.",
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
        verbose_name = "ответственный за мероприятие"
        verbose_name_plural = "ответственные за мероприятие"
        ordering = ("position", "id")
        constraints = [
            models.UniqueConstraint(fields=("measure", "party"), name="responsibility_unique"),
        ]

    def __str__(self) -> str:
        return str(self.party)


class MeasureBinding(models.Model):
    """A measure's evidence from the system: a figure (core.evidence kind) and its condition."""

    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, related_name="binding")
    kind = models.CharField("показатель", max_length=40)
    threshold = models.PositiveIntegerField("не менее", default=1)
    require_update = models.BooleanField("обновлена в этом учебном году", default=False)

    class Meta:
        verbose_name = "подтверждение из системы"
        verbose_name_plural = "подтверждения из системы"

    def __str__(self) -> str:
        return f"{self.measure.number}: {self.kind} ≥ {self.threshold}"


class Execution(models.Model):
    """One executor's part of a measure: the department's (school empty) or one school's."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "не начато"
        IN_PROGRESS = "in_progress", "в работе"
        SUBMITTED = "submitted", "на проверке"
        ACCEPTED = "accepted", "принято"
        RETURNED = "returned", "возвращено"

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="executions", verbose_name="мероприятие"
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="executions",
        verbose_name="образовательная организация",
        help_text="Пусто — исполнение департамента.",
    )
    status = models.CharField(
        "статус", max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    completed_on = models.DateField("дата выполнения", null=True, blank=True)
    comment = models.TextField("комментарий", blank=True)
    version = models.PositiveIntegerField("версия", default=1, editable=False)
    updated_at = models.DateTimeField("изменено", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "исполнение"
        verbose_name_plural = "исполнения"
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
        verbose_name="дорожная карта",
    )
    number = models.PositiveSmallIntegerField("номер изменения")
    date = models.DateField("дата")
    reason = models.TextField("причина")
    basis = models.CharField(
        "основание", max_length=255, blank=True, help_text="Например: приказ от … № …"
    )
    # The order that makes the change (приказ о внесении изменений): printed as its own
    # document and named in the roadmap printed «в редакции приказа от … № …».
    order_date = models.DateField("дата приказа о внесении изменений", null=True, blank=True)
    order_number = models.CharField("номер приказа о внесении изменений", max_length=50, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="внёс"
    )
    opened_at = models.DateTimeField("открыто", default=timezone.now)
    closed_at = models.DateTimeField("закрыто", null=True, blank=True)

    class Meta:
        verbose_name = "изменение дорожной карты"
        verbose_name_plural = "изменения дорожной карты"
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

    @property
    def has_order(self) -> bool:
        return bool(self.order_date and self.order_number.strip())

    @property
    def order_requisites(self) -> str:
        """«от 12.03.2021 № 45» of the amending order, or "" while it has none."""
        if not self.has_order:
            return ""
        return f"от {self.order_date:%d.%m.%Y} № {self.order_number.strip()}"


class Report(models.Model):
    """One submission on an execution, with its review: every step is dated and kept."""

    class Decision(models.TextChoices):
        PENDING = "pending", "на проверке"
        ACCEPTED = "accepted", "принят"
        RETURNED = "returned", "возвращён на доработку"

    execution = models.ForeignKey(
        Execution, on_delete=models.CASCADE, related_name="reports", verbose_name="исполнение"
    )
    # The roadmap's municipality, copied from the execution when the report is made (it never
    # changes): the review queue reads one index range by it instead of joining the roadmap.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name="муниципалитет"
    )
    text = models.TextField("отчёт")
    completed_on = models.DateField("дата выполнения")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="автор",
    )
    submitted_at = models.DateTimeField("отправлен", default=timezone.now)
    decision = models.CharField(
        "решение", max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="проверил",
    )
    reviewed_at = models.DateTimeField("проверен", null=True, blank=True)
    review_comment = models.TextField("комментарий проверяющего", blank=True)
    # The bound figure as it stood at submission (roadmap.evidence.snapshot), frozen.
    figure = models.JSONField("показатель из системы", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "отчёт об исполнении"
        verbose_name_plural = "отчёты об исполнении"
        ordering = ("execution", "submitted_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("execution",),
                condition=Q(decision="pending"),
                name="report_one_pending_per_execution",
            ),
        ]
        indexes = [
            models.Index(
                fields=("municipality", "submitted_at", "id"),
                condition=Q(decision="pending"),
                name="report_review_queue_idx",
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
        Report, on_delete=models.CASCADE, related_name="evidence", verbose_name="отчёт"
    )
    file = models.FileField("файл", upload_to=evidence_path, max_length=255)
    original_name = models.CharField("имя файла", max_length=255)
    content_type = models.CharField("тип", max_length=100)
    size = models.PositiveBigIntegerField("размер, байт")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("загружен", default=timezone.now)

    class Meta:
        verbose_name = "подтверждающий документ"
        verbose_name_plural = "подтверждающие документы"
        ordering = ("report", "id")

    def __str__(self) -> str:
        return self.original_name


class ReminderDigest(models.Model):
    """One digest e-mail per person per day: its row makes a second run send nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    sent_on = models.DateField("дата")
    sent_at = models.DateTimeField("отправлено", default=timezone.now)
    items = models.PositiveIntegerField("пунктов")
    body = models.TextField("текст письма")

    class Meta:
        verbose_name = "напоминание о сроках"
        verbose_name_plural = "напоминания о сроках"
        ordering = ("-sent_on", "user")
        constraints = [
            models.UniqueConstraint(fields=("user", "sent_on"), name="digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.sent_on:%d.%m.%Y}"


def _record_amendment(sender, instance, history_instance, **kwargs) -> None:
    """A history row of the wording names the amendment it was made under (set by
    roadmap.services.guards.stamp)."""
    if isinstance(history_instance, AmendmentRecord):
        history_instance.amendment_id = getattr(instance, "_history_amendment_id", None)


pre_create_historical_record.connect(_record_amendment, dispatch_uid="roadmap_amendment_record")


# Schedules, occurrences of recurring work and events: their own module (string references,
# so that it imports nothing from here).
from roadmap.models.tracking import Event, EventKeeping, Occurrence, OccurrenceExecution  # noqa: E402, F401
