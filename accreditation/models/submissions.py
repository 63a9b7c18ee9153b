"""Submissions of an event for accreditation: self-assessments, evidence, snapshot, attestation.

Organisation-owned (scoped managers). Reviewers and programme admins read them across
organisations, only through selectors that open `across_organisations()` deliberately.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models

from accreditation.models.criteria import CriteriaVersion, Criterion
from alwaysevents.files import PrivateStorage
from alwaysevents.tenancy.models import OrganisationOwned


class EvidenceStorage(PrivateStorage):
    """`evidence/`: in the bucket, or under `VAR_DIR/private/` (see `alwaysevents.files`)."""

    folder = "evidence"
    what = "Evidence files"


def evidence_storage() -> PrivateStorage:
    """Evidence files live outside the web root; only a permission-checked view serves them."""
    return EvidenceStorage()


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A random name under the organisation; the shown name is kept in `title`."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"{instance.organisation_id}/{uuid.uuid4().hex}{suffix}"


class Submission(OrganisationOwned):
    """One application of an event for accreditation under one criteria version."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sponsor sign-off"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned incomplete"
        UNDER_REVIEW = "under_review", "Under review"
        INFORMATION_REQUESTED = "information_requested", "Information requested"
        MODERATION = "moderation", "Moderation"
        ACCREDITED = "accredited", "Accredited"
        NOT_YET_ACCREDITED = "not_yet_accredited", "Not yet accredited"
        LAPSED = "lapsed", "Lapsed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # States in which a submission is still in progress: an event has at most one.
    OPEN_STATES = (
        State.DRAFT,
        State.AWAITING_SIGN_OFF,
        State.SUBMITTED,
        State.RETURNED,
        State.UNDER_REVIEW,
        State.INFORMATION_REQUESTED,
        State.MODERATION,
    )
    # States in which the team may still change the self-assessments and evidence.
    EDITABLE_STATES = (State.DRAFT,)

    event = models.ForeignKey(
        "programmes.AlwaysEvent", on_delete=models.PROTECT, related_name="accreditation_submissions"
    )
    criteria_version = models.ForeignKey(
        CriteriaVersion, on_delete=models.PROTECT, related_name="submissions"
    )
    state = models.CharField(max_length=30, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # When each state was last entered (the audit trail keeps every change).
    state_changed_at = models.DateTimeField(null=True, blank=True)
    sent_for_sign_off_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    review_started_at = models.DateTimeField(null=True, blank=True)
    information_requested_at = models.DateTimeField(null=True, blank=True)
    moderation_started_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    lapsed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    returned_reason = models.TextField(blank=True)
    withdrawn_reason = models.TextField(blank=True)

    # Review deadline; paused while information is requested from the team.
    review_deadline = models.DateField(null=True, blank=True)
    deadline_paused_at = models.DateTimeField(
        null=True, blank=True, help_text="Set while the deadline is paused for a request."
    )
    paused_days = models.PositiveIntegerField(
        default=0, help_text="Days the deadline has been paused for requests so far."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(
                    state__in=[
                        "draft",
                        "awaiting_sign_off",
                        "submitted",
                        "returned",
                        "under_review",
                        "information_requested",
                        "moderation",
                    ]
                ),
                name="accreditation_one_open_submission_per_event",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "event"], name="accreditation_sub_org_event"),
            models.Index(fields=["state"], name="accreditation_sub_state"),
        ]

    def __str__(self) -> str:
        return f"Submission {self.pk} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES


class SelfAssessment(OrganisationOwned):
    """The team's own account of how the event meets one criterion."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="self_assessments"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["criterion__position", "criterion__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "criterion"], name="accreditation_self_assessment_once"
            )
        ]

    def __str__(self) -> str:
        return f"Self-assessment for {self.criterion_id}"


class Evidence(OrganisationOwned):
    """A document uploaded for a submission, or a link to a record in the app."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        RECORD = "record", "Record in the app"

    class RecordType(models.TextChoices):
        MEASURE = "measure", "Measure and its chart"
        PDSA_CYCLE = "pdsa_cycle", "PDSA cycle"
        ACTIVITY = "activity", "Involvement activity"
        IMPACT = "impact", "Impact or case study"
        SUSTAIN_PLAN = "sustain_plan", "Sustain plan"
        EVENT = "event", "Event page"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200, help_text="What this evidence shows.")
    file = models.FileField(
        storage=evidence_storage, upload_to=evidence_upload_to, null=True, blank=True
    )
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True, help_text="Bytes.")
    record_type = models.CharField(max_length=20, choices=RecordType.choices, blank=True)
    record_id = models.PositiveIntegerField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["criterion__position", "added_at", "pk"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="file", record_type="")
                    | models.Q(kind="record", record_id__isnull=False) & ~models.Q(record_type="")
                ),
                name="accreditation_evidence_file_or_record",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ImmutableRecord(OrganisationOwned):
    """A row written once and never changed or deleted through the ORM."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} is frozen once written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError(f"{type(self).__name__} is frozen once written.")


class Snapshot(ImmutableRecord):
    """The evidence as it stood at submission: what reviewers see, whatever changes later.

    `data` holds the statements, check results, self-assessments, evidence list and the
    co-production profile (partners by pseudonym unless consented to be named); `charts` holds
    the charts as rendered SVG: `[{"measure_id", "title", "svg"}]`.
    """

    # One per time the submission is submitted (again, after being returned incomplete);
    # reviewers see the latest.
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="snapshots")
    taken_at = models.DateTimeField()
    data = models.JSONField()
    charts = models.JSONField(default=list)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the data and charts.")

    class Meta:
        ordering = ["-taken_at", "-pk"]

    def __str__(self) -> str:
        return f"Snapshot of submission {self.submission_id} at {self.taken_at:%Y-%m-%d %H:%M}"


class SponsorAttestation(ImmutableRecord):
    """The executive sponsor's one-step sign-off of a submission."""

    # One per time the submission is signed off.
    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="attestations"
    )
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField(help_text="The words the sponsor attested to, as shown.")
    attested_at = models.DateTimeField()

    class Meta:
        ordering = ["-attested_at", "-pk"]

    def __str__(self) -> str:
        return f"Attested by {self.sponsor} at {self.attested_at:%Y-%m-%d %H:%M}"


class AuditEntry(OrganisationOwned):
    """Who did what to a submission, when: state changes, assignments, scores, decisions."""

    # Renamed reverse accessors: `coproduction.AuditEntry` already has the default ones.
    organisation = models.ForeignKey(
        "programmes.Organisation",
        on_delete=models.PROTECT,
        related_name="accreditation_audit_entries",
        related_query_name="accreditation_audit_entry",
        editable=False,
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    action = models.CharField(max_length=60)
    from_state = models.CharField(max_length=30, choices=Submission.State.choices, blank=True)
    to_state = models.CharField(max_length=30, choices=Submission.State.choices, blank=True)
    summary = models.CharField(max_length=500)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["submission", "at"], name="accreditation_audit_sub_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}: {self.summary}"
