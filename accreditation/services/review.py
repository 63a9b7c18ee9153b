"""Writes of the independent review: assigning reviewers, conflicts of interest, scoring,
and requests for information to the team.

- A programme admin assigns reviewers to a submitted submission (two by default, settings
  `REVIEWERS_PER_SUBMISSION`); the first assignment starts the review and sets the deadline
  (`REVIEW_DAYS` from today). A reviewer who is, or was, a member of the submission's
  organisation is always in conflict: the assignment is refused.
- The reviewer declares conflicts of interest before seeing anything. Declaring a conflict
  releases the assignment, so the admin can assign someone else.
- A review is saved with the `version` it was opened at; a stale version is refused with
  `StaleReviewError` and nothing is written (optimistic locking). When every required review
  is submitted, the submission moves to moderation.
- A request for information moves the submission to information requested and pauses the
  deadline; when the team has answered every open request the review resumes and the deadline
  moves on by the days it was paused.

Every step writes a line in the submission's audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accreditation.models import (
    Criterion,
    InformationRequest,
    Judgement,
    Review,
    ReviewerAssignment,
    Submission,
)
from accreditation.review_permissions import ANSWERERS, is_assigned, is_programme_admin
from accreditation.services.submissions import audit_record, submission_move
from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import Membership

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

State = Submission.State

# States in which reviewers can be assigned (a released reviewer is replaced during review).
ASSIGNABLE_STATES = (State.SUBMITTED, State.UNDER_REVIEW, State.INFORMATION_REQUESTED)
# States in which a reviewer may work on (save) their review.
REVIEWING_STATES = (State.UNDER_REVIEW, State.INFORMATION_REQUESTED)

STALE_REVIEW_MESSAGE = (
    "Someone else saved this review since you opened it; your changes are below — reload to "
    "see theirs."
)

# One criterion's score as typed: (judgement or "", comment).
Scores = Mapping[int, tuple[str, str]]


class StaleReviewError(DomainError):
    """The review changed since the reviewer opened it; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(STALE_REVIEW_MESSAGE)


def reviewers_required() -> int:
    return max(1, int(getattr(settings, "REVIEWERS_PER_SUBMISSION", 2)))


def review_days() -> int:
    return max(1, int(getattr(settings, "REVIEW_DAYS", 28)))


def _lock(submission: Submission) -> Submission:
    with organisation_scope(submission.organisation):
        return (
            Submission.objects.select_for_update(of=("self",))
            .select_related("organisation", "criteria_version")
            .get(pk=submission.pk)
        )


def _require_admin(by: User, what: str) -> None:
    if not is_programme_admin(by):
        raise DomainError(f"Only the programme team can {what}.")


def _state_label(submission: Submission) -> str:
    return submission.get_state_display().lower()


def is_organisation_member(*, user: User, organisation_id: int, organisation: object) -> bool:
    """Whether `user` is, or ever was, a member of the organisation (any role)."""
    with organisation_scope(organisation):  # type: ignore[arg-type]
        return Membership.objects.filter(user=user, organisation_id=organisation_id).exists()


# --- before review ------------------------------------------------------------------------------


@transaction.atomic
def submission_return_incomplete(*, submission: Submission, by: User, reason: str) -> Submission:
    """Submitted -> returned incomplete, with the reason the team will read (programme admins,
    before any reviewer is assigned)."""
    _require_admin(by, "return a submission")
    reason = reason.strip()
    if not reason:
        raise DomainError("Tell the team what is missing.", field="reason")
    returned = submission_move(
        submission=submission, move="return_incomplete", by=by, note=reason[:300]
    )
    returned.returned_reason = reason
    with organisation_scope(returned.organisation):
        Submission.objects.filter(pk=returned.pk).update(returned_reason=reason)
    return returned


# --- assignment ---------------------------------------------------------------------------------


