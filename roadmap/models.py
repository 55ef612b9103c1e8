"""Roadmaps, their orders, sections, measures, responsible parties and executions."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import Municipality, School
from roadmap.deadlines import KINDS
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
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)

    class Meta:
        verbose_name = _("дорожная карта")
        verbose_name_plural = _("дорожные карты")
        ordering = ("-school_year_start", "-created_at")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="roadmap_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(school_year_start__gte=1990) & Q(school_year_start__lte=2100),
                name="roadmap_school_year_plausible",
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


class Section(models.Model):
    roadmap = models.ForeignKey(
        Roadmap, on_delete=models.CASCADE, related_name="sections", verbose_name=_("дорожная карта")
    )
    number = models.CharField(_("номер"), max_length=20)
    number_key = ArrayField(models.IntegerField(), editable=False, default=list)
    title = models.TextField(_("наименование"))

    class Meta:
        verbose_name = _("раздел")
        verbose_name_plural = _("разделы")
        ordering = ("number_key", "id")
        constraints = [
            models.UniqueConstraint(fields=("roadmap", "number"), name="section_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:80]}"

    def save(self, *args, **kwargs):
        self.number_key = number_key(self.number)
        super().save(*args, **kwargs)


class Measure(models.Model):
    DEADLINE_KINDS = [(kind, kind) for kind in KINDS]

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="measures", verbose_name=_("раздел")
    )
    number = models.CharField(_("номер"), max_length=20)
    number_key = ArrayField(models.IntegerField(), editable=False, default=list)
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
    result = models.TextField(_("результат"), blank=True)
    position = models.PositiveIntegerField(_("порядок"), default=0)
    version = models.PositiveIntegerField(_("версия"), default=1, editable=False)

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
            ),
        ]
        indexes = [models.Index(fields=("due_on",), name="measure_due_on_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title[:80]}"

    def save(self, *args, **kwargs):
        self.number_key = number_key(self.number)
        super().save(*args, **kwargs)


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
