"""Testing changes: the driver diagram, change ideas and their PDSA cycles."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alwaysevents.tenancy.models import OrganisationOwned


class Driver(OrganisationOwned):
    """A primary driver (under the aim) or a secondary driver (under a primary one)."""

    event = models.ForeignKey(
        "programmes.AlwaysEvent", on_delete=models.CASCADE, related_name="drivers"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    text = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_primary(self) -> bool:
        return self.parent_id is None


class ChangeIdea(OrganisationOwned):
    """Something the team will try, under a secondary driver."""

    class Kind(models.TextChoices):
        RELATIONAL = "relational", "Relational (behaviour, communication)"
        TRANSACTIONAL = "transactional", "Transactional or functional (process, equipment)"

    event = models.ForeignKey(
        "programmes.AlwaysEvent", on_delete=models.CASCADE, related_name="change_ideas"
    )
    driver = models.ForeignKey(
        Driver, on_delete=models.SET_NULL, null=True, blank=True, related_name="change_ideas"
    )
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text


class PdsaCycle(OrganisationOwned):
    """One Plan-Do-Study-Act cycle testing a change idea."""

    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        DOING = "doing", "Doing"
        STUDYING = "studying", "Studying"
        DECIDED = "decided", "Decided"
        CLOSED = "closed", "Closed"

    class Purpose(models.TextChoices):
        COLLECT = "collect", "Collect information"
        DEVELOP = "develop", "Develop a change"
        TEST = "test", "Test a change"
        IMPLEMENT = "implement", "Implement a change"

    class Decision(models.TextChoices):
        ADOPT = "adopt", "Adopt"
        ADAPT = "adapt", "Adapt"
        ABANDON = "abandon", "Abandon"
        EXPAND = "expand", "Expand"

    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.PLANNED)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.TEST)
    objective = models.TextField()
    questions = models.JSONField(
        default=list, blank=True, help_text='A list of {"question": ..., "prediction": ...}.'
    )
    plan_who = models.CharField("who", max_length=200, blank=True)
    plan_what = models.TextField("what", blank=True)
    plan_where = models.CharField("where", max_length=200, blank=True)
    planned_start = models.DateField("when")
    data_collection_plan = models.TextField(blank=True)
    measures = models.ManyToManyField("measurement.Measure", blank=True, related_name="cycles")
    carried_out_as_planned = models.BooleanField(null=True, blank=True)
    observations = models.TextField(blank=True)
    surprises = models.TextField(blank=True)
    comparison = models.TextField("comparison with the predictions", blank=True)
    learning = models.TextField(blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(
        null=True, blank=True, help_text="When the team recorded the decision (the latest time)."
    )
    next_steps = models.TextField(blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_cycles"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["change_idea", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["change_idea", "number"], name="measurement_pdsa_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"Cycle {self.number}: {self.change_idea}"

    @property
    def has_predictions(self) -> bool:
        return bool(self.questions) and all(
            str(q.get("question", "")).strip() and str(q.get("prediction", "")).strip()
            for q in self.questions
        )
