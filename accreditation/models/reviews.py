"""Independent review, information requests, moderation decisions and certificates."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from accreditation.models.criteria import Criterion, Judgement
from accreditation.models.submissions import Submission
from alwaysevents.tenancy.models import OrganisationOwned

# No 0/O or 1/I/L: codes are read aloud and typed from paper.
VERIFICATION_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    """A random, unguessable code such as `K7QP-3MZT-W9XR` (about 74 bits)."""
    raw = "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(15))
    return "-".join(raw[i : i + 5] for i in range(0, 15, 5))


class ReviewerAssignment(OrganisationOwned):
    """A reviewer assigned to a submission, with their conflict-of-interest declaration."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    lived_experience = models.BooleanField(
        "reviewer with lived experience",
        default=False,
        help_text="The reviewer brings lived experience as a patient, family member or carer.",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField()
    # The declaration comes before the reviewer sees anything of the submission.
    has_conflict = models.BooleanField(
        null=True, blank=True, help_text="Empty until the reviewer has declared."
    )
    conflict_details = models.TextField(blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer"],
                condition=models.Q(removed_at__isnull=True),
                name="accreditation_assignment_once",
            )
        ]
        indexes = [
            models.Index(fields=["reviewer", "removed_at"], name="accreditation_asg_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on submission {self.submission_id}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    @property
    def is_cleared(self) -> bool:
        """Declared no conflict: the reviewer may now see the snapshot."""
        return self.has_conflict is False and self.declared_at is not None


class Review(OrganisationOwned):
    """One reviewer's review of a submission. `version` guards against lost updates."""

    assignment = models.OneToOneField(
        ReviewerAssignment, on_delete=models.CASCADE, related_name="review"
    )
    overall_comment = models.TextField(blank=True)
    recommendation = models.CharField(
        max_length=30,
        choices=[
            (Submission.State.ACCREDITED, "Accredited"),
            (Submission.State.NOT_YET_ACCREDITED, "Not yet accredited"),
        ],
        blank=True,
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Raised on every save; a stale version is refused."
    )
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Review by assignment {self.assignment_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class CriterionScore(OrganisationOwned):
    """A reviewer's judgement of one criterion, with a comment."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    judgement = models.CharField(max_length=20, choices=Judgement.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__position", "criterion__code"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="accreditation_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.get_judgement_display()}"


class InformationRequest(OrganisationOwned):
    """A question from the review to the team; the review deadline pauses until answered."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="information_requests"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    question = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asked_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    paused_days = models.PositiveIntegerField(
        default=0, help_text="Days the review deadline was paused for this request."
    )

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"Request on submission {self.submission_id} at {self.asked_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class Decision(OrganisationOwned):
    """The moderated outcome of a submission, with feedback per criterion."""

    class Outcome(models.TextChoices):
        ACCREDITED = "accredited", "Accredited"
        NOT_YET_ACCREDITED = "not_yet_accredited", "Not yet accredited"

    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    summary = models.TextField(blank=True, help_text="Overall feedback to the team.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.decided_at:%Y-%m-%d}"


class CriterionFeedback(OrganisationOwned):
    """The decision's judgement and feedback to the team on one criterion."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="feedback")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    judgement = models.CharField(max_length=20, choices=Judgement.choices)
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__position", "criterion__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "criterion"], name="accreditation_feedback_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.get_judgement_display()}"


class Certificate(OrganisationOwned):
    """Issued to an accredited submission; verifiable publicly by its code until it expires."""

    submission = models.OneToOneField(
        Submission, on_delete=models.PROTECT, related_name="certificate"
    )
    verification_code = models.CharField(
        max_length=20, unique=True, default=new_verification_code, editable=False
    )
    issued_at = models.DateTimeField()
    expires_on = models.DateField()
    lapsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"Certificate {self.verification_code}"
