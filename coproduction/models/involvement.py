"""What partners told the team, and the activities they took part in."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from alwaysevents.tenancy.models import OrganisationOwned
from programmes.models import Stage


class Insight(OrganisationOwned):
    """Something people said matters to them ("What matters to you?"), anonymised."""

    class Source(models.TextChoices):
        CONVERSATION = "conversation", "Conversation"
        SURVEY = "survey", "Survey"
        COMPLAINT = "complaint", "Complaint"
        FFT = "fft", "Friends and Family Test comment"
        WORKSHOP = "workshop", "Workshop"

    event = models.ForeignKey(
        "programmes.AlwaysEvent", on_delete=models.CASCADE, related_name="insights"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    gathered_on = models.DateField()
    theme = models.CharField(max_length=120, help_text="A few words, e.g. knowing the plan.")
    quote = models.TextField(
        "what was said (anonymised)",
        help_text="No names, NHS numbers or clinical details.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-gathered_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.theme}: {self.quote[:40]}"


class InvolvementActivity(OrganisationOwned):
    """A conversation, workshop, co-design meeting, testing session or evaluation with partners."""

    class Type(models.TextChoices):
        CONVERSATION = "conversation", "Conversation"
        WORKSHOP = "workshop", "Workshop"
        CO_DESIGN = "co_design", "Co-design meeting"
        TESTING = "testing", "Testing session"
        EVALUATION = "evaluation", "Evaluation"

    class Rung(models.IntegerChoices):
        """The ladder of co-production (Think Local Act Personal)."""

        COERCION = 1, "1. Coercion"
        EDUCATING = 2, "2. Educating"
        INFORMING = 3, "3. Informing"
        CONSULTATION = 4, "4. Consultation"
        ENGAGEMENT = 5, "5. Engagement"
        CO_DESIGN = 6, "6. Co-design"
        CO_PRODUCTION = 7, "7. Co-production"

    event = models.ForeignKey(
        "programmes.AlwaysEvent", on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=Type.choices)
    held_on = models.DateField()
    stage = models.CharField(max_length=20, choices=Stage.choices)
    rung = models.PositiveSmallIntegerField(
        choices=Rung.choices,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text="Judged together by staff and partners.",
    )
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    partners = models.ManyToManyField(
        "coproduction.Partner", through="coproduction.Attendance", blank=True, related_name="+"
    )
    decisions_influenced = models.TextField("decisions partners influenced", blank=True)
    partner_feedback = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"


class Attendance(OrganisationOwned):
    """A partner at an activity, with the feedback they gave on it themselves (if they sign in)."""

    activity = models.ForeignKey(
        InvolvementActivity, on_delete=models.CASCADE, related_name="attendance"
    )
    partner = models.ForeignKey(
        "coproduction.Partner", on_delete=models.PROTECT, related_name="attendance"
    )
    feedback = models.TextField(blank=True, help_text="In the partner's own words.")
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "partner"], name="coproduction_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} at {self.activity}"


class PartnerSuggestion(OrganisationOwned):
    """What a partner who signs in would change about their Always Event, in their own words.

    Written on the partner's event page (`coproduction.services.suggestions`); the team reads
    it on the event's Co-production tab and, without the partner's name, in the staff digest.
    """

    event = models.ForeignKey(
        "programmes.AlwaysEvent", on_delete=models.CASCADE, related_name="partner_suggestions"
    )
    partner = models.ForeignKey(
        "coproduction.Partner", on_delete=models.PROTECT, related_name="suggestions"
    )
    text = models.TextField(help_text="In the partner's own words.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(text__regex=r"\S"), name="coproduction_suggestion_not_blank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.text[:40]}"
