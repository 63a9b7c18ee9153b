"""Notifications (the exactly-once ledger) and each person's notification preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    """Every kind of notification the app sends. One preference per person and kind."""

    MEASURE_DATA_DUE = "measure_data_due", "Data due for a measure"
    PDSA_OVERDUE = "pdsa_overdue", "PDSA cycle past its planned date"
    LIMITS_CHANGED = "limits_changed", "A chart whose process has changed (limits to recalculate)"
    PROGRESS_SCORE_STALE = "progress_score_stale", "Progress score not reviewed recently"
    CHALLENGE_UNANSWERED = "challenge_unanswered", "Challenge waiting for the sponsor"
    CONSENT_REVIEW_DUE = "consent_review_due", "Partner consent due for review"
    PARTNER_RETENTION_PASSED = "partner_retention_passed", "Partner details past retention date"
    REVIEW_DEADLINE = "review_deadline", "Accreditation review deadline (for reviewers)"
    INFORMATION_REQUEST_OPEN = "information_request_open", "Reviewers' questions to answer"
    ACCREDITATION_EXPIRING = "accreditation_expiring", "Accreditation coming up for renewal"
    STAFF_DIGEST = "staff_digest", "Staff digest of successes"
    MONTHLY_REPORT = "monthly_report", "Monthly progress report"
    REPORT_ESCALATION = "report_escalation", "Progress report not acknowledged"

    @classmethod
    def cannot_be_turned_off(cls) -> frozenset[str]:
        """Kinds a person chooses how to receive but cannot refuse: the sponsor is asked to
        acknowledge each monthly report, and the admins are told when they have not. "Do not
        notify me" is read as "in the app only" for these."""
        return frozenset({cls.MONTHLY_REPORT.value, cls.REPORT_ESCALATION.value})


class Channel(models.TextChoices):
    """How a person wants one kind of notification."""

    BOTH = "both", "Email and in the app"
    EMAIL = "email", "Email only"
    IN_APP = "in_app", "In the app only"
    NONE = "none", "Do not notify me"

    @classmethod
    def with_email(cls) -> frozenset[str]:
        return frozenset({cls.BOTH.value, cls.EMAIL.value})

    @classmethod
    def with_in_app(cls) -> frozenset[str]:
        return frozenset({cls.BOTH.value, cls.IN_APP.value})


def effective_channel(kind: str, chosen: str | None) -> str:
    """The channel a notification of `kind` goes by, from the person's choice (None: no choice
    made, email and in the app). "Do not notify me" is "in the app only" for the kinds that
    cannot be turned off."""
    channel = chosen or Channel.BOTH.value
    if channel == Channel.NONE and kind in NotificationKind.cannot_be_turned_off():
        return Channel.IN_APP.value
    return channel


class DigestFrequency(models.TextChoices):
    """How often the staff digest comes (only read on the `staff_digest` preference)."""

    WEEKLY = "weekly", "Every week"
    MONTHLY = "monthly", "Once a month (first week of the month)"


class Notification(models.Model):
    """One notification to one person: the exactly-once ledger.

    The unique key (recipient, kind, period) is inserted *before* any email goes, so a retried
    or duplicated task finds the row and sends nothing twice. `channel` is the person's
    preference resolved when the row was written; an email is still owed while `channel`
    includes email and `emailed_at` is empty (see `services.delivery`).

    Not organisation-owned (the organisation is optional, for programme-wide notices): every
    read filters on `recipient`, which is the privacy boundary.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organisation = models.ForeignKey(
        "programmes.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    period = models.CharField(
        max_length=80,
        help_text="What makes this notification unique for the person and kind: a month "
        "(2026-11), an ISO week (2026-W48), a date, or an object and date (measure-12:2026-11).",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.BOTH)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a worker took the email to send; another waits until this lease expires.",
    )
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period"], name="reporting_notification_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "read_at"],
                name="reporting_notif_unread",
                condition=models.Q(read_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.recipient})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def wants_email(self) -> bool:
        return self.channel in Channel.with_email()

    @property
    def shows_in_app(self) -> bool:
        return self.channel in Channel.with_in_app()


class NotificationPreference(models.Model):
    """A person's choice for one kind. No row means the default: email and in the app."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.BOTH)
    digest_frequency = models.CharField(
        max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="reporting_preference_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} by {self.get_channel_display()}"
