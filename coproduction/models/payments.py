"""Payments and expenses for partners: rates per involvement level, claims and their approval."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from alwaysevents.files import PrivateStorage
from alwaysevents.tenancy.models import OrganisationOwned


class ReceiptStorage(PrivateStorage):
    """`receipts/`: in the bucket, or under `VAR_DIR/private/` (see `alwaysevents.files`)."""

    folder = "receipts"
    what = "Receipts"


def receipt_storage() -> PrivateStorage:
    """Receipts live outside the web root (no URL); only a permission-checked view serves them."""
    return ReceiptStorage()


def receipt_upload_to(instance: Claim, filename: str) -> str:
    """A random name under the organisation: the uploaded name says nothing and is not kept."""
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"{instance.organisation_id}/{uuid.uuid4().hex}{suffix}"


class PaymentRate(OrganisationOwned):
    """What the organisation pays for one involvement level, from a date."""

    level = models.CharField(
        max_length=60, help_text="For example: attendance, co-design session, half day, full day."
    )
    amount = models.DecimalField(
        "amount (£)", max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    effective_from = models.DateField()

    class Meta:
        ordering = ["level", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "level", "effective_from"],
                name="coproduction_payment_rate_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}: £{self.amount} from {self.effective_from}"


class PaymentSettings(OrganisationOwned):
    """Per-organisation payment rules."""

    team_lead_approval_limit = models.DecimalField(
        "team lead approval limit (£)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], name="coproduction_payment_settings_once"
            )
        ]

    def __str__(self) -> str:
        return f"Team leads approve up to £{self.team_lead_approval_limit}"


class Claim(OrganisationOwned):
    """An expense or involvement payment claimed for a partner's part in an event."""

    class Kind(models.TextChoices):
        TRAVEL = "travel", "Travel"
        SUBSISTENCE = "subsistence", "Subsistence"
        CARER_COVER = "carer_cover", "Carer or childcare cover"
        INVOLVEMENT = "involvement", "Involvement payment"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        PAID = "paid", "Paid"
        REJECTED = "rejected", "Rejected"

    partner = models.ForeignKey(
        "coproduction.Partner", on_delete=models.PROTECT, related_name="claims"
    )
    event = models.ForeignKey(
        "programmes.AlwaysEvent", on_delete=models.PROTECT, related_name="partner_claims"
    )
    activity = models.ForeignKey(
        "coproduction.InvolvementActivity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        "amount (£)",
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    description = models.CharField(max_length=300, blank=True)
    receipt = models.FileField(
        storage=receipt_storage, upload_to=receipt_upload_to, null=True, blank=True
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    rejected_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="coproduction_claim_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} £{self.amount} ({self.get_state_display()})"
