from django.contrib import admin

from programmes.models import Cohort, Organisation


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "ods_code", "type", "region", "cohort", "is_active"]
    list_filter = ["type", "region", "cohort", "is_active"]
    search_fields = ["name", "slug", "ods_code"]
