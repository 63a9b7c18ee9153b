"""Reminders from the accreditation app: review deadlines, questions to answer, renewals.

- **Review deadline** (programme-wide, for reviewers, who are not members of the organisation):
  once when the deadline is `REMINDER_REVIEW_DUE_DAYS` away or nearer, then weekly while it is
  late. A paused deadline (information requested) is not reminded (`reviews_due` leaves it out);
  a deadline moved on after a pause is a new deadline and is reminded again.
- **Information requests** for the event's team lead: weekly while any is unanswered.
- **Accreditation expiring** for the team lead and the sponsor: once per certificate, when it
  expires within `REMINDER_ACCREDITATION_EXPIRY_DAYS`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings

from accreditation.review_selectors import reviews_due
from accreditation.selectors import (
    OpenInformationRequest,
    accreditation_status_for_events,
    information_requests_open,
)
from alwaysevents.reporting.models import NotificationKind
from alwaysevents.reporting.reminders import (
    ProgrammeContext,
    Reminder,
    RuleContext,
    programme_reminder_rule,
    reminder_rule,
)
from alwaysevents.reporting.reminders.coproduction import iso_week

LISTED = 5


def _day(value: object) -> str:
    return f"{value.day} {value:%B %Y}"  # type: ignore[attr-defined]


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


@programme_reminder_rule(NotificationKind.REVIEW_DEADLINE)
def review_deadline(context: ProgrammeContext) -> Iterator[Reminder]:
    """Reviews not submitted whose deadline is near (once) or past (weekly)."""
    for due in reviews_due(today=context.today, within_days=settings.REMINDER_REVIEW_DUE_DAYS):
        if not due.reviewer.is_active:
            continue
        if due.days_left >= 0:
            period = f"submission-{due.submission_id}:due-{due.due.isoformat()}"
            when = "today" if due.days_left == 0 else f"in {_days(due.days_left)}"
            subject = f"Your review of {due.title} is due {when}"
            message = (
                f"Your accreditation review of {due.title} is due on {_day(due.due)}. "
                "Please score each criterion and submit your review by then, or tell the "
                "programme team if you cannot."
            )
        else:
            period = f"submission-{due.submission_id}:due-{due.due.isoformat()}:late-" + iso_week(
                context.today
            )
            subject = f"Your review of {due.title} is overdue"
            message = (
                f"Your accreditation review of {due.title} was due on {_day(due.due)}, "
                f"{_days(-due.days_left)} ago. The team is waiting for the decision: please "
                "submit your review as soon as you can, or tell the programme team if you "
                "cannot."
            )
        yield Reminder(
            kind=NotificationKind.REVIEW_DEADLINE,
            recipient_id=due.reviewer.pk,
            organisation_id=None,
            period=period,
            subject=subject,
            message=message,
            url=context.path("accreditation:review-detail", pk=due.submission_id),
        )


def _question(request: OpenInformationRequest) -> str:
    about = f" (about {request.criterion_code})" if request.criterion_code else ""
    return f"• Asked on {_day(request.asked_at.date())}{about}: “{request.question}”"


@reminder_rule(NotificationKind.INFORMATION_REQUEST_OPEN)
def information_request_open(context: RuleContext) -> Iterator[Reminder]:
    """Unanswered questions from the reviewers: remind the team lead weekly."""
    by_event: dict[int, list[OpenInformationRequest]] = defaultdict(list)
    for request in information_requests_open(organisation=context.organisation):
        by_event[request.event_id].append(request)
    if not by_event:
        return
    for event in context.live_events:
        requests = by_event.get(event.pk)
        if not requests or event.team_lead_id is None:
            continue
        count = len(requests)
        lines = [_question(r) for r in requests[:LISTED]]
        if count > LISTED:
            lines.append(f"• and {count - LISTED} more")
        yield Reminder(
            kind=NotificationKind.INFORMATION_REQUEST_OPEN,
            recipient_id=event.team_lead_id,
            organisation_id=context.organisation.pk,
            period=f"event-{event.pk}:requests-{iso_week(context.today)}",
            subject=(
                f"The accreditation reviewers are waiting for "
                f"{'answers' if count != 1 else 'an answer'} about {event.title}"
            ),
            message=(
                f"The reviewers of {event.title} asked the team {count} "
                f"question{'s' if count != 1 else ''} that {'are' if count != 1 else 'is'} not "
                "answered yet. The review is paused until every question is answered.\n\n"
                + "\n".join(lines)
            ),
            url=context.path(
                "accreditation:submission-review",
                pk=event.pk,
                submission_pk=requests[0].submission_id,
            ),
        )


@reminder_rule(NotificationKind.ACCREDITATION_EXPIRING)
def accreditation_expiring(context: RuleContext) -> Iterator[Reminder]:
    """A certificate expiring within the reminder window: tell the lead and sponsor, once."""
    window = settings.REMINDER_ACCREDITATION_EXPIRY_DAYS
    events = {event.pk: event for event in context.live_events}
    if not events:
        return
    statuses = accreditation_status_for_events(
        organisation=context.organisation, event_ids=list(events)
    )
    for event_id, status in sorted(statuses.items()):
        if not status.is_accredited or status.expires_at is None:
            continue
        days_left = (status.expires_at - context.today).days
        if not 0 <= days_left <= window:
            continue
        event = events[event_id]
        people = {event.team_lead_id, event.executive_sponsor_id}
        for user_id in sorted(pk for pk in people if pk is not None):
            yield Reminder(
                kind=NotificationKind.ACCREDITATION_EXPIRING,
                recipient_id=user_id,
                organisation_id=context.organisation.pk,
                period=f"submission-{status.submission_id}:expires-{status.expires_at.isoformat()}",
                subject=f"The accreditation of {event.title} expires on {_day(status.expires_at)}",
                message=(
                    f"{event.title} is accredited until {_day(status.expires_at)} "
                    f"({_days(days_left)} from now). To stay accredited, the team can start a "
                    "new submission now: it takes time to gather the evidence and for the "
                    "sponsor to sign it off before the review."
                ),
                url=context.path("accreditation:event-accreditation", pk=event.pk),
            )
