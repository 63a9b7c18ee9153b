"""Partner payments and expenses: the organisation's rates and limit, an event's claims, one
claim and its decisions, and the permission-checked receipt download."""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from alwaysevents.exceptions import DomainError
from alwaysevents.files import private_download
from alwaysevents.tenancy.mixins import OrganisationViewMixin
from alwaysevents.tenancy.scope import owned_by
from alwaysevents.views import ActionPostMixin, add_domain_error
from coproduction import permissions as cp_permissions
from coproduction.forms import (
    ClaimForm,
    DecideClaimForm,
    EditClaimForm,
    PaymentRateForm,
    PaymentSettingsForm,
    ReceiptForm,
    RejectClaimForm,
    SubmitClaimForm,
)
from coproduction.models import Claim, InvolvementActivity, Partner, PartnerAccessRecord
from coproduction.selectors import partners as partner_selectors
from coproduction.selectors import payments as selectors
from coproduction.services import access_records
from coproduction.services import payments as services
from coproduction.views.event import TAB
from programmes.models import AlwaysEvent, Membership, Role
from programmes.views.event_base import ActionFormsView, EventMixin

CONTENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}


def _handles(membership: Membership, event: AlwaysEvent) -> bool:
    return cp_permissions.can_handle_claims(membership, event)


# --- the organisation's rates and limit ---------------------------------------------------------


class PaymentSettingsView(OrganisationViewMixin, ActionPostMixin, TemplateView):
    """Payment rates by level of involvement, with the dates they apply from, and the limit up
    to which team leads approve claims. Organisation admins only."""

    template_name = "coproduction/payment_settings.html"
    allowed_roles = frozenset({Role.ORGANISATION_ADMIN})
    actions: ClassVar[dict[str, type[forms.Form]]] = {
        "rate": PaymentRateForm,
        "settings": PaymentSettingsForm,
    }

    def build_form(self, name: str, data: Any = None) -> forms.Form:
        settings = services.payment_settings(organisation=self.organisation)
        initial: dict[str, dict[str, Any]] = {
            "rate": {"effective_from": timezone.localdate()},
            "settings": {"team_lead_approval_limit": settings.team_lead_approval_limit},
        }
        return self.actions[name](data=data, initial=initial[name], prefix=name)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        bound: dict[str, forms.Form] = kwargs.pop("bound", {})
        context = super().get_context_data(**kwargs)
        context["forms"] = {name: bound.get(name) or self.build_form(name) for name in self.actions}
        context["rates"] = selectors.payment_rate_list(organisation=self.organisation)
        context["settings"] = services.payment_settings(organisation=self.organisation)
        return context

    def bind_action(self, name: str, data: Any) -> forms.Form:
        return self.build_form(name, data=data)

    def run_action(self, name: str, form: forms.Form) -> tuple[str, str | None]:
        return self.perform(name, form), None

    def perform(self, name: str, form: forms.Form) -> str:
        data = form.cleaned_data
        if name == "rate":
            rate = services.payment_rate_set(organisation=self.organisation, **data)
            return (
                f"{rate.level.capitalize()}: £{rate.amount:.2f} from "
                f"{rate.effective_from:%-d %B %Y}."
            )
        settings = services.payment_settings_update(
            organisation=self.organisation,
            team_lead_approval_limit=data["team_lead_approval_limit"],
        )
        return f"Team leads can now approve claims up to £{settings.team_lead_approval_limit:.2f}."


# --- an event's claims --------------------------------------------------------------------------


