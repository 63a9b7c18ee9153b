from django.urls import path

from coproduction.views import (
    event,
    exports,
    partner_pages,
    partners,
    payments,
    subject_access,
)

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
    # A partner's rights: everything held about them, and who opened their details.
    path(
        f"{ORG}coproduction/partners/<int:partner_pk>/export.zip",
        subject_access.PartnerExportView.as_view(),
        name="partner-export",
    ),
    path(
        f"{ORG}coproduction/partners/<int:partner_pk>/access-record/",
        subject_access.PartnerAccessRecordView.as_view(),
        name="partner-access-record",
    ),
    path(
        f"{ORG}coproduction/payments/",
        payments.PaymentSettingsView.as_view(),
        name="payment-settings",
    ),
    path(f"{EVENT}payments/", payments.EventPaymentsView.as_view(), name="event-payments"),
    path(
        f"{EVENT}payments/<int:claim_pk>/",
        payments.ClaimDetailView.as_view(),
        name="claim-detail",
    ),
    path(
        f"{EVENT}payments/<int:claim_pk>/receipt/",
        payments.ClaimReceiptView.as_view(),
        name="claim-receipt",
    ),
    # Staff invite a partner to sign in; the partner pages live under /me/.
    path(
        f"{EVENT}partners/<int:partner_pk>/invite/",
        partner_pages.PartnerInviteView.as_view(),
        name="partner-invite",
    ),
    path(f"{ORG}me/", partner_pages.PartnerHomeView.as_view(), name="partner-home"),
    path(
        f"{ORG}me/events/<int:pk>/",
        partner_pages.PartnerEventView.as_view(),
        name="partner-event",
    ),
    path(f"{ORG}me/details/", partner_pages.PartnerDetailsView.as_view(), name="partner-me"),
    path(
        f"{ORG}me/details/export.zip",
        subject_access.PartnerOwnExportView.as_view(),
        name="partner-me-export",
    ),
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
