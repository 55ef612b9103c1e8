"""The owner of roadmaps (municipality and its department) and the schools."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    name = models.CharField(_("наименование"), max_length=255, unique=True)
    short_name = models.CharField(_("краткое наименование"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("муниципальное образование")
        verbose_name_plural = _("муниципальные образования")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """The municipal department of education: its names and the lines of its letterhead."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.PROTECT,
        related_name="department",
        verbose_name=_("муниципальное образование"),
    )
    full_name = models.CharField(_("полное наименование"), max_length=255)
    short_name = models.CharField(_("краткое наименование"), max_length=255)
    header_lines = models.TextField(
        _("шапка бланка (русский)"),
        help_text=_("Строки бланка на русском языке, каждая с новой строки."),
    )
    header_lines_local = models.TextField(
        _("шапка бланка (государственный язык республики)"),
        blank=True,
        help_text=_("Строки бланка на втором государственном языке, каждая с новой строки."),
    )
    city = models.CharField(_("место издания"), max_length=120, help_text=_("Например, г. Аргун"))
    head_position = models.CharField(_("должность руководителя"), max_length=255)
    head_name = models.CharField(_("руководитель (И.О. Фамилия)"), max_length=255)

    class Meta:
        verbose_name = _("департамент образования")
        verbose_name_plural = _("департаменты образования")

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
        SCHOOL = "school", _("общеобразовательная организация")
        KINDERGARTEN = "kindergarten", _("дошкольная образовательная организация")
        ADDITIONAL = "additional", _("организация дополнительного образования")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="schools",
        verbose_name=_("муниципальное образование"),
    )
    full_name = models.CharField(_("полное наименование"), max_length=500)
    short_name = models.CharField(_("краткое наименование"), max_length=255)
    kind = models.CharField(_("тип"), max_length=20, choices=Kind.choices, default=Kind.SCHOOL)
    is_active = models.BooleanField(_("действует"), default=True)

    class Meta:
        verbose_name = _("образовательная организация")
        verbose_name_plural = _("образовательные организации")
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
        verbose_name=_("пользователь"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("муниципальное образование"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("образовательная организация"),
    )
    position = models.CharField(_("должность"), max_length=255, blank=True)
    phone = models.CharField(_("телефон"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("профиль пользователя")
        verbose_name_plural = _("профили пользователей")
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=True) | Q(municipality__isnull=False),
                name="profile_school_needs_municipality",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)
