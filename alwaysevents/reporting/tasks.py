"""Scheduled reminders, the staff digest and the monthly sponsor reports (beat entries in
`alwaysevents/celery.py`).

Every hour `mornings_task` picks the organisations where it is now `REMINDERS_HOUR` (07:00) in
their own timezone (`Organisation.timezone`, Europe/London by default) and enqueues one task
per organisation and job; that task works out what is due *on the organisation's own date*
and enqueues one send task per recipient. Every task takes ids and JSON values, is
`acks_late` (a crashed worker's task is delivered again) and is safe to run any number of
times: the send goes through `notification_send`, whose ledger (recipient, kind, period) lets
each notification go once. A redelivered organisation task enqueues its sends again; the ones
already sent are skipped, the rest go. Mail errors (`SMTPException`, `OSError`) and a send held
by another worker (`NotificationInFlight`) are retried with exponential backoff.

Monthly sponsor reports (on the 1st, in each organisation's morning; `monthly_reports_task`
does every organisation at once, for a manual run) fan out one `sponsor_report_task` per
sponsor; each generates and stores the report once and sends it through the same ledger, so
running the batch twice, or again after a worker died half-way, gives every sponsor exactly
one email. Daily, `report_escalations_task` tells organisation admins about reports
unacknowledged after `REPORT_ACKNOWLEDGE_DAYS`, once per report.
"""

from __future__ import annotations

import datetime as dt
import logging
from smtplib import SMTPException
from typing import Any
from zoneinfo import ZoneInfo

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from alwaysevents.reporting.digest import digest_audience, event_successes
from alwaysevents.reporting.models import Channel, DigestFrequency, NotificationKind
from alwaysevents.reporting.models import NotificationPreference as Preference
from alwaysevents.reporting.reminders import (
    organisation_timezone,
    organisation_today,
    programme_reminders_due,
)
from alwaysevents.reporting.reminders import reminders_due as reminders_due_for
from alwaysevents.reporting.reminders.coproduction import iso_week
from alwaysevents.reporting.selectors.report import period_bounds, previous_period
from alwaysevents.reporting.selectors.reports import report_list_overdue
from alwaysevents.reporting.services.delivery import NotificationInFlight, notification_send
from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from alwaysevents.tenancy.tasks import organisation_task
from programmes.models import Organisation

logger = logging.getLogger(__name__)

SEND_RETRY: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (SMTPException, OSError, NotificationInFlight),
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 8,
}


def _active_organisation_ids() -> list[int]:
    with across_organisations():
        return list(
            Organisation.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
        )


def _organisation(organisation_id: int) -> Organisation | None:
    with across_organisations():
        return Organisation.objects.filter(pk=organisation_id, is_active=True).first()


# --- each organisation's morning (the beat entry, every hour) ----------------------------------


@shared_task(acks_late=True)
def mornings_task(*, now: str | None = None) -> dict[str, int]:
    """Beat, every hour on the hour: the organisations where it is now `REMINDERS_HOUR` (7 in
    the morning) in their own timezone get their morning: reminders every day, the staff
    digest on Mondays and last month's sponsor reports on the 1st, all for their own date. The
    programme-wide reminders (reviewers) go at that hour in `REMINDERS_DEFAULT_TIMEZONE`.
    Running it twice in the hour sends nothing twice (the ledger). Returns what was queued."""
    moment = dt.datetime.fromisoformat(now) if now else timezone.now()
    hour = settings.REMINDERS_HOUR
    queued = {"reminders": 0, "digests": 0, "reports": 0, "programme": 0}
    with across_organisations():
        organisations = list(Organisation.objects.filter(is_active=True).order_by("pk"))
    for organisation in organisations:
        local = moment.astimezone(organisation_timezone(organisation))
        if local.hour != hour:
            continue
        today = local.date()
        reminders_organisation_task.delay(organisation_id=organisation.pk, today=today.isoformat())
        queued["reminders"] += 1
        if today.weekday() == 0:
            staff_digest_organisation_task.delay(
                organisation_id=organisation.pk, today=today.isoformat()
            )
            queued["digests"] += 1
        if today.day == 1:
            queued["reports"] += _queue_reports(organisation, previous_period(today))
    programme = moment.astimezone(ZoneInfo(settings.REMINDERS_DEFAULT_TIMEZONE))
    if programme.hour == hour:
        reminders_programme_task.delay(today=programme.date().isoformat())
        queued["programme"] = 1
    return queued


@shared_task(acks_late=True)
def data_changes_prune_task() -> int:
    """Beat, hourly: keep only each organisation's latest data change (reading a version stays
    cheap)."""
    from alwaysevents.reporting.versions import data_changes_prune

    return data_changes_prune()


# --- reminders --------------------------------------------------------------------------------


