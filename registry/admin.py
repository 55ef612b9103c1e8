from django.contrib import admin

from core.admin import ReadOnlyAdmin
from core.dates import DateRangeAdmin
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


@admin.register(MentorLinkRequest)
class MentorLinkRequestAdmin(ReadOnlyAdmin):
    """Requests are decided on the registry's page, where each decision is audited."""

    list_display = ("pk", "mentor", "school", "state", "requested_by", "requested_at", "decided_at")
    list_filter = ("state",)
    search_fields = ("mentor__search_name", "requested_as", "school__short_name")
    list_select_related = ("mentor", "school", "requested_by")