@transaction.atomic
def reviewer_assign(
    *, submission: Submission, reviewer: User, by: User, lived_experience: bool = False
) -> ReviewerAssignment:
    """Assign `reviewer` to the submission; the first assignment starts the review."""
    _require_admin(by, "assign reviewers")
    locked = _lock(submission)
    if locked.state not in ASSIGNABLE_STATES:
        raise DomainError(
            f"The submission is {_state_label(locked)}, so reviewers cannot be assigned to it."
        )
    name = reviewer.display_name
    if not (reviewer.is_active and reviewer.is_reviewer):
        raise DomainError(f"{name} does not have the reviewer role.", field="reviewer")
    if is_organisation_member(
        user=reviewer, organisation_id=locked.organisation_id, organisation=locked.organisation
    ):
        raise DomainError(
            f"{name} is a member of {locked.organisation.name}: reviewing their own "
            "organisation is always a conflict of interest. Choose another reviewer.",
            field="reviewer",
        )
    with organisation_scope(locked.organisation):
        assignments = list(ReviewerAssignment.objects.filter(submission=locked))
    mine = [a for a in assignments if a.reviewer_id == reviewer.pk]
    if any(a.is_active for a in mine):
        raise DomainError(f"{name} is already assigned to this submission.", field="reviewer")
    if any(a.has_conflict for a in mine):
        raise DomainError(
            f"{name} declared a conflict of interest with this submission.", field="reviewer"
        )
    active = [a for a in assignments if a.is_active]
    required = reviewers_required()
    if len(active) >= required:
        raise DomainError(
            f"This submission already has {len(active)} reviewers. Release one before "
            "assigning another.",
            field="reviewer",
        )
    now = timezone.now()
    with organisation_scope(locked.organisation):
        assignment = ReviewerAssignment.objects.create(
            organisation=locked.organisation,
            submission=locked,
            reviewer=reviewer,
            lived_experience=lived_experience,
            assigned_by=by,
            assigned_at=now,
        )
    if locked.state == State.SUBMITTED:
        locked = submission_move(
            submission=locked, move="start_review", by=by, note="reviewers are being assigned"
        )
    if locked.review_deadline is None:
        locked.review_deadline = timezone.localdate() + dt.timedelta(days=review_days())
        with organisation_scope(locked.organisation):
            Submission.objects.filter(pk=locked.pk).update(review_deadline=locked.review_deadline)
    lived = " (lived experience)" if lived_experience else ""
    audit_record(
        submission=locked,
        by=by,
        action="reviewer_assigned",
        summary=f"Reviewer {name}{lived} assigned; review due {locked.review_deadline:%-d %b %Y}",
    )
    return assignment


def _lock_assignment(assignment: ReviewerAssignment) -> ReviewerAssignment:
    with organisation_scope(assignment.organisation):
        return (
            ReviewerAssignment.objects.select_for_update(of=("self",))
            .select_related("submission", "submission__organisation", "reviewer")
            .get(pk=assignment.pk)
        )


@transaction.atomic
def assignment_declare(
    *, assignment: ReviewerAssignment, by: User, has_conflict: bool, details: str = ""
) -> ReviewerAssignment:
    """The reviewer's declaration, before they see the submission.

    No conflict: the reviewer may now see the snapshot and score (an empty review is opened).
    A conflict: the assignment is released for the programme team to assign someone else.
    """
    locked = _lock_assignment(assignment)
    if not is_assigned(by, locked):
        raise DomainError("This review is not assigned to you.")
    if locked.declared_at is not None:
        raise DomainError("You have already declared your conflicts of interest for this review.")
    details = details.strip()
    if has_conflict and not details:
        raise DomainError(
            "Say briefly what the conflict of interest is, so the programme team can take it "
            "into account.",
            field="conflict_details",
        )
    now = timezone.now()
    locked.has_conflict = has_conflict
    locked.conflict_details = details if has_conflict else ""
    locked.declared_at = now
    if has_conflict:
        locked.removed_at = now
        locked.removed_reason = "Declared a conflict of interest"
    locked.save()
    submission = locked.submission
    if has_conflict:
        audit_record(
            submission=submission,
            by=by,
            action="conflict_declared",
            summary=(
                f"{by.display_name} declared a conflict of interest and was released from the "
                "review; another reviewer is needed"
            ),
            at=now,
        )
    else:
        with organisation_scope(locked.organisation):
            Review.objects.get_or_create(
                assignment=locked, defaults={"organisation": locked.organisation}
            )
        audit_record(
            submission=submission,
            by=by,
            action="no_conflict_declared",
            summary=f"{by.display_name} declared no conflict of interest",
            at=now,
        )
    return locked


@transaction.atomic
def assignment_release(
    *, assignment: ReviewerAssignment, by: User, reason: str
) -> ReviewerAssignment:
    """A programme admin takes a reviewer off a submission (before they submit their review)."""
    _require_admin(by, "release reviewers")
    locked = _lock_assignment(assignment)
    if not locked.is_active:
        raise DomainError("That reviewer is no longer assigned.")
    with organisation_scope(locked.organisation):
        review = Review.objects.filter(assignment=locked).first()
    if review is not None and review.is_submitted:
        raise DomainError("That reviewer has submitted their review, so they stay on it.")
    reason = reason.strip()
    if not reason:
        raise DomainError("Give a reason for releasing the reviewer.", field="reason")
    locked.removed_at = timezone.now()
    locked.removed_reason = reason[:300]
    locked.save()
    audit_record(
        submission=locked.submission,
        by=by,
        action="reviewer_released",
        summary=f"Reviewer {locked.reviewer.display_name} released: {reason}",
        at=locked.removed_at,
    )
    return locked


