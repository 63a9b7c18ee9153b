"""Downloads: a measure's data points (Excel; `MeasureExportView` serves the same table as CSV)
and PDSA cycles."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views import View

from alwaysevents.exports import table_response
from measurement import exports
from measurement.permissions import can_view_testing
from measurement.selectors import measures as selectors
from measurement.views.measures import MeasureMixin, chart_context
from programmes.views.event_base import EventMixin


class DataPointsExportView(MeasureMixin, View):
    def get(self, request: HttpRequest, *args: object, fmt: str, **kwargs: object) -> HttpResponse:
        self.load_measure()
        points = selectors.measure_points(measure=self.measure)
        context = chart_context(
            self.measure, points, selectors.measure_phases(measure=self.measure)
        )
        table = exports.data_points_table(title=self.measure.name, table_rows=context["table"])
        return table_response(table, fmt, f"measure-{self.measure.pk}")


class PdsaCyclesExportView(EventMixin, View):
    def get(self, request: HttpRequest, org_slug: str, pk: int, fmt: str) -> HttpResponse:
        self.check(can_view_testing, "see PDSA cycles")
        return table_response(
            exports.pdsa_cycles_table(event=self.event), fmt, f"pdsa-cycles-event-{self.event.pk}"
        )
