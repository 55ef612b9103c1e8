from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.dates import DateRangeAdmin
from roadmap.models import (
    Amendment,
    Evidence,
    Execution,
    Measure,
    MeasureResponsibility,
    Order,
    OrderPoint,
    Participation,
    ReminderDigest,
    Report,
    ResponsibleParty,
    Roadmap,
    SchoolCalendar,
    Section,
)
from roadmap.selectors import responsible_display
from roadmap.services import apply_deadline, apply_school_calendar, sync_executions


@admin.register(ResponsibleParty)
class ResponsiblePartyAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("name", "kind", "position", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    list_editable = ("position", "is_active")


@admin.register(SchoolCalendar)
class SchoolCalendarAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("municipality", *SchoolCalendar.FIELDS)
    list_select_related = ("municipality",)
    fieldsets = [
        (None, {"fields": ["municipality"]}),
        (
            "Четверти (ДД.ММ)",
            {"fields": [SchoolCalendar.FIELDS[i : i + 2] for i in range(0, 8, 2)]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        apply_school_calendar(obj.municipality)


class ParticipationInline(DateRangeAdmin, admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ("school",)


class SectionInline(DateRangeAdmin, admin.TabularInline):
    model = Section
    extra = 0
    fields = ("number", "title")


@admin.register(Roadmap)
class RoadmapAdmin(DateRangeAdmin, SimpleHistoryAdmin):
    list_display = (
        "short_title",
        "school_year",
        "municipality",
        "status",
        "period_start",
        "period_end",
    )
    list_filter = ("status", "municipality", "school_year_start")
    search_fields = ("title", "order__number")
    inlines = [SectionInline, ParticipationInline]
    list_select_related = ("municipality",)


class OrderPointInline(DateRangeAdmin, admin.TabularInline):
    model = OrderPoint
    extra = 0


@admin.register(Order)
class OrderAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("number", "date", "roadmap", "signatory_name")
    list_filter = ("date", "roadmap__municipality")
    search_fields = ("number", "title", "preamble")
    inlines = [OrderPointInline]
    list_select_related = ("roadmap",)


@admin.register(Section)
class SectionAdmin(DateRangeAdmin, SimpleHistoryAdmin):
    list_display = ("number", "title", "roadmap")
    list_filter = ("roadmap",)
    search_fields = ("title",)
    list_select_related = ("roadmap",)


class MeasureResponsibilityInline(DateRangeAdmin, admin.TabularInline):
    model = MeasureResponsibility
    extra = 0


@admin.register(Measure)
class MeasureAdmin(DateRangeAdmin, SimpleHistoryAdmin):
    list_display = ("number", "title", "deadline_text", "deadline_kind", "starts_on", "due_on")
    list_filter = ("deadline_kind", "section__roadmap", "responsible")
    search_fields = ("number", "title", "result", "deadline_text")
    readonly_fields = (
        "deadline_kind",
        "starts_on",
        "due_on",
        "recurrence",
        "responsible_text",
        "version",
    )
    inlines = [MeasureResponsibilityInline]
    list_select_related = ("section",)

    def save_model(self, request, obj, form, change):
        apply_deadline(obj, obj.section.roadmap)
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        measure = form.instance
        names = [r.party.name for r in measure.responsibilities.select_related("party")]
        Measure.objects.filter(pk=measure.pk).update(responsible_text=responsible_display(names))
        sync_executions(measure.section.roadmap, request.user)


@admin.register(Execution)
class ExecutionAdmin(DateRangeAdmin, SimpleHistoryAdmin):
    list_display = ("measure", "executor_name", "status", "completed_on", "updated_at")
    list_filter = ("status", "measure__section__roadmap", "school")
    search_fields = ("measure__number", "measure__title", "school__short_name", "comment")
    list_select_related = ("measure", "school")
    autocomplete_fields = ("school",)
    raw_id_fields = ("measure",)


@admin.register(Amendment)
class AmendmentAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "roadmap",
        "reason",
        "order_date",
        "order_number",
        "opened_by",
        "closed_at",
    )
    list_filter = ("roadmap",)
    search_fields = ("reason", "basis", "order_number")
    list_select_related = ("roadmap", "opened_by")


class EvidenceInline(DateRangeAdmin, admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ("original_name", "content_type", "size", "sha256", "uploaded_at", "file")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("execution", "submitted_by", "submitted_at", "decision", "reviewed_by")
    list_filter = ("decision", "execution__measure__section__roadmap")
    search_fields = ("text", "review_comment", "execution__school__short_name")
    list_select_related = ("execution__measure", "execution__school", "submitted_by", "reviewed_by")
    raw_id_fields = ("execution",)
    inlines = [EvidenceInline]


@admin.register(ReminderDigest)
class ReminderDigestAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("user", "sent_on", "items", "sent_at")
    list_filter = ("sent_on",)
    search_fields = ("user__username", "user__email")
    readonly_fields = ("user", "sent_on", "sent_at", "items", "body")
