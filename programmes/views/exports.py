"""Downloads: the events list (with the page's filters) and an event's challenges, CSV or Excel."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views import View

from alwaysevents.exports import table_response
from alwaysevents.tenancy.mixins import OrganisationViewMixin
from programmes import exports, selectors
from programmes.forms import EventFilterForm
from programmes.views.event_base import EventMixin


class EventListExportView(OrganisationViewMixin, View):
    def get(self, request: HttpRequest, org_slug: str, fmt: str) -> HttpResponse:
        form = EventFilterForm(
            request.GET or None,
            organisation=self.organisation,
            services=selectors.event_services(organisation=self.organisation),
        )
        filters: dict[str, Any] = {}
        if form.is_valid():
            sponsor = form.cleaned_data.get("sponsor")
            filters = {
                "stage": form.cleaned_data.get("stage") or None,
                "service": form.cleaned_data.get("service") or None,
                "sponsor_id": sponsor.pk if sponsor else None,
            }
        table = exports.events_table(organisation=self.organisation, **filters)
        return table_response(table, fmt, f"always-events-{self.organisation.slug}")


class ChallengesExportView(EventMixin, View):
    def get(self, request: HttpRequest, org_slug: str, pk: int, fmt: str) -> HttpResponse:
        return table_response(
            exports.challenges_table(event=self.event), fmt, f"challenges-event-{self.event.pk}"
        )
