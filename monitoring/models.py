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

from core.models import Municipality, School
from registry.models import MentoringForm, Programme


class IndicatorCode(models.TextChoices):
    MENTORS = "mentors", "Наставники в действующих парах"
    MENTEES = "mentees", "Наставляемые в действующих парах"
    PAIRS = "pairs", "Действующие пары и группы"
    PUPILS_10_PLUS = (
        "pupils_10_plus",
        "Доля обучающихся 10 лет и старше, вовлечённых в наставничество",
    )
    YOUNG_TEACHERS = (
        "young_teachers",
        "Доля педагогов до 35 лет со стажем до 3 лет, вовлечённых в наставничество",
    )
    APPROVED_PROGRAMME = "approved_programme", "Доля ОО с одобренной программой наставничества"
    MEASURES_ON_TIME = "measures_on_time", "Доля мероприятий дорожной карты, выполненных в срок"


class Target(models.Model):
    """The value an indicator must reach in a year: a percentage for shares, a number otherwise."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name="муниципалитет"
    )
    indicator = models.CharField("показатель", max_length=40, choices=IndicatorCode.choices)
    year = models.PositiveSmallIntegerField("год")
    value = models.DecimalField("целевое значение", max_digits=9, decimal_places=1)
    note = models.CharField("основание", max_length=255, blank=True)

    class Meta:
        verbose_name = "целевое значение показателя"
        verbose_name_plural = "целевые значения показателей"
        ordering = ("indicator", "year")
        constraints = [
            models.UniqueConstraint(
                fields=("municipality", "indicator", "year"),
                name="target_unique_year",
                violation_error_message="Цель на этот год для показателя уже задана.",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_not_negative",
                violation_error_message="Целевое значение не может быть отрицательным.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2019) & Q(year__lte=2100),
                name="target_year_plausible",
                violation_error_message="Год должен быть между 2019 и 2100.",
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
        verbose_name="муниципалитет",
    )
    title = models.CharField("наименование", max_length=120)
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")
    report_due_on = models.DateField("срок сдачи отчётов", null=True, blank=True)
    created_at = models.DateTimeField("создан", auto_now_add=True)

    class Meta:
        verbose_name = "период мониторинга"
        verbose_name_plural = "периоды мониторинга"
        ordering = ("-ends_on", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("municipality", "title"),
                name="period_unique_title",
                violation_error_message="Период с таким наименованием уже есть.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="period_ordered",
                violation_error_message="Окончание периода раньше его начала.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SchoolReport(models.Model):
    """A school's report for a period. Its figures are computed from the registry while it is
    a draft and frozen into `figures` when it is submitted; accepted, it never changes again."""

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        SUBMITTED = "submitted", "на проверке"
        RETURNED = "returned", "возвращён на доработку"
        ACCEPTED = "accepted", "принят"

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="reports", verbose_name="период"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="monitoring_reports", verbose_name="ОО"
    )
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.DRAFT)
    figures = models.JSONField("показатели на конец периода", null=True, blank=True)
    submitted_at = models.DateTimeField("отправлен", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="отправил",
    )
    reviewed_at = models.DateTimeField("проверен", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="проверил",
    )
    review_comment = models.TextField("комментарий проверяющего", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "отчёт ОО о мониторинге"
        verbose_name_plural = "отчёты ОО о мониторинге"
        ordering = ("period", "school")
        constraints = [
            models.UniqueConstraint(
                fields=("period", "school"),
                name="report_unique_school_period",
                violation_error_message="Отчёт этой ОО за этот период уже есть.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=("draft", "returned")) | Q(figures__isnull=False),
                name="report_submitted_has_figures",
                violation_error_message="Отправленный отчёт должен содержать показатели.",
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
        SUBMITTED = "submitted", "отправлен на проверку"
        RETURNED = "returned", "возвращён на доработку"
        ACCEPTED = "accepted", "принят"

    report = models.ForeignKey(SchoolReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("действие", max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="кто"
    )
    at = models.DateTimeField("когда", default=timezone.now)
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "шаг отчёта"
        verbose_name_plural = "шаги отчётов"
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%d.%m.%Y %H:%M}"


# --- Р-145 questionnaires ----------------------------------------------------------------------


class Stage(models.IntegerChoices):
    QUALITY = 1, "I этап: качество реализации программы наставничества"
    MOTIVATION = 2, "II этап: мотивация и личностный рост участников"


class Respondent(models.TextChoices):
    MENTOR = "mentor", "наставники"
    MENTEE = "mentee", "наставляемые"


class Moment(models.TextChoices):
    ONCE = "", "—"
    START = "start", "в начале"
    END = "end", "в конце"


class Questionnaire(models.Model):
    """A set of questions of the Р-145 monitoring, answered on a scale; editable by staff."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name="муниципалитет"
    )
    stage = models.PositiveSmallIntegerField("этап мониторинга", choices=Stage.choices)
    respondent = models.CharField("кто отвечает", max_length=10, choices=Respondent.choices)
    title = models.CharField("наименование", max_length=255)
    scale_max = models.PositiveSmallIntegerField(
        "шкала: наибольший балл", default=10, help_text="Ответы от 1 до этого балла."
    )
    is_active = models.BooleanField("используется", default=True)
    position = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "анкета"
        verbose_name_plural = "анкеты"
        ordering = ("stage", "position", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("municipality", "title"),
                name="questionnaire_unique_title",
                violation_error_message="Анкета с таким наименованием уже есть.",
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gte=2) & Q(scale_max__lte=100),
                name="questionnaire_scale_plausible",
                violation_error_message="Наибольший балл шкалы должен быть от 2 до 100.",
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
    position = models.PositiveSmallIntegerField("№", default=0)
    text = models.TextField("вопрос")

    class Meta:
        verbose_name = "вопрос анкеты"
        verbose_name_plural = "вопросы анкеты"
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
        verbose_name="анкета",
    )
    form = models.ForeignKey(
        MentoringForm, on_delete=models.PROTECT, related_name="+", verbose_name="форма"
    )
    moment = models.CharField("замер", max_length=10, choices=Moment.choices, blank=True)
    respondents = models.PositiveIntegerField("число ответивших")

    class Meta:
        verbose_name = "результаты анкетирования"
        verbose_name_plural = "результаты анкетирования"
        ordering = ("questionnaire", "form", "moment")
        constraints = [
            models.UniqueConstraint(
                fields=("report", "questionnaire", "form", "moment"),
                name="answer_set_unique",
                violation_error_message=(
                    "Результаты этой анкеты по этой форме и замеру уже внесены."
                ),
            ),
            models.CheckConstraint(
                condition=Q(respondents__gte=1),
                name="answer_set_has_respondents",
                violation_error_message="Число ответивших должно быть не меньше 1.",
            ),
        ]

    def __str__(self) -> str:
        moment = f" ({self.get_moment_display()})" if self.moment else ""
        return f"{self.questionnaire}: {self.form}{moment}"


