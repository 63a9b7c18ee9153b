"""Who may do what in accreditation: pure predicates, no HTTP, no queries.

The team side (organisation members) takes a `Membership`; the programme side (programme
admins, reviewers) takes the `User`. Which state a move starts from is the state machine's
business (`accreditation.workflow`); these say only who may make it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from programmes.models import Role

if TYPE_CHECKING:
    from accreditation.models import Evidence, Submission
    from alwaysevents.accounts.models import User
    from programmes.models import AlwaysEvent, Membership

PREPARERS = frozenset({Role.TEAM_LEAD, Role.ORGANISATION_ADMIN})


def _member_of(membership: Membership, organisation_id: int) -> bool:
    return membership.is_active and membership.organisation_id == organisation_id


# --- the team ------------------------------------------------------------------------------------


def can_see_readiness(membership: Membership, event: AlwaysEvent) -> bool:
    """The readiness page and the organisation's own submissions: everyone in the organisation."""
    return _member_of(membership, event.organisation_id)


def can_prepare_submission(membership: Membership, event: AlwaysEvent) -> bool:
    """Start a submission, write self-assessments, attach evidence, send it for sign-off,
    take it back from sign-off, reopen a returned one: team leads and organisation admins."""
    return _member_of(membership, event.organisation_id) and membership.role in PREPARERS


def can_withdraw_submission(membership: Membership, submission: Submission) -> bool:
    return can_prepare_submission(membership, submission.event)


def can_attest(membership: Membership, submission: Submission) -> bool:
    """Only the event's own executive sponsor attests (one step, for the organisation)."""
    return (
        _member_of(membership, submission.organisation_id)
        and submission.event.executive_sponsor_id == membership.user_id
    )


def can_download_evidence(membership: Membership, evidence: Evidence) -> bool:
    """Evidence files: anyone in the organisation that owns them."""
    return _member_of(membership, evidence.organisation_id)


# --- the programme ------------------------------------------------------------------------------


def can_manage_criteria(user: User) -> bool:
    """Draft, edit and publish criteria versions: programme admins."""
    return bool(user.is_active and user.is_programme_admin)


def can_manage_submissions(user: User) -> bool:
    """Return incomplete, start review, assign reviewers, moderate, decide: programme admins."""
    return bool(user.is_active and user.is_programme_admin)
