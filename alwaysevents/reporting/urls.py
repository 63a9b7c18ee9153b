"""Personal pages: the signed-in person's own notifications (allow-listed in the URL audit);
sponsor reports and dashboards under the organisation, the signed link that acknowledges a
report, and the programme dashboard."""

from django.urls import path

from alwaysevents.reporting import views
from alwaysevents.reporting.views import dashboard, programme

app_name = "reporting"

ORG = "o/<slug:org_slug>/"

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/preferences/",
        views.NotificationPreferencesView.as_view(),
        name="notification-preferences",
    ),
    path(
        "notifications/<int:pk>/read/",
        views.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path(
        "notifications/read-all/",
        views.NotificationReadAllView.as_view(),
        name="notification-read-all",
    ),
    # Sponsor reports (OrganisationMiddleware answers 404 to non-members).
    path(f"{ORG}reports/", views.ReportListView.as_view(), name="report-list"),
    path(f"{ORG}reports/<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    path(f"{ORG}reports/<int:pk>/pdf/", views.ReportPdfView.as_view(), name="report-pdf"),
    path(
        f"{ORG}reports/<int:pk>/acknowledge/",
        views.ReportAcknowledgeView.as_view(),
        name="report-acknowledge",
    ),
    path(
        "reports/acknowledge/<str:token>/",
        views.ReportAcknowledgeLinkView.as_view(),
        name="report-acknowledge-link",
    ),
    # Dashboards (issue 7).
    path(f"{ORG}dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path(
        f"{ORG}dashboard/events/<int:pk>/comment/",
        dashboard.DashboardCommentView.as_view(),
        name="dashboard-comment",
    ),
    path(
        "programme/dashboard/",
        programme.ProgrammeDashboardView.as_view(),
        name="programme-dashboard",
    ),
    path(
        "programme/dashboard/<slug:table>.csv",
        programme.ProgrammeDashboardCsvView.as_view(),
        name="programme-dashboard-csv",
    ),
]
