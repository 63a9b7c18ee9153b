"""Builders for the review side: a submitted submission, reviewers, and a review carried through
(all through the services, as people would do it)."""

from __future__ import annotations

from accreditation import services
from accreditation.models import Criterion, Judgement, Submission
from accreditation.services import decision as decision_services
from accreditation.services import review as review_services
from alwaysevents.tenancy.scope import organisation_scope
from tests.accreditation import builders as b
from tests.factories import UserFactory


def submitted_submission(organisation, lead, sponsor, *, title="Plan for the day") -> Submission:
    """An event (its own data need not meet the criteria) submitted and attested."""
    event = b.make_event(organisation, lead, sponsor, title=title)
    b.confirm_four_criteria(event, lead)
    submission = services.submission_create(event=event, by=lead)
    for criterion in submission.criteria_version.criteria.all():
        services.self_assessment_save(
            submission=submission, criterion=criterion, text="See our evidence.", by=lead
        )
    services.submission_send_for_sign_off(submission=submission, by=lead)
    return services.submission_attest(submission=submission, by=sponsor)


def make_reviewer(email: str, **extra):
    return UserFactory(email=email, is_reviewer=True, **extra)


def criteria_of(submission: Submission) -> list[Criterion]:
    return list(Criterion.objects.filter(version_id=submission.criteria_version_id))


def all_scores(submission: Submission, judgement: str = Judgement.MET, comment: str = "Clear."):
    return {c.pk: (judgement, comment) for c in criteria_of(submission)}


def refreshed(submission: Submission) -> Submission:
    with organisation_scope(submission.organisation):
        return Submission.objects.select_related("organisation", "criteria_version").get(
            pk=submission.pk
        )


def assign_and_clear(submission, admin, reviewer, *, lived_experience=False):
    assignment = review_services.reviewer_assign(
        submission=submission, reviewer=reviewer, by=admin, lived_experience=lived_experience
    )
    return review_services.assignment_declare(
        assignment=assignment, by=reviewer, has_conflict=False
    )


def submit_review(assignment, reviewer, scores, recommendation=Submission.State.ACCREDITED):
    review = assignment.review
    return review_services.review_save(
        review=review,
        by=reviewer,
        version=review.version,
        scores=scores,
        overall_comment="A careful piece of work.",
        recommendation=recommendation,
        submit=True,
    )


def to_moderation(submission, admin, reviewers, judgement=Judgement.MET):
    assignments = [assign_and_clear(submission, admin, r) for r in reviewers]
    for assignment, reviewer in zip(assignments, reviewers, strict=True):
        submit_review(assignment, reviewer, all_scores(submission, judgement))
    return refreshed(submission)


def accredit(submission, admin):
    feedback = {c.pk: (Judgement.MET, "Well evidenced.") for c in criteria_of(submission)}
    return decision_services.decision_record(
        submission=submission,
        by=admin,
        outcome="accredited",
        summary="Congratulations.",
        feedback=feedback,
    )
