"""One event's statements, progress score, challenges, impact and sustain plan, and the
organisation's staff rates."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

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
from programmes.models import AlwaysEvent, Challenge, Criterion, VisionSignOff
from programmes.views.event_base import ActionFormsView, EventMixin


class EventStatementsView(EventMixin, TemplateView):
    """What is saved of the vision, its partner sign-offs, the aim and the four criteria, each
    with a link to its own page of one form (so typing in one never loses another's words)."""

    template_name = "programmes/event_statements.html"
    tab = "programmes:event-statements"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        saved = {c.kind: c for c in selectors.event_criteria(event=self.event)}
        slug = self.organisation.slug
        context["sign_offs"] = selectors.event_sign_offs(event=self.event)
        context["criteria"] = [
            (
                Criterion.Kind(kind).label,
                saved.get(kind),
                reverse(
                    "programmes:event-criterion",
                    kwargs={"org_slug": slug, "pk": self.event.pk, "kind": kind},
                ),
            )
            for kind in Criterion.Kind.values
        ]
        return context


class StatementFormView(EventMixin, ServiceFormMixin, FormView):
    """One statement (the vision, a partner's sign-off, the aim or one criterion) on a page of
    its own with one form. Saved, it goes back to the statements page with the message."""

    view_permission = (permissions.can_edit_event,)
    tab = "programmes:event-statements"
    template_name = "programmes/event_statement_form.html"
    heading: ClassVar[str] = ""
    lead: ClassVar[str] = ""
    submit_label: ClassVar[str] = "Save"
    # The sign-off page shows the wording being signed off (and, with no vision, no form).
    shows_vision: ClassVar[bool] = False

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check(permissions.can_edit_event, "change the vision, aim and criteria")
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("organisation")  # these forms offer none of the organisation's rows
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            heading=self.get_heading(),
            lead=self.lead,
            submit_label=self.submit_label,
            submit_hidden=self.get_submit_hidden(),
            shows_vision=self.shows_vision,
            cancel_url=self.get_success_url(),
        )
        return context

    def get_heading(self) -> str:
        return self.heading

    def get_submit_hidden(self) -> str:
        """Words after the button's label for screen readers, where the label is short."""
        return ""

    def get_success_url(self) -> str:
        return self.event_url("programmes:event-statements")


class EventVisionView(StatementFormView):
    form_class = VisionForm
    heading = "Vision statement"
    lead = (
        "In the words of patients, families and carers, written together with them: "
        "“We will always …”."
    )
    submit_label = "Save the vision"
    success_message = "The vision statement is saved. Ask a partner to sign off the new wording."

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.event}

    def perform(self, form: VisionForm) -> AlwaysEvent:
        return services.event_set_vision(
            event=self.event,
            vision_statement=form.cleaned_data["vision_statement"],
            by=self.actor,
        )


class VisionSignOffView(StatementFormView):
    form_class = SignOffForm
    heading = "Record a partner's sign-off"
    lead = "A partner who helped write the vision confirms this wording."
    submit_label = "Record sign-off"
    shows_vision = True
    success_message = "Sign-off by {object.signed_by_name} recorded."

    def get_initial(self) -> dict[str, Any]:
        return {"signed_on": timezone.localdate()}

    def perform(self, form: SignOffForm) -> VisionSignOff:
        return services.vision_sign_off_record(event=self.event, by=self.actor, **form.cleaned_data)


class EventAimView(StatementFormView):
    form_class = AimForm
    heading = "Aim"
    lead = (
        "The aim says what will happen, for whom, how much and by when. "
        "Fill in every part and it reads as one sentence."
    )
    submit_label = "Save the aim"
    success_message = "The aim is saved."

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.event}

    def perform(self, form: AimForm) -> AlwaysEvent:
        return services.event_set_aim(event=self.event, by=self.actor, **form.cleaned_data)


class EventCriterionView(StatementFormView):
    """One of the four criteria, named in the address; any other name is not found."""

    form_class = CriterionForm
    lead = "Confirm it with what shows it: you can save what shows it first and confirm later."

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if kwargs["kind"] not in Criterion.Kind.values:
            raise Http404("No such criterion.")
        self.kind = str(kwargs["kind"])
        return super().dispatch(request, *args, **kwargs)

    def get_heading(self) -> str:
        return f"Criterion: {Criterion.Kind(self.kind).label}"

    def get_submit_hidden(self) -> str:
        return str(Criterion.Kind(self.kind).label)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "kind": self.kind}

    def get_initial(self) -> dict[str, Any]:
        saved = next(
            (c for c in selectors.event_criteria(event=self.event) if c.kind == self.kind), None
        )
        return {
            "confirmed": bool(saved and saved.confirmed),
            "evidence": saved.evidence if saved else "",
        }

    def perform(self, form: CriterionForm) -> Criterion:
        criterion = services.criterion_set(
            event=self.event, kind=self.kind, by=self.actor, **form.cleaned_data
        )
        state = "confirmed" if criterion.confirmed else "saved, not yet confirmed"
        self.success_message = f"{criterion.get_kind_display()}: {state}."
        return criterion


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
