"""The mentoring registry of a municipality: mentors, mentees and their consents, programmes,
pairs, partner organisations and agreements, schools' yearly counts, link requests."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Municipality, School


class SchoolYearStats(models.Model):
    """Pupil and teacher counts of a school for a school year: the indicators' denominators."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="year_stats", verbose_name=_("ОО")
    )
    school_year_start = models.PositiveSmallIntegerField(_("учебный год (начало)"))
    pupils_total = models.PositiveIntegerField(_("обучающихся всего"))
    pupils_10_plus = models.PositiveIntegerField(_("обучающихся в возрасте 10 лет и старше"))
    teachers_total = models.PositiveIntegerField(_("педагогов всего"))
    young_teachers = models.PositiveIntegerField(
        _("педагогов до 35 лет со стажем до 3 лет"), default=0
    )

    class Meta:
        verbose_name = _("численность на учебный год")
        verbose_name_plural = _("численность на учебные годы")
        ordering = ("school", "-school_year_start")
        constraints = [
            models.UniqueConstraint(
                fields=("school", "school_year_start"), name="stats_unique_school_year"
            ),
            models.CheckConstraint(
                condition=Q(pupils_10_plus__lte=models.F("pupils_total")),
                name="stats_pupils_10_plus_within_total",
                violation_error_message=_(
                    "Обучающихся 10 лет и старше больше, чем обучающихся всего."
                ),
            ),
            models.CheckConstraint(
                condition=Q(young_teachers__lte=models.F("teachers_total")),
                name="stats_young_teachers_within_total",
                violation_error_message=_("Молодых педагогов больше, чем педагогов всего."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year_start}–{self.school_year_start + 1}"

    @property
    def school_year(self) -> str:
        return f"{self.school_year_start}–{self.school_year_start + 1}"


class PersonKind(models.TextChoices):
    PUPIL = "pupil", _("обучающийся")
    TEACHER = "teacher", _("педагог")
    STUDENT = "student", _("студент")
    EMPLOYEE = "employee", _("сотрудник организации-партнёра")
    GRADUATE = "graduate", _("выпускник")


MENTEE_KINDS = (PersonKind.PUPIL, PersonKind.TEACHER, PersonKind.STUDENT)


class MentoringForm(models.Model):
    """A form of mentoring (Р-145) and which kinds of mentor and mentee it admits."""

    name = models.CharField(_("наименование"), max_length=100, unique=True)
    mentor_kinds = ArrayField(
        models.CharField(max_length=20, choices=PersonKind.choices),
        verbose_name=_("кто может быть наставником"),
    )
    mentee_kinds = ArrayField(
        models.CharField(max_length=20, choices=PersonKind.choices),
        verbose_name=_("кто может быть наставляемым"),
    )
    position = models.PositiveSmallIntegerField(_("порядок"), default=0)
    is_active = models.BooleanField(_("используется"), default=True)

    class Meta:
        verbose_name = _("форма наставничества")
        verbose_name_plural = _("формы наставничества")
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


def search_key(text: str) -> str:
    """What names are searched by: upper case, «Ё» as «Е», single spaces."""
    return " ".join(text.upper().replace("Ё", "Е").split())


class Person(models.Model):
    """Common to mentors and mentees: who, born when, where; unique in the municipality."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("муниципалитет")
    )
    last_name = models.CharField(_("фамилия"), max_length=100)
    first_name = models.CharField(_("имя"), max_length=100)
    patronymic = models.CharField(_("отчество"), max_length=100, blank=True)
    birth_date = models.DateField(_("дата рождения"))
    phone = models.CharField(_("телефон"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    search_name = models.CharField(max_length=310, editable=False, default="")
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.full_name)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def initials(self) -> str:
        """«И. И. И.»: the depersonalised name, for documents sent outside the department."""
        return " ".join(f"{p[0]}." for p in (self.last_name, self.first_name, self.patronymic) if p)

    def age_on(self, day) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _person_identity(prefix: str) -> list:
    return [
        models.UniqueConstraint(
            "municipality",
            Lower("last_name"),
            Lower("first_name"),
            Lower("patronymic"),
            "birth_date",
            name=f"{prefix}_unique_person",
            violation_error_message=_("Такой человек уже есть в реестре муниципалитета."),
        ),
    ]


class PartnerOrganization(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="partners",
        verbose_name=_("муниципалитет"),
    )
    name = models.CharField(_("наименование"), max_length=500)
    inn = models.CharField(_("ИНН"), max_length=12, blank=True)
    address = models.CharField(_("адрес"), max_length=500, blank=True)
    contact_person = models.CharField(_("контактное лицо"), max_length=255, blank=True)
    phone = models.CharField(_("телефон"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("организация-партнёр")
        verbose_name_plural = _("организации-партнёры")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=("municipality", "name"), name="partner_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """An agreement with a partner (measure 1.12): the department's or one school's."""

    partner = models.ForeignKey(
        PartnerOrganization,
        on_delete=models.CASCADE,
        related_name="agreements",
        verbose_name=_("организация-партнёр"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("ОО"),
        help_text=_("Пусто — соглашение департамента."),
    )
    number = models.CharField(_("номер"), max_length=50)
    date = models.DateField(_("дата"))
    subject = models.TextField(_("предмет"))
    valid_from = models.DateField(_("действует с"))
    valid_to = models.DateField(_("действует по"), null=True, blank=True)

    class Meta:
        verbose_name = _("соглашение")
        verbose_name_plural = _("соглашения")
        ordering = ("-date", "number")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agreement_term_ordered",
                violation_error_message=_(
                    "Срок действия соглашения заканчивается раньше, чем начинается."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Соглашение № {self.number} от {self.date:%d.%m.%Y}"


class Mentor(Person):
    kind = models.CharField(_("кто"), max_length=20, choices=PersonKind.choices)
    schools = models.ManyToManyField(
        School, related_name="mentors", verbose_name=_("ОО"), blank=True
    )
    partner = models.ForeignKey(
        PartnerOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentors",
        verbose_name=_("организация-партнёр"),
    )
    position = models.CharField(_("должность или класс"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("наставник")
        verbose_name_plural = _("наставники")
        ordering = ("last_name", "first_name", "patronymic", "id")
        constraints = _person_identity("mentor")
        indexes = [
            models.Index(
                fields=("municipality", "last_name", "first_name", "patronymic", "id"),
                name="mentor_list_idx",
            ),
            models.Index(
                fields=("search_name",), opclasses=("text_pattern_ops",), name="mentor_search_idx"
            ),
        ]


class Mentee(Person):
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="mentees", verbose_name=_("ОО")
    )
    kind = models.CharField(
        _("кто"),
        max_length=20,
        choices=[(k.value, k.label) for k in MENTEE_KINDS],
        default=PersonKind.PUPIL,
    )
    class_name = models.CharField(_("класс или группа"), max_length=20, blank=True)
    position = models.CharField(_("должность (для педагога)"), max_length=255, blank=True)
    experience_years = models.PositiveSmallIntegerField(_("стаж, лет"), null=True, blank=True)
    data_destroyed_at = models.DateTimeField(
        _("персональные данные уничтожены"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("наставляемый")
        verbose_name_plural = _("наставляемые")
        ordering = ("last_name", "first_name", "patronymic", "id")
        constraints = _person_identity("mentee")
        indexes = [
            models.Index(
                fields=("school", "last_name", "first_name", "patronymic", "id"),
                name="mentee_school_list_idx",
            ),
            models.Index(
                fields=("municipality", "last_name", "first_name", "patronymic", "id"),
                name="mentee_list_idx",
            ),
            models.Index(
                fields=("search_name",), opclasses=("text_pattern_ops",), name="mentee_search_idx"
            ),
        ]


def consent_scan_path(instance, filename: str) -> str:
    from pathlib import PurePosixPath

    extension = PurePosixPath(filename).suffix.lower()[:8]
    return f"consents/{uuid.uuid4().hex}{extension}"


class Consent(models.Model):
    """A legal representative's consent to processing a minor's personal data (152-ФЗ, ст. 9)."""

    class Relation(models.TextChoices):
        MOTHER = "mother", _("мать")
        FATHER = "father", _("отец")
        GUARDIAN = "guardian", _("опекун")
        TRUSTEE = "trustee", _("попечитель")
        OTHER = "other", _("иной законный представитель")

    mentee = models.ForeignKey(
        Mentee, on_delete=models.CASCADE, related_name="consents", verbose_name=_("наставляемый")
    )
    representative_name = models.CharField(_("ФИО законного представителя"), max_length=255)
    relation = models.CharField(_("кем приходится"), max_length=20, choices=Relation.choices)
    document = models.CharField(
        _("документ представителя"), max_length=255, help_text=_("Например: паспорт 96 00 123456")
    )
    given_on = models.DateField(_("дата согласия"))
    valid_until = models.DateField(_("действует до"), null=True, blank=True)
    purposes = models.TextField(
        _("цели обработки"),
        default="Участие в программе наставничества образовательной организации; "
        "учёт и мониторинг реализации целевой модели наставничества.",
    )
    data_scope = models.TextField(
        _("перечень данных"),
        default="Фамилия, имя, отчество; дата рождения; образовательная организация, класс; "
        "сведения об участии в программе наставничества.",
    )
    scan = models.FileField(_("скан"), upload_to=consent_scan_path, blank=True, max_length=255)
    scan_name = models.CharField(_("имя файла скана"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("внёс")
    )
    recorded_at = models.DateTimeField(_("внесено"), default=timezone.now)
    withdrawn_on = models.DateField(_("дата отзыва"), null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("отзыв внёс"),
    )
    withdrawal_recorded_at = models.DateTimeField(_("отзыв внесён"), null=True, blank=True)

    class Meta:
        verbose_name = _("согласие на обработку ПДн")
        verbose_name_plural = _("согласия на обработку ПДн")
        ordering = ("mentee", "-given_on", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("given_on")),
                name="consent_term_ordered",
                violation_error_message=_("Срок действия согласия раньше даты согласия."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
                violation_error_message=_("Дата отзыва согласия раньше даты согласия."),
            ),
        ]

    def __str__(self) -> str:
        return f"Согласие от {self.given_on:%d.%m.%Y} ({self.representative_name})"

    def is_valid_on(self, day) -> bool:
        if day < self.given_on:
            return False
        if self.valid_until and day > self.valid_until:
            return False
        return not (self.withdrawn_on and day >= self.withdrawn_on)


class Programme(models.Model):
    class Review(models.TextChoices):
        NOT_SENT = "not_sent", _("не направлена на экспертизу")
        UNDER_REVIEW = "under_review", _("на экспертизе")
        APPROVED = "approved", _("одобрена")
        RETURNED = "returned", _("возвращена на доработку")

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("ОО")
    )
    form = models.ForeignKey(
        MentoringForm, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("форма")
    )
    title = models.CharField(_("наименование"), max_length=500)
    starts_on = models.DateField(_("начало"))
    ends_on = models.DateField(_("окончание"))
    review_status = models.CharField(
        _("экспертиза"), max_length=20, choices=Review.choices, default=Review.NOT_SENT
    )
    reviewer = models.CharField(_("эксперт"), max_length=255, blank=True)
    review_conclusion = models.TextField(_("заключение эксперта"), blank=True)
    reviewed_on = models.DateField(_("дата заключения"), null=True, blank=True)

    class Meta:
        verbose_name = _("программа наставничества")
        verbose_name_plural = _("программы наставничества")
        ordering = ("school", "title")
        constraints = [
            models.UniqueConstraint(fields=("school", "title"), name="programme_unique_title"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="programme_term_ordered",
                violation_error_message=_("Окончание программы раньше её начала."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Pair(models.Model):
    """A mentor with one mentee (a pair) or several (a group), inside a programme."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("планируется")
        ACTIVE = "active", _("действует")
        COMPLETED = "completed", _("завершена")
        TERMINATED = "terminated", _("прекращена досрочно")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="pairs", verbose_name=_("программа")
    )
    mentor = models.ForeignKey(
        Mentor, on_delete=models.PROTECT, related_name="pairs", verbose_name=_("наставник")
    )
    mentees = models.ManyToManyField(
        Mentee, through="PairMentee", related_name="pairs", verbose_name=_("наставляемые")
    )
    starts_on = models.DateField(_("начало"))
    ends_on = models.DateField(_("окончание"), null=True, blank=True)
    status = models.CharField(
        _("статус"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    termination_reason = models.TextField(_("причина прекращения"), blank=True)
    goals = models.TextField(_("цели"), blank=True)
    result = models.TextField(_("результат"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("наставническая пара (группа)")
        verbose_name_plural = _("наставнические пары и группы")
        ordering = ("-starts_on", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="pair_term_ordered",
                violation_error_message=_("Окончание пары раньше её начала."),
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | ~Q(termination_reason=""),
                name="pair_termination_has_reason",
                violation_error_message=_("Укажите причину досрочного прекращения."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} — {self.programme}"


class PairMentee(models.Model):
    """A mentee in a pair; the form and the active flag are copied here so that the database
    itself keeps a mentee in at most one active pair of a form."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="memberships")
    mentee = models.ForeignKey(Mentee, on_delete=models.PROTECT, related_name="memberships")
    form = models.ForeignKey(MentoringForm, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("участник пары")
        verbose_name_plural = _("участники пар")
        constraints = [
            models.UniqueConstraint(fields=("pair", "mentee"), name="pair_mentee_unique"),
            models.UniqueConstraint(
                fields=("mentee", "form"),
                condition=Q(is_active=True),
                name="mentee_one_active_pair_per_form",
                violation_error_message=_(
                    "Наставляемый уже состоит в действующей паре этой формы наставничества."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} в {self.pair}"


class MentorLinkRequest(models.Model):
    """A school asks to link a mentor already in the municipal registry: the department, or
    the curator of a school the mentor already works at, approves or rejects it."""

    class State(models.TextChoices):
        PENDING = "pending", _("ожидает решения")
        APPROVED = "approved", _("одобрен")
        REJECTED = "rejected", _("отклонён")

    mentor = models.ForeignKey(
        Mentor, on_delete=models.CASCADE, related_name="link_requests", verbose_name=_("наставник")
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="mentor_link_requests",
        verbose_name=_("ОО, отправившая запрос"),
    )
    requested_as = models.CharField(
        _("наставник, как указал заявитель"),
        max_length=330,
        help_text=_("ФИО и дата рождения в том виде, в каком их ввёл куратор ОО-заявителя."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("запросил"),
    )
    requested_at = models.DateTimeField(_("запрошено"), default=timezone.now)
    source = models.CharField(_("откуда"), max_length=255, blank=True)
    state = models.CharField(
        _("состояние"), max_length=20, choices=State.choices, default=State.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("решение принял"),
    )
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    comment = models.TextField(_("комментарий к решению"), blank=True, max_length=1000)

    class Meta:
        verbose_name = _("запрос на связь наставника с ОО")
        verbose_name_plural = _("запросы на связь наставников с ОО")
        ordering = ("-requested_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("mentor", "school"),
                condition=Q(state="pending"),
                name="link_request_one_pending",
                violation_error_message=_(
                    "Запрос на связь этого наставника с ОО уже отправлен и ожидает решения."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(state="pending") & Q(decided_at__isnull=True))
                | (~Q(state="pending") & Q(decided_at__isnull=False)),
                name="link_request_decided_when_not_pending",
            ),
        ]
        indexes = [
            models.Index(fields=("state", "school"), name="link_request_state_idx"),
        ]

    def __str__(self) -> str:
        return f"Запрос № {self.pk} ({self.get_state_display()})"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING
