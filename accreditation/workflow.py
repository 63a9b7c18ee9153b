"""The submission state machine of `product.md` (Accreditation), as data.

    Draft -> Awaiting sponsor sign-off -> Submitted -> (Returned incomplete -> Draft)
    -> Under review -> (Information requested -> Under review) -> Moderation
    -> Accredited | Not yet accredited;  Accredited -> Lapsed;  Withdrawn from Draft or Submitted.

Plus one move the product implies: a submission awaiting sign-off goes back to Draft when the
team takes it back or the sponsor does not sign it. Services make every move through
`accreditation.services.submissions.submission_move`, which refuses anything not listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from accreditation.models import Submission

S = Submission.State


@dataclass(frozen=True)
class Move:
    name: str
    sources: tuple[str, ...]
    target: str
    verb: str  # for messages: "send for sign-off"
    timestamp: str  # the Submission field set to the time of the move


MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move("send_for_sign_off", (S.DRAFT,), S.AWAITING_SIGN_OFF, "send for sponsor sign-off",
             "sent_for_sign_off_at"),
        Move("take_back", (S.AWAITING_SIGN_OFF,), S.DRAFT, "take back to draft",
             "state_changed_at"),
        Move("attest", (S.AWAITING_SIGN_OFF,), S.SUBMITTED, "attest and submit", "submitted_at"),
        Move("return_incomplete", (S.SUBMITTED,), S.RETURNED, "return as incomplete",
             "returned_at"),
        Move("reopen", (S.RETURNED,), S.DRAFT, "reopen as a draft", "state_changed_at"),
        Move("start_review", (S.SUBMITTED,), S.UNDER_REVIEW, "start the review",
             "review_started_at"),
        Move("request_information", (S.UNDER_REVIEW,), S.INFORMATION_REQUESTED,
             "request information", "information_requested_at"),
        Move("answer_information", (S.INFORMATION_REQUESTED,), S.UNDER_REVIEW,
             "answer the request", "state_changed_at"),
        Move("start_moderation", (S.UNDER_REVIEW,), S.MODERATION, "move to moderation",
             "moderation_started_at"),
        Move("accredit", (S.MODERATION,), S.ACCREDITED, "accredit", "decided_at"),
        Move("not_yet_accredit", (S.MODERATION,), S.NOT_YET_ACCREDITED,
             "record not yet accredited", "decided_at"),
        Move("lapse", (S.ACCREDITED,), S.LAPSED, "mark as lapsed", "lapsed_at"),
        Move("withdraw", (S.DRAFT, S.SUBMITTED), S.WITHDRAWN, "withdraw", "withdrawn_at"),
    )
}  # fmt: skip


def allowed_moves(state: str) -> list[Move]:
    return [move for move in MOVES.values() if state in move.sources]
