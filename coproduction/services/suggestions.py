"""What a partner would change: written by the partner themselves on their event page.

Only the partner who signs in writes their own suggestion, and only for an Always Event they
take part in now (`partner_access.require_self`, `current_link`). The team reads suggestions
on the event's Co-production tab; the staff digest quotes them without the partner's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from alwaysevents.exceptions import DomainError
from alwaysevents.input_checks import text_problem
from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import PartnerSuggestion
from coproduction.services.involvement import looks_like_nhs_number
from coproduction.services.partner_access import current_link, require_self

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from coproduction.models import Partner
    from programmes.models import AlwaysEvent

SUGGESTION_MAX_LENGTH = 2000


def suggestion_text_refusal(text: str) -> str:
    """Why this text cannot be sent as a suggestion (after stripping it), or "" when it can."""
    text = text.strip()
    if not text:
        return "Write what you would change in the box."
    if len(text) > SUGGESTION_MAX_LENGTH:
        return f"Keep what you would change to {SUGGESTION_MAX_LENGTH} characters or fewer."
    problem = text_problem(text)
    if problem:
        return problem
    if looks_like_nhs_number(text):
        return (
            "What you wrote has a 10-digit number that looks like an NHS number. "
            "Please take it out: we do not keep anything that identifies people here."
        )
    return ""


@transaction.atomic
def partner_suggestion_make(
    *, partner: Partner, event: AlwaysEvent, text: str, by: User
) -> PartnerSuggestion:
    """A partner tells the team what they would change about an Always Event they take part in."""
    require_self(partner, by)
    if event.organisation_id != partner.organisation_id:
        raise DomainError("You can only write about your own Always Events.")
    current_link(partner, event)
    refusal = suggestion_text_refusal(text)
    if refusal:
        raise DomainError(refusal, field="text")
    with organisation_scope(partner.organisation):
        return PartnerSuggestion.objects.create(
            organisation=partner.organisation, event=event, partner=partner, text=text.strip()
        )
