"""Review: assignment and conflicts, blind scoring, optimistic locking, information requests,
moderation and the decision, certificates and their lapse."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accreditation import review_selectors as rs
from accreditation.models import (
    AuditEntry,
    Certificate,
    CriterionScore,
    Judgement,
    ReviewerAssignment,
    Submission,
)
from accreditation.services import decision as decision_services
from accreditation.services import review as review_services
from accreditation.tasks import accreditations_lapse_task
from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import Role
from tests.accreditation import review_builders as rb
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
State = Submission.State


@pytest.fixture
def submission(organisation, editor, sponsor):
    return rb.submitted_submission(organisation, editor, sponsor)


@pytest.fixture
def reviewers(settings):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = False
    return [
        rb.make_reviewer("ada@reviews.test", full_name="Ada Reviewer"),
        rb.make_reviewer("ben@reviews.test", full_name="Ben Reviewer"),
    ]


def actions(submission):
    with organisation_scope(submission.organisation):
        return list(
            AuditEntry.objects.filter(submission=submission)
            .order_by("at", "pk")
            .values_list("action", flat=True)
        )


# --- assignment and conflicts -----------------------------------------------------------------


def test_assigning_starts_the_review_with_a_deadline(submission, programme_admin, reviewers):
    assignment = review_services.reviewer_assign(
        submission=submission, reviewer=reviewers[0], by=programme_admin, lived_experience=True
    )
    submission = rb.refreshed(submission)
    assert submission.state == State.UNDER_REVIEW
    assert submission.review_deadline == timezone.localdate() + dt.timedelta(days=28)
    assert assignment.lived_experience and assignment.declared_at is None
    assert actions(submission)[-2:] == ["start_review", "reviewer_assigned"]


def test_review_days_is_a_setting(settings, submission, programme_admin, reviewers):
    settings.REVIEW_DAYS = 10
    review_services.reviewer_assign(
        submission=submission, reviewer=reviewers[0], by=programme_admin
    )
    assert rb.refreshed(submission).review_deadline == timezone.localdate() + dt.timedelta(10)


def test_only_programme_admins_assign(submission, reviewers, editor):
    with pytest.raises(DomainError, match="Only the programme team"):
        review_services.reviewer_assign(submission=submission, reviewer=reviewers[0], by=editor)
    with pytest.raises(DomainError, match="Only the programme team"):
        review_services.reviewer_assign(
            submission=submission, reviewer=reviewers[0], by=reviewers[1]
        )


def test_a_reviewer_of_the_same_organisation_is_always_a_conflict(
    submission, programme_admin, organisation
):
    colleague = rb.make_reviewer("colleague@northfield.test")
    MembershipFactory(organisation=organisation, user=colleague, role=Role.TEAM_MEMBER)
    with pytest.raises(DomainError, match="always a conflict of interest") as error:
        review_services.reviewer_assign(
            submission=submission, reviewer=colleague, by=programme_admin
        )
    assert error.value.field == "reviewer"
    assert rb.refreshed(submission).state == State.SUBMITTED


def test_a_former_member_is_a_conflict_too(submission, programme_admin, organisation):
    former = rb.make_reviewer("former@northfield.test")
    MembershipFactory(organisation=organisation, user=former, is_active=False)
    with pytest.raises(DomainError, match="always a conflict"):
        review_services.reviewer_assign(submission=submission, reviewer=former, by=programme_admin)


def test_only_reviewers_can_be_assigned(submission, programme_admin, outsider):
    with pytest.raises(DomainError, match="does not have the reviewer role"):
        review_services.reviewer_assign(
            submission=submission, reviewer=outsider, by=programme_admin
        )


def test_two_reviewers_by_default_and_not_twice(submission, programme_admin, reviewers):
    for reviewer in reviewers:
        review_services.reviewer_assign(
            submission=submission, reviewer=reviewer, by=programme_admin
        )
    with pytest.raises(DomainError, match="already assigned"):
        review_services.reviewer_assign(
            submission=submission, reviewer=reviewers[0], by=programme_admin
        )
    third = rb.make_reviewer("cat@reviews.test")
    with pytest.raises(DomainError, match="already has 2 reviewers"):
        review_services.reviewer_assign(submission=submission, reviewer=third, by=programme_admin)


def test_drafts_cannot_be_reviewed(organisation, editor, sponsor, programme_admin, reviewers):
    from accreditation import services
    from tests.accreditation import builders as b

    event = b.make_event(organisation, editor, sponsor, title="Still a draft")
    draft = services.submission_create(event=event, by=editor)
    with pytest.raises(DomainError, match="draft, so reviewers cannot be assigned"):
        review_services.reviewer_assign(submission=draft, reviewer=reviewers[0], by=programme_admin)


def test_declaring_a_conflict_releases_the_assignment_for_reassignment(
    submission, programme_admin, reviewers
):
    first = review_services.reviewer_assign(
        submission=submission, reviewer=reviewers[0], by=programme_admin
    )
    review_services.reviewer_assign(
        submission=submission, reviewer=reviewers[1], by=programme_admin
    )
    with pytest.raises(DomainError, match="Say briefly what the conflict"):
        review_services.assignment_declare(assignment=first, by=reviewers[0], has_conflict=True)
    released = review_services.assignment_declare(
        assignment=first, by=reviewers[0], has_conflict=True, details="I mentor their lead."
    )
    assert released.removed_at is not None and released.has_conflict
    # The place is free again, but not for the reviewer who declared the conflict.
    with pytest.raises(DomainError, match="declared a conflict"):
        review_services.reviewer_assign(
            submission=submission, reviewer=reviewers[0], by=programme_admin
        )
    third = rb.make_reviewer("cat@reviews.test")
    review_services.reviewer_assign(submission=submission, reviewer=third, by=programme_admin)
    assert "conflict_declared" in actions(submission)
    # The released reviewer no longer sees the submission.
    with pytest.raises(ReviewerAssignment.DoesNotExist):
        rs.reviewer_assignment_get(reviewer=reviewers[0], submission_pk=submission.pk)


def test_only_the_assigned_reviewer_declares_and_only_once(submission, programme_admin, reviewers):
    assignment = review_services.reviewer_assign(
        submission=submission, reviewer=reviewers[0], by=programme_admin
    )
    with pytest.raises(DomainError, match="not assigned to you"):
        review_services.assignment_declare(
            assignment=assignment, by=reviewers[1], has_conflict=False
        )
    cleared = review_services.assignment_declare(
        assignment=assignment, by=reviewers[0], has_conflict=False
    )
    assert cleared.is_cleared and cleared.review.version == 1
    with pytest.raises(DomainError, match="already declared"):
        review_services.assignment_declare(
            assignment=assignment, by=reviewers[0], has_conflict=False
        )


def test_admin_may_release_a_reviewer_who_has_not_submitted(submission, programme_admin, reviewers):
    assignment = review_services.reviewer_assign(
        submission=submission, reviewer=reviewers[0], by=programme_admin
    )
    with pytest.raises(DomainError, match="Give a reason"):
        review_services.assignment_release(assignment=assignment, by=programme_admin, reason=" ")
    review_services.assignment_release(
        assignment=assignment, by=programme_admin, reason="Away for a month"
    )
    assert "reviewer_released" in actions(submission)


# --- scoring -----------------------------------------------------------------------------------


def test_scores_are_saved_and_the_version_moves_on(submission, programme_admin, reviewers):
    assignment = rb.assign_and_clear(submission, programme_admin, reviewers[0])
    review = assignment.review
    c1 = rb.criteria_of(submission)[0]
    saved = review_services.review_save(
        review=review,
        by=reviewers[0],
        version=1,
        scores={c1.pk: (Judgement.PARTLY_MET, "Only two of four confirmed.")},
    )
    assert saved.version == 2 and not saved.is_submitted
    with organisation_scope(submission.organisation):
        score = CriterionScore.objects.get(review=review)
    assert (score.judgement, score.comment) == ("partly_met", "Only two of four confirmed.")


def test_a_stale_version_is_refused_and_nothing_is_written(submission, programme_admin, reviewers):
    assignment = rb.assign_and_clear(submission, programme_admin, reviewers[0])
    review = assignment.review
    c1, c2 = rb.criteria_of(submission)[:2]
    review_services.review_save(
        review=review, by=reviewers[0], version=1, scores={c1.pk: (Judgement.MET, "")}
    )
    with pytest.raises(review_services.StaleReviewError, match="Someone else saved this review"):
        review_services.review_save(
            review=review,
            by=reviewers[0],
            version=1,  # opened before the save above
            scores={c2.pk: (Judgement.NOT_MET, "No chart.")},
        )
    with organisation_scope(submission.organisation):
        kept = dict(
            CriterionScore.objects.filter(review=review).values_list("criterion_id", "judgement")
        )
    assert kept == {c1.pk: "met"}


def test_submitting_needs_every_score_and_comments_on_what_is_not_met(
    submission, programme_admin, reviewers
):
    assignment = rb.assign_and_clear(submission, programme_admin, reviewers[0])
    review = assignment.review
    criteria = rb.criteria_of(submission)
    partial = {criteria[0].pk: (Judgement.MET, "")}
    with pytest.raises(DomainError, match="Score every criterion before you submit: C2"):
        review_services.review_save(
            review=review,
            by=reviewers[0],
            version=review.version,
            scores=partial,
            recommendation=State.ACCREDITED,
            submit=True,
        )
    unexplained = {c.pk: (Judgement.NOT_MET, "") for c in criteria}
    with pytest.raises(DomainError, match="add a comment to C1"):
        review_services.review_save(
            review=review,
            by=reviewers[0],
            version=review.version,
            scores=unexplained,
            recommendation=State.NOT_YET_ACCREDITED,
            submit=True,
        )
    with pytest.raises(DomainError, match="Recommend accredited or not yet"):
        review_services.review_save(
            review=review,
            by=reviewers[0],
            version=review.version,
            scores=rb.all_scores(submission),
            submit=True,
        )


def test_a_submitted_review_cannot_be_changed(submission, programme_admin, reviewers):
    assignment = rb.assign_and_clear(submission, programme_admin, reviewers[0])
    review = rb.submit_review(assignment, reviewers[0], rb.all_scores(submission))
    assert review.is_submitted
    with pytest.raises(DomainError, match="can no longer be changed"):
        review_services.review_save(
            review=review, by=reviewers[0], version=review.version, scores={}
        )


def test_only_the_cleared_reviewer_scores(submission, programme_admin, reviewers):
    assignment = rb.assign_and_clear(submission, programme_admin, reviewers[0])
    with pytest.raises(DomainError, match="not assigned to you"):
        review_services.review_save(review=assignment.review, by=reviewers[1], version=1, scores={})


def test_scoring_is_blind_until_both_reviews_are_in(submission, programme_admin, reviewers):
    first = rb.assign_and_clear(submission, programme_admin, reviewers[0])
    second = rb.assign_and_clear(submission, programme_admin, reviewers[1])
    rb.submit_review(first, reviewers[0], rb.all_scores(submission, Judgement.MET))
    review_services.review_save(
        review=second.review,
        by=reviewers[1],
        version=second.review.version,
        scores=rb.all_scores(submission, Judgement.NOT_MET, "Missing."),
    )
    # The first reviewer has submitted, the second only saved: neither sees the other.
    for assignment in (first, second):
        space = rs.review_workspace(submission=rb.refreshed(submission), assignment=assignment)
        assert not space.unblinded
        assert all(row.others == [] for row in space.rows)
    assert rb.refreshed(submission).state == State.UNDER_REVIEW

    second.review.refresh_from_db()
    rb.submit_review(second, reviewers[1], rb.all_scores(submission, Judgement.NOT_MET, "No."))
    submission = rb.refreshed(submission)
    assert submission.state == State.MODERATION
    space = rs.review_workspace(submission=submission, assignment=first)
    assert space.unblinded
    assert [cell.judgement for cell in space.rows[0].others] == ["not_met"]
    assert space.rows[0].mine.judgement == "met"
    assert space.rows[0].disagreement


# --- requests for information ------------------------------------------------------------------


def test_a_request_pauses_the_deadline_and_the_answer_moves_it_on(
    submission, programme_admin, reviewers, editor
):
    assignment = rb.assign_and_clear(submission, programme_admin, reviewers[0])
    due = rb.refreshed(submission).review_deadline
    assert due is not None
    request = review_services.information_request_create(
        submission=submission,
        by=reviewers[0],
        question="Which weeks does the chart cover?",
        criterion=rb.criteria_of(submission)[4],
    )
    paused = rb.refreshed(submission)
    assert paused.state == State.INFORMATION_REQUESTED and paused.deadline_paused_at
    # However long the team takes, the days left stay as they were when it paused.
    deadline = rs.review_deadline(paused, today=timezone.localdate() + dt.timedelta(days=40))
    assert deadline.paused and deadline.days_left == 28 and not deadline.overdue
    # Scores may be saved but the review waits for the answer before it can be submitted.
    with pytest.raises(DomainError, match="not yet answered"):
        rb.submit_review(assignment, reviewers[0], rb.all_scores(submission))

    # The request was asked a week ago.
    with organisation_scope(submission.organisation):
        Submission.objects.filter(pk=submission.pk).update(
            deadline_paused_at=paused.deadline_paused_at - dt.timedelta(days=7)
        )
    with pytest.raises(DomainError, match="Only the team lead or organisation admin"):
        review_services.information_request_answer(request=request, by=reviewers[0], answer="x")
    answered = review_services.information_request_answer(
        request=request, by=editor, answer="January to October 2025."
    )
    resumed = rb.refreshed(submission)
    assert resumed.state == State.UNDER_REVIEW
    assert answered.paused_days == 7 and resumed.paused_days == 7
    assert resumed.review_deadline == due + dt.timedelta(days=7)
    assert resumed.deadline_paused_at is None
    assert actions(submission)[-3:] == [
        "information_requested",
        "answer_information",
        "information_answered",
    ]
    with pytest.raises(DomainError, match="already been answered"):
        review_services.information_request_answer(request=request, by=editor, answer="Again")


def test_only_reviewers_of_the_submission_or_admins_ask(submission, programme_admin, reviewers):
    rb.assign_and_clear(submission, programme_admin, reviewers[0])
    with pytest.raises(DomainError, match="Only the submission's reviewers"):
        review_services.information_request_create(
            submission=submission, by=reviewers[1], question="Why?"
        )
    with pytest.raises(DomainError, match="Write the question"):
        review_services.information_request_create(
            submission=submission, by=programme_admin, question="  "
        )
    review_services.information_request_create(
        submission=submission, by=programme_admin, question="Please add the sustain plan."
    )
    assert rb.refreshed(submission).state == State.INFORMATION_REQUESTED


# --- moderation, decision, certificate, lapse --------------------------------------------------


def test_moderation_shows_both_reviews_with_disagreements(submission, programme_admin, reviewers):
    first = rb.assign_and_clear(submission, programme_admin, reviewers[0])
    second = rb.assign_and_clear(submission, programme_admin, reviewers[1])
    scores = rb.all_scores(submission, Judgement.MET)
    c3 = rb.criteria_of(submission)[2]
    rb.submit_review(first, reviewers[0], scores)
    rb.submit_review(second, reviewers[1], {**scores, c3.pk: (Judgement.NOT_MET, "No sponsor.")})
    space = rs.review_workspace(submission=rb.refreshed(submission))
    assert len(space.reviews) == 2
    assert [row.criterion.code for row in space.rows if row.disagreement] == ["C3"]
    assert space.disagreements == 1


def test_the_decision_needs_moderation_and_every_criterion(submission, programme_admin, reviewers):
    with pytest.raises(DomainError, match="in moderation"):
        rb.accredit(submission, programme_admin)
    submission = rb.to_moderation(submission, programme_admin, reviewers)
    with pytest.raises(DomainError, match="C1, C2"):
        decision_services.decision_record(
            submission=submission, by=programme_admin, outcome="accredited", summary="", feedback={}
        )
    with pytest.raises(DomainError, match="Only the programme team"):
        decision_services.decision_record(
            submission=submission, by=reviewers[0], outcome="accredited", summary="", feedback={}
        )


def test_accrediting_issues_a_certificate_for_the_validity_period(
    submission, programme_admin, reviewers
):
    submission = rb.to_moderation(submission, programme_admin, reviewers)
    decision = rb.accredit(submission, programme_admin)
    submission = rb.refreshed(submission)
    assert submission.state == State.ACCREDITED
    with organisation_scope(submission.organisation):
        assert decision.feedback.count() == 9
        certificate = Certificate.objects.get(submission=submission)
    issued = timezone.localdate()
    months = submission.criteria_version.validity_months
    assert certificate.expires_on == decision_services.certificate_expiry(
        issued_on=issued, validity_months=months
    )
    assert certificate.expires_on.year == issued.year + months // 12
    assert len(certificate.verification_code) == 17
    assert actions(submission)[-3:] == ["accredit", "decision_recorded", "certificate_issued"]


def test_not_yet_accredited_has_feedback_and_no_certificate(submission, programme_admin, reviewers):
    submission = rb.to_moderation(submission, programme_admin, reviewers, Judgement.NOT_MET)
    feedback = {
        c.pk: (Judgement.NOT_MET, "Show the run chart.") for c in rb.criteria_of(submission)
    }
    decision_services.decision_record(
        submission=submission,
        by=programme_admin,
        outcome="not_yet_accredited",
        summary="Close: come back with six more weeks of data.",
        feedback=feedback,
    )
    view = rs.team_review_view(submission=rb.refreshed(submission))
    assert view.decision.outcome == "not_yet_accredited" and view.certificate is None
    assert [f.feedback for f in view.feedback][:1] == ["Show the run chart."]


def test_the_lapse_task_lapses_expired_accreditations_once(submission, programme_admin, reviewers):
    submission = rb.to_moderation(submission, programme_admin, reviewers)
    rb.accredit(submission, programme_admin)
    with organisation_scope(submission.organisation):
        certificate = Certificate.objects.get(submission=submission)
    assert accreditations_lapse_task() == 0  # not yet expired
    assert decision_services.accreditations_lapse(today=certificate.expires_on) == 0
    later = certificate.expires_on + dt.timedelta(days=1)
    assert decision_services.accreditations_lapse(today=later) == 1
    assert decision_services.accreditations_lapse(today=later) == 0  # idempotent
    submission = rb.refreshed(submission)
    assert submission.state == State.LAPSED
    certificate.refresh_from_db()
    assert certificate.lapsed_at is not None
    assert actions(submission).count("lapse") == 1
    assert rs.certificate_verify(code=certificate.verification_code).lapsed


def test_verification_reveals_only_the_four_facts(submission, programme_admin, reviewers):
    submission = rb.to_moderation(submission, programme_admin, reviewers)
    rb.accredit(submission, programme_admin)
    with organisation_scope(submission.organisation):
        certificate = Certificate.objects.get(submission=submission)
    code = certificate.verification_code
    found = rs.certificate_verify(code=code.lower().replace("-", " "))
    assert found.found and not found.lapsed
    assert found.event_title == "Plan for the day"
    assert found.organisation == "Northfield Hospitals"
    assert found.expires_on == certificate.expires_on
    assert found.decided_on == timezone.localdate()
    assert rs.certificate_verify(code="AAAAA-BBBBB-CCCCC").found is False


def test_a_submission_can_be_returned_incomplete_before_review(submission, programme_admin, editor):
    with pytest.raises(DomainError, match="Only the programme team"):
        review_services.submission_return_incomplete(
            submission=submission, by=editor, reason="Missing"
        )
    with pytest.raises(DomainError, match="what is missing"):
        review_services.submission_return_incomplete(
            submission=submission, by=programme_admin, reason=" "
        )
    returned = review_services.submission_return_incomplete(
        submission=submission, by=programme_admin, reason="Attach the case study for C9."
    )
    assert rb.refreshed(returned).state == State.RETURNED
    assert rb.refreshed(returned).returned_reason == "Attach the case study for C9."
    assert actions(submission)[-1] == "return_incomplete"