# --- scoring ------------------------------------------------------------------------------------


def _clean_scores(
    criteria: list[Criterion], scores: Scores, *, complete: bool
) -> dict[int, tuple[str, str]]:
    """Check what was typed against the criteria; with `complete`, require every score."""
    known = {c.pk: c for c in criteria}
    stray = [pk for pk in scores if pk not in known]
    if stray:
        raise DomainError("Some scores are for criteria that are not in this submission.")
    cleaned: dict[int, tuple[str, str]] = {}
    without_judgement: list[str] = []
    missing: list[str] = []
    need_comment: list[str] = []
    for criterion in criteria:
        judgement, comment = scores.get(criterion.pk, ("", ""))
        judgement, comment = (judgement or "").strip(), (comment or "").strip()
        if judgement and judgement not in Judgement.values:
            raise DomainError(f"{criterion.code}: choose met, partly met or not met.")
        if not judgement:
            if comment:
                without_judgement.append(criterion.code)
            missing.append(criterion.code)
            continue
        if judgement != Judgement.MET and not comment:
            need_comment.append(criterion.code)
        cleaned[criterion.pk] = (judgement, comment)
    if without_judgement:
        raise DomainError(
            "Choose met, partly met or not met for "
            f"{', '.join(without_judgement)} to keep your comment."
        )
    if complete and missing:
        raise DomainError(
            f"Score every criterion before you submit: {', '.join(missing)} "
            f"{'has' if len(missing) == 1 else 'have'} no score yet."
        )
    if complete and need_comment:
        raise DomainError(
            "Explain every criterion scored partly met or not met: add a comment to "
            f"{', '.join(need_comment)}."
        )
    return cleaned


@transaction.atomic
def review_save(
    *,
    review: Review,
    by: User,
    version: int,
    scores: Scores,
    overall_comment: str = "",
    recommendation: str = "",
    submit: bool = False,
) -> Review:
    """Save the reviewer's scores (and, with `submit`, hand the review in).

    `version` is the review's version when the reviewer opened it: if anyone saved since, the
    save is refused with `StaleReviewError` and nothing is written.
    """
    with organisation_scope(review.organisation):
        current = Review.objects.select_related(
            "assignment", "assignment__submission", "assignment__submission__organisation"
        ).get(pk=review.pk)
    assignment = current.assignment
    submission = assignment.submission
    if not is_assigned(by, assignment) or not assignment.is_cleared:
        raise DomainError("This review is not assigned to you.")
    if current.is_submitted:
        raise DomainError("You have submitted this review, so it can no longer be changed.")
    if submission.state not in REVIEWING_STATES:
        raise DomainError(
            f"The submission is {_state_label(submission)}, so the review cannot be changed."
        )
    if submit and submission.state != State.UNDER_REVIEW:
        raise DomainError(
            "The team has not yet answered the request for information. Save your scores now "
            "and submit the review once they have answered."
        )
    if recommendation and recommendation not in (State.ACCREDITED, State.NOT_YET_ACCREDITED):
        raise DomainError("Recommend accredited or not yet accredited.", field="recommendation")
    if submit and not recommendation:
        raise DomainError(
            "Recommend accredited or not yet accredited before you submit.",
            field="recommendation",
        )
    criteria = list(Criterion.objects.filter(version_id=submission.criteria_version_id))
    cleaned = _clean_scores(criteria, scores, complete=submit)

    now = timezone.now()
    with organisation_scope(review.organisation):
        updated = Review.objects.filter(
            pk=current.pk, version=version, submitted_at__isnull=True
        ).update(
            version=F("version") + 1,
            overall_comment=overall_comment.strip(),
            recommendation=recommendation,
            updated_at=now,
            submitted_at=now if submit else None,
        )
        if not updated:
            raise StaleReviewError()
        existing = {s.criterion_id: s for s in current.scores.all()}
        for criterion in criteria:
            score = existing.get(criterion.pk)
            if criterion.pk not in cleaned:
                if score is not None:
                    score.delete()
                continue
            judgement, comment = cleaned[criterion.pk]
            if score is None:
                current.scores.create(
                    organisation=current.organisation,
                    criterion=criterion,
                    judgement=judgement,
                    comment=comment,
                )
            elif (score.judgement, score.comment) != (judgement, comment):
                score.judgement, score.comment = judgement, comment
                score.save(update_fields=["judgement", "comment"])
        current.refresh_from_db()
    if submit:
        audit_record(
            submission=submission,
            by=by,
            action="review_submitted",
            summary=(
                f"{by.display_name} submitted their review, recommending "
                f"{State(recommendation).label.lower()}"
            ),
            at=now,
        )
        _moderate_when_reviews_are_in(submission=submission, by=by)
    return current


