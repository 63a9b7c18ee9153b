"""Sponsor reports in the app: the list, one report, its PDF, and acknowledging it.

Sponsors read their own reports, organisation admins every sponsor's (others: 403, other
organisations: 404). The sponsor acknowledges with one click here, or by the signed link in the
email (`ReportAcknowledgeLinkView`), which works without signing in because it can do one thing
only: acknowledge that one report, for that one sponsor, once; opening it changes nothing until
the button is pressed (mail scanners open links).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from alwaysevents.exceptions import DomainError
from alwaysevents.reporting.models import SponsorReport
from alwaysevents.reporting.permissions import REPORT_ROLES, can_acknowledge_report
from alwaysevents.reporting.selectors.report import period_label
from alwaysevents.reporting.selectors.reports import (
    can_see_all_reports,
    report_deliveries,
    report_get,
    report_is_overdue,
    report_list,
)
from alwaysevents.reporting.selectors.reports import report_pdf as report_pdf_get
from alwaysevents.reporting.services.reports import (
    acknowledge_deadline,
    report_from_token,
    sponsor_report_acknowledge,
)
from alwaysevents.tenancy.mixins import OrganisationViewMixin


class ReportMixin(OrganisationViewMixin):
    allowed_roles = REPORT_ROLES

    def get_report(self, pk: int) -> SponsorReport:
        try:
            return report_get(membership=self.membership, pk=pk)
        except SponsorReport.DoesNotExist as error:
            raise Http404("No such report.") from error


class ReportListView(ReportMixin, TemplateView):
    template_name = "reporting/report_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = Paginator(report_list(membership=self.membership), 24).get_page(
            self.request.GET.get("page")
        )
        reports = list(page.object_list)
        deliveries = report_deliveries(reports)
        context["page_obj"] = page
        context["rows"] = [
            {
                "report": r,
                "label": period_label(r.period),
                "overdue": report_is_overdue(r),
                "deadline": acknowledge_deadline(r),
                "delivery": deliveries.get(r.pk, ""),
            }
            for r in reports
        ]
        context["sees_all"] = can_see_all_reports(self.membership)
        context["acknowledge_days"] = settings.REPORT_ACKNOWLEDGE_DAYS
        return context


class ReportDetailView(ReportMixin, TemplateView):
    template_name = "reporting/report_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = self.get_report(self.kwargs["pk"])
        context.update(
            report=report,
            label=period_label(report.period),
            # The stored snapshot is our own rendering, every value escaped when it was made.
            body=mark_safe(report.html),  # noqa: S308
            can_acknowledge=can_acknowledge_report(self.membership, report),
            overdue=report_is_overdue(report),
            deadline=acknowledge_deadline(report),
            delivery=report_deliveries([report]).get(report.pk, ""),
        )
        return context


class ReportPdfView(ReportMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            report, pdf = report_pdf_get(membership=self.membership, pk=kwargs["pk"])
        except SponsorReport.DoesNotExist as error:
            raise Http404("No such report.") from error
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"always-events-report-{self.organisation.slug}-{report.period}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ReportAcknowledgeView(ReportMixin, View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = self.get_report(kwargs["pk"])
        try:
            sponsor_report_acknowledge(report=report, by=self.actor, via=SponsorReport.Via.APP)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"Thank you: the report for {period_label(report.period)} is acknowledged."
            )
        dashboard = reverse("reporting:dashboard", kwargs={"org_slug": self.organisation.slug})
        if request.POST.get("next") == dashboard:  # acknowledged from the dashboard: back there
            return redirect(dashboard)
        return redirect("reporting:report-detail", org_slug=self.organisation.slug, pk=report.pk)


@method_decorator(login_not_required, name="dispatch")
class ReportAcknowledgeLinkView(View):
    template_name = "reporting/report_acknowledge_link.html"

    def _report(self, request: HttpRequest, token: str) -> SponsorReport | HttpResponse:
        try:
            report = report_from_token(token)
        except DomainError as error:
            return render(request, self.template_name, {"error": error.message}, status=400)
        user = request.user
        if user.is_authenticated and user.pk != report.sponsor_id:
            return render(
                request,
                self.template_name,
                {
                    "error": "This link is for another person's report. Sign out, or ask the "
                    "sponsor it was sent to to open it."
                },
                status=403,
            )
        return report

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        report = self._report(request, token)
        if isinstance(report, HttpResponse):
            return report
        return render(
            request,
            self.template_name,
            {"report": report, "label": period_label(report.period), "token": token},
        )

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        report = self._report(request, token)
        if isinstance(report, HttpResponse):
            return report
        already = report.acknowledged_at is not None
        if not already:
            sponsor_report_acknowledge(report=report, by=report.sponsor, via=SponsorReport.Via.LINK)
        return render(
            request,
            self.template_name,
            {
                "report": report,
                "label": period_label(report.period),
                "done": True,
                "already": already,
            },
        )
