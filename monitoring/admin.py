from django.contrib import admin

from core.dates import DateRangeAdmin
from monitoring.models import (
    Answer,
    AnswerSet,
    Period,
    Question,
    Questionnaire,
    ReportEvent,
    SchoolReport,
    Swot,
    Target,
)


@admin.register(Target)
class TargetAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("indicator", "year", "value", "municipality")
    list_filter = ("municipality", "indicator")


@admin.register(Period)
class PeriodAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("title", "starts_on", "ends_on", "report_due_on", "municipality")
    list_filter = ("municipality",)


class ReportEventInline(DateRangeAdmin, admin.TabularInline):
    model = ReportEvent
    extra = 0
    readonly_fields = ("action", "user", "at", "comment")
    can_delete = False


@admin.register(SchoolReport)
class SchoolReportAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("school", "period", "status", "submitted_at", "reviewed_at")
    list_filter = ("status", "period")
    search_fields = ("school__short_name",)
    readonly_fields = ("figures", "submitted_at", "submitted_by", "reviewed_at", "reviewed_by")
    inlines = [ReportEventInline]


class QuestionInline(DateRangeAdmin, admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("title", "stage", "respondent", "scale_max", "is_active", "municipality")
    list_filter = ("municipality", "stage", "respondent")
    inlines = [QuestionInline]


class AnswerInline(DateRangeAdmin, admin.TabularInline):
    model = Answer
    extra = 0


@admin.register(AnswerSet)
class AnswerSetAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("report", "questionnaire", "form", "moment", "respondents")
    list_filter = ("questionnaire__stage", "form")
    inlines = [AnswerInline]


@admin.register(Swot)
class SwotAdmin(DateRangeAdmin, admin.ModelAdmin):
    list_display = ("report", "programme")
