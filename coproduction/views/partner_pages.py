"""The partner pages (`/o/<org_slug>/me/...`): what a partner who signs in sees and does.

Only memberships with the partner role reach these pages (every other page answers 403 to
them, see `OrganisationViewMixin`). Each page starts from the partner record the membership is
linked to and shows only what is theirs. Staff invite partners from the partner's page
(`PartnerInviteView`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.mixins import OrganisationViewMixin
from alwaysevents.tenancy.scope import owned_by
from alwaysevents.views import add_domain_error
from coproduction import permissions as cp_permissions
from coproduction.models import Attendance, Consent, Partner
from coproduction.partner_forms import (
    FeedbackForm,
    OwnDetailsForm,
    SignOffOwnForm,
    SuggestionForm,
    WithdrawOwnConsentForm,
)
from coproduction.selectors import partner_access as selectors
from coproduction.selectors import suggestions as suggestion_selectors
from coproduction.selectors.partners import partner_get, partner_list
from coproduction.selectors.payments import partner_own_claims
from coproduction.services import partner_access as services
from coproduction.services import suggestions as suggestion_services
from programmes.models import AlwaysEvent, Role
from programmes.plain_charts import plain_charts
from programmes.views.event_base import EventMixin

PARTNER_ONLY = frozenset({Role.PARTNER})


class PartnerPageMixin(OrganisationViewMixin):
    """A page for the signed-in partner: finds their partner record, or refuses."""

    allowed_roles: ClassVar[frozenset[str] | None] = PARTNER_ONLY
    partner: Partner

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        membership = getattr(request, "membership", None)
        if membership is not None and membership.role == Role.PARTNER:
            partner = services.partner_for_membership(membership=membership)
            if partner is None:
                raise PermissionDenied(
                    "Your sign-in is no longer linked to a partner record. Please ask the team."
                )
            self.partner = partner
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["partner"] = self.partner
        return context

    def done(self, message: str, url: str | None = None) -> HttpResponse:
        messages.success(self.request, message)
        return redirect(url or self.request.path)


class PartnerHomeView(PartnerPageMixin, TemplateView):
    """Their own Always Events: the statement, where things are, and the charts."""

    template_name = "coproduction/partner_home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        events = selectors.partner_events(partner=self.partner)
        by_pk = AlwaysEvent.objects.with_scope(organisation=self.organisation.pk).in_bulk(
            [event.pk for event in events if event.taking_part]
        )
        context["events"] = [
            (event, plain_charts(event=by_pk[event.pk]) if event.pk in by_pk else [])
            for event in events
        ]
        return context


class PartnerEventView(PartnerPageMixin, TemplateView):
    """One of their events: sign off the vision, see the charts, tell the team what they would
    change, and give feedback on the activities they took part in, one at a time.

    The feedback card shows one activity: `?activity=<attendance id>` when asked for, else the
    first still waiting for their feedback. Sending feedback brings up the next one waiting.
    """

    template_name = "coproduction/partner_event.html"

    def load(self) -> None:
        rows = selectors.partner_events(partner=self.partner, pk=self.kwargs["pk"])
        if not rows:
            raise Http404("This is not one of your Always Events.")
        self.summary = rows[0]
        self.event = AlwaysEvent.objects.with_scope(organisation=self.organisation.pk).get(
            organisation=self.organisation, pk=self.summary.pk
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        return super().get(request, *args, **kwargs)

    def _asked_for(self) -> int | None:
        try:
            return int(self.request.GET.get("activity", ""))
        except ValueError:
            return None

    def feedback_context(self, bound: FeedbackForm | None) -> dict[str, Any]:
        """The one activity to give feedback on, its form, where it is in the list, the next."""
        activities = list(self.summary.activities)
        waiting = [a for a in activities if not a.feedback]
        wanted = bound.initial.get("attendance") if bound is not None else self._asked_for()
        current = next((a for a in activities if a.attendance_id == wanted), None)
        if current is None and waiting:
            current = waiting[0]
        context: dict[str, Any] = {
            "activities": activities,
            "feedback_waiting": len(waiting),
            "feedback_activity": current,
            "feedback_form": None,
            "feedback_position": 0,
            "feedback_next": None,
        }
        if current is None:
            return context
        position = activities.index(current)
        after = activities[position + 1 :] + activities[:position]
        context.update(
            feedback_form=bound
            or FeedbackForm(
                prefix=f"feedback-{current.attendance_id}",
                initial={"attendance": current.attendance_id, "text": current.feedback},
            ),
            feedback_position=position + 1,
            # Skipping leads to the next one still waiting, else simply the next one.
            feedback_next=next((a for a in after if not a.feedback), after[0] if after else None),
        )
        return context

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            summary=self.summary,
            charts=plain_charts(event=self.event) if self.summary.taking_part else [],
            sign_off_form=kwargs.get("sign_off_form") or SignOffOwnForm(prefix="sign_off"),
            suggestion_form=kwargs.get("suggestion_form") or SuggestionForm(prefix="suggestion"),
            own_suggestions=suggestion_selectors.partner_own_suggestions(
                partner=self.partner, event=self.event
            ),
            **self.feedback_context(kwargs.get("bound_feedback")),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        action = request.POST.get("action", "")
        if action == "sign_off":
            return self.sign_off()
        if action == "suggestion":
            return self.suggest()
        if action == "feedback":
            return self.feedback()
        return HttpResponseBadRequest("Unknown action.")

    def sign_off(self) -> HttpResponse:
        form = SignOffOwnForm(data=self.request.POST, prefix="sign_off")
        if form.is_valid():
            try:
                services.partner_sign_off_own_vision(
                    partner=self.partner, event=self.event, by=self.actor
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return self.done("Thank you. Your sign-off of the vision statement is recorded.")
        return self.render_to_response(self.get_context_data(sign_off_form=form))

    def suggest(self) -> HttpResponse:
        form = SuggestionForm(data=self.request.POST, prefix="suggestion")
        if form.is_valid():
            try:
                suggestion_services.partner_suggestion_make(
                    partner=self.partner,
                    event=self.event,
                    text=form.cleaned_data["text"],
                    by=self.actor,
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return self.done("Thank you. The team can now read what you would change.")
        return self.render_to_response(self.get_context_data(suggestion_form=form))

    def feedback(self) -> HttpResponse:
        try:
            attendance_id = int(self.request.POST.get("attendance_id", ""))
        except ValueError:
            return HttpResponseBadRequest("Which activity?")
        if attendance_id not in {a.attendance_id for a in self.summary.activities}:
            raise Http404("You did not take part in this activity.")
        form = FeedbackForm(
            data=self.request.POST,
            prefix=f"feedback-{attendance_id}",
            initial={"attendance": attendance_id},
        )
        if form.is_valid():
            attendance = Attendance.objects.with_scope(organisation=self.organisation.pk).get(
                organisation=self.organisation, pk=attendance_id
            )
            try:
                services.attendance_feedback_give(
                    partner=self.partner,
                    attendance=attendance,
                    text=form.cleaned_data["text"],
                    by=self.actor,
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                # Back to the page without `?activity=`: it shows the next one still waiting.
                return self.done("Thank you. The team can now read your feedback.")
        return self.render_to_response(self.get_context_data(bound_feedback=form))


class PartnerDetailsView(PartnerPageMixin, TemplateView):
    """Their own details and consents: change how to contact them, withdraw a consent."""

    template_name = "coproduction/partner_me.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        partner = self.partner
        context.update(
            details_form=kwargs.get("details_form")
            or OwnDetailsForm(
                prefix="details",
                initial={
                    "contact_preference": partner.contact_preference,
                    "access_needs": partner.access_needs,
                    "access_needs_other": partner.access_needs_other,
                },
            ),
            withdraw_error=kwargs.get("withdraw_error", ""),
            confirm_withdraw=self._asked_to_withdraw(),
            consents=selectors.partner_consents(partner=partner),
            claims=partner_own_claims(partner=partner),
            relationship=partner.get_relationship_display(),
            contact_preference=partner.get_contact_preference_display(),
        )
        return context

    def _asked_to_withdraw(self) -> int | None:
        """The consent named by `?withdraw=<pk>`: the page asks to confirm before withdrawing."""
        try:
            return int(self.request.GET.get("withdraw", ""))
        except ValueError:
            return None

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action", "")
        if action == "details":
            return self.update_details()
        if action == "withdraw":
            return self.withdraw()
        return HttpResponseBadRequest("Unknown action.")

    def update_details(self) -> HttpResponse:
        form = OwnDetailsForm(data=self.request.POST, prefix="details")
        if form.is_valid():
            try:
                services.partner_update_own_details(
                    partner=self.partner, by=self.actor, **form.cleaned_data
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return self.done("Your details are saved.")
        return self.render_to_response(self.get_context_data(details_form=form))

    def withdraw(self) -> HttpResponse:
        form = WithdrawOwnConsentForm(data=self.request.POST, prefix="withdraw")
        if not form.is_valid():
            return HttpResponseBadRequest("Which consent?")
        consent = (
            owned_by(Consent, self.organisation)
            .filter(partner=self.partner, pk=form.cleaned_data["consent"])
            .first()
        )
        if consent is None:
            raise Http404("This is not one of your consents.")
        try:
            services.partner_withdraw_own_consent(
                partner=self.partner, consent=consent, by=self.actor
            )
        except DomainError as error:
            return self.render_to_response(self.get_context_data(withdraw_error=error.message))
        words = selectors.CONSENT_WORDS.get(Consent.Purpose(consent.purpose), "")
        return self.done(
            f"You have withdrawn your consent to: {words.lower()}. This is recorded for the team."
        )


# --- staff: invite a partner to sign in ---------------------------------------------------------


class PartnerInviteView(EventMixin, View):
    """POST only, from the partner's page: the team lead or the organisation admin invites them."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            partner = partner_get(organisation=self.organisation, pk=kwargs["partner_pk"])
        except Partner.DoesNotExist as exc:
            raise Http404("No such partner.") from exc
        if not any(row.partner_id == partner.pk for row in partner_list(event=self.event)):
            raise Http404("This partner does not take part in this Always Event.")
        if not cp_permissions.can_invite_partner(self.membership, partner, self.event):
            raise PermissionDenied("Only the team lead and the organisation admin can invite them.")
        try:
            invitation = services.partner_invite(partner=partner, by=self.actor)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"{partner} is invited to sign in. The invitation was emailed to "
                f"{invitation.email}.",
            )
        return redirect(
            reverse(
                "coproduction:partner-detail",
                kwargs={
                    "org_slug": self.organisation.slug,
                    "pk": self.event.pk,
                    "partner_pk": partner.pk,
                },
            )
        )
