"""What waits for one person in this app, for the "Your work" home page (coproduction.home)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from alwaysevents.tenancy.scope import owned_by
from coproduction.models import Claim
from programmes.models import Role, Stage

if TYPE_CHECKING:
    from programmes.models import Membership


def claims_waiting_for(*, membership: Membership, team_lead_limit: Decimal) -> list[Claim]:
    """Submitted claims this person may approve, oldest first. One query.

    The same rule as `coproduction.permissions.can_decide_claim`: the organisation admin decides
    every claim; an event's team lead those of their event within `team_lead_limit`.
    """
    if membership.role not in (Role.ORGANISATION_ADMIN, Role.TEAM_LEAD) or not membership.is_active:
        return []
    claims = owned_by(Claim, membership.organisation_id).filter(state=Claim.State.SUBMITTED)
    if membership.role == Role.TEAM_LEAD:
        claims = claims.filter(event__team_lead_id=membership.user_id, amount__lte=team_lead_limit)
    return list(
        claims.exclude(event__stage=Stage.CLOSED)
        .select_related("event", "partner")
        .order_by("submitted_at", "pk")
    )