class Answer(models.Model):
    answer_set = models.ForeignKey(AnswerSet, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    average = models.DecimalField("средний балл", max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("answer_set", "question"), name="answer_unique"),
            models.CheckConstraint(
                condition=Q(average__gte=0),
                name="answer_not_negative",
                violation_error_message="Средний балл не может быть отрицательным.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.average}"


class Swot(models.Model):
    """The SWOT of a school's programme (stage 1 of the monitoring)."""

    report = models.ForeignKey(SchoolReport, on_delete=models.CASCADE, related_name="swots")
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name="программа"
    )
    strengths = models.TextField("сильные стороны", blank=True)
    weaknesses = models.TextField("слабые стороны", blank=True)
    opportunities = models.TextField("возможности", blank=True)
    threats = models.TextField("угрозы", blank=True)

    class Meta:
        verbose_name = "SWOT-анализ программы"
        verbose_name_plural = "SWOT-анализ программ"
        ordering = ("programme",)
        constraints = [
            models.UniqueConstraint(
                fields=("report", "programme"),
                name="swot_unique_programme",
                violation_error_message="SWOT-анализ этой программы уже внесён.",
            ),
        ]

    def __str__(self) -> str:
        return f"SWOT: {self.programme}"


# --- figures kept for the days asked (monitoring/figures.py) -------------------------------------


class FiguresKept(models.Model):
    """A municipality's registry figures kept for a day: the rows of ``FiguresDay`` are
    current for it. ``schools`` is the digest of the active schools they were counted over.
    Filled by ``manage.py refresh_figures`` and kept current by the database's triggers on the
    registry (migration 0003)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    schools = models.CharField(max_length=32)
    refreshed_at = models.DateTimeField()
    # Over the active schools, for the region's dashboard (``municipal.py``): how many, those
    # with counts for the school year and their counts, the sums of the schools' own counts
    # of people (a mentor of two schools twice; of the schools with counts for the shares),
    # the schools with a programme approved by the day.
    active_schools = models.IntegerField(db_default=0)
    counted_schools = models.IntegerField(db_default=0)
    pupils_due = models.BigIntegerField(db_default=0)
    young_due = models.BigIntegerField(db_default=0)
    school_mentors = models.BigIntegerField(db_default=0)
    school_mentees = models.BigIntegerField(db_default=0)
    school_pairs = models.BigIntegerField(db_default=0)
    pupils_counted = models.BigIntegerField(db_default=0)
    young_counted = models.BigIntegerField(db_default=0)
    approved = models.IntegerField(db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("municipality", "day"), name="figures_kept_unique")
        ]
        indexes = [models.Index(fields=("day",), name="figures_kept_day")]

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.day:%d.%m.%Y}"


class FiguresDay(models.Model):
    """The counts of people in pairs on a day, as ``indicators.compute`` counts them, over the
    municipality's active schools: ``level`` 0 by school and form, 1 by school, 2 by form over
    the municipality, 3 the municipality's total."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    level = models.PositiveSmallIntegerField()
    school_id = models.BigIntegerField(null=True)
    form_id = models.BigIntegerField(null=True)
    mentors = models.IntegerField()
    mentees = models.IntegerField()
    pairs = models.IntegerField()
    pupils_10_plus = models.IntegerField()
    young_teachers = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=("day", "municipality"), name="figures_day_municipality")]

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.day:%d.%m.%Y}, уровень {self.level}"


