"""The mentoring registry of a municipality: mentors, mentees and their consents, programmes,
pairs, partner organisations and agreements, schools' yearly counts, link requests."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.models import Municipality, School
from registry import consent_terms


class SchoolYearStats(models.Model):
    """Pupil and teacher counts of a school for a school year: the indicators' denominators."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="year_stats", verbose_name="ОО"
    )
    school_year_start = models.PositiveSmallIntegerField("учебный год (начало)")
    pupils_total = models.PositiveIntegerField("обучающихся всего")
    pupils_10_plus = models.PositiveIntegerField("обучающихся в возрасте 10 лет и старше")
    teachers_total = models.PositiveIntegerField("педагогов всего")
    young_teachers = models.PositiveIntegerField(
        "педагогов до 35 лет со стажем до 3 лет", default=0
    )

    class Meta:
        verbose_name = "численность на учебный год"
        verbose_name_plural = "численность на учебные годы"
        ordering = ("school", "-school_year_start")
        constraints = [
            models.UniqueConstraint(
                fields=("school", "school_year_start"), name="stats_unique_school_year"
            ),
            models.CheckConstraint(
                condition=Q(pupils_10_plus__lte=models.F("pupils_total")),
                name="stats_pupils_10_plus_within_total",
                violation_error_message=(
                    "Обучающихся 10 лет и старше больше, чем обучающихся всего."
                ),
            ),
            models.CheckConstraint(
                condition=Q(young_teachers__lte=models.F("teachers_total")),
                name="stats_young_teachers_within_total",
                violation_error_message="Молодых педагогов больше, чем педагогов всего.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year_start}–{self.school_year_start + 1}"

    @property
    def school_year(self) -> str:
        return f"{self.school_year_start}–{self.school_year_start + 1}"


class PersonKind(models.TextChoices):
    PUPIL = "pupil", "обучающийся"
    TEACHER = "teacher", "педагог"
    STUDENT = "student", "студент"
    EMPLOYEE = "employee", "сотрудник организации-партнёра"
    GRADUATE = "graduate", "выпускник"


MENTEE_KINDS = (PersonKind.PUPIL, PersonKind.TEACHER, PersonKind.STUDENT)


class MentoringForm(models.Model):
    """A form of mentoring (Р-145) and which kinds of mentor and mentee it admits."""

    name = models.CharField("наименование", max_length=100, unique=True)
    mentor_kinds = ArrayField(
        models.CharField(max_length=20, choices=PersonKind.choices),
        verbose_name="кто может быть наставником",
    )
    mentee_kinds = ArrayField(
        models.CharField(max_length=20, choices=PersonKind.choices),
        verbose_name="кто может быть наставляемым",
    )
    position = models.PositiveSmallIntegerField("порядок", default=0)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "форма наставничества"
        verbose_name_plural = "формы наставничества"
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


def search_key(text: str) -> str:
    """What names are searched by: upper case, «Ё» as «Е», single spaces."""
    return " ".join(text.upper().replace("Ё", "Е").split())


class Person(models.Model):
    """Common to mentors and mentees: who, born when, where; unique in the municipality."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name="муниципалитет"
    )
    last_name = models.CharField("фамилия", max_length=100)
    first_name = models.CharField("имя", max_length=100)
    patronymic = models.CharField("отчество", max_length=100, blank=True)
    birth_date = models.DateField("дата рождения")
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("e-mail", blank=True)
    search_name = models.CharField(max_length=310, editable=False, default="")
    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

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
            violation_error_message="Такой человек уже есть в реестре муниципалитета.",
        ),
    ]


class PartnerOrganization(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="partners",
        verbose_name="муниципалитет",
    )
    name = models.CharField("наименование", max_length=500)
    inn = models.CharField("ИНН", max_length=12, blank=True)
    address = models.CharField("адрес", max_length=500, blank=True)
    contact_person = models.CharField("контактное лицо", max_length=255, blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("e-mail", blank=True)

    class Meta:
        verbose_name = "организация-партнёр"
        verbose_name_plural = "организации-партнёры"
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
        verbose_name="организация-партнёр",
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name="ОО",
        help_text="Пусто — соглашение департамента.",
    )
    number = models.CharField("номер", max_length=50)
    date = models.DateField("дата")
    subject = models.TextField("предмет")
    valid_from = models.DateField("действует с")
    valid_to = models.DateField("действует по", null=True, blank=True)

    class Meta:
        verbose_name = "соглашение"
        verbose_name_plural = "соглашения"
        ordering = ("-date", "number")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agreement_term_ordered",
                violation_error_message=(
                    "Срок действия соглашения заканчивается раньше, чем начинается."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Соглашение № {self.number} от {self.date:%d.%m.%Y}"


class Mentor(Person):
    kind = models.CharField("кто", max_length=20, choices=PersonKind.choices)
    schools = models.ManyToManyField(School, related_name="mentors", verbose_name="ОО", blank=True)
    partner = models.ForeignKey(
        PartnerOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentors",
        verbose_name="организация-партнёр",
    )
    position = models.CharField("должность или класс", max_length=255, blank=True)

    class Meta:
        verbose_name = "наставник"
        verbose_name_plural = "наставники"
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
        School, on_delete=models.PROTECT, related_name="mentees", verbose_name="ОО"
    )
    kind = models.CharField(
        "кто",
        max_length=20,
        choices=[(k.value, k.label) for k in MENTEE_KINDS],
        default=PersonKind.PUPIL,
    )
    class_name = models.CharField("класс или группа", max_length=20, blank=True)
    position = models.CharField("должность (для педагога)", max_length=255, blank=True)
    experience_years = models.PositiveSmallIntegerField("стаж, лет", null=True, blank=True)
    request = models.ForeignKey(
        "registry.MenteeRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentees",
        verbose_name="запрос",
    )
    data_destroyed_at = models.DateTimeField(
        "персональные данные уничтожены", null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = "наставляемый"
        verbose_name_plural = "наставляемые"
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


class MenteeRequest(models.Model):
    """What a mentee asks mentoring for («адаптация в коллективе», «профориентация»…): the
    municipality's own list, kept by staff; a request in use is switched off, not deleted."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="mentee_requests",
        verbose_name="муниципалитет",
    )
    name = models.CharField("запрос", max_length=255)
    position = models.PositiveIntegerField("порядок", default=0)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "запрос наставляемого"
        verbose_name_plural = "запросы наставляемых"
        ordering = ("municipality", "position", "name")
        constraints = [
            models.UniqueConstraint(
                "municipality",
                Lower("name"),
                name="mentee_request_unique_name",
                violation_error_message="Такой запрос уже есть в списке.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def registry_file_path(instance, filename: str) -> str:
    """A server-made name: the user's file name never reaches the file system."""
    from pathlib import PurePosixPath

    extension = PurePosixPath(filename).suffix.lower()[:8]
    return f"registry/{type(instance).__name__.lower()}/{uuid.uuid4().hex}{extension}"


class StoredFile(models.Model):
    """A checked upload: the type read from its content, the name the user gave it."""

    file = models.FileField("файл", upload_to=registry_file_path, max_length=255, blank=True)
    original_name = models.CharField("имя файла", max_length=255, blank=True)
    content_type = models.CharField("тип файла", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("размер, байт", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)

    class Meta:
        abstract = True


class MentorTraining(StoredFile):
    """A course a mentor took (ЧИПКРО and the like), with its certificate."""

    mentor = models.ForeignKey(
        "registry.Mentor",
        on_delete=models.CASCADE,
        related_name="trainings",
        verbose_name="наставник",
    )
    course = models.CharField("курс", max_length=500)
    organisation = models.CharField("организация", max_length=255)
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="внёс"
    )
    created_at = models.DateTimeField("внесено", auto_now_add=True)

    class Meta:
        verbose_name = "обучение наставника"
        verbose_name_plural = "обучение наставников"
        ordering = ("mentor", "-ends_on", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="training_dates_ordered",
                violation_error_message="Окончание обучения раньше его начала.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.organisation})"


class ConclusionFile(StoredFile):
    """The file of a programme's expert conclusion (заключение экспертизы)."""

    programme = models.OneToOneField(
        "registry.Programme",
        on_delete=models.CASCADE,
        related_name="conclusion_file",
        verbose_name="программа",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="загрузил",
    )
    uploaded_at = models.DateTimeField("загружено", auto_now=True)

    class Meta:
        verbose_name = "файл заключения экспертизы"
        verbose_name_plural = "файлы заключений экспертизы"

    def __str__(self) -> str:
        return self.original_name


class Consent(models.Model):
    """A legal representative's consent to processing a minor's personal data (152-ФЗ, ст. 9)."""

    class Relation(models.TextChoices):
        MOTHER = "mother", "мать"
        FATHER = "father", "отец"
        GUARDIAN = "guardian", "опекун"
        TRUSTEE = "trustee", "попечитель"
        OTHER = "other", "иной законный представитель"

    mentee = models.ForeignKey(
        Mentee, on_delete=models.CASCADE, related_name="consents", verbose_name="наставляемый"
    )
    representative_name = models.CharField("ФИО законного представителя", max_length=255)
    relation = models.CharField("кем приходится", max_length=20, choices=Relation.choices)
    document = models.CharField(
        "документ представителя", max_length=255, help_text="Например: паспорт 96 00 123456"
    )
    given_on = models.DateField("дата согласия")
    valid_until = models.DateField("действует до", null=True, blank=True)
    purposes = models.TextField(
        "цели обработки",
        default="Участие в программе наставничества образовательной организации; "
        "учёт и мониторинг реализации целевой модели наставничества.",
    )
    data_scope = models.TextField(
        "перечень данных",
        default="Фамилия, имя, отчество; дата рождения; образовательная организация, класс; "
        "сведения об участии в программе наставничества.",
    )
    scan = models.FileField("скан", upload_to=consent_scan_path, blank=True, max_length=255)
    scan_name = models.CharField("имя файла скана", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="внёс"
    )
    recorded_at = models.DateTimeField("внесено", default=timezone.now)
    withdrawn_on = models.DateField("дата отзыва", null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="отзыв внёс",
    )
    withdrawal_recorded_at = models.DateTimeField("отзыв внесён", null=True, blank=True)

    class Meta:
        verbose_name = "согласие на обработку ПДн"
        verbose_name_plural = "согласия на обработку ПДн"
        ordering = ("mentee", "-given_on", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("given_on")),
                name="consent_term_ordered",
                violation_error_message="Срок действия согласия раньше даты согласия.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
                violation_error_message="Дата отзыва согласия раньше даты согласия.",
            ),
        ]

    def __str__(self) -> str:
        return f"Согласие от {self.given_on:%d.%m.%Y} ({self.representative_name})"

    def is_valid_on(self, day) -> bool:
        return consent_terms.Term.of(self).covers(day)

    def state_on(self, day) -> consent_terms.State:
        """«действует до …», «истекло …», «отозвано …» on the day."""
        return consent_terms.state_on(consent_terms.Term.of(self), day)


class Programme(models.Model):
    class Review(models.TextChoices):
        NOT_SENT = "not_sent", "не направлена на экспертизу"
        UNDER_REVIEW = "under_review", "на экспертизе"
        APPROVED = "approved", "одобрена"
        RETURNED = "returned", "возвращена на доработку"

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="programmes", verbose_name="ОО"
    )
    form = models.ForeignKey(
        MentoringForm, on_delete=models.PROTECT, related_name="programmes", verbose_name="форма"
    )
    title = models.CharField("наименование", max_length=500)
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")
    review_status = models.CharField(
        "экспертиза", max_length=20, choices=Review.choices, default=Review.NOT_SENT
    )
    reviewer = models.CharField("эксперт", max_length=255, blank=True)
    review_conclusion = models.TextField("заключение эксперта", blank=True)
    reviewed_on = models.DateField("дата заключения", null=True, blank=True)

    class Meta:
        verbose_name = "программа наставничества"
        verbose_name_plural = "программы наставничества"
        ordering = ("school", "title")
        constraints = [
            models.UniqueConstraint(fields=("school", "title"), name="programme_unique_title"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="programme_term_ordered",
                violation_error_message="Окончание программы раньше её начала.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Pair(models.Model):
    """A mentor with one mentee (a pair) or several (a group), inside a programme."""

    class Status(models.TextChoices):
        PLANNED = "planned", "планируется"
        ACTIVE = "active", "действует"
        COMPLETED = "completed", "завершена"
        TERMINATED = "terminated", "прекращена досрочно"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="pairs", verbose_name="программа"
    )
    mentor = models.ForeignKey(
        Mentor, on_delete=models.PROTECT, related_name="pairs", verbose_name="наставник"
    )
    mentees = models.ManyToManyField(
        Mentee, through="PairMentee", related_name="pairs", verbose_name="наставляемые"
    )
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание", null=True, blank=True)
    status = models.CharField(
        "статус", max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    termination_reason = models.TextField("причина прекращения", blank=True)
    goals = models.TextField("цели", blank=True)
    result = models.TextField("результат", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "наставническая пара (группа)"
        verbose_name_plural = "наставнические пары и группы"
        ordering = ("-starts_on", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="pair_term_ordered",
                violation_error_message="Окончание пары раньше её начала.",
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | ~Q(termination_reason=""),
                name="pair_termination_has_reason",
                violation_error_message="Укажите причину досрочного прекращения.",
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
        verbose_name = "участник пары"
        verbose_name_plural = "участники пар"
        constraints = [
            models.UniqueConstraint(fields=("pair", "mentee"), name="pair_mentee_unique"),
            models.UniqueConstraint(
                fields=("mentee", "form"),
                condition=Q(is_active=True),
                name="mentee_one_active_pair_per_form",
                violation_error_message=(
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
        PENDING = "pending", "ожидает решения"
        APPROVED = "approved", "одобрен"
        REJECTED = "rejected", "отклонён"

    mentor = models.ForeignKey(
        Mentor, on_delete=models.CASCADE, related_name="link_requests", verbose_name="наставник"
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="mentor_link_requests",
        verbose_name="ОО, отправившая запрос",
    )
    requested_as = models.CharField(
        "наставник, как указал заявитель",
        max_length=330,
        help_text="ФИО и дата рождения в том виде, в каком их ввёл куратор ОО-заявителя.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="запросил",
    )
    requested_at = models.DateTimeField("запрошено", default=timezone.now)
    source = models.CharField("откуда", max_length=255, blank=True)
    state = models.CharField(
        "состояние", max_length=20, choices=State.choices, default=State.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="решение принял",
    )
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    comment = models.TextField("комментарий к решению", blank=True, max_length=1000)

    class Meta:
        verbose_name = "запрос на связь наставника с ОО"
        verbose_name_plural = "запросы на связь наставников с ОО"
        ordering = ("-requested_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("mentor", "school"),
                condition=Q(state="pending"),
                name="link_request_one_pending",
                violation_error_message=(
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
