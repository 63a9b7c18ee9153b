"""Monthly sponsor progress reports: the stored snapshot of what was sent, and its
acknowledgement."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alwaysevents.tenancy.models import OrganisationOwned


class SponsorReport(OrganisationOwned):
    """One sponsor's report for one month, exactly as it was sent: the HTML and the PDF.

    Created once per (organisation, sponsor, month) and never regenerated: a rerun of the
    monthly task finds the row and only finishes sending it. The sponsor acknowledges it in the
    app or by the signed link in the email; an unacknowledged report is escalated once to the
    organisation admins after `REPORT_ACKNOWLEDGE_DAYS`.
    """

    class Via(models.TextChoices):
        APP = "app", "In the app"
        LINK = "link", "By the link in the email"

    membership = models.ForeignKey(
        "programmes.Membership", on_delete=models.PROTECT, related_name="+"
    )
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(max_length=7, help_text="The month reported on, e.g. 2026-11.")
    summary = models.JSONField(
        default=dict,
        blank=True,
        help_text="Facts of the report as sent: event titles, scores (the baseline of the next "
        "report's change), counts.",
    )
    html = models.TextField(help_text="The report as sent (HTML), shown in the app.")
    pdf = models.BinaryField(help_text="The PDF board report as sent.")
    generated_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_via = models.CharField(max_length=10, choices=Via.choices, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sponsor", "period"], name="reporting_report_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["sent_at"],
                name="reporting_report_unacked",
                condition=models.Q(acknowledged_at__isnull=True, escalated_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"Progress report {self.period} for {self.sponsor}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def notification_period(self) -> str:
        """The `period` of its monthly-report notification (the exactly-once ledger's key)."""
        return f"org-{self.organisation_id}:{self.period}"
