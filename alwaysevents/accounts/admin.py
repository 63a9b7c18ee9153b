from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from alwaysevents.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_programme_admin", "is_reviewer", "is_active"]
    list_filter = ["is_programme_admin", "is_reviewer", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    # Programme roles are changed through the programme pages, which record who changed them.
    readonly_fields = ["is_programme_admin", "is_reviewer", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name",)}),
        ("Programme roles", {"fields": ("is_programme_admin", "is_reviewer")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
