"""One partner of an event, as the member may see them; the organisation's audit log."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.mixins import OrganisationViewMixin
from coproduction import permissions as cp_permissions
from coproduction.forms import AnonymiseForm, ConsentForm, SignOffForm, WithdrawForm
from coproduction.models import Consent, Partner, PartnerAccessRecord
from coproduction.selectors import partner_access as partner_access_selectors
from coproduction.selectors import partners as selectors
from coproduction.services import access_records
from coproduction.services import partner_access as partner_access_services
from coproduction.services import partners as services
from coproduction.views.event import TAB
from programmes.models import AlwaysEvent, Membership, Role
from programmes.views.event_base import ActionFormsView

Kind = PartnerAccessRecord.Kind


def _manages(membership: Membership, event: AlwaysEvent) -> bool:
    # The partner-specific check (`can_see_partner_details`) is made by the view.
    return cp_permissions.can_manage_partners(membership)


class PartnerDetailView(ActionFormsView):
    template_name = "coproduction/partner_detail.html"
    tab = TAB
    actions: ClassVar[dict[str, Any]] = {
        "consent": (ConsentForm, _manages),
        "withdraw": (WithdrawForm, _manages),
        "anonymise": (AnonymiseForm, _manages),
        "sign_off": (SignOffForm, _manages),
    }
    partner: Partner

    def load_partner(self) -> None:
        try:
            self.partner = selectors.partner_get(
                organisation=self.organisation, pk=self.kwargs["partner_pk"]
            )
        except Partner.DoesNotExist as exc:
            raise Http404("No such partner.") from exc
        try:
            self.view = selectors.partner_view(membership=self.membership, partner=self.partner)
        except Partner.DoesNotExist as exc:
            raise Http404("No such partner.") from exc
        except DomainError as error:
            raise PermissionDenied(error.message) from error
        if not any(row.partner_id == self.partner.pk for row in self.partner_list):
            raise Http404("This partner does not take part in this Always Event.")

    @property
    def partner_list(self) -> list[selectors.PartnerRow]:
        return selectors.partner_list(event=self.event)

    def allowed(self, name: str) -> bool:
        if self.partner.is_anonymised and name != "withdraw":
            return False
        if name == "anonymise":
            return cp_permissions.can_anonymise_partner(self.membership, self.partner)
        if name == "sign_off" and not self.event.vision_statement:
            return False
        return self.view.can_see_details

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_partner()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_partner()
        name = request.POST.get("action", "")
        if name in self.actions and not self.allowed(name):
            raise PermissionDenied("Your role does not let you change this partner's records.")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["forms"] = {
            name: form for name, form in context["forms"].items() if self.allowed(name)
        }
        consents: list[Consent] = []
        if self.view.can_see_details:
            consents = list(selectors.consent_list(partner=self.partner))
        context.update(
            partner=self.view,
            consents=consents,
            can_read_access_record=cp_permissions.can_read_access_record(
                self.membership, self.partner
            ),
        )
        if self.view.can_see_details and not self.partner.is_anonymised:
            # Contact, access-need and payment details are on the page: one INSERT records it.
            access_records.partner_access_record(
                by=self.actor,
                partners=[self.partner],
                kinds=[Kind.CONTACT, Kind.ACCESS_NEEDS, Kind.PAYMENT],
                where=f"Partner page, {self.event.title}",
            )
        if cp_permissions.can_invite_partner(self.membership, self.partner, self.event):
            context.update(
                sign_in=partner_access_selectors.partner_sign_in_status(partner=self.partner),
                sign_in_refusal=partner_access_services.partner_invite_refusal(
                    partner=self.partner
                ),
            )
        return context

    def perform_consent(self, form: ConsentForm) -> str:
        consent = services.consent_give(partner=self.partner, by=self.actor, **form.cleaned_data)
        return f"Consent to {consent.get_purpose_display().lower()} is recorded."

    def perform_withdraw(self, form: WithdrawForm) -> str:
        consent = get_object_or_404(
            Consent.objects.with_scope(organisation=self.organisation.pk),
            organisation=self.organisation,
            partner=self.partner,
            pk=form.cleaned_data["consent"],
        )
        services.consent_withdraw(consent=consent, by=self.actor)
        return f"Consent to {consent.get_purpose_display().lower()} is withdrawn."

    def perform_anonymise(self, form: forms.Form) -> str:
        partner = services.partner_anonymise(partner=self.partner, by=self.actor)
        return f"The partner is anonymised and now shown as {partner.pseudonym}."

    def perform_sign_off(self, form: SignOffForm) -> str:
        services.partner_sign_off_vision(
            event=self.event,
            partner=self.partner,
            signed_on=form.cleaned_data["signed_on"],
            by=self.actor,
        )
        return f"{self.partner}'s sign-off of the vision statement is recorded."


class AuditLogView(OrganisationViewMixin, TemplateView):
    """Consent changes, erasures and payment approvals: who, when, what."""

    template_name = "coproduction/audit_log.html"
    allowed_roles = frozenset({Role.ORGANISATION_ADMIN})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["entries"] = list(selectors.audit_list(organisation=self.organisation)[:500])
        return context
