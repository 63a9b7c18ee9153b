"""Reads of what partners would change (`PartnerSuggestion`). One query each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alwaysevents.tenancy.scope import owned_by
from coproduction.models import PartnerSuggestion

if TYPE_CHECKING:
    from coproduction.models import Partner
    from programmes.models import AlwaysEvent


@dataclass(frozen=True)
class SuggestionRow:
    """A suggestion as the team sees it. `name` is the partner's name as the team sees partners
    elsewhere (their pseudonym once anonymised); the page shows it only to those who may see
    partner names (`coproduction.permissions.can_see_partner_names`)."""

    pk: int
    name: str
    text: str
    created_at: dt.datetime


def partner_suggestion_list(*, event: AlwaysEvent) -> list[SuggestionRow]:
    """What the event's partners would change, newest first. One query."""
    return [
        SuggestionRow(
            pk=suggestion.pk,
            name=str(suggestion.partner),
            text=suggestion.text,
            created_at=suggestion.created_at,
        )
        for suggestion in owned_by(PartnerSuggestion, event.organisation_id)
        .filter(event=event)
        .select_related("partner")
        .order_by("-created_at", "-pk")
    ]


def partner_own_suggestions(*, partner: Partner, event: AlwaysEvent) -> list[PartnerSuggestion]:
    """What this partner told the team about this event, newest first. One query."""
    return list(
        owned_by(PartnerSuggestion, partner.organisation_id)
        .filter(partner=partner, event=event)
        .order_by("-created_at", "-pk")
    )
