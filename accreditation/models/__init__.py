"""Criteria versions, submissions, snapshots, reviews and certificates (issue 6)."""

from accreditation.models.criteria import CriteriaVersion, Criterion, Judgement
from accreditation.models.reviews import (
    Certificate,
    CriterionFeedback,
    CriterionScore,
    Decision,
    InformationRequest,
    Review,
    ReviewerAssignment,
    new_verification_code,
)
from accreditation.models.submissions import (
    AuditEntry,
    Evidence,
    SelfAssessment,
    Snapshot,
    SponsorAttestation,
    Submission,
    evidence_storage,
)

__all__ = [
    "AuditEntry",
    "Certificate",
    "CriteriaVersion",
    "Criterion",
    "CriterionFeedback",
    "CriterionScore",
    "Decision",
    "Evidence",
    "InformationRequest",
    "Judgement",
    "Review",
    "ReviewerAssignment",
    "SelfAssessment",
    "Snapshot",
    "SponsorAttestation",
    "Submission",
    "evidence_storage",
    "new_verification_code",
]
