"""Criteria versions and their criteria: programme-wide, not owned by an organisation."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Judgement(models.TextChoices):
    """One answer for a criterion: the automatic check, a reviewer's score and the decision."""

    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"


class CriteriaVersion(models.Model):
    """A numbered set of criteria. Edited while a draft; immutable once published."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True, help_text="What changed from the previous version.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    validity_months = models.PositiveSmallIntegerField(
        "accreditation lasts (months)",
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="How long an accreditation under this version lasts before it lapses.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(published_at__isnull=False),
                name="accreditation_version_published_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"Version {self.number}: {self.title}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class Criterion(models.Model):
    """One criterion of a version, with its automatic check and the check's thresholds."""

    class Check(models.TextChoices):
        """Which automatic evidence check answers this criterion (see `accreditation.checks`)."""

        FOUR_CRITERIA = "four_criteria", "Meets the four criteria"
        COPRODUCTION = "coproduction", "Co-produced throughout"
        LEADERSHIP = "leadership", "Leadership and governance"
        MEASUREMENT_PLAN = "measurement_plan", "Measurement plan"
        IMPROVEMENT = "improvement", "Evidence of improvement"
        SUSTAINMENT = "sustainment", "Reliability and sustainment"
        TESTING = "testing", "Testing discipline"
        SUSTAIN_PLAN = "sustain_plan", "Sustain and spread plan"
        LEARNING = "learning", "Learning shared"
        NONE = "", "No automatic check"

    version = models.ForeignKey(CriteriaVersion, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(max_length=10, help_text="For example: C1.")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, help_text="What the criterion asks, in plain words.")
    evidence_expected = models.TextField(
        blank=True, help_text="What a team should show: charts, records, documents."
    )
    check_key = models.CharField(
        "automatic check", max_length=30, choices=Check.choices, blank=True
    )
    thresholds = models.JSONField(
        default=dict,
        blank=True,
        help_text="Named settings of the automatic check, e.g. minimum PDSA cycles.",
    )

    class Meta:
        ordering = ["version", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="accreditation_criterion_code_once"
            )
        ]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
