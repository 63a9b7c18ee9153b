"""/api/: schema, documentation and version 1. Organisation resources sit under their slug."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from alwaysevents.api.views import coproduction, docs, measures, organisations, programme, testing

app_name = "api"

ORG = "v1/organisations/<slug:org_slug>/"
EVENT = f"{ORG}events/<int:event_id>/"
MEASURE = f"{EVENT}measures/<int:measure_id>/"

urlpatterns = [
    path(
        "schema/",
        login_not_required(
            SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[])
        ),
        name="schema",
    ),
    path("docs/", docs.ApiDocsView.as_view(), name="docs"),
    path(
        "v1/organisations/",
        organisations.OrganisationListView.as_view(),
        name="organisation-list",
    ),
    path(f"{ORG}events/", organisations.EventListView.as_view(), name="event-list"),
    path(EVENT, organisations.EventDetailView.as_view(), name="event-detail"),
    path(f"{EVENT}measures/", measures.MeasureListView.as_view(), name="measure-list"),
    path(MEASURE, measures.MeasureDetailView.as_view(), name="measure-detail"),
    path(f"{MEASURE}data-points/", measures.DataPointListView.as_view(), name="data-points"),
    path(f"{MEASURE}analysis/", measures.MeasureAnalysisView.as_view(), name="measure-analysis"),
    path(f"{EVENT}pdsa-cycles/", testing.PdsaCycleListView.as_view(), name="pdsa-cycle-list"),
    path(
        f"{EVENT}involvement/",
        coproduction.InvolvementSummaryView.as_view(),
        name="involvement-summary",
    ),
    path(
        f"{EVENT}involvement/activities/",
        coproduction.InvolvementActivityListView.as_view(),
        name="involvement-activities",
    ),
    path(
        "v1/programme/organisations/",
        programme.ProgrammeOrganisationListView.as_view(),
        name="programme-organisations",
    ),
]
