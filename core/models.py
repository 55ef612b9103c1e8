"""The tenant core: a municipality with its department and schools, where each user works
(profile) and what the product keeps about an account, the audit log of access to personal
data, and files uploaded for import. Every app builds on these; they import no other app.

The tables keep the names they were created with (``registry_*``): the models moved here from
the registry without moving a row.
"""

import uuid

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Municipality(models.Model):
    name = models.CharField("наименование", max_length=255, unique=True)
    short_name = models.CharField("краткое наименование", max_length=120, blank=True)

    class Meta:
        db_table = "registry_municipality"
        verbose_name = "муниципальное образование"
        verbose_name_plural = "муниципальные образования"
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """The municipal department of education: its names and the lines of its letterhead."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.PROTECT,
        related_name="department",
        verbose_name="муниципальное образование",
    )
    full_name = models.CharField("полное наименование", max_length=255)
    short_name = models.CharField("краткое наименование", max_length=255)
    header_lines = models.TextField(
        "шапка бланка (русский)",
        help_text="Строки бланка на русском языке, каждая с новой строки.",
    )
    header_lines_local = models.TextField(
        "шапка бланка (государственный язык республики)",
        blank=True,
        help_text="Строки бланка на втором государственном языке, каждая с новой строки.",
    )
    city = models.CharField("место издания", max_length=120, help_text="Например, г. Аргун")
    head_position = models.CharField("должность руководителя", max_length=255)
    head_name = models.CharField("руководитель (И.О. Фамилия)", max_length=255)

    class Meta:
        db_table = "registry_department"
        verbose_name = "департамент образования"
        verbose_name_plural = "департаменты образования"

    def __str__(self) -> str:
        return self.short_name

    @property
    def header_list(self) -> list[str]:
        return [line.strip() for line in self.header_lines.splitlines() if line.strip()]

    @property
    def header_local_list(self) -> list[str]:
        return [line.strip() for line in self.header_lines_local.splitlines() if line.strip()]


class School(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", "общеобразовательная организация"
        KINDERGARTEN = "kindergarten", "дошкольная образовательная организация"
        ADDITIONAL = "additional", "организация дополнительного образования"

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="schools",
        verbose_name="муниципальное образование",
    )
    full_name = models.CharField("полное наименование", max_length=500)
    short_name = models.CharField("краткое наименование", max_length=255)
    kind = models.CharField("тип", max_length=20, choices=Kind.choices, default=Kind.SCHOOL)
    is_active = models.BooleanField("действует", default=True)
    address = models.CharField("адрес", max_length=500, blank=True)
    director_name = models.CharField("руководитель", max_length=255, blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("e-mail", blank=True)
    website = models.URLField("сайт", blank=True)

    class Meta:
        db_table = "registry_school"
        verbose_name = "образовательная организация"
        verbose_name_plural = "образовательные организации"
        ordering = ("short_name",)
        constraints = [
            models.UniqueConstraint(
                fields=("municipality", "short_name"), name="school_unique_short_name"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name


class Profile(models.Model):
    """Where a user works: a municipality's department, or one school (for a curator)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name="пользователь",
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name="муниципальное образование",
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name="образовательная организация",
    )
    position = models.CharField("должность", max_length=255, blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)

    class Meta:
        db_table = "registry_profile"
        verbose_name = "профиль пользователя"
        verbose_name_plural = "профили пользователей"
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=True) | Q(municipality__isnull=False),
                name="profile_school_needs_municipality",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class AccountState(models.Model):
    """What the product keeps about an account beside Django's user: whether its password was
    set by someone else (and must be changed at the next login), when the owner last set it,
    and since when access is switched off. No row: nothing to demand."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="account_state",
        verbose_name="пользователь",
    )
    must_change_password = models.BooleanField(
        "сменить пароль при входе",
        default=False,
        help_text="Пароль задал не владелец: до смены открыта только страница смены пароля.",
    )
    password_changed_at = models.DateTimeField("пароль задан владельцем", null=True, blank=True)
    deactivated_at = models.DateTimeField("доступ отключён", null=True, blank=True)
    login_at = models.DateTimeField("последний вход", null=True, blank=True)
    previous_login_at = models.DateTimeField("предыдущий вход", null=True, blank=True)

    class Meta:
        db_table = "registry_accountstate"
        verbose_name = "состояние учётной записи"
        verbose_name_plural = "состояния учётных записей"

    def __str__(self) -> str:
        return str(self.user)


class AuditEvent(models.Model):
    """Who saw or exported whose personal data, and refused attempts.

    Append-only in PostgreSQL itself: a trigger refuses every UPDATE and DELETE of its rows,
    whoever sends them (the admin, a shell, raw SQL). A user or a school that has entries
    cannot be deleted (PROTECT): people leave by deactivation, and the entry keeps who it was.
    """

    class Action(models.TextChoices):
        VIEW = "view", "просмотр"
        EXPORT = "export", "выгрузка"
        IMPORT = "import", "загрузка"
        DOWNLOAD = "download", "скачивание файла"
        DENIED = "denied", "отказ в доступе"
        DESTROY = "destroy", "уничтожение данных"
        CHANGE = "change", "изменение записи"
        LINK = "link", "связь с ОО"
        LINK_REQUEST = "link_request", "запрос на связь с ОО"
        LINK_DECISION = "link_decision", "решение по запросу на связь"
        RESET_LINK = "reset_link", "выдача ссылки для смены пароля"
        PASSWORD = "password", "смена пароля"
        DEACTIVATE = "deactivate", "отключение доступа"
        REACTIVATE = "reactivate", "восстановление доступа"

    at = models.DateTimeField("когда", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто",
    )
    action = models.CharField("действие", max_length=20, choices=Action.choices)
    object_type = models.CharField("что", max_length=50)
    object_id = models.CharField("идентификатор", max_length=50, blank=True)
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.CharField("подробности", max_length=500, blank=True)
    ip = models.GenericIPAddressField("IP-адрес", null=True, blank=True)

    class Meta:
        db_table = "registry_auditevent"
        verbose_name = "запись журнала доступа"
        verbose_name_plural = "журнал доступа к персональным данным"
        ordering = ("-at", "-id")
        triggers = [
            pgtrigger.Trigger(
                name="append_only",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=(
                    "RAISE EXCEPTION 'Журнал доступа к персональным данным (%) только "
                    "дополняется: % записей запрещено', TG_TABLE_NAME, "
                    "CASE TG_OP WHEN 'DELETE' THEN 'удаление' ELSE 'изменение' END;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_action_display()} {self.object_type}"


def import_path(instance, filename: str) -> str:
    return f"imports/{uuid.uuid4().hex}.xlsx"


class ImportBatch(models.Model):
    """An uploaded file waiting between its preview and the user's confirmation."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "предпросмотр"
        DONE = "done", "загружено"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entity = models.CharField("что загружается", max_length=20)
    file = models.FileField(upload_to=import_path, max_length=255)
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "registry_importbatch"
        verbose_name = "загрузка из Excel"
        verbose_name_plural = "загрузки из Excel"
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"
