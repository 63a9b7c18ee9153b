"""The organisation's dashboard: every Always Event at a glance, for sponsors and teams."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from alwaysevents.exceptions import DomainError
from alwaysevents.reporting.selectors.report import period_label
from alwaysevents.reporting.selectors.reports import (
    report_is_overdue,
    report_latest_unacknowledged,
)
from alwaysevents.reporting.services.reports import acknowledge_deadline
from alwaysevents.reporting.views.dashboard_body import dashboard_body, personal_parts
from alwaysevents.tenancy.mixins import OrganisationViewMixin
from programmes import permissions, services
from programmes.forms import CommentForm
from programmes.views.event_base import EventMixin


class DashboardView(OrganisationViewMixin, TemplateView):
    """Every member sees the whole organisation's dashboard (product.md, Users and roles).

    The body is cached per state of the organisation's data (`dashboard_body`); only the parts
    that differ between people are added here, so a repeat view costs a few queries: the
    challenges asking for this sponsor, the comment forms, and the person's latest report
    waiting to be acknowledged (one query)."""

    template_name = "reporting/dashboard_organisation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        body = dashboard_body(organisation=self.organisation, request=self.request)
        context["body"], context["needing_you"] = personal_parts(
            body, request=self.request, membership=self.membership
        )
        # Rendered by the template engine with the body, which escaped what needed escaping.
        context["status"] = mark_safe(body.status_html)  # noqa: S308
        # Reports go to whoever sponsors an event, whatever their role.
        report = report_latest_unacknowledged(membership=self.membership)
        if report is not None:
            context["waiting_report"] = {
                "report": report,
                "label": period_label(report.period),
                "deadline": acknowledge_deadline(report),
                "overdue": report_is_overdue(report),
            }
        return context


class DashboardCommentView(EventMixin, View):
    """A comment on an event's timeline, written from the dashboard (programmes' service)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check(permissions.can_comment, "comment")
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.event_comment_add(
                    event=self.event, text=form.cleaned_data["text"], by=self.actor
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"Your comment is on the timeline of {self.event.title}.")
        else:
            messages.error(request, f"Write a comment on {self.event.title} first.")
        back = request.POST.get("next", "")
        dashboard = reverse("reporting:dashboard", kwargs={"org_slug": self.organisation.slug})
        if not (
            back.startswith(dashboard)
            and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
        ):
            back = dashboard
        return redirect(f"{back}#event-{self.event.pk}")
