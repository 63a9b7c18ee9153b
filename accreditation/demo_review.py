"""Demo content for `seed_demo`: submissions further along than a draft.

Written through the services, step by step, as people would have done it; after each step
everything recorded so far is moved back by the days until the next step, so the audit
trails, deadlines and the programme view's time in each state look like real work.

- Northfield, "Introduce ourselves by name (Emergency Department)": under review, assigned to
  `reviewer@programme.example` (who has not yet declared conflicts: the demo reviewer starts
  there) and to a reviewer with lived experience, who has submitted their review.
- Northfield, "What matters to you before discharge (Ward 12)": submitted, waiting for the
  programme team to assign reviewers.
- Riverside, "Keep the people who matter to you in touch (Willow Ward)": accredited last
  spring, with its certificate.
- Riverside, "Ask what matters to you before discharge (Cedar Ward)": not yet accredited, with
  feedback on every criterion.
- Riverside, "What happens next after your first appointment": in review, with a question
  waiting for the team (information requested, deadline paused).

Idempotent: an event that already has a submission is left alone.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import F

from accreditation import services
from accreditation.models import (
    AuditEntry,
    Certificate,
    Criterion,
    Decision,
    InformationRequest,
    Judgement,
    Review,
    ReviewerAssignment,
    SelfAssessment,
    Snapshot,
    SponsorAttestation,
    Submission,
)
from accreditation.services import decision as decision_services
from accreditation.services import review as review_services
from alwaysevents.tenancy.scope import organisation_scope
from programmes import demo as programme_demo
from programmes import services as programme_services
from programmes.models import AlwaysEvent, Organisation, ProgrammeRole

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

State = Submission.State
MET, PARTLY, NOT_MET = Judgement.MET, Judgement.PARTLY_MET, Judgement.NOT_MET
NOT_YET = State.NOT_YET_ACCREDITED

ADMIN_EMAIL = "admin@programme.example"
REVIEWER_EMAIL = "reviewer@programme.example"
# Extra demo reviewers (they can sign in with the demo password, but are not listed).
LIVED_EXPERIENCE_REVIEWER = ("reviewer.lived@programme.example", "Lived Experience Reviewer")
SECOND_REVIEWER = ("reviewer2@programme.example", "Second Programme Reviewer")

ED_EVENT = "Introduce ourselves by name (Emergency Department)"
WARD12_EVENT = "What matters to you before discharge (Ward 12)"
WILLOW_EVENT = "Keep the people who matter to you in touch (Willow Ward)"
CEDAR_EVENT = "Ask what matters to you before discharge (Cedar Ward)"
FIRST_APPOINTMENT_EVENT = "What happens next after your first appointment"

SELF_ASSESSMENT = {
    "C1": "We confirmed the four criteria with our partners; the evidence is on the event page.",
    "C2": "Partners have been with us since discovery and co-designed the change with us.",
    "C3": "Our executive sponsor chairs the oversight group we report to each month.",
    "C4": "We have outcome, process and balancing measures, each with a written definition.",
    "C5": "The run chart shows a shift after we introduced the change, annotated with our tests.",
    "C6": "The process measure has stayed at target since the shift; balancing is stable.",
    "C7": "We ran PDSA cycles with predictions, studied each and decided what to do next.",
    "C8": "Our sustain plan names an owner, monitoring, standard work and where we will spread.",
    "C9": "Our case study was shared at the regional learning event.",
}


# --- moving the timeline back ------------------------------------------------------------------

_DATETIMES: list[tuple[type, str, tuple[str, ...]]] = [
    (
        Submission,
        "pk",
        (
            "created_at",
            "updated_at",
            "state_changed_at",
            "sent_for_sign_off_at",
            "submitted_at",
            "returned_at",
            "review_started_at",
            "information_requested_at",
            "moderation_started_at",
            "decided_at",
            "lapsed_at",
            "withdrawn_at",
            "deadline_paused_at",
            "review_deadline",
        ),
    ),
    (AuditEntry, "submission", ("at",)),
    (SelfAssessment, "submission", ("updated_at",)),
    (Snapshot, "submission", ("taken_at",)),
    (SponsorAttestation, "submission", ("attested_at",)),
    (ReviewerAssignment, "submission", ("assigned_at", "declared_at", "removed_at")),
    (Review, "assignment__submission", ("updated_at", "submitted_at")),
    (InformationRequest, "submission", ("asked_at", "answered_at")),
    (Decision, "submission", ("decided_at",)),
    (Certificate, "submission", ("issued_at", "expires_on", "lapsed_at")),
]


def _shift(submission: Submission, days: int) -> None:
    """Move everything recorded about the submission `days` earlier (queryset updates: the
    snapshot and attestation are frozen against saves, not against this demo's clock)."""
    delta = dt.timedelta(days=days)
    with organisation_scope(submission.organisation):
        for model, key, fields in _DATETIMES:
            lookup = {key: submission.pk if key == "pk" else submission}
            model.objects.filter(**lookup).update(**{f: F(f) - delta for f in fields})  # type: ignore[attr-defined]


def _steps(submission: Submission, steps: list[tuple[int, Callable[[], object]]]) -> None:
    """Run each step, then move everything so far back by its gap (days until the next)."""
    for gap, step in steps:
        step()
        if gap:
            _shift(submission, gap)


# --- people ------------------------------------------------------------------------------------


def _reviewer(email: str, full_name: str) -> User:
    user = programme_demo.demo_user(email, full_name)
    if not user.is_reviewer:
        programme_services.programme_role_set(
            user=user, role=ProgrammeRole.REVIEWER, granted=True, by=None
        )
        user.refresh_from_db()
    return user


def _programme_people() -> tuple[User, User, User, User] | None:
    users = get_user_model().objects
    admin = users.filter(email=ADMIN_EMAIL, is_programme_admin=True).first()
    reviewer = users.filter(email=REVIEWER_EMAIL, is_reviewer=True).first()
    if admin is None or reviewer is None:
        return None
    return admin, reviewer, _reviewer(*LIVED_EXPERIENCE_REVIEWER), _reviewer(*SECOND_REVIEWER)


# --- building blocks ---------------------------------------------------------------------------


def _submitted(event: AlwaysEvent, lead: User) -> Submission:
    submission = services.submission_create(event=event, by=lead)
    for criterion in submission.criteria_version.criteria.all():
        services.self_assessment_save(
            submission=submission,
            criterion=criterion,
            text=SELF_ASSESSMENT.get(criterion.code, "See our evidence."),
            by=lead,
        )
    return submission


def _criteria(submission: Submission) -> list[Criterion]:
    return list(Criterion.objects.filter(version_id=submission.criteria_version_id))


def _scores(submission: Submission, exceptions: Mapping[str, tuple[str, str]] | None = None):
    exceptions = exceptions or {}
    return {
        c.pk: exceptions.get(c.code, (MET, "The evidence shows this clearly."))
        for c in _criteria(submission)
    }


def _refreshed(submission: Submission) -> Submission:
    with organisation_scope(submission.organisation):
        return Submission.objects.select_related("organisation", "criteria_version", "event").get(
            pk=submission.pk
        )


def _assignment(submission: Submission, reviewer: User) -> ReviewerAssignment:
    with organisation_scope(submission.organisation):
        return ReviewerAssignment.objects.select_related("review").get(
            submission=submission, reviewer=reviewer, removed_at__isnull=True
        )


def _review(submission: Submission, reviewer: User, scores, recommendation: str) -> None:
    assignment = _assignment(submission, reviewer)
    review_services.review_save(
        review=assignment.review,
        by=reviewer,
        version=assignment.review.version,
        scores=scores,
        overall_comment="A clear submission; the partners' voice comes through.",
        recommendation=recommendation,
        submit=True,
    )


def _pipeline(
    event: AlwaysEvent, people: Mapping[str, User], admin: User, reviewers: list[tuple[User, bool]]
) -> tuple[Submission, list[tuple[int, Callable[[], object]]]]:
    """A submission written, sent, attested and assigned: the steps, not yet run."""
    lead, sponsor = people["lead"], event.executive_sponsor or people["sponsor"]
    submission = _submitted(event, lead)
    steps: list[tuple[int, Callable[[], object]]] = [
        (6, lambda: services.submission_send_for_sign_off(submission=submission, by=lead)),
        (3, lambda: services.submission_attest(submission=submission, by=sponsor)),
    ]
    for reviewer, lived in reviewers:
        assign = functools.partial(
            review_services.reviewer_assign,
            submission=submission,
            reviewer=reviewer,
            by=admin,
            lived_experience=lived,
        )
        steps.append((1, assign))
    return submission, steps


def _declare(submission: Submission, reviewer: User) -> Callable[[], object]:
    return lambda: review_services.assignment_declare(
        assignment=_assignment(submission, reviewer), by=reviewer, has_conflict=False
    )


# --- the demo ----------------------------------------------------------------------------------


def seed_accreditation_review(
    organisation: Organisation, *, people: Mapping[str, User], today: dt.date | None = None
) -> None:
    """Submissions in review, decided and certified, for the named demo organisations."""
    found = _programme_people()
    if found is None or "lead" not in people:
        return
    admin, reviewer, lived, second = found
    with organisation_scope(organisation):
        events = {e.title: e for e in AlwaysEvent.objects.select_related("executive_sponsor")}
        taken = set(Submission.objects.values_list("event__title", flat=True))

    def wanted(title: str) -> AlwaysEvent | None:
        event = events.get(title)
        return event if event is not None and title not in taken else None

    if organisation.slug == "northfield":
        if event := wanted(ED_EVENT):
            _in_review(event, people, admin, reviewer, lived)
        if event := wanted(WARD12_EVENT):
            submission, steps = _pipeline(event, people, admin, [])
            _steps(submission, [*steps[:-1], (5, steps[-1][1])])
    elif organisation.slug == "riverside":
        if event := wanted(WILLOW_EVENT):
            _accredited(event, people, admin, second, lived)
        if event := wanted(CEDAR_EVENT):
            _not_yet(event, people, admin, reviewer, second)
        if event := wanted(FIRST_APPOINTMENT_EVENT):
            _information_requested(event, people, admin, second, lived)


def _in_review(event, people, admin, reviewer, lived) -> None:
    submission, steps = _pipeline(event, people, admin, [(lived, True), (reviewer, False)])
    steps += [
        (2, _declare(submission, lived)),
        (
            4,
            lambda: _review(
                submission,
                lived,
                _scores(submission, {"C9": (PARTLY, "Shared locally; not yet beyond the trust.")}),
                State.ACCREDITED,
            ),
        ),
    ]
    _steps(submission, steps)


def _accredited(event, people, admin, first, second) -> None:
    submission, steps = _pipeline(event, people, admin, [(first, False), (second, True)])
    c9 = {"C9": (PARTLY, "The case study is written; share it more widely.")}
    feedback = {
        c.pk: (MET, "Clearly evidenced.") for c in _criteria(submission) if c.code != "C9"
    } | {c.pk: (MET, "Met, and we encourage you to share it beyond the region.") for c in
         _criteria(submission) if c.code == "C9"}  # fmt: skip
    steps += [
        (1, _declare(submission, first)),
        (2, _declare(submission, second)),
        (9, lambda: _review(submission, first, _scores(submission), State.ACCREDITED)),
        (4, lambda: _review(submission, second, _scores(submission, c9), State.ACCREDITED)),
        (
            200,
            lambda: decision_services.decision_record(
                submission=_refreshed(submission),
                by=admin,
                outcome=Decision.Outcome.ACCREDITED,
                summary=(
                    "Congratulations. Willow Ward shows co-production from the first "
                    "conversation to the sustain plan, and a reliable improvement."
                ),
                feedback=feedback,
            ),
        ),
    ]
    _steps(submission, steps)


def _not_yet(event, people, admin, first, second) -> None:
    submission, steps = _pipeline(event, people, admin, [(first, False), (second, False)])
    gaps = {
        "C5": (NOT_MET, "No signal yet: the chart has only eight points since the change."),
        "C6": (NOT_MET, "Too early to show the change has held."),
        "C7": (PARTLY, "Two cycles recorded; the second has no study."),
    }
    other = {**gaps, "C7": (NOT_MET, "Only one complete cycle.")}
    feedback = {
        c.pk: gaps.get(c.code, (MET, "Well evidenced.")) for c in _criteria(submission)
    }  # fmt: skip
    steps += [
        (1, _declare(submission, first)),
        (1, _declare(submission, second)),
        (8, lambda: _review(submission, first, _scores(submission, gaps), NOT_YET)),
        (6, lambda: _review(submission, second, _scores(submission, other), NOT_YET)),
        (
            30,
            lambda: decision_services.decision_record(
                submission=_refreshed(submission),
                by=admin,
                outcome=Decision.Outcome.NOT_YET_ACCREDITED,
                summary=(
                    "A strong start with real co-production. Come back when the process measure "
                    "shows a signal and has held for six periods, with your PDSA cycles studied."
                ),
                feedback=feedback,
            ),
        ),
    ]  # fmt: skip
    _steps(submission, steps)


def _information_requested(event, people, admin, first, second) -> None:
    submission, steps = _pipeline(event, people, admin, [(first, False), (second, True)])
    c4 = next((c for c in _criteria(submission) if c.code == "C4"), None)
    steps += [
        (1, _declare(submission, first)),
        (3, _declare(submission, second)),
        (
            2,
            lambda: review_services.information_request_create(
                submission=submission,
                by=first,
                question=(
                    "Your balancing measure has no written definition in the submission. How "
                    "do you count it, and from which source?"
                ),
                criterion=c4,
            ),
        ),
    ]
    _steps(submission, steps)
