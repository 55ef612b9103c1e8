from django.contrib import admin

from roadmap.models import (
    Execution,
    Measure,
    MeasureResponsibility,
    Order,
    OrderPoint,
    Participation,
    ResponsibleParty,
    Roadmap,
    Section,
)


@admin.register(ResponsibleParty)
class ResponsiblePartyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "position", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    list_editable = ("position", "is_active")


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ("school",)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ("number", "title")


@admin.register(Roadmap)
class RoadmapAdmin(admin.ModelAdmin):
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


class OrderPointInline(admin.TabularInline):
    model = OrderPoint
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "date", "roadmap", "signatory_name")
    list_filter = ("date", "roadmap__municipality")
    search_fields = ("number", "title", "preamble")
    inlines = [OrderPointInline]
    list_select_related = ("roadmap",)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "roadmap")
    list_filter = ("roadmap",)
    search_fields = ("title",)
    list_select_related = ("roadmap",)


class MeasureResponsibilityInline(admin.TabularInline):
    model = MeasureResponsibility
    extra = 0


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "deadline_text", "deadline_kind", "starts_on", "due_on")
    list_filter = ("deadline_kind", "section__roadmap", "responsible")
    search_fields = ("number", "title", "result", "deadline_text")
    readonly_fields = ("deadline_kind", "starts_on", "due_on", "recurrence", "version")
    inlines = [MeasureResponsibilityInline]
    list_select_related = ("section",)

    def save_model(self, request, obj, form, change):
        from roadmap.services import apply_deadline

        apply_deadline(obj, obj.section.roadmap)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        from roadmap.services import sync_executions

        super().save_related(request, form, formsets, change)
        sync_executions(form.instance.section.roadmap)


@admin.register(Execution)
class ExecutionAdmin(admin.ModelAdmin):
    list_display = ("measure", "executor_name", "status", "completed_on", "updated_at")
    list_filter = ("status", "measure__section__roadmap", "school")
    search_fields = ("measure__number", "measure__title", "school__short_name", "comment")
    list_select_related = ("measure", "school")
    autocomplete_fields = ("school",)
    raw_id_fields = ("measure",)
