"""The URL map. Organisation pages live under /o/<org_slug>/ (see tests/test_url_audit.py)."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from alwaysevents import views
from alwaysevents.health import healthz

# The technical admin signs in through allauth, with its two-step verification and rate limits.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Always Events® technical admin"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("alwaysevents.api.urls")),
    path("account/", views.AccountView.as_view(), name="account-home"),
    path("account/tokens/", include("alwaysevents.api.tokens_urls")),
    path("", include("programmes.urls")),
    path("", include("measurement.urls")),
    path("", include("coproduction.urls")),
    path("", include("accreditation.urls")),
    path("", include("alwaysevents.reporting.urls")),
]

handler400 = "alwaysevents.views.bad_request"
handler403 = "alwaysevents.views.permission_denied"
handler404 = "alwaysevents.views.page_not_found"
handler500 = "alwaysevents.views.server_error"
