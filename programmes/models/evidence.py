"""What a team records as the work goes: progress score, time, challenges, impact, sustain plan."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from alwaysevents.tenancy.models import OrganisationOwned
from programmes.models.events import AlwaysEvent, TeamMember


class ProgressScore(OrganisationOwned):
    """The IHI progress score, set by the team with a reason. The latest row is current."""

    class Score(models.TextChoices):
        S05 = "0.5", "0.5: intent to participate"
        S10 = "1.0", "1.0: charter and team established"
        S15 = "1.5", "1.5: planning has begun"
        S20 = "2.0", "2.0: activity, but no changes"
        S25 = "2.5", "2.5: changes tested, but no improvement"
        S30 = "3.0", "3.0: modest improvement"
        S35 = "3.5", "3.5: improvement"
        S40 = "4.0", "4.0: significant improvement"
        S45 = "4.5", "4.5: sustainable improvement"
        S50 = "5.0", "5.0: outstanding sustainable results"

    event = models.ForeignKey(AlwaysEvent, on_delete=models.CASCADE, related_name="scores")
    score = models.CharField(max_length=3, choices=Score.choices)
    reason = models.TextField(help_text="Why this score: what has happened since the last one.")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-set_at", "-pk"]
        indexes = [models.Index(fields=["event", "-set_at"], name="programmes_score_latest")]

    def __str__(self) -> str:
        return f"{self.score} for {self.event}"

    @property
    def value(self) -> Decimal:
        return Decimal(self.score)


class TimeEntry(OrganisationOwned):
    """Hours one person spent on the event in one week (weeks start on Monday)."""

    event = models.ForeignKey(AlwaysEvent, on_delete=models.CASCADE, related_name="time_entries")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    week_starting = models.DateField(help_text="The Monday of the week.")
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week_starting", "person__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person", "week_starting"], name="programmes_time_once_a_week"
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gte=0) & models.Q(hours__lte=168),
                name="programmes_time_hours_in_a_week",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.hours} h in week of {self.week_starting}"


class Challenge(OrganisationOwned):
    """A challenge or a facilitator, in the evaluation's areas."""

    class Area(models.TextChoices):
        STAFF_TIME = "staff_time", "Staff time"
        ENGAGEMENT = "engagement", "Staff engagement and buy-in"
        COPRODUCTION = "coproduction", "Co-production"
        SENIOR_SUPPORT = "senior_support", "Senior-level support and visibility"
        MEASUREMENT = "measurement", "Measurement"
        OTHER = "other", "Other"

    class Kind(models.TextChoices):
        CHALLENGE = "challenge", "Challenge"
        FACILITATOR = "facilitator", "Facilitator (something that helped)"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ADDRESSED = "addressed", "Addressed"

    class Help(models.TextChoices):
        NONE = "", "No help needed"
        SPONSOR = "sponsor", "Needs the executive sponsor"
        ORGANISATION_ADMIN = "organisation_admin", "Needs the organisation admin"
        QI_SUPPORT = "qi_support", "Needs QI support"
        PROGRAMME = "programme", "Needs the NHS England programme team"

    event = models.ForeignKey(AlwaysEvent, on_delete=models.CASCADE, related_name="challenges")
    area = models.CharField(max_length=20, choices=Area.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CHALLENGE)
    text = models.TextField()
    noted_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    help_needed = models.CharField(
        "who can help", max_length=30, choices=Help.choices, blank=True, default=Help.NONE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    addressed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-noted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"

    @property
    def is_open_challenge(self) -> bool:
        return self.kind == self.Kind.CHALLENGE and self.status == self.Status.OPEN


class Impact(OrganisationOwned):
    """A benefit or an efficiency the team has seen or estimates."""

    class Kind(models.TextChoices):
        SERVICE_USERS = "service_users", "Benefit to service users"
        STAFF_WELLBEING = "staff_wellbeing", "Benefit to staff: wellbeing"
        STAFF_SKILLS = "staff_skills", "Benefit to staff: skills"
        STAFF_RELATIONSHIPS = "staff_relationships", "Benefit to staff: relationships"
        OTHER_BENEFIT = "other_benefit", "Other benefit"
        EFFICIENCY = "efficiency", "Efficiency (money or time saved)"

    event = models.ForeignKey(AlwaysEvent, on_delete=models.CASCADE, related_name="impacts")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField()
    unintended = models.BooleanField(default=False, help_text="Something you did not plan for.")
    money_estimate = models.DecimalField(
        "money saved a year (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    hours_estimate = models.DecimalField(
        "hours saved a year",
        max_digits=10,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    basis = models.TextField(
        "basis of the estimate",
        blank=True,
        help_text="How you worked the figure out, so others can check it.",
    )
    noted_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-noted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:40]}"

    @property
    def is_efficiency(self) -> bool:
        return self.kind == self.Kind.EFFICIENCY


class Cost(OrganisationOwned):
    """A cost other than staff time (which comes from the time log) or partner payments."""

    event = models.ForeignKey(AlwaysEvent, on_delete=models.CASCADE, related_name="costs")
    description = models.CharField(max_length=300)
    amount = models.DecimalField(
        "amount (£)", max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    incurred_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-incurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.description}: £{self.amount}"


class StaffRate(OrganisationOwned):
    """The hourly cost of staff time in one band, from a date (set by the organisation admin)."""

    band = models.CharField(max_length=10, choices=TeamMember.Band.choices)
    hourly_rate = models.DecimalField(
        "hourly cost (£)",
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    effective_from = models.DateField()

    class Meta:
        ordering = ["band", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "band", "effective_from"], name="programmes_rate_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_band_display()}: £{self.hourly_rate} an hour from {self.effective_from}"


class SustainPlan(OrganisationOwned):
    """How the team will keep the Always Event happening every time, and where it will spread."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    event = models.OneToOneField(AlwaysEvent, on_delete=models.CASCADE, related_name="sustain_plan")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    monitoring_frequency = models.CharField(max_length=20, choices=Frequency.choices, blank=True)
    standard_work = models.TextField(
        blank=True, help_text="What is now done every time, written as the standard way of working."
    )
    training = models.TextField(blank=True, help_text="How new staff learn it.")
    spread_targets = models.TextField(blank=True, help_text="Teams or services it could spread to.")
    review_date = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Sustain plan for {self.event}"

    @property
    def is_complete(self) -> bool:
        return bool(
            self.owner_id
            and self.monitoring_frequency
            and self.standard_work
            and self.training
            and self.review_date
        )
