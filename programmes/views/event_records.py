"""One event's statements, progress score, challenges, impact and sustain plan, and the
organisation's staff rates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import FormView

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.mixins import OrganisationViewMixin
from alwaysevents.views import ServiceFormMixin
from programmes import permissions, selectors, services
from programmes.forms import (
    AimForm,
    ChallengeForm,
    CostForm,
    CriterionForm,
    ImpactForm,
    ScoreForm,
    SignOffForm,
    SpreadForm,
    StaffRateForm,
    SustainPlanForm,
    VisionForm,
)
from programmes.models import Challenge, Criterion
from programmes.views.event_base import ActionFormsView, EventMixin


class EventStatementsView(ActionFormsView):
    template_name = "programmes/event_statements.html"
    tab = "programmes:event-statements"
    actions = {
        "vision": (VisionForm, permissions.can_edit_event),
        "sign_off": (SignOffForm, permissions.can_edit_event),
        "aim": (AimForm, permissions.can_edit_event),
        **{
            f"criterion_{kind}": (CriterionForm, permissions.can_edit_event)
            for kind in Criterion.Kind.values
        },
    }

    def form_kwargs(self, name: str) -> dict[str, Any]:
        return {"instance": self.event} if name in ("vision", "aim") else {}

    def initial(self, name: str) -> dict[str, Any]:
        if name == "sign_off":
            return {"signed_on": timezone.localdate()}
        if name.startswith("criterion_"):
            kind = name.removeprefix("criterion_")
            criterion = self.criteria.get(kind)
            return {
                "kind": kind,
                "confirmed": bool(criterion and criterion.confirmed),
                "evidence": criterion.evidence if criterion else "",
            }
        return {}

    @property
    def criteria(self) -> dict[str, Criterion]:
        if not hasattr(self, "_criteria"):
            self._criteria = {c.kind: c for c in selectors.event_criteria(event=self.event)}
        return self._criteria

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sign_offs"] = selectors.event_sign_offs(event=self.event)
        context["criteria"] = [
            (
                Criterion.Kind(kind).label,
                self.criteria.get(kind),
                context["forms"].get(f"criterion_{kind}"),
            )
            for kind in Criterion.Kind.values
        ]
        return context

    def perform_vision(self, form: VisionForm) -> str:
        services.event_set_vision(
            event=self.event,
            vision_statement=form.cleaned_data["vision_statement"],
            by=self.actor,
        )
        return "The vision statement is saved. Ask a partner to sign off the new wording."

    def perform_sign_off(self, form: SignOffForm) -> str:
        sign_off = services.vision_sign_off_record(
            event=self.event, by=self.actor, **form.cleaned_data
        )
        return f"Sign-off by {sign_off.signed_by_name} recorded."

    def perform_aim(self, form: AimForm) -> str:
        services.event_set_aim(event=self.event, by=self.actor, **form.cleaned_data)
        return "The aim is saved."

    def _perform_criterion(self, form: CriterionForm) -> str:
        criterion = services.criterion_set(event=self.event, by=self.actor, **form.cleaned_data)
        state = "confirmed" if criterion.confirmed else "saved, not yet confirmed"
        return f"{criterion.get_kind_display()}: {state}."

    def perform(self, name: str, form: Any) -> str:
        if name.startswith("criterion_"):
            return self._perform_criterion(form)
        return super().perform(name, form)


class ProgressScoreView(ActionFormsView):
    template_name = "programmes/event_score.html"
    actions = {"score": (ScoreForm, permissions.can_edit_event)}

    def initial(self, name: str) -> dict[str, Any]:
        progress = selectors.event_progress(event=self.event)
        return {"score": progress.latest.score if progress.latest else progress.suggested}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["progress"] = selectors.event_progress(event=self.event)
        return context

    def perform_score(self, form: ScoreForm) -> str:
        score = services.progress_score_set(event=self.event, by=self.actor, **form.cleaned_data)
        return f"Progress score {score.score} recorded."


class EventChallengesView(ActionFormsView):
    template_name = "programmes/event_challenges.html"
    tab = "programmes:event-challenges"
    actions = {"challenge": (ChallengeForm, permissions.can_edit_event)}

    def initial(self, name: str) -> dict[str, Any]:
        return {"noted_on": timezone.localdate()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["challenges"] = selectors.event_challenges(event=self.event)
        return context

    def perform_challenge(self, form: ChallengeForm) -> str:
        entry = services.challenge_record(event=self.event, by=self.actor, **form.cleaned_data)
        return f"{entry.get_kind_display().split(' (')[0]} recorded."


class ChallengeStatusView(EventMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, org_slug: str, pk: int, challenge_pk: int) -> HttpResponse:
        self.check(permissions.can_edit_event, "update challenges")
        challenge = get_object_or_404(Challenge, event=self.event, pk=challenge_pk)
        status = request.POST.get("status", "")
        try:
            services.challenge_set_status(challenge=challenge, status=status, by=self.actor)
            messages.success(request, f"Marked as {challenge.get_status_display().lower()}.")
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(self.event_url("programmes:event-challenges"))


class EventImpactView(ActionFormsView):
    template_name = "programmes/event_impact.html"
    tab = "programmes:event-impact"
    actions = {
        "impact": (ImpactForm, permissions.can_edit_event),
        "cost": (CostForm, permissions.can_edit_event),
    }

    def initial(self, name: str) -> dict[str, Any]:
        return {"noted_on": timezone.localdate(), "incurred_on": timezone.localdate()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["value"] = selectors.event_value_summary(event=self.event)
        return context

    def perform_impact(self, form: ImpactForm) -> str:
        services.impact_record(event=self.event, by=self.actor, **form.cleaned_data)
        return "Impact recorded."

    def perform_cost(self, form: CostForm) -> str:
        services.cost_record(event=self.event, by=self.actor, **form.cleaned_data)
        return "Cost recorded."


class EventSustainView(ActionFormsView):
    template_name = "programmes/event_sustain.html"
    tab = "programmes:event-sustain"
    actions = {
        "plan": (SustainPlanForm, permissions.can_edit_event),
        "spread": (SpreadForm, permissions.can_change_stage),
    }

    def form_kwargs(self, name: str) -> dict[str, Any]:
        if name == "plan":
            return {
                "organisation": self.organisation,
                "instance": getattr(self.event, "sustain_plan", None),
            }
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["children"] = selectors.event_children(event=self.event)
        return context

    def perform_plan(self, form: SustainPlanForm) -> str:
        services.sustain_plan_save(event=self.event, by=self.actor, **form.cleaned_data)
        return "The sustain plan is saved."

    def perform_spread(self, form: SpreadForm) -> str:
        child = services.event_spread(event=self.event, by=self.actor, **form.cleaned_data)
        return f"{child.title} has started in {child.service}, linked to this Always Event."


class StaffRateView(OrganisationViewMixin, ServiceFormMixin, FormView):
    """The hourly cost of staff time by pay band, used to cost the time teams log."""

    allowed_roles = frozenset({"organisation_admin"})
    form_class = StaffRateForm
    template_name = "programmes/staff_rates.html"
    success_message = (
        "{object.get_band_display}: £{object.hourly_rate} an hour "
        "from {object.effective_from:%d %b %Y}."
    )

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("organisation")
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"effective_from": timezone.localdate()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rates"] = selectors.staff_rate_list(organisation=self.organisation)
        return context

    def perform(self, form: StaffRateForm) -> Any:
        return services.staff_rate_set(organisation=self.organisation, **form.cleaned_data)

    def get_success_url(self) -> str:
        return self.request.path
