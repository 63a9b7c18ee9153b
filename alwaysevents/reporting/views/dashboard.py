"""The organisation's dashboard: every Always Event at a glance, for sponsors and teams."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from alwaysevents.exceptions import DomainError
from alwaysevents.reporting.selectors.dashboard import sponsor_dashboard
from alwaysevents.tenancy.mixins import OrganisationViewMixin
from programmes import permissions, selectors, services
from programmes.forms import CommentForm
from programmes.models import Cohort, Role, Stage
from programmes.views.event_base import EventMixin

SELECT = forms.Select(attrs={"class": "form-select"})
#: Event cards per page; the summary table above them lists every event.
CARDS_PER_PAGE = 20


class DashboardFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label="Stage", choices=[("", "Any stage"), *Stage.choices], required=False, widget=SELECT
    )
    service = forms.ChoiceField(label="Service or team", required=False, widget=SELECT)
    cohort = forms.ModelChoiceField(
        label="Cohort",
        queryset=Cohort.objects.none(),
        required=False,
        empty_label="Any cohort",
        widget=SELECT,
    )

    def __init__(self, *args: Any, services: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service_field = self.fields["service"]
        assert isinstance(service_field, forms.ChoiceField)  # noqa: S101 - narrows the type
        service_field.choices = [("", "Any service or team")] + [(s, s) for s in services]
        cohort_field = self.fields["cohort"]
        assert isinstance(cohort_field, forms.ModelChoiceField)  # noqa: S101
        cohort_field.queryset = selectors.cohort_list().order_by("name")


class DashboardView(OrganisationViewMixin, TemplateView):
    """Every member sees the whole organisation's dashboard (product.md, Users and roles)."""

    template_name = "reporting/dashboard_organisation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = DashboardFilterForm(
            self.request.GET or None,
            services=selectors.event_services(organisation=self.organisation),
        )
        filters: dict[str, Any] = {}
        if form.is_valid():
            cohort = form.cleaned_data.get("cohort")
            filters = {
                "stage": form.cleaned_data.get("stage") or None,
                "service": form.cleaned_data.get("service") or None,
                "cohort_id": cohort.pk if cohort else None,
            }
        dashboard = sponsor_dashboard(
            organisation=self.organisation,
            viewer=self.actor,
            with_accreditation=True,
            page=_page_number(self.request.GET.get("page")),
            per_page=CARDS_PER_PAGE,
            **filters,
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            dashboard=dashboard,
            filter_form=form,
            filtered=any(filters.values()),
            is_sponsor=self.membership.role == Role.EXECUTIVE_SPONSOR,
            commentable={
                row.event.pk
                for row in dashboard.cards
                if permissions.can_comment(self.membership, row.event)
            },
            comment_form=CommentForm(),
            here=self.request.get_full_path(),
            # The filters, kept in the links between pages.
            page_query=query.urlencode(),
        )
        return context


def _page_number(value: str | None) -> int:
    try:
        return int(value or 1)
    except ValueError:
        return 1


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
