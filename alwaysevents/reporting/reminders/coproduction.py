"""Reminders from the co-production app, for organisation admins (who look after personal data).

Both are weekly summaries while anything is outstanding: the key is the ISO week. They name
partners by pseudonym only, because emails travel further than the app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings

from alwaysevents.reporting.models import NotificationKind
from alwaysevents.reporting.reminders import Reminder, RuleContext, reminder_rule
from coproduction.selectors.organisation import consent_list_due_for_review
from coproduction.selectors.partners import partners_past_retention

LISTED = 10


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _names(pseudonyms: list[str]) -> str:
    shown = ", ".join(pseudonyms[:LISTED])
    more = len(pseudonyms) - LISTED
    return shown + (f" and {more} more" if more > 0 else "")


@reminder_rule(NotificationKind.PARTNER_RETENTION_PASSED)
def partner_retention_passed(context: RuleContext) -> Iterator[Reminder]:
    """Partners past their retention date (the daily count of `coproduction.tasks`)."""
    partners = list(partners_past_retention(organisation=context.organisation, today=context.today))
    if not partners:
        return
    count = len(partners)
    for admin_id in context.organisation_admin_ids:
        yield Reminder(
            kind=NotificationKind.PARTNER_RETENTION_PASSED,
            recipient_id=admin_id,
            organisation_id=context.organisation.pk,
            period=f"retention:{iso_week(context.today)}",
            subject=(f"{count} partner{'s are' if count != 1 else ' is'} past the retention date"),
            message=(
                f"The personal details of {count} co-production partner"
                f"{'s' if count != 1 else ''} in {context.organisation.name} have passed the date "
                f"agreed for review or erasure: {_names([p.pseudonym for p in partners])}. "
                "Review each one: agree a new date with them, or erase their details."
            ),
            url=context.path("programmes:organisation-home"),
        )


@reminder_rule(NotificationKind.CONSENT_REVIEW_DUE)
def consent_review_due(context: RuleContext) -> Iterator[Reminder]:
    """Consents in force for longer than `CONSENT_REVIEW_AFTER_MONTHS` months: check them."""
    months = settings.CONSENT_REVIEW_AFTER_MONTHS
    given_before = context.now - dt.timedelta(days=round(months * 365.25 / 12))
    consents = list(
        consent_list_due_for_review(organisation=context.organisation, given_before=given_before)
    )
    if not consents:
        return
    pseudonyms = sorted({c.partner.pseudonym for c in consents})
    count = len(consents)
    for admin_id in context.organisation_admin_ids:
        yield Reminder(
            kind=NotificationKind.CONSENT_REVIEW_DUE,
            recipient_id=admin_id,
            organisation_id=context.organisation.pk,
            period=f"consents:{iso_week(context.today)}",
            subject=f"{count} consent{'s' if count != 1 else ''} due for review",
            message=(
                f"{count} consent{'s were' if count != 1 else ' was'} given more than {months} "
                f"months ago and {'are' if count != 1 else 'is'} still in force, for: "
                f"{_names(pseudonyms)}. Check with each partner that they still agree, and "
                "record a new consent or a withdrawal."
            ),
            url=context.path("programmes:organisation-home"),
        )
