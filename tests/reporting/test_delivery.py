"""The delivery API: ledger first, preferences, both parts and the preferences link, retries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from alwaysevents.reporting.models import Channel, Notification, NotificationKind
from alwaysevents.reporting.services import NotificationInFlight, notification_send
from alwaysevents.reporting.services.preferences import notification_preferences_set

pytestmark = pytest.mark.django_db

KIND = NotificationKind.PDSA_OVERDUE


def send(user, period="2026-11-26", **extra):
    arguments = {
        "recipient": user,
        "kind": KIND,
        "period": period,
        "subject": "A test of change is past its date",
        "text_template": "reporting/email/notification.txt",
        "html_template": "reporting/email/notification.html",
        "context": {"message": "Cycle 3 was due to finish on 20 November."},
        "url": "/o/northfield/",
    }
    arguments.update(extra)
    return notification_send(**arguments)


def test_send_records_the_ledger_and_emails_both_parts_with_the_preferences_link(editor):
    notification = send(editor, organisation=None)

    assert notification is not None and notification.emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [editor.email]
    assert "/notifications/preferences/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "/notifications/preferences/" in html
    assert "Cycle 3 was due" in message.body and "http://" in message.body
    assert notification.body.startswith("Hello")


def test_send_twice_with_the_same_key_emails_once(editor):
    assert send(editor) is not None
    assert send(editor) is None
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=editor).count() == 1


def test_a_new_period_is_a_new_notification(editor):
    send(editor, period="2026-11-26")
    send(editor, period="2026-11-27")
    assert len(mail.outbox) == 2


def test_in_app_only_preference_sends_no_email(editor):
    notification_preferences_set(
        user=editor, channels={KIND: Channel.IN_APP}, digest_frequency="weekly"
    )
    notification = send(editor)
    assert notification is not None and notification.shows_in_app
    assert notification.emailed_at is None
    assert mail.outbox == []
    assert send(editor) is None  # a retry does not email either
    assert mail.outbox == []


def test_a_failed_email_is_sent_by_the_retry_not_duplicated(editor, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    real_send = EmailMultiAlternatives.send

    def broken(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    with pytest.raises(OSError):
        send(editor)
    row = Notification.objects.get(recipient=editor)
    assert row.emailed_at is None and row.email_claimed_at is None

    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    retried = send(editor)
    assert retried is not None and retried.pk == row.pk
    assert len(mail.outbox) == 1
    assert send(editor) is None
    assert len(mail.outbox) == 1


def test_an_email_held_by_another_worker_is_not_sent_twice(editor):
    row = Notification.objects.create(
        recipient=editor,
        kind=KIND,
        period="2026-11-26",
        subject="x",
        email_claimed_at=timezone.now(),
    )
    with pytest.raises(NotificationInFlight):
        send(editor)
    assert mail.outbox == []
    # The worker crashed: once its lease has passed the retry sends.
    Notification.objects.filter(pk=row.pk).update(
        email_claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert send(editor) is not None
    assert len(mail.outbox) == 1


def test_a_template_without_the_preferences_link_is_refused(editor):
    with pytest.raises(ValueError, match="preferences"):
        send(editor, html_template="programmes/email/invitation.html")
    assert mail.outbox == []


def test_attachments_go_with_the_email(editor):
    send(editor, attachments=[("report.pdf", b"%PDF-1.7", "application/pdf")])
    assert mail.outbox[0].attachments[0][0] == "report.pdf"


def test_unknown_kind_is_refused(editor):
    with pytest.raises(ValueError, match="kind"):
        send(editor, kind="nonsense")