class EventPaymentsView(ActionFormsView):
    """The event's claims: totals for everyone, the claims themselves for those who handle them."""

    template_name = "coproduction/event_payments.html"
    tab = TAB
    actions: ClassVar[dict[str, Any]] = {"claim": (ClaimForm, _handles)}

    @cached_property
    def can_handle(self) -> bool:
        return cp_permissions.can_handle_claims(self.membership, self.event)

    def _activities(self) -> QuerySet[InvolvementActivity]:
        return owned_by(InvolvementActivity, self.organisation).filter(event=self.event)

    def form_kwargs(self, name: str) -> dict[str, Any]:
        partners = [
            row
            for row in partner_selectors.partner_list(event=self.event)
            if row.left_on is None and not row.is_anonymised
        ]
        activities = self._activities()
        return {
            "partners": partners,
            "activities": [
                (a.pk, f"{a.title} ({a.held_on:%-d %b %Y})")
                for a in activities.order_by("-held_on", "-pk")
            ],
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        claims = selectors.claim_list(event=self.event) if self.can_handle else []
        if claims:
            # Who is paid what: the payment details of each partner listed, in one INSERT.
            access_records.partner_access_record(
                by=self.actor,
                partner_ids=[row.partner_id for row in claims],
                organisation=self.organisation,
                kinds=[PartnerAccessRecord.Kind.PAYMENT],
                where=f"Payments of {self.event.title}",
            )
        context.update(
            totals=selectors.claim_totals(event=self.event),
            can_handle=self.can_handle,
            claims=claims,
            rates=[
                rate
                for rate in selectors.payment_rate_list(organisation=self.organisation)
                if rate.status == "current"
            ]
            if self.can_handle
            else [],
            limit=services.payment_settings(
                organisation=self.organisation
            ).team_lead_approval_limit,
        )
        return context

    def perform_claim(self, form: ClaimForm) -> str:
        data = dict(form.cleaned_data)
        try:
            partner = partner_selectors.partner_get(
                organisation=self.organisation, pk=data.pop("partner")
            )
        except Partner.DoesNotExist:
            raise DomainError("Choose one of the event's partners.", field="partner") from None
        activity = None
        if activity_id := data.pop("activity", None):
            activity = self._activities().filter(pk=activity_id).first()
            if activity is None:
                raise DomainError("Choose one of this event's activities.", field="activity")
        claim = services.claim_create(
            partner=partner, event=self.event, by=self.actor, activity=activity, **data
        )
        self.next_url = claim_url(self.event, claim)
        return (
            f"The {claim.get_kind_display().lower()} claim of £{claim.amount:.2f} for {partner} "
            "is saved as a draft. Check it, then submit it for approval."
        )


def claim_url(event: AlwaysEvent, claim: Claim, name: str = "coproduction:claim-detail") -> str:
    return reverse(
        name, kwargs={"org_slug": event.organisation.slug, "pk": event.pk, "claim_pk": claim.pk}
    )


class _ClaimMixin(EventMixin):
    """Loads the claim named in the URL: one of this event's, or 404."""

    claim: Claim
    kwargs: dict[str, Any]

    def load_claim(self) -> None:
        if not cp_permissions.can_handle_claims(self.membership, self.event):
            raise PermissionDenied(
                "Only the organisation admin and the event's team lead see partners' claims."
            )
        try:
            self.claim = selectors.claim_get(event=self.event, pk=self.kwargs["claim_pk"])
        except Claim.DoesNotExist as exc:
            raise Http404("No such claim.") from exc
        self.claim.event = self.event


# --- one claim ----------------------------------------------------------------------------------


class ClaimDetailView(_ClaimMixin, ActionFormsView):
    template_name = "coproduction/claim_detail.html"
    tab = TAB
    actions: ClassVar[dict[str, Any]] = {
        "edit": (EditClaimForm, _handles),
        "receipt": (ReceiptForm, _handles),
        "submit": (SubmitClaimForm, _handles),
        "approve": (DecideClaimForm, _handles),
        "reject": (RejectClaimForm, _handles),
        "pay": (DecideClaimForm, _handles),
    }
    # The states a claim must be in for each action's form to show.
    shown_in: ClassVar[dict[str, tuple[str, ...]]] = {
        "edit": (Claim.State.DRAFT,),
        "receipt": (Claim.State.DRAFT, Claim.State.SUBMITTED),
        "submit": (Claim.State.DRAFT,),
        "approve": (Claim.State.SUBMITTED,),
        "reject": (Claim.State.SUBMITTED,),
        "pay": (Claim.State.APPROVED,),
    }
    #: Whoever handles the event's claims may prepare one; deciding has its own rule.
    preparing: ClassVar[frozenset[str]] = frozenset({"edit", "receipt", "submit"})

    @cached_property
    def limit(self) -> Any:
        return services.payment_settings(organisation=self.organisation).team_lead_approval_limit

    @cached_property
    def row(self) -> selectors.ClaimRow:
        return selectors.claim_row(claim=self.claim)

    def permitted(self, name: str) -> bool:
        """May this member take the action at all (whatever the claim's state)?"""
        if name in self.preparing:
            return cp_permissions.can_handle_claims(self.membership, self.event)
        return cp_permissions.can_decide_claim(self.membership, self.claim, self.limit)

    def shown(self, name: str) -> bool:
        return self.permitted(name) and self.claim.state in self.shown_in[name]

    def initial(self, name: str) -> dict[str, Any]:
        if name == "edit":
            claim = self.claim
            return {"kind": claim.kind, "amount": claim.amount, "description": claim.description}
        return {}

    def form_kwargs(self, name: str) -> dict[str, Any]:
        if name in ("approve", "pay") and self.row.needs_benefits_notice:
            return {"notice_for": str(self.claim.partner)}
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_claim()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_claim()
        name = request.POST.get("action", "")
        if name not in self.actions:
            return HttpResponseBadRequest("Unknown action.")
        if not self.permitted(name):
            raise PermissionDenied(
                "Only the organisation admin, or the event's team lead for claims within "
                f"£{self.limit:.2f}, can decide this claim."
            )
        form = self.build_form(name, data=request.POST)
        if form.is_valid():
            try:
                message = self.perform(name, form)
            except DomainError as error:
                if error.field not in form.fields:
                    messages.error(request, error.message)
                    return redirect(request.path)
                add_domain_error(form, error)
            else:
                messages.success(request, message)
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(bound={name: form}))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["forms"] = {
            name: form for name, form in context["forms"].items() if self.shown(name)
        }
        over_limit = (
            self.membership.role != Role.ORGANISATION_ADMIN
            and self.claim.amount > self.limit
            and self.claim.state in (Claim.State.SUBMITTED, Claim.State.APPROVED)
        )
        context.update(
            claim=self.row,
            limit=self.limit,
            over_limit=over_limit,
            partner=self.claim.partner,
        )
        access_records.partner_access_record(
            by=self.actor,
            partner_ids=[self.claim.partner_id],
            organisation=self.organisation,
            kinds=[PartnerAccessRecord.Kind.PAYMENT],
            where=f"Claim {self.claim.pk}, {self.event.title}",
        )
        return context

    def _confirmed(self, form: forms.Form) -> bool:
        return bool(form.cleaned_data.get("benefits_notice_confirmed"))

    def perform_edit(self, form: forms.Form) -> str:
        services.claim_update(claim=self.claim, by=self.actor, **form.cleaned_data)
        return "The draft claim is corrected."

    def perform_receipt(self, form: forms.Form) -> str:
        had = bool(self.claim.receipt)
        services.claim_receipt_attach(
            claim=self.claim, receipt=form.cleaned_data["receipt"], by=self.actor
        )
        return "The receipt is replaced." if had else "The receipt is added to the claim."

    def perform_submit(self, form: forms.Form) -> str:
        services.claim_submit(claim=self.claim, by=self.actor)
        return "The claim is submitted for approval."

    def perform_approve(self, form: forms.Form) -> str:
        services.claim_approve(
            claim=self.claim,
            by=self.actor,
            membership=self.membership,
            benefits_notice_confirmed=self._confirmed(form),
        )
        return "The claim is approved. Mark it as paid once the money has gone."

    def perform_reject(self, form: forms.Form) -> str:
        services.claim_reject(
            claim=self.claim,
            reason=form.cleaned_data["reason"],
            by=self.actor,
            membership=self.membership,
        )
        return "The claim is rejected, with your reason."

    def perform_pay(self, form: forms.Form) -> str:
        services.claim_mark_paid(
            claim=self.claim,
            by=self.actor,
            membership=self.membership,
            benefits_notice_confirmed=self._confirmed(form),
        )
        return "The claim is marked as paid."


class ClaimReceiptView(_ClaimMixin, View):
    """The receipt of a claim, as a download: only for those who handle the event's claims.

    Receipts have no public address; this view reads the private file, names its type from its
    content (never from the upload) and tells browsers to save it, not to open or sniff it.
    """

    def get(  # type: ignore[override]
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        self.load_claim()
        if not self.claim.receipt:
            raise Http404("This claim has no receipt.")
        try:
            handle = self.claim.receipt.open("rb")
        except FileNotFoundError as exc:
            raise Http404("The receipt file is missing.") from exc
        head = handle.read(8)
        handle.seek(0)
        suffix = services.receipt_suffix(head)
        if suffix is None:
            handle.close()
            raise Http404("The receipt file is not a PDF, PNG or JPEG.")
        response = private_download(
            handle,
            filename=f"receipt-claim-{self.claim.pk}{suffix}",
            content_type=CONTENT_TYPES[suffix],
        )
        access_records.partner_access_record(
            by=self.actor,
            partner_ids=[self.claim.partner_id],
            organisation=self.organisation,
            kinds=[PartnerAccessRecord.Kind.RECEIPT],
            where=f"Receipt of claim {self.claim.pk}, {self.event.title}",
        )
        return response
