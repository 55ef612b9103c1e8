"""Monitoring of the target model: targets for the indicators, monitoring periods, the schools'
reports for each period (registry figures frozen at submission plus the Р-145 questionnaires).

The indicators themselves are not stored: they are computed from the registry
(`monitoring/indicators.py`). What is stored is what people decide or submit.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Municipality, School
from registry.models import MentoringForm, Programme


class IndicatorCode(models.TextChoices):
    MENTORS = "mentors", _("Наставники в действующих парах")
    MENTEES = "mentees", _("Наставляемые в действующих парах")
    PAIRS = "pairs", _("Действующие пары и группы")
    PUPILS_10_PLUS = (
        "pupils_10_plus",
        _("Доля обучающихся 10 лет и старше, вовлечённых в наставничество"),
    )
    YOUNG_TEACHERS = (
        "young_teachers",
        _("Доля педагогов до 35 лет со стажем до 3 лет, вовлечённых в наставничество"),
    )
    APPROVED_PROGRAMME = "approved_programme", _("Доля ОО с одобренной программой наставничества")
    MEASURES_ON_TIME = "measures_on_time", _("Доля мероприятий дорожной карты, выполненных в срок")


class Target(models.Model):
    """The value an indicator must reach in a year: a percentage for shares, a number otherwise."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("муниципалитет")
    )
    indicator = models.CharField(_("показатель"), max_length=40, choices=IndicatorCode.choices)
    year = models.PositiveSmallIntegerField(_("год"))
    value = models.DecimalField(_("целевое значение"), max_digits=9, decimal_places=1)
    note = models.CharField(_("основание"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("целевое значение показателя")
        verbose_name_plural = _("целевые значения показателей")
        ordering = ("indicator", "year")
        constraints = [
            models.UniqueConstraint(
                fields=("municipality", "indicator", "year"),
                name="target_unique_year",
                violation_error_message=_("Цель на этот год для показателя уже задана."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_not_negative",
                violation_error_message=_("Целевое значение не может быть отрицательным."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2019) & Q(year__lte=2100),
                name="target_year_plausible",
                violation_error_message=_("Год должен быть между 2019 и 2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()}: {self.value} к {self.year} г."


class Period(models.Model):
    """A monitoring period, e.g. «I полугодие 2020/21»; schools report the state at its end."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="monitoring_periods",
        verbose_name=_("муниципалитет"),
    )
    title = models.CharField(_("наименование"), max_length=120)
    starts_on = models.DateField(_("начало"))
    ends_on = models.DateField(_("окончание"))
    report_due_on = models.DateField(_("срок сдачи отчётов"), null=True, blank=True)
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)

    class Meta:
        verbose_name = _("период мониторинга")
        verbose_name_plural = _("периоды мониторинга")
        ordering = ("-ends_on", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("municipality", "title"),
                name="period_unique_title",
                violation_error_message=_("Период с таким наименованием уже есть."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="period_ordered",
                violation_error_message=_("Окончание периода раньше его начала."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SchoolReport(models.Model):
    """A school's report for a period. Its figures are computed from the registry while it is
    a draft and frozen into `figures` when it is submitted; accepted, it never changes again."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("черновик")
        SUBMITTED = "submitted", _("на проверке")
        RETURNED = "returned", _("возвращён на доработку")
        ACCEPTED = "accepted", _("принят")

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="reports", verbose_name=_("период")
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="monitoring_reports", verbose_name=_("ОО")
    )
    status = models.CharField(
        _("статус"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    figures = models.JSONField(_("показатели на конец периода"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("отправлен"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("отправил"),
    )
    reviewed_at = models.DateTimeField(_("проверен"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("проверил"),
    )
    review_comment = models.TextField(_("комментарий проверяющего"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("отчёт ОО о мониторинге")
        verbose_name_plural = _("отчёты ОО о мониторинге")
        ordering = ("period", "school")
        constraints = [
            models.UniqueConstraint(
                fields=("period", "school"),
                name="report_unique_school_period",
                violation_error_message=_("Отчёт этой ОО за этот период уже есть."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=("draft", "returned")) | Q(figures__isnull=False),
                name="report_submitted_has_figures",
                violation_error_message=_("Отправленный отчёт должен содержать показатели."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} — {self.period}"

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class ReportEvent(models.Model):
    """One step in a report's life: submitted, returned (with the reason), accepted."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("отправлен на проверку")
        RETURNED = "returned", _("возвращён на доработку")
        ACCEPTED = "accepted", _("принят")

    report = models.ForeignKey(SchoolReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("действие"), max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("кто")
    )
    at = models.DateTimeField(_("когда"), default=timezone.now)
    comment = models.TextField(_("комментарий"), blank=True)

    class Meta:
        verbose_name = _("шаг отчёта")
        verbose_name_plural = _("шаги отчётов")
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%d.%m.%Y %H:%M}"


# --- Р-145 questionnaires ----------------------------------------------------------------------


class Stage(models.IntegerChoices):
    QUALITY = 1, _("I этап: качество реализации программы наставничества")
    MOTIVATION = 2, _("II этап: мотивация и личностный рост участников")


class Respondent(models.TextChoices):
    MENTOR = "mentor", _("наставники")
    MENTEE = "mentee", _("наставляемые")


class Moment(models.TextChoices):
    ONCE = "", _("—")
    START = "start", _("в начале")
    END = "end", _("в конце")


class Questionnaire(models.Model):
    """A set of questions of the Р-145 monitoring, answered on a scale; editable by staff."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("муниципалитет")
    )
    stage = models.PositiveSmallIntegerField(_("этап мониторинга"), choices=Stage.choices)
    respondent = models.CharField(_("кто отвечает"), max_length=10, choices=Respondent.choices)
    title = models.CharField(_("наименование"), max_length=255)
    scale_max = models.PositiveSmallIntegerField(
        _("шкала: наибольший балл"), default=10, help_text=_("Ответы от 1 до этого балла.")
    )
    is_active = models.BooleanField(_("используется"), default=True)
    position = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("анкета")
        verbose_name_plural = _("анкеты")
        ordering = ("stage", "position", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("municipality", "title"),
                name="questionnaire_unique_title",
                violation_error_message=_("Анкета с таким наименованием уже есть."),
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gte=2) & Q(scale_max__lte=100),
                name="questionnaire_scale_plausible",
                violation_error_message=_("Наибольший балл шкалы должен быть от 2 до 100."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("monitoring:questionnaire", args=[self.pk])

    @property
    def moments(self) -> list[str]:
        """Stage 2 is measured twice, at the start and at the end; stage 1 once."""
        return [Moment.START, Moment.END] if self.stage == Stage.MOTIVATION else [Moment.ONCE]


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("№"), default=0)
    text = models.TextField(_("вопрос"))

    class Meta:
        verbose_name = _("вопрос анкеты")
        verbose_name_plural = _("вопросы анкеты")
        ordering = ("questionnaire", "position", "id")

    def __str__(self) -> str:
        return self.text


class AnswerSet(models.Model):
    """The aggregated answers of one questionnaire at a school, for one form of mentoring and
    one moment (start/end for stage 2): how many answered and the average per question."""

    report = models.ForeignKey(SchoolReport, on_delete=models.CASCADE, related_name="answer_sets")
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="answer_sets",
        verbose_name=_("анкета"),
    )
    form = models.ForeignKey(
        MentoringForm, on_delete=models.PROTECT, related_name="+", verbose_name=_("форма")
    )
    moment = models.CharField(_("замер"), max_length=10, choices=Moment.choices, blank=True)
    respondents = models.PositiveIntegerField(_("число ответивших"))

    class Meta:
        verbose_name = _("результаты анкетирования")
        verbose_name_plural = _("результаты анкетирования")
        ordering = ("questionnaire", "form", "moment")
        constraints = [
            models.UniqueConstraint(
                fields=("report", "questionnaire", "form", "moment"),
                name="answer_set_unique",
                violation_error_message=_(
                    "Результаты этой анкеты по этой форме и замеру уже внесены."
                ),
            ),
            models.CheckConstraint(
                condition=Q(respondents__gte=1),
                name="answer_set_has_respondents",
                violation_error_message=_("Число ответивших должно быть не меньше 1."),
            ),
        ]

    def __str__(self) -> str:
        moment = f" ({self.get_moment_display()})" if self.moment else ""
        return f"{self.questionnaire}: {self.form}{moment}"


class Answer(models.Model):
    answer_set = models.ForeignKey(AnswerSet, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    average = models.DecimalField(_("средний балл"), max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("answer_set", "question"), name="answer_unique"),
            models.CheckConstraint(
                condition=Q(average__gte=0),
                name="answer_not_negative",
                violation_error_message=_("Средний балл не может быть отрицательным."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.average}"


class Swot(models.Model):
    """The SWOT of a school's programme (stage 1 of the monitoring)."""

    report = models.ForeignKey(SchoolReport, on_delete=models.CASCADE, related_name="swots")
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("программа")
    )
    strengths = models.TextField(_("сильные стороны"), blank=True)
    weaknesses = models.TextField(_("слабые стороны"), blank=True)
    opportunities = models.TextField(_("возможности"), blank=True)
    threats = models.TextField(_("угрозы"), blank=True)

    class Meta:
        verbose_name = _("SWOT-анализ программы")
        verbose_name_plural = _("SWOT-анализ программ")
        ordering = ("programme",)
        constraints = [
            models.UniqueConstraint(
                fields=("report", "programme"),
                name="swot_unique_programme",
                violation_error_message=_("SWOT-анализ этой программы уже внесён."),
            ),
        ]

    def __str__(self) -> str:
        return f"SWOT: {self.programme}"
