"""The programme dashboard for the NHS England programme team, and its tables as CSV."""

from __future__ import annotations

import csv
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from alwaysevents.reporting.selectors.programme import percent, programme_dashboard
from alwaysevents.tenancy.mixins import ProgrammeViewMixin


class ProgrammeDashboardView(ProgrammeViewMixin, TemplateView):
    template_name = "reporting/programme_dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        dashboard = programme_dashboard()
        context.update(
            dashboard=dashboard,
            codesign_percent=percent(dashboard.codesign_share),
            partner_percent=percent(dashboard.partner_share),
        )
        return context


class ProgrammeDashboardCsvView(ProgrammeViewMixin, View):
    """One table of the programme dashboard as a CSV file (the same rows as the page)."""

    def get(self, request: HttpRequest, table: str) -> HttpResponse:
        dashboard = programme_dashboard()
        if table not in dashboard.tables:
            raise Http404("No such table.")
        data = dashboard.tables[table]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"programme-{data.slug}-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        writer.writerow(data.headers)
        for row in data.rows:
            writer.writerow([_safe(cell) for cell in row])
        return response


def _safe(cell: Any) -> Any:
    """Keep spreadsheet programs from reading a text cell as a formula."""
    text = str(cell)
    if isinstance(cell, str) and text[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return cell