def _moderate_when_reviews_are_in(*, submission: Submission, by: User) -> None:
    with organisation_scope(submission.organisation):
        submitted = Review.objects.filter(
            assignment__submission=submission,
            assignment__removed_at__isnull=True,
            submitted_at__isnull=False,
        ).count()
    if submitted >= reviewers_required():
        submission_move(
            submission=submission,
            move="start_moderation",
            by=by,
            note="all reviews are in",
        )


# --- requests for information -------------------------------------------------------------------


@transaction.atomic
def information_request_create(
    *, submission: Submission, by: User, question: str, criterion: Criterion | None = None
) -> InformationRequest:
    """Ask the team a question; the review waits (and its deadline pauses) until answered."""
    locked = _lock(submission)
    if not is_programme_admin(by):
        with organisation_scope(locked.organisation):
            assignment = ReviewerAssignment.objects.filter(
                submission=locked, reviewer=by, removed_at__isnull=True
            ).first()
        if assignment is None or not is_assigned(by, assignment) or not assignment.is_cleared:
            raise DomainError("Only the submission's reviewers and the programme team can ask.")
    if locked.state not in REVIEWING_STATES:
        raise DomainError(
            f"The submission is {_state_label(locked)}, so the team cannot be asked for more "
            "information now."
        )
    question = question.strip()
    if not question:
        raise DomainError("Write the question for the team.", field="question")
    if criterion is not None and criterion.version_id != locked.criteria_version_id:
        raise DomainError("That criterion is not part of this submission.", field="criterion")
    now = timezone.now()
    with organisation_scope(locked.organisation):
        request = InformationRequest.objects.create(
            organisation=locked.organisation,
            submission=locked,
            criterion=criterion,
            question=question,
            asked_by=by,
            asked_at=now,
        )
    if locked.state == State.UNDER_REVIEW:
        locked = submission_move(submission=locked, move="request_information", by=by)
        with organisation_scope(locked.organisation):
            Submission.objects.filter(pk=locked.pk).update(deadline_paused_at=now)
    about = f" about {criterion.code}" if criterion else ""
    audit_record(
        submission=locked,
        by=by,
        action="information_requested",
        summary=f"Asked the team for information{about}; the deadline is paused",
    )
    return request


@transaction.atomic
def information_request_answer(
    *, request: InformationRequest, by: User, answer: str
) -> InformationRequest:
    """The team answers; once no request is open the review resumes and the deadline moves on
    by the days it was paused."""
    with organisation_scope(request.organisation):
        locked = (
            InformationRequest.objects.select_for_update(of=("self",))
            .select_related("submission", "submission__organisation")
            .get(pk=request.pk)
        )
        may_answer = Membership.objects.filter(
            user=by,
            organisation_id=locked.organisation_id,
            is_active=True,
            role__in=ANSWERERS,
        ).exists()
    if not may_answer:
        raise DomainError("Only the team lead or organisation admin can answer.")
    if not locked.is_open:
        raise DomainError("This request has already been answered.")
    answer = answer.strip()
    if not answer:
        raise DomainError("Write your answer.", field="answer")
    submission = _lock(locked.submission)
    if submission.state != State.INFORMATION_REQUESTED:
        raise DomainError(
            f"The submission is {_state_label(submission)}, so the request cannot be answered."
        )
    now = timezone.now()
    locked.answer = answer
    locked.answered_by = by
    locked.answered_at = now
    with organisation_scope(locked.organisation):
        still_open = (
            InformationRequest.objects.filter(submission=submission, answered_at__isnull=True)
            .exclude(pk=locked.pk)
            .exists()
        )
    resumed = ""
    if not still_open:
        paused_since = submission.deadline_paused_at or locked.asked_at
        paused = max(0, (timezone.localdate() - timezone.localtime(paused_since).date()).days)
        locked.paused_days = paused
        new_deadline = (
            submission.review_deadline + dt.timedelta(days=paused)
            if submission.review_deadline
            else None
        )
        with organisation_scope(submission.organisation):
            Submission.objects.filter(pk=submission.pk).update(
                deadline_paused_at=None,
                paused_days=F("paused_days") + paused,
                review_deadline=new_deadline,
            )
        submission_move(submission=submission, move="answer_information", by=by)
        resumed = "; the review resumes"
        if new_deadline:
            resumed += f", now due {new_deadline:%-d %b %Y}"
    locked.save()
    audit_record(
        submission=submission,
        by=by,
        action="information_answered",
        summary=f"Answered a request for information{resumed}",
    )
    return locked
