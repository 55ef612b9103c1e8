"""The admin of the tenant models and of users (with where they work)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db import models

from core.accounts.services import must_change_password, require_password_change
from core.dates import DateRangeAdmin
from core.models import AuditEvent, Department, ImportBatch, Municipality, Profile, School


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
