from django.urls import path

from alwaysevents.reporting.views import dashboard, programme

app_name = "reporting"

ORG = "o/<slug:org_slug>/"

urlpatterns = [
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
