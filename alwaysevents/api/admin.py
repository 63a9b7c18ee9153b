from django.contrib import admin
from django.http import HttpRequest

from alwaysevents.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Technical admins see tokens (never a secret: only its hash exists) and may revoke them."""

    list_display = [
        "name",
        "user",
        "prefix",
        "organisation",
        "read_only",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["read_only"]
    search_fields = ["name", "prefix", "user__email"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "organisation",
        "read_only",
        "created_at",
        "expires_at",
        "last_used_at",
    ]
    exclude = ["secret_hash"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