@shared_task(acks_late=True)
def reminders_daily_task() -> int:
    """Every active organisation's reminders now, and the programme-wide ones (accreditation
    reviewers): for a manual run (`send_notifications`); beat uses `mornings_task`. Returns
    the organisations."""
    ids = _active_organisation_ids()
    for organisation_id in ids:
        reminders_organisation_task.delay(organisation_id=organisation_id)
    reminders_programme_task.delay()
    return len(ids)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def reminders_programme_task(*, today: str | None = None) -> int:
    """Work out the programme-wide reminders (organisation None) and enqueue one send each."""
    day = dt.date.fromisoformat(today) if today else None
    reminders = programme_reminders_due(today=day)
    for reminder in reminders:
        reminder_send_task.delay(**reminder.as_task_kwargs())
    logger.info("Programme: %d reminder(s) to send.", len(reminders))
    return len(reminders)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def reminders_organisation_task(*, organisation_id: int, today: str | None = None) -> int:
    """Work out the organisation's reminders for its today and enqueue one send for each."""
    organisation = _organisation(organisation_id)
    if organisation is None:
        return 0
    day = dt.date.fromisoformat(today) if today else None
    reminders = reminders_due_for(organisation=organisation, today=day)
    for reminder in reminders:
        reminder_send_task.delay(**reminder.as_task_kwargs())
    logger.info("%s: %d reminder(s) to send.", organisation.slug, len(reminders))
    return len(reminders)


@shared_task(**SEND_RETRY)
def reminder_send_task(
    *,
    kind: str,
    recipient_id: int,
    organisation_id: int | None,
    period: str,
    subject: str,
    message: str,
    url: str = "",
) -> bool:
    """Send one reminder (at most once: see `notification_send`). True if this call sent it.

    `organisation_id` None is a programme-wide reminder (a reviewer's)."""
    recipient = get_user_model().objects.filter(pk=recipient_id, is_active=True).first()
    organisation = _organisation(organisation_id) if organisation_id is not None else None
    if recipient is None or (organisation_id is not None and organisation is None):
        return False
    notification = notification_send(
        recipient=recipient,
        kind=kind,
        period=period,
        subject=subject,
        text_template="reporting/email/notification.txt",
        html_template="reporting/email/notification.html",
        context={"message": message, "organisation": organisation},
        url=url,
        organisation=organisation,
        summary=message,
    )
    return notification is not None


# --- staff digest -----------------------------------------------------------------------------


def digest_window(
    frequency: str, today: dt.date, tz: dt.tzinfo, now: dt.datetime | None = None
) -> tuple[str, dt.datetime, dt.datetime] | None:
    """(period key, since, until) of the digest due on `today`, or None for none today.

    Weekly: the seven days up to now (or to the end of `today` if that is earlier), keyed by
    today's ISO week. Monthly: the previous calendar month, sent on the first weekly run of a
    month (days 1 to 7).
    """
    if frequency == DigestFrequency.MONTHLY:
        if today.day > 7:
            return None
        first = today.replace(day=1)
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        return (
            f"{previous:%Y-%m}",
            dt.datetime.combine(previous, dt.time(), tzinfo=tz),
            dt.datetime.combine(first, dt.time(), tzinfo=tz),
        )
    end_of_today = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    until = min(now or timezone.now(), end_of_today)
    return iso_week(today), until - dt.timedelta(days=7), until


@shared_task(acks_late=True)
def staff_digest_weekly_task() -> int:
    """One digest task per active organisation now (a manual run; beat: `mornings_task`)."""
    ids = _active_organisation_ids()
    for organisation_id in ids:
        staff_digest_organisation_task.delay(organisation_id=organisation_id)
    return len(ids)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def staff_digest_organisation_task(*, organisation_id: int, today: str | None = None) -> int:
    """Gather each team's successes and enqueue one digest per person who wants one now."""
    organisation = _organisation(organisation_id)
    if organisation is None:
        return 0
    day = dt.date.fromisoformat(today) if today else organisation_today(organisation)
    tz = organisation_timezone(organisation)
    enqueued = 0
    for frequency in DigestFrequency.values:
        window = digest_window(frequency, day, tz)
        if window is None:
            continue
        period, since, until = window
        successes = event_successes(organisation=organisation, since=since, until=until)
        audience = digest_audience(organisation=organisation, successes=successes)
        preferences = {
            p.user_id: p
            for p in Preference.objects.filter(
                kind=NotificationKind.STAFF_DIGEST, user_id__in=list(audience)
            )
        }
        for user_id, items in sorted(audience.items()):
            preference = preferences.get(user_id)
            wanted = preference.digest_frequency if preference else DigestFrequency.WEEKLY
            if wanted != frequency or (preference and preference.channel == Channel.NONE):
                continue
            staff_digest_send_task.delay(
                recipient_id=user_id,
                organisation_id=organisation.pk,
                period=f"{period}:org-{organisation.pk}",
                frequency=frequency,
                since=since.date().isoformat(),
                until=(until - dt.timedelta(microseconds=1)).date().isoformat(),
                events=[item.as_dict() for item in items],
            )
            enqueued += 1
    return enqueued


