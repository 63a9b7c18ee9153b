"""Downloads: an event's involvement activities as counts, CSV or Excel."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views import View

from alwaysevents.exports import table_response
from coproduction import exports
from coproduction.permissions import can_see_partner_counts
from programmes.views.event_base import EventMixin


class ActivitiesExportView(EventMixin, View):
    def get(self, request: HttpRequest, org_slug: str, pk: int, fmt: str) -> HttpResponse:
        if not can_see_partner_counts(self.membership):
            raise PermissionDenied("Your role does not include co-production counts.")
        return table_response(
            exports.activities_table(event=self.event), fmt, f"coproduction-event-{self.event.pk}"
        )
