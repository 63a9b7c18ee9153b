from django.urls import path

from coproduction.views import event, exports, partners

app_name = "coproduction"

ORG = "o/<slug:org_slug>/"
EVENT = f"{ORG}events/<int:pk>/"

EXPORT_FORMATS = ("csv", "xlsx")  # downloads: the same table as CSV or Excel

urlpatterns = [
    path(
        f"{EVENT}coproduction/",
        event.EventCoproductionView.as_view(),
        name="event-coproduction",
    ),
    path(
        f"{EVENT}partners/<int:partner_pk>/",
        partners.PartnerDetailView.as_view(),
        name="partner-detail",
    ),
    path(f"{ORG}coproduction/audit/", partners.AuditLogView.as_view(), name="audit"),
    *(
        path(
            f"{EVENT}coproduction/activities/export.{fmt}",
            exports.ActivitiesExportView.as_view(),
            {"fmt": fmt},
            name="activity-export",
        )
        for fmt in EXPORT_FORMATS
    ),
]