@shared_task(**SEND_RETRY)
def staff_digest_send_task(
    *,
    recipient_id: int,
    organisation_id: int,
    period: str,
    frequency: str,
    since: str,
    until: str,
    events: list[dict[str, Any]],
) -> bool:
    """Send one person's digest (at most once per period and organisation)."""
    from programmes.models import Membership

    recipient = get_user_model().objects.filter(pk=recipient_id, is_active=True).first()
    organisation = _organisation(organisation_id)
    if recipient is None or organisation is None:
        return False
    with across_organisations():
        if not Membership.objects.filter(
            organisation=organisation, user=recipient, is_active=True
        ).exists():
            return False
    first, last = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    span = f"{first.day} {first:%B} to {last.day} {last:%B %Y}"
    summary = "; ".join(
        f"{e['title']}: "
        + ", ".join(
            part
            for part in (
                f"{len(e['signals'])} signal(s) of improvement" if e["signals"] else "",
                f"{len(e['adopted'])} change(s) adopted" if e["adopted"] else "",
                f"{e['new_partners']} new partner(s)" if e["new_partners"] else "",
                f"{len(e['news'])} other update(s)" if e["news"] else "",
            )
            if part
        )
        for e in events
    )
    notification = notification_send(
        recipient=recipient,
        kind=NotificationKind.STAFF_DIGEST,
        period=period,
        subject=f"Successes in {organisation.name}: {span}",
        text_template="reporting/email/staff_digest.txt",
        html_template="reporting/email/staff_digest.html",
        context={
            "organisation": organisation,
            "events": events,
            "span": span,
            "frequency": frequency,
            "site_url": _site_url(),
        },
        url=f"/o/{organisation.slug}/",
        organisation=organisation,
        summary=summary,
    )
    return notification is not None


def _site_url() -> str:
    from django.conf import settings

    return settings.SITE_URL.rstrip("/")


# --- monthly sponsor reports ------------------------------------------------------------


def sponsor_memberships(organisation: Any) -> list[int]:
    """Active members who sponsor an open event, or hold the executive sponsor role."""
    from programmes.models import Role, Stage
    from programmes.selectors import event_list, membership_list

    sponsoring = {
        sponsor_id
        for sponsor_id, stage in event_list(organisation=organisation).values_list(
            "executive_sponsor_id", "stage"
        )
        if sponsor_id is not None and stage != Stage.CLOSED
    }
    return [
        m.pk
        for m in membership_list(organisation=organisation).filter(is_active=True)
        if m.role == Role.EXECUTIVE_SPONSOR or m.user_id in sponsoring
    ]


@shared_task(name="reporting.monthly_reports", acks_late=True)
def monthly_reports_task(period: str | None = None) -> int:
    """Queue one report per sponsor of every active organisation, for last month by default."""
    from programmes.selectors import organisation_list_for_programme

    period = period or previous_period()
    period_bounds(period)
    queued = 0
    for organisation in organisation_list_for_programme().filter(is_active=True).order_by("pk"):
        queued += _queue_reports(organisation, period)
    logger.info("Queued %s sponsor reports for %s.", queued, period)
    return queued


def _queue_reports(organisation: Organisation, period: str) -> int:
    """One `sponsor_report_task` per sponsor of the organisation; returns how many."""
    with organisation_scope(organisation):
        memberships = sponsor_memberships(organisation)
    for membership_id in memberships:
        sponsor_report_task.delay(
            organisation_id=organisation.pk, membership_id=membership_id, period=period
        )
    return len(memberships)


@shared_task(name="reporting.sponsor_report", **SEND_RETRY)
@organisation_task
def sponsor_report_task(*, organisation: Any, membership_id: int, period: str) -> int:
    """Generate (once), store and send (once) one sponsor's report. Returns the report's id."""
    from alwaysevents.reporting.services.reports import (
        sponsor_report_generate,
        sponsor_report_send,
    )
    from programmes.selectors import membership_get

    membership = membership_get(organisation=organisation, pk=membership_id)
    membership.organisation = organisation
    report = sponsor_report_generate(membership=membership, period=period)
    report.organisation = organisation
    sponsor_report_send(report=report)
    return report.pk


@shared_task(name="reporting.report_escalations", acks_late=True)
def report_escalations_task() -> int:
    """Queue an escalation for every report unacknowledged past its deadline."""
    overdue = report_list_overdue()
    for report in overdue:
        report_escalate_task.delay(organisation_id=report.organisation_id, report_id=report.pk)
    return len(overdue)


@shared_task(name="reporting.report_escalate", **SEND_RETRY)
@organisation_task
def report_escalate_task(*, organisation: Any, report_id: int) -> int:
    from alwaysevents.reporting.models import SponsorReport
    from alwaysevents.reporting.services.reports import sponsor_report_escalate

    report = (
        SponsorReport.objects.filter(organisation=organisation, pk=report_id)
        .select_related("organisation", "sponsor")
        .defer("html", "pdf")
        .get()
    )
    if report.acknowledged_at is not None or report.escalated_at is not None:
        return 0
    return sponsor_report_escalate(report=report)
