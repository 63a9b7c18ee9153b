"""An Always Event, its team, lifecycle, statements and timeline."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from alwaysevents.tenancy.models import OrganisationOwned


class Stage(models.TextChoices):
    """The lifecycle of `product.md`. The first seven are the main path, in order."""

    PROPOSED = "proposed", "Proposed"
    SET_UP = "set_up", "Set-up"
    DISCOVERING = "discovering", "Discovering"
    CO_DESIGNING = "co_designing", "Co-designing"
    TESTING = "testing", "Testing"
    IMPLEMENTING = "implementing", "Implementing"
    SUSTAINING = "sustaining", "Sustaining"
    SPREADING = "spreading", "Spreading"
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


MAIN_PATH: tuple[str, ...] = (
    Stage.PROPOSED,
    Stage.SET_UP,
    Stage.DISCOVERING,
    Stage.CO_DESIGNING,
    Stage.TESTING,
    Stage.IMPLEMENTING,
    Stage.SUSTAINING,
    Stage.SPREADING,
)


class AimReviewFrequency(models.TextChoices):
    WEEKLY = "weekly", "every week"
    FORTNIGHTLY = "fortnightly", "every fortnight"
    MONTHLY = "monthly", "every month"
    QUARTERLY = "quarterly", "every quarter"


class AlwaysEvent(OrganisationOwned):
    """Something patients, families and carers say should happen every time."""

    class ClosedReason(models.TextChoices):
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped"
        MERGED = "merged", "Merged into another event"

    title = models.CharField(max_length=200)
    service = models.CharField(
        "service or team", max_length=200, help_text="For example: Ward 7, older people's care."
    )
    focus_population = models.CharField(
        max_length=200, blank=True, help_text="Who it is for, for example: people with dementia."
    )
    setting = models.CharField(
        max_length=200, blank=True, help_text="Where care happens: inpatient ward, clinic, home."
    )
    position = models.CharField(
        "department or directorate",
        max_length=200,
        blank=True,
        help_text="Where the work sits in the organisation.",
    )
    qi_strategy_theme = models.CharField(
        "QI strategy theme",
        max_length=200,
        blank=True,
        help_text="The theme of your organisation's quality improvement strategy it supports.",
    )
    team_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    executive_sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    qi_support_contact = models.CharField(
        "QI support contact",
        max_length=200,
        blank=True,
        help_text="Who helps with improvement methods and measurement: name and email.",
    )
    oversight_group = models.CharField(
        max_length=200,
        blank=True,
        help_text="The group or committee the team reports to, e.g. the Patient Experience Group.",
    )
    staff_engagement = models.TextField(
        "prior staff engagement",
        blank=True,
        help_text='What staff said when asked "What matters to you at work?" and how you asked.',
    )
    cohort = models.ForeignKey(
        "programmes.Cohort", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.PROPOSED)
    paused_from = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    closed_reason = models.CharField(max_length=20, choices=ClosedReason.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="spread_to",
        help_text="The event this one was spread from.",
    )

    vision_statement = models.TextField(
        blank=True,
        help_text='In patients\' own words, starting "I will always" or "We will always".',
    )
    aim_measure = models.CharField(
        "what will happen",
        max_length=300,
        blank=True,
        help_text="For example: are told the plan for their day by 10am.",
    )
    aim_target_percent = models.DecimalField(
        "target (per cent)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    aim_deadline = models.DateField("by when", null=True, blank=True)
    aim_population = models.CharField(
        "for whom", max_length=200, blank=True, help_text="For example: patients on Ward 7."
    )
    aim_review_frequency = models.CharField(
        "how often you will review it",
        max_length=20,
        choices=AimReviewFrequency.choices,
        blank=True,
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["organisation", "stage"], name="programmes_event_org_stage")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def aim_is_complete(self) -> bool:
        return bool(
            self.aim_measure
            and self.aim_target_percent is not None
            and self.aim_deadline
            and self.aim_population
            and self.aim_review_frequency
        )

    @property
    def aim_sentence(self) -> str:
        """The aim as one readable sentence, or "" until every part is there."""
        if not self.aim_is_complete or self.aim_deadline is None or self.aim_target_percent is None:
            return ""
        percent = f"{self.aim_target_percent.normalize():f}"
        deadline = f"{self.aim_deadline.day} {self.aim_deadline:%B %Y}"
        return (
            f"By {deadline}, {percent}% of {self.aim_population} {self.aim_measure.rstrip('.')}. "
            f"We will review this {self.get_aim_review_frequency_display()}."
        )


class TeamMember(OrganisationOwned):
    """A person on an event's team, with the protected time agreed for the work."""

    class Band(models.TextChoices):
        """NHS Agenda for Change bands, used to cost staff time."""

        BAND_2 = "2", "Band 2"
        BAND_3 = "3", "Band 3"
        BAND_4 = "4", "Band 4"
        BAND_5 = "5", "Band 5"
        BAND_6 = "6", "Band 6"
        BAND_7 = "7", "Band 7"
        BAND_8A = "8a", "Band 8a"
        BAND_8B = "8b", "Band 8b"
        BAND_8C = "8c", "Band 8c"
        BAND_8D = "8d", "Band 8d"
        BAND_9 = "9", "Band 9"
        OTHER = "other", "Other or not on Agenda for Change"

    event = models.ForeignKey(AlwaysEvent, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role_in_team = models.CharField(
        max_length=120, blank=True, help_text="For example: ward sister."
    )
    band = models.CharField(max_length=10, choices=Band.choices, default=Band.OTHER)
    protected_hours_per_week = models.DecimalField(
        "protected time agreed (hours a week)",
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("40"))],
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="programmes_teammember_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.event}"


class StageTransition(OrganisationOwned):
    """One move of an event through its lifecycle: who, when, from, to, why, what was overridden."""

    event = models.ForeignKey(AlwaysEvent, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    reason = models.TextField(blank=True)
    overridden = models.JSONField(
        default=list, blank=True, help_text="Readiness items that were not met when moving on."
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event}: {self.get_from_stage_display()} to {self.get_to_stage_display()}"


class Criterion(OrganisationOwned):
    """One of the four Always Events criteria, confirmed with evidence."""

    class Kind(models.TextChoices):
        IMPORTANT = "important", "Important"
        EVIDENCE_BASED = "evidence_based", "Evidence-based"
        MEASURABLE = "measurable", "Measurable"
        AFFORDABLE_SUSTAINABLE = "affordable_sustainable", "Affordable and sustainable"

    event = models.ForeignKey(AlwaysEvent, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    confirmed = models.BooleanField(default=False)
    evidence = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="programmes_criterion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({'confirmed' if self.confirmed else 'not confirmed'})"


class VisionSignOff(OrganisationOwned):
    """A partner's sign-off of the vision statement, as worded at the time.

    The co-production app links its partner records here; until then the name is recorded.
    """

    event = models.ForeignKey(AlwaysEvent, on_delete=models.CASCADE, related_name="sign_offs")
    signed_by_name = models.CharField(
        "signed off by", max_length=150, help_text="The partner's name as they want it shown."
    )
    statement = models.TextField(help_text="The vision statement that was signed off.")
    signed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.signed_by_name} on {self.signed_on}"


class EventComment(OrganisationOwned):
    """A comment on the event's timeline, for example from the executive sponsor."""

    event = models.ForeignKey(AlwaysEvent, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.event}"
