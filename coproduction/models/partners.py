"""People with lived experience who work with a team, what they consent to, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alwaysevents.tenancy.models import OrganisationOwned


class AccessNeed(models.TextChoices):
    """Communication and access needs (Accessible Information Standard)."""

    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"
    BSL = "bsl", "BSL interpreter"
    HEARING_LOOP = "hearing_loop", "Hearing loop"
    STEP_FREE = "step_free", "Step-free access"


class Partner(OrganisationOwned):
    """A patient, service user, family member or carer who works with a team.

    Contact, access-need and payment details are personal: only the team lead of an event the
    partner takes part in and the organisation admin see them (`coproduction.permissions`).
    Erasure keeps the row under its pseudonym and removes the identity.
    """

    class Relationship(models.TextChoices):
        PATIENT = "patient", "Patient"
        SERVICE_USER = "service_user", "Service user"
        FAMILY = "family", "Family member"
        CARER = "carer", "Carer"

    class ContactPreference(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        POST = "post", "Post"
        THROUGH_TEAM = "through_team", "Through the team only"

    class RecruitmentSource(models.TextChoices):
        GROUP = "group", "Existing group or forum"
        EVENT = "event", "An event"
        REFERRAL = "referral", "Referral"
        OTHER = "other", "Other"

    class PaymentPreference(models.TextChoices):
        PAID = "paid", "Paid for involvement"
        EXPENSES = "expenses", "Expenses only"
        DECLINED = "declined", "Declined payment"

    display_name = models.CharField(max_length=120, help_text="The name they want to be known by.")
    pseudonym = models.CharField(max_length=40, help_text="Shown instead of the name where needed.")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    postal_address = models.TextField(blank=True)
    contact_preference = models.CharField(
        max_length=20, choices=ContactPreference.choices, default=ContactPreference.EMAIL
    )
    recruitment_source = models.CharField(
        max_length=20, choices=RecruitmentSource.choices, default=RecruitmentSource.GROUP
    )
    recruitment_note = models.CharField(max_length=300, blank=True)
    access_needs = models.JSONField(default=list, blank=True, help_text="AccessNeed values.")
    access_needs_other = models.CharField(max_length=300, blank=True)
    payment_preference = models.CharField(
        max_length=20, choices=PaymentPreference.choices, default=PaymentPreference.EXPENSES
    )
    retention_until = models.DateField(
        null=True, blank=True, help_text="When their personal details should be reviewed or erased."
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "pseudonym"], name="coproduction_partner_pseudonym_once"
            )
        ]

    def __str__(self) -> str:
        return self.pseudonym if self.anonymised_at else self.display_name

    @property
    def has_access_needs(self) -> bool:
        return bool(self.access_needs or self.access_needs_other)

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


class EventPartner(OrganisationOwned):
    """A partner's part in one Always Event."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="events")
    event = models.ForeignKey(
        "programmes.AlwaysEvent", on_delete=models.CASCADE, related_name="partners"
    )
    role = models.CharField(max_length=120, blank=True, help_text="For example: co-design group.")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "event"], name="coproduction_event_partner_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} in {self.event}"


class Consent(OrganisationOwned):
    """One consent for one purpose, as worded at the time; withdrawn, never deleted."""

    class Purpose(models.TextChoices):
        CONTACT = "contact", "Contacting them"
        QUOTING = "quoting", "Quoting their words"
        PHOTOGRAPHS = "photographs", "Photographs"
        CASE_STUDIES = "case_studies", "External case studies"
        PAYMENT = "payment", "Processing payments"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    wording_version = models.CharField(max_length=40)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="coproduction_consent_one_active_per_purpose",
            )
        ]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_at else "given"
        return f"{self.get_purpose_display()} ({state})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class PartnerSignOff(OrganisationOwned):
    """Links a vision statement sign-off (programmes) to the partner who gave it."""

    sign_off = models.OneToOneField(
        "programmes.VisionSignOff", on_delete=models.CASCADE, related_name="partner_link"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="sign_offs")

    def __str__(self) -> str:
        return f"{self.partner}: {self.sign_off}"


class AuditEntry(OrganisationOwned):
    """Who did what, when, to whom: consents, erasures and payment approvals."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=60)
    partner = models.ForeignKey(
        Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}: {self.summary}"
