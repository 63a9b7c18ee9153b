"""What is waiting for one person in this app, for the "Your work" home page (programmes.home_due).

Each selector takes the organisation and the person and runs a fixed number of queries. The rules
are the ones the rest of the app already uses: a progress score is due by `Progress.overdue` (the
dashboard's rule, `PROGRESS_SCORE_STALE_WEEKS`), a challenge waits for whoever its "who can help"
names, an invitation waits for an admin once its link has expired (`INVITATION_MAX_AGE_DAYS`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q

from alwaysevents.tenancy.scope import owned_by
from programmes.models import AlwaysEvent, Challenge, Invitation, Role, Stage
from programmes.selectors.events import Progress, event_progress_many

if TYPE_CHECKING:
    from programmes.models import Membership, Organisation

#: Events nobody is asked to act on: closed ones are kept as they were, paused ones are on hold.
RESTING = (Stage.CLOSED, Stage.PAUSED)


@dataclass(frozen=True)
class ScoreDue:
    event: AlwaysEvent
    progress: Progress


def scores_due_from(*, organisation: Organisation, user_id: int) -> list[ScoreDue]:
    """The live events this person leads whose progress score is overdue. Two queries."""
    events = list(
        owned_by(AlwaysEvent, organisation)
        .filter(team_lead_id=user_id)
        .exclude(stage__in=RESTING)
        .order_by("title", "pk")
    )
    progress = event_progress_many(events=events) if events else {}
    return [ScoreDue(event, progress[event.pk]) for event in events if progress[event.pk].overdue]


def challenges_waiting_for(*, membership: Membership) -> list[Challenge]:
    """Open challenges asking for this person, oldest first. One query.

    A challenge asking for the executive sponsor waits for the sponsor of its event; one asking
    for the organisation admin waits for every organisation admin. Other helpers ("QI support",
    the programme team) are not people of the organisation, so no one here is asked.
    """
    wanted = Q(help_needed=Challenge.Help.SPONSOR, event__executive_sponsor_id=membership.user_id)
    if membership.role == Role.ORGANISATION_ADMIN:
        wanted |= Q(help_needed=Challenge.Help.ORGANISATION_ADMIN)
    return list(
        owned_by(Challenge, membership.organisation_id)
        .filter(wanted, kind=Challenge.Kind.CHALLENGE, status=Challenge.Status.OPEN)
        .exclude(event__stage=Stage.CLOSED)
        .select_related("event")
        .order_by("noted_on", "pk")
    )


def invitations_expired(*, organisation: Organisation, now: dt.datetime) -> list[Invitation]:
    """Staff invitations still open whose link has expired: only an admin can send a new one.
    Partner invitations are sent again from the partner's page. One query."""
    cutoff = now - dt.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    return list(
        owned_by(Invitation, organisation)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, created_at__lt=cutoff)
        .exclude(role=Role.PARTNER)
        .order_by("created_at", "pk")
    )
