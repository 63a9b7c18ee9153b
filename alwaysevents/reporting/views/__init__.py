"""Views of the reporting app, split by sub-domain and re-exported here."""

from alwaysevents.reporting.views.notifications import (
    NotificationListView,
    NotificationPreferencesView,
    NotificationReadAllView,
    NotificationReadView,
)
from alwaysevents.reporting.views.reports import (
    ReportAcknowledgeLinkView,
    ReportAcknowledgeView,
    ReportDetailView,
    ReportListView,
    ReportPdfView,
)

__all__ = [
    "NotificationListView",
    "NotificationPreferencesView",
    "NotificationReadAllView",
    "NotificationReadView",
    "ReportAcknowledgeLinkView",
    "ReportAcknowledgeView",
    "ReportDetailView",
    "ReportListView",
    "ReportPdfView",
]
