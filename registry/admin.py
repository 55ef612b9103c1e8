from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from registry.models import Department, Municipality, Profile, School


class DepartmentInline(admin.StackedInline):
    model = Department
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name")
    search_fields = ("name", "short_name")
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("short_name", "municipality", "head_name")
    search_fields = ("full_name", "short_name", "head_name")
    list_filter = ("municipality",)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("short_name", "full_name", "kind", "municipality", "is_active")
    search_fields = ("short_name", "full_name")
    list_filter = ("kind", "is_active", "municipality")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "municipality", "school", "position", "phone")
    search_fields = ("user__username", "user__last_name", "user__first_name", "position")
    list_filter = ("municipality", "school")
    autocomplete_fields = ("school",)
    list_select_related = ("user", "municipality", "school")


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ("school",)
    verbose_name_plural = "место работы"


admin.site.unregister(User)


@admin.register(User)
class UserWithProfileAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "last_name", "first_name", "email", "is_active", "is_superuser")
    list_filter = ("groups", "is_active", "is_superuser", "profile__municipality")
