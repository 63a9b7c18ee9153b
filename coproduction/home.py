"""The home page's "Claims waiting for your approval" (registered into `programmes.home` by
`CoproductionConfig.ready()`): each submitted claim this person may decide, with the link to the
claim's page, where it is approved or rejected (approving may need the partner's payment consent
and the benefits-advice notice, which that page asks for)."""

from __future__ import annotations

from typing import Any

from coproduction.selectors.due import claims_waiting_for
from coproduction.services.payments import payment_settings
from programmes.home import Home, HomeSection
from programmes.models import Role

NAME = "claims"


def context(home: Home) -> dict[str, Any] | None:
    if home.membership.role not in (Role.ORGANISATION_ADMIN, Role.TEAM_LEAD):
        return None
    limit = payment_settings(organisation=home.organisation).team_lead_approval_limit
    claims = claims_waiting_for(membership=home.membership, team_lead_limit=limit)
    return {"claims": claims} if claims else None


SECTION = HomeSection(template="coproduction/home_claims.html", context=context, order=50)
