"""An event's co-production page: the profile, the partners, what partners would change,
insights and activities."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django.utils import timezone

from coproduction import permissions as cp_permissions
from coproduction.forms import RUNG_EXPLANATIONS, ActivityForm, InsightForm, PartnerForm
from coproduction.models import Partner
from coproduction.selectors import involvement as involvement_selectors
from coproduction.selectors import partners as partner_selectors
from coproduction.selectors import payments as payment_selectors
from coproduction.selectors import suggestions as suggestion_selectors
from coproduction.services import involvement as involvement_services
from coproduction.services import partners as partner_services
from programmes import permissions
from programmes.models import STAFF_ROLES, AlwaysEvent, Membership
from programmes.selectors.organisations import membership_list
from programmes.views.event_base import ActionFormsView

TAB = "coproduction:event-coproduction"


def whole_percent(share: Decimal | None) -> int | None:
    """A share as a whole per cent, rounded half up like the profile's own sentences."""
    if share is None:
        return None
    return int((Decimal(share) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def can_add_partners(membership: Membership, event: AlwaysEvent) -> bool:
    return cp_permissions.can_manage_partners(membership)


class EventCoproductionView(ActionFormsView):
    template_name = "coproduction/event_coproduction.html"
    tab = TAB
    actions = {
        "partner": (PartnerForm, can_add_partners),
        "insight": (InsightForm, permissions.can_edit_event),
        "activity": (ActivityForm, permissions.can_edit_event),
    }

    @cached_property
    def can_see_names(self) -> bool:
        return cp_permissions.can_see_partner_names(self.membership)

    @cached_property
    def partner_rows(self) -> list[partner_selectors.PartnerRow]:
        return partner_selectors.partner_list(event=self.event) if self.can_see_names else []

    def form_kwargs(self, name: str) -> dict[str, Any]:
        if name != "activity":
            return {}
        members = [
            (m.user_id, m.user.display_name)
            for m in membership_list(organisation=self.organisation).filter(
                is_active=True, role__in=STAFF_ROLES
            )
        ]
        current = [row for row in self.partner_rows if row.left_on is None]
        return {"members": members, "partners": current}

    def initial(self, name: str) -> dict[str, Any]:
        today = timezone.localdate()
        if name == "insight":
            return {"gathered_on": today}
        if name == "activity":
            return {"held_on": today, "stage": self.event.stage, "hours": Decimal("1")}
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        profile = involvement_selectors.coproduction_profile(event=self.event)
        share = profile.partner_share
        context.update(
            profile=profile,
            partner_share_percent=whole_percent(share),
            codesign_percent=(whole_percent(profile.codesign_share)),
            can_see_names=self.can_see_names,
            partners=self.partner_rows,
            counts=partner_selectors.partner_counts(event=self.event),
            themes=involvement_selectors.insight_themes(event=self.event),
            insights=involvement_selectors.insight_list(event=self.event),
            suggestions=suggestion_selectors.partner_suggestion_list(event=self.event),
            activities=involvement_selectors.activity_list(event=self.event),
            rung_explanations=RUNG_EXPLANATIONS,
            payments=payment_selectors.claim_totals(event=self.event),
            can_handle_claims=cp_permissions.can_handle_claims(self.membership, self.event),
        )
        return context

    def perform_partner(self, form: PartnerForm) -> str:
        data = dict(form.cleaned_data)
        role = data.pop("role")
        partner = partner_services.partner_create(
            organisation=self.organisation, by=self.actor, **data
        )
        partner_services.partner_join_event(
            partner=partner,
            event=self.event,
            role=role,
            joined_on=timezone.localdate(),
            by=self.actor,
        )
        return f"{partner} is added as a partner of this Always Event. Record their consent next."

    def perform_insight(self, form: InsightForm) -> str:
        insight = involvement_services.insight_record(
            event=self.event, by=self.actor, **form.cleaned_data
        )
        return f"The insight about {insight.theme} is recorded."

    def perform_activity(self, form: ActivityForm) -> str:
        data = dict(form.cleaned_data)
        staff_ids = data.pop("staff")
        partner_ids = data.pop("partners")
        staff = [m.user for m in membership_list(organisation=self.organisation)]
        partners = Partner.objects.with_scope(organisation=self.organisation.pk).filter(
            organisation=self.organisation, pk__in=partner_ids
        )
        activity = involvement_services.activity_record(
            event=self.event,
            by=self.actor,
            staff=[user for user in staff if user.pk in staff_ids],
            partners=list(partners),
            **data,
        )
        return f"{activity.title} is recorded."
