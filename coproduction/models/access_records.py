"""Who opened a partner's personal details: one row per look, kept for a retention period.

Partners are patients and carers; the NHS Data Security and Protection Toolkit expects access
to their personal data to be accountable. Every view of a partner's contact, access-need or
payment details, every receipt download and every subject access export writes one row here
(`coproduction.services.access_records`). Organisation admins read the record per partner;
rows older than `settings.PARTNER_ACCESS_RECORD_DAYS` are pruned daily.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from alwaysevents.tenancy.models import OrganisationOwned


class PartnerAccessRecord(OrganisationOwned):
    """One look at one kind of a partner's personal details: who, when, what."""

    # A log no page derives anything from: recording a page view must not move the
    # organisation's data version (and miss every dashboard cache); see `tenancy.changes`.
    announces_changes = False

    class Kind(models.TextChoices):
        CONTACT = "contact", "Contact details"
        ACCESS_NEEDS = "access_needs", "Access needs"
        PAYMENT = "payment", "Payment details"
        RECEIPT = "receipt", "Receipt download"
        EXPORT = "export", "Everything held (subject access export)"

    partner = models.ForeignKey(
        "coproduction.Partner", on_delete=models.CASCADE, related_name="access_records"
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    where = models.CharField(
        max_length=120, blank=True, help_text="The page, for example: claim 12 of an event."
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["partner", "-at"], name="coproduction_access_by_partner"),
            models.Index(fields=["organisation", "at"], name="coproduction_access_by_age"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
