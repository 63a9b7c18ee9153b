"""Delivery of notifications: the exactly-once ledger, preferences, and the email itself.

The API (for reminders, digests and the monthly reports)
-------------------------------------------------------

``notification_send(*, recipient, kind, period, subject, text_template, html_template,
context, url="", organisation=None, summary="", attachments=()) -> Notification | None``

1. **Ledger first.** A `Notification` row keyed by (recipient, kind, period) is inserted in its
   own savepoint before anything is sent. If the key already exists the call is a repeat:
   - its email went (`emailed_at` set) or was never wanted (in-app only / none): returns None;
   - its email did not go (the earlier attempt raised): this call takes the email over and
     sends it, so a retry completes the send instead of duplicating it;
   - another worker holds the email right now (`email_claimed_at` younger than
     `NOTIFICATION_SEND_LEASE_SECONDS`): raises `NotificationInFlight`; tasks retry later, and
     after a crashed worker's lease expires the retry sends.
2. **Preferences.** The person's channel for the kind (`NotificationPreference`, default
   email and in-app) is resolved once, when the row is written, and stored on it. In-app only
   or none: no email. Kinds that cannot be turned off (`NotificationKind.cannot_be_turned_off`,
   the monthly report and its escalation) read "none" as "in the app only". The row always
   stays as the ledger; the in-app list shows only rows
   whose channel includes the app.
3. **The email** is an `EmailMultiAlternatives` with a plain-text part (`text_template`) and
   an HTML part (`html_template`), rendered with `context` plus `recipient`, `notification`,
   `url` (absolute) and `preferences_url` (absolute `reporting:notification-preferences`).
   Both parts must show `preferences_url` (extend `reporting/email/base.txt` and
   `reporting/email/base.html`, which do); a template that drops it raises ValueError.
   `attachments` are `(filename, content bytes, mimetype)` tuples (the monthly PDF).
4. After the backend accepts the message `emailed_at` is set. If sending raises, the claim is
   released and the exception propagates (tasks retry on `SMTPException` / `OSError`); the
   next call with the same key sends it.

`period` is what makes a notification unique for that person and kind: `"2026-11"` (a monthly
report), `"2026-W48"` (a weekly digest), `"2026-11-26"` (a daily reminder) or an object and
period (`"measure-12:2026-11"`). Pick it so that "the same reminder again" gives the same key.

Call it outside any transaction (from a task): the ledger row must be committed before the
email goes. The only gap left is a crash after the mail server accepted the message but
before `emailed_at` is written; after the lease that one email is sent again (SMTP cannot be
made transactional), which is why the lease exists rather than an immediate takeover.

`notification_channel(user, kind)` answers the person's channel; `preferences_url()` the
absolute link.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alwaysevents.reporting.models import (
    Channel,
    Notification,
    NotificationKind,
    NotificationPreference,
    effective_channel,
)

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from programmes.models import Organisation

logger = logging.getLogger(__name__)

Attachment = tuple[str, bytes, str]


class NotificationInFlight(Exception):
    """Another worker is sending this notification's email right now; try again later."""


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def preferences_url() -> str:
    return absolute_url(reverse("reporting:notification-preferences"))


def notification_channel(*, user: User, kind: str) -> str:
    preference = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return effective_channel(kind, preference.channel if preference else None)


def _lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATION_SEND_LEASE_SECONDS)


def _claim_existing(*, recipient: User, kind: str, period: str) -> Notification | None:
    """Take over the email of an existing row whose email is owed, or answer None."""
    existing = Notification.objects.get(recipient=recipient, kind=kind, period=period)
    if not existing.wants_email or existing.emailed_at is not None:
        return None
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=existing.pk, emailed_at__isnull=True)
        .exclude(email_claimed_at__gt=now - _lease())
        .update(email_claimed_at=now)
    )
    if not claimed:
        raise NotificationInFlight(
            f"Notification {existing.pk} is being emailed by another worker."
        )
    existing.email_claimed_at = now
    return existing


def notification_send(
    *,
    recipient: User,
    kind: str,
    period: str,
    subject: str,
    text_template: str,
    html_template: str,
    context: Mapping[str, Any] | None = None,
    url: str = "",
    organisation: Organisation | None = None,
    summary: str = "",
    attachments: Iterable[Attachment] = (),
) -> Notification | None:
    """Record and deliver one notification at most once. See the module docstring."""
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    channel = notification_channel(user=recipient, kind=kind)
    wants_email = channel in Channel.with_email()
    full_url = absolute_url(url)
    render_context: dict[str, Any] = {
        **(context or {}),
        "recipient": recipient,
        "subject": subject,
        "url": full_url,
        "preferences_url": preferences_url(),
    }
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                organisation=organisation,
                kind=kind,
                period=period,
                channel=channel,
                subject=subject[:200],
                body=summary,
                url=url,
                email_claimed_at=timezone.now() if wants_email else None,
            )
    except IntegrityError:
        claimed = _claim_existing(recipient=recipient, kind=kind, period=period)
        if claimed is None:
            return None
        notification = claimed

    render_context["notification"] = notification
    text = render_to_string(text_template, render_context)
    if not notification.body:
        notification.body = text
        Notification.objects.filter(pk=notification.pk).update(body=text)
    if not notification.wants_email:
        return notification

    html = render_to_string(html_template, render_context)
    for part, name in ((text, text_template), (html, html_template)):
        if render_context["preferences_url"] not in part:
            _release(notification)
            raise ValueError(f"{name} must show the link to notification preferences.")
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=text,
        to=[recipient.email],
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    try:
        message.send()
    except Exception:
        _release(notification)
        raise
    notification.emailed_at = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=notification.emailed_at)
    logger.info("Emailed %s %s to user %s.", kind, period, recipient.pk)
    return notification


def _release(notification: Notification) -> None:
    """Let the next attempt send this email at once (the send failed cleanly)."""
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        email_claimed_at=None
    )
    notification.email_claimed_at = None
