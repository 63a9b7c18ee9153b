"""Reminders from the programmes app: stale progress scores, challenges waiting for sponsors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings

from alwaysevents.reporting.models import NotificationKind
from alwaysevents.reporting.reminders import Reminder, RuleContext, reminder_rule
from programmes.selectors import challenge_list_needing_sponsor


@reminder_rule(NotificationKind.PROGRESS_SCORE_STALE)
def progress_score_stale(context: RuleContext) -> Iterator[Reminder]:
    """No progress score for `PROGRESS_SCORE_STALE_WEEKS`: remind the lead and the sponsor.

    Once per stale spell: the key names the date of the latest score, so a new score followed
    by another quiet spell reminds again.
    """
    stale_after = dt.timedelta(weeks=settings.PROGRESS_SCORE_STALE_WEEKS)
    for event in context.live_events:
        latest = event.latest_score_at  # type: ignore[attr-defined]
        if latest is None:
            if context.now - event.created_at <= stale_after:
                continue
            since, words = "never", "has no progress score yet"
        elif context.now - latest > stale_after:
            since = latest.date().isoformat()
            words = f"was last scored on {latest.day} {latest:%B %Y}"
        else:
            continue
        for user_id in {event.team_lead_id, event.executive_sponsor_id} - {None}:
            yield Reminder(
                kind=NotificationKind.PROGRESS_SCORE_STALE,
                recipient_id=user_id,  # type: ignore[arg-type]
                organisation_id=context.organisation.pk,
                period=f"event-{event.pk}:score-{since}",
                subject=f"Time to review the progress score of {event.title}",
                message=(
                    f"{event.title} {words}. Scores are due at least every "
                    f"{settings.PROGRESS_SCORE_STALE_WEEKS} weeks so the sponsor and the board "
                    "see how the work is going."
                ),
                url=context.path("programmes:event-score", pk=event.pk),
            )


@reminder_rule(NotificationKind.CHALLENGE_UNANSWERED)
def challenge_unanswered(context: RuleContext) -> Iterator[Reminder]:
    """A challenge asking for the sponsor is still open after a few days: remind the sponsor."""
    cutoff = context.today - dt.timedelta(days=settings.REMINDER_CHALLENGE_AFTER_DAYS)
    sponsors = sorted(
        {e.executive_sponsor_id for e in context.live_events if e.executive_sponsor_id}
    )
    for sponsor_id in sponsors:
        membership = context.active_memberships.get(sponsor_id)
        if membership is None:
            continue
        for challenge in challenge_list_needing_sponsor(
            organisation=context.organisation, sponsor=membership.user
        ):
            if challenge.noted_on > cutoff:
                continue
            noted = f"{challenge.noted_on.day} {challenge.noted_on:%B %Y}"
            yield Reminder(
                kind=NotificationKind.CHALLENGE_UNANSWERED,
                recipient_id=sponsor_id,
                organisation_id=context.organisation.pk,
                period=f"challenge-{challenge.pk}",
                subject=f"{challenge.event.title} is waiting for your help",
                message=(
                    f"Since {noted} the team of {challenge.event.title} has asked for the "
                    f"executive sponsor's help with: “{challenge.text}”"
                ),
                url=context.path("programmes:event-challenges", pk=challenge.event_id),
            )