# --- figures kept for every day, as steps (monitoring/figures.py) -------------------------------


class StepsKept(models.Model):
    """A municipality whose counts are kept for every day as steps (``FiguresStep``,
    ``MunicipalStep``): the days each count changes on, recounted by the database's triggers
    with the days kept (migration 0007). ``schools``: the digest of the active schools."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    schools = models.CharField(max_length=32)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.municipality_id)


class StepsDue(models.Model):
    """A municipality whose steps a transaction has made stale: recounted at its commit by the
    database (a deferred trigger), so the table is empty outside a writing transaction; the
    pages of that transaction count the municipality live."""

    municipality_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return str(self.municipality_id)


class FiguresStep(models.Model):
    """The counts of ``FiguresDay`` (same levels) from ``starts_on`` until the group's next
    step: a pair starting or ending, a pupil turning 10, a young teacher turning 35. A group's
    count on a day is its last step not after it (none: nothing). ``school_id`` and
    ``form_id`` are 0 where ``FiguresDay`` has none, so that a group is one index probe."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    level = models.PositiveSmallIntegerField()
    school_id = models.BigIntegerField()
    form_id = models.BigIntegerField()
    starts_on = models.DateField()
    mentors = models.IntegerField()
    mentees = models.IntegerField()
    pairs = models.IntegerField()
    pupils_10_plus = models.IntegerField()
    young_teachers = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("municipality", "level", "school_id", "form_id", "starts_on"),
                name="figures_step_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}: с {self.starts_on:%d.%m.%Y}, уровень {self.level}"


class MunicipalStep(models.Model):
    """The sums over a municipality's active schools that ``FiguresKept`` holds for a day,
    those that change with the day (the schools' own counts of people, of the schools with
    counts for the day's school year, the schools with a programme approved), as steps."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    starts_on = models.DateField()
    school_mentors = models.BigIntegerField()
    school_mentees = models.BigIntegerField()
    school_pairs = models.BigIntegerField()
    pupils_counted = models.BigIntegerField()
    young_counted = models.BigIntegerField()
    approved = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("municipality", "starts_on"), name="municipal_step_day")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}: с {self.starts_on:%d.%m.%Y}"


# --- sums kept for the region (monitoring/kept.py) -----------------------------------------------


class PeriodTotals(models.Model):
    """The sums of a period's accepted reports' frozen figures, one row by figure, as
    ``summary.summed_totals`` adds them; the row of code "" holds the number of accepted
    reports in ``total``. Recounted by the database's trigger on the reports (migration 0005)."""

    # The trigger removes a period's rows with its last accepted report (and a period with
    # reports cannot be deleted): no cascade for Django to collect.
    period = models.ForeignKey(Period, on_delete=models.DO_NOTHING, related_name="totals")
    code = models.CharField(max_length=32, blank=True)
    total = models.BigIntegerField()  # the numerators of all the reports (the reports for "")
    counted_total = models.BigIntegerField(null=True)  # of the reports with a denominator
    denominator = models.BigIntegerField(null=True)
    counted = models.IntegerField()  # the reports with a denominator

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("period", "code"), name="period_totals_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period_id}: {self.code or 'отчёты'}"


class MeasureTally(models.Model):
    """A roadmap measure's executions by the active schools of a municipality, and those done
    on time (accepted, completed by the due date): whatever the day, the region's figure of
    measures done on time sums these over the measures due by it. Recounted by the database's
    triggers on executions, measures and schools (migration 0005)."""

    # The triggers remove a measure's rows with its last execution, which goes before it.
    measure = models.ForeignKey("roadmap.Measure", on_delete=models.DO_NOTHING, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.DO_NOTHING, related_name="+")
    executions = models.IntegerField()
    on_time = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("measure", "municipality"), name="measure_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.on_time}/{self.executions}"
