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


def can_send_back(membership: Membership, submission: Submission) -> bool:
    """Take a submission awaiting sign-off back to draft: the team lead (to change it) or the
    sponsor (who will not sign it as it is)."""
    return can_prepare_submission(membership, submission.event) or can_attest(
        membership, submission
    )


# Who may make each move of the state machine (`accreditation.workflow.MOVES`). Team moves take
# the member's `Membership`; programme moves take the `User` (reviewers and programme admins
# work across organisations and have no membership).
TEAM_MOVES = {
    "send_for_sign_off": lambda m, s: can_prepare_submission(m, s.event),
    "take_back": can_send_back,
    "attest": can_attest,
    "reopen": lambda m, s: can_prepare_submission(m, s.event),
    "withdraw": can_withdraw_submission,
    "answer_information": lambda m, s: can_prepare_submission(m, s.event),
}
PROGRAMME_MOVES = {
    "return_incomplete": can_manage_submissions,
    "start_review": can_manage_submissions,
    "request_information": can_manage_submissions,
    "start_moderation": can_manage_submissions,
    "accredit": can_manage_submissions,
    "not_yet_accredit": can_manage_submissions,
    "lapse": can_manage_submissions,
}


def can_make_team_move(membership: Membership, submission: Submission, move: str) -> bool:
    check = TEAM_MOVES.get(move)
    return check is not None and bool(check(membership, submission))


def can_make_programme_move(user: User, move: str) -> bool:
    check = PROGRAMME_MOVES.get(move)
    return check is not None and bool(check(user))
