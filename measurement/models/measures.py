"""Measures of an Always Event, their data points (one per period) and phases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from alwaysevents.tenancy.models import OrganisationOwned


class Measure(OrganisationOwned):
    """Something the team counts every week or month to know whether a change is an improvement."""

    class Type(models.TextChoices):
        OUTCOME = "outcome", "Outcome"
        PROCESS = "process", "Process"
        BALANCING = "balancing", "Balancing"

    class ValueKind(models.TextChoices):
        VALUE = "value", "A number"
        PROPORTION = "proportion", "A percentage (numerator out of denominator)"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"
        NEUTRAL = "neutral", "Neither (no direction)"

    class ChartType(models.TextChoices):
        RUN = "run", "Run chart"
        XMR = "xmr", "SPC chart (XmR)"

    event = models.ForeignKey(
        "programmes.AlwaysEvent", on_delete=models.CASCADE, related_name="measures"
    )
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=Type.choices)
    definition = models.TextField(
        "operational definition",
        help_text="Exactly what is counted, when and how, so anyone would count it the same way.",
    )
    unit = models.CharField(max_length=60, blank=True, help_text="For example: minutes, patients.")
    value_kind = models.CharField(max_length=20, choices=ValueKind.choices, default=ValueKind.VALUE)
    numerator_definition = models.CharField(max_length=300, blank=True)
    denominator_definition = models.CharField(max_length=300, blank=True)
    data_source = models.CharField(max_length=200, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    chart_type = models.CharField(max_length=10, choices=ChartType.choices, default=ChartType.XMR)
    fix_limits_after = models.PositiveSmallIntegerField(
        "fix the limits after this many points",
        null=True,
        blank=True,
        validators=[MinValueValidator(12)],
        help_text="Leave empty to keep recalculating. From 12 points on, the limits of each phase "
        "can be fixed on its first points, so later points are judged against them.",
    )
    screen_outliers = models.BooleanField(
        "screen unusually large moving ranges",
        default=False,
        help_text="Off matches the Making Data Count tool that boards see.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="who collects it",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person who enters this figure. Reminders to enter it go to them, or to "
        "the team lead when no one is named.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A suggested recalculation the team declined: the first period of the run for which they
    # chose to keep the limits, who, when and why (measurement.md, section 2). It silences the
    # suggestion for that run only; a later run is suggested again.
    limits_kept_from = models.DateField(null=True, blank=True)
    limits_kept_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    limits_kept_at = models.DateTimeField(null=True, blank=True)
    limits_kept_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["type", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_proportion(self) -> bool:
        return self.value_kind == self.ValueKind.PROPORTION

    def normalise_period(self, day: dt.date) -> dt.date:
        """The period a date falls in: its Monday, or the first of its month."""
        if self.frequency == self.Frequency.WEEKLY:
            return day - dt.timedelta(days=day.weekday())
        return day.replace(day=1)

    def period_matches(self, day: dt.date) -> bool:
        return self.normalise_period(day) == day

    def last_complete_period(self, today: dt.date) -> dt.date:
        """The latest period that has ended by `today`: last week's Monday, or the first of
        last month. Its data is due; a measure whose latest point is older is overdue."""
        current = self.normalise_period(today)
        if self.frequency == self.Frequency.WEEKLY:
            return current - dt.timedelta(days=7)
        return (current - dt.timedelta(days=1)).replace(day=1)


class DataPoint(OrganisationOwned):
    """One period's value of a measure: a number, or a numerator and a denominator."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="points")
    period = models.DateField(help_text="The Monday of the week, or the first of the month.")
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    excluded = models.BooleanField(default=False)
    excluded_reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period"], name="measurement_point_one_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(denominator__isnull=True) | models.Q(denominator__gt=0),
                name="measurement_point_denominator_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(numerator__isnull=True)
                | models.Q(denominator__isnull=True)
                | models.Q(numerator__lte=models.F("denominator")),
                name="measurement_point_numerator_within_denominator",
            ),
            models.CheckConstraint(
                condition=models.Q(excluded=False) | ~models.Q(excluded_reason=""),
                name="measurement_point_exclusion_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.period}"

    @property
    def plotted(self) -> Decimal | None:
        """The number that is charted: the value, or the percentage."""
        if self.numerator is not None and self.denominator:
            return self.numerator * 100 / self.denominator
        return self.value


class Phase(OrganisationOwned):
    """A new phase of a measure from a period on: a person's decision, with the reason."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="phases")
    start_period = models.DateField()
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_period"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "start_period"], name="measurement_phase_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure}: phase from {self.start_period}"


class DataImport(OrganisationOwned):
    """The record of one applied import: who, when, what file, how many rows."""

    event = models.ForeignKey(
        "programmes.AlwaysEvent", on_delete=models.CASCADE, related_name="data_imports"
    )
    filename = models.CharField(max_length=255)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField()
    updated = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.rows} rows)"
