from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db import models

from core.models import AuditEvent, Department, ImportBatch, Municipality, Profile, School
from registry.accounts import must_change_password, require_password_change
from registry.dates import DateRangeAdmin
from registry.models import (
    Agreement,
    Consent,
    Mentee,
    Mentor,
    MentoringForm,
    MentorLinkRequest,
    Pair,
    PairMentee,
    PartnerOrganization,
    Programme,
    SchoolYearStats,
)


class DepartmentInline(DateRangeAdmin, admin.StackedInline):
    model = Department
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("name", "short_name")
    search_fields = ("name", "short_name")
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("short_name", "municipality", "head_name")
    search_fields = ("full_name", "short_name", "head_name")
    list_filter = ("municipality",)


@admin.register(School)
class SchoolAdmin(DateRangeAdmin, admin.ModelAdmin):
    # A site typed without a scheme is taken as https, as in the registry's own form.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("short_name", "full_name", "kind", "municipality", "is_active")
    search_fields = ("short_name", "full_name")
    list_filter = ("kind", "is_active", "municipality")


@admin.register(Profile)
class ProfileAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("user", "municipality", "school", "position", "phone")
    search_fields = ("user__username", "user__last_name", "user__first_name", "position")
    list_filter = ("municipality", "school")
    autocomplete_fields = ("school",)
    list_select_related = ("user", "municipality", "school")


class ProfileInline(DateRangeAdmin, admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ("school",)
    verbose_name_plural = "место работы"


admin.site.unregister(User)


@admin.register(User)
class UserWithProfileAdmin(DateRangeAdmin, UserAdmin):
    """Users with where they work. A user the administrator creates, or whose password the
    administrator sets, must choose their own password at the next login."""

    inlines = [ProfileInline]
    list_display = (
        "username",
        "last_name",
        "first_name",
        "email",
        "is_active",
        "is_superuser",
        "must_change_password",
    )
    list_filter = (
        "groups",
        "is_active",
        "is_superuser",
        "profile__municipality",
        "account_state__must_change_password",
    )
    list_select_related = ("account_state",)

    @admin.display(boolean=True, description="сменить пароль при входе")
    def must_change_password(self, obj):
        return must_change_password(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and form.instance.pk != request.user.pk:
            require_password_change(form.instance)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and str(request.user.pk) != id:
            require_password_change(User.objects.get(pk=id))
        return response


@admin.register(MentoringForm)
class MentoringFormAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("name", "mentor_kinds", "mentee_kinds", "position", "is_active")
    list_editable = ("position", "is_active")
    search_fields = ("name",)


@admin.register(SchoolYearStats)
class SchoolYearStatsAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = (
        "school",
        "school_year",
        "pupils_total",
        "pupils_10_plus",
        "teachers_total",
        "young_teachers",
    )
    list_filter = ("school_year_start", "school__municipality")
    search_fields = ("school__short_name",)
    list_select_related = ("school",)


@admin.register(Mentor)
class MentorAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("full_name", "birth_date", "kind", "partner", "municipality")
    list_filter = ("kind", "municipality")
    search_fields = ("search_name", "position")
    filter_horizontal = ("schools",)
    list_select_related = ("partner", "municipality")


class ConsentInline(DateRangeAdmin, admin.StackedInline):
    model = Consent
    extra = 0
    fk_name = "mentee"
    readonly_fields = (
        "recorded_by",
        "recorded_at",
        "withdrawal_recorded_by",
        "withdrawal_recorded_at",
    )


@admin.register(Mentee)
class MenteeAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("full_name", "birth_date", "school", "kind", "class_name")
    list_filter = ("kind", "school__municipality", "school")
    search_fields = ("search_name", "class_name")
    list_select_related = ("school",)
    inlines = [ConsentInline]
    readonly_fields = ("data_destroyed_at",)


@admin.register(Consent)
class ConsentAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("mentee", "representative_name", "given_on", "valid_until", "withdrawn_on")
    list_filter = ("relation", "withdrawn_on")
    search_fields = ("mentee__search_name", "representative_name")
    list_select_related = ("mentee",)
    raw_id_fields = ("mentee",)
    readonly_fields = (
        "recorded_by",
        "recorded_at",
        "withdrawal_recorded_by",
        "withdrawal_recorded_at",
    )


class AgreementInline(DateRangeAdmin, admin.TabularInline):
    model = Agreement
    extra = 0


@admin.register(PartnerOrganization)
class PartnerOrganizationAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("name", "inn", "municipality", "contact_person")
    list_filter = ("municipality",)
    search_fields = ("name", "inn")
    inlines = [AgreementInline]


@admin.register(Agreement)
class AgreementAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("__str__", "partner", "school", "valid_from", "valid_to")
    list_filter = ("school",)
    search_fields = ("number", "subject", "partner__name")
    list_select_related = ("partner", "school")


@admin.register(Programme)
class ProgrammeAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("title", "school", "form", "starts_on", "ends_on", "review_status")
    list_filter = ("review_status", "form", "school__municipality")
    search_fields = ("title", "school__short_name")
    list_select_related = ("school", "form")


class PairMenteeInline(DateRangeAdmin, admin.TabularInline):
    model = PairMentee
    extra = 0
    raw_id_fields = ("mentee",)
    readonly_fields = ("form", "is_active")


@admin.register(Pair)
class PairAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("mentor", "programme", "starts_on", "status")
    list_filter = ("status", "programme__form")
    search_fields = ("mentor__search_name", "programme__title")
    list_select_related = ("mentor", "programme")
    raw_id_fields = ("mentor", "programme")
    inlines = [PairMenteeInline]


class ReadOnlyAdmin(DateRangeAdmin, admin.ModelAdmin):
    """A log that nobody edits, administrators included."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "action", "object_type", "object_id", "school", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("user__username", "object_id", "detail")
    list_select_related = ("user", "school")


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = (
        "original_name",
        "entity",
        "user",
        "status",
        "rows",
        "created",
        "updated",
        "created_at",
    )
    list_filter = ("entity", "status")


@admin.register(MentorLinkRequest)
class MentorLinkRequestAdmin(ReadOnlyAdmin):
    """Requests are decided on the registry's page, where each decision is audited."""

    list_display = ("pk", "mentor", "school", "state", "requested_by", "requested_at", "decided_at")
    list_filter = ("state",)
    search_fields = ("mentor__search_name", "requested_as", "school__short_name")
    list_select_related = ("mentor", "school", "requested_by")
