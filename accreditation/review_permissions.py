"""Who may do what in review, moderation and decision: pure predicates, no HTTP, no queries.

The programme side takes the `User` (programme admins and reviewers hold their roles on the
account); the team side takes the `Membership`. The state a step starts from is the state
machine's business (`accreditation.workflow`), and the services check it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from programmes.models import Role

if TYPE_CHECKING:
    from accreditation.models import ReviewerAssignment, Submission
    from alwaysevents.accounts.models import User
    from programmes.models import Membership

ANSWERERS = frozenset({Role.TEAM_LEAD, Role.ORGANISATION_ADMIN})


def is_programme_admin(user: User) -> bool:
    return bool(user.is_active and user.is_programme_admin)


def can_assign_reviewers(user: User) -> bool:
    """Assign and release reviewers: programme admins."""
    return is_programme_admin(user)


def can_moderate(user: User) -> bool:
    """See both reviews side by side and record the decision: programme admins."""
    return is_programme_admin(user)


def can_see_programme_view(user: User) -> bool:
    return is_programme_admin(user)


def is_assigned(user: User, assignment: ReviewerAssignment) -> bool:
    """The assignment is this reviewer's own and still current."""
    return bool(
        user.is_active
        and user.is_reviewer
        and assignment.reviewer_id == user.pk
        and assignment.removed_at is None
    )


def can_declare_conflicts(user: User, assignment: ReviewerAssignment) -> bool:
    """The assigned reviewer, once, before they see anything of the submission."""
    return is_assigned(user, assignment) and assignment.declared_at is None


def can_see_snapshot(user: User, assignment: ReviewerAssignment) -> bool:
    """Only after declaring no conflict of interest."""
    return is_assigned(user, assignment) and assignment.is_cleared


def can_score(user: User, assignment: ReviewerAssignment) -> bool:
    return can_see_snapshot(user, assignment)


def can_request_information(user: User, assignment: ReviewerAssignment | None) -> bool:
    """A cleared reviewer of the submission, or a programme admin."""
    if is_programme_admin(user):
        return True
    return assignment is not None and can_see_snapshot(user, assignment)


def can_answer_information(membership: Membership, submission: Submission) -> bool:
    """The team lead or organisation admin of the submission's organisation."""
    return (
        membership.is_active
        and membership.organisation_id == submission.organisation_id
        and membership.role in ANSWERERS
    )


def can_see_outcome(membership: Membership, submission: Submission) -> bool:
    """The decision, its feedback and the certificate: everyone in the organisation."""
    return membership.is_active and membership.organisation_id == submission.organisation_id
