"""Programme-side reads of accreditation: reviewers' work, moderation, the team's view of the
review and public verification (the programme's analytics are in `programme_selectors`).

These read across organisations, deliberately (`across_organisations()`), and only ever what
the programme may see: reviewers get the frozen snapshot of submissions assigned to them and
nothing live; programme admins get submitted material and aggregates. Each function runs a
constant number of queries, whatever the number of submissions.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accreditation.models import (
    AuditEntry,
    Certificate,
    Criterion,
    CriterionFeedback,
    CriterionScore,
    Decision,
    InformationRequest,
    Review,
    ReviewerAssignment,
    Snapshot,
    Submission,
)
from alwaysevents.tenancy.scope import across_organisations

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

State = Submission.State


def _reviews_required() -> int:
    return max(1, int(getattr(settings, "REVIEWERS_PER_SUBMISSION", 2)))


# --- deadlines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A review's due date; while paused, the days that will be left when it restarts."""

    due: dt.date | None
    paused: bool
    days_left: int | None
    complete: bool = False

    @property
    def overdue(self) -> bool:
        return (
            not self.complete
            and not self.paused
            and self.days_left is not None
            and self.days_left < 0
        )

    @property
    def text(self) -> str:
        if self.complete:
            return "The reviews are complete"
        if self.due is None:
            return "No deadline yet"
        if self.paused:
            return (
                f"Paused while the team answers a request ({self.days_left} days left when "
                "it restarts)"
            )
        if self.days_left is not None and self.days_left < 0:
            return f"Overdue: was due {self.due:%-d %b %Y}"
        return f"Due {self.due:%-d %b %Y} ({self.days_left} days left)"


def review_deadline(submission: Submission, *, today: dt.date | None = None) -> Deadline:
    today = today or timezone.localdate()
    due = submission.review_deadline
    if submission.state not in (State.SUBMITTED, State.UNDER_REVIEW, State.INFORMATION_REQUESTED):
        return Deadline(due, False, None, complete=due is not None)
    if due is None:
        return Deadline(None, False, None)
    if submission.deadline_paused_at is not None:
        paused_on = timezone.localtime(submission.deadline_paused_at).date()
        return Deadline(due, True, (due - paused_on).days)
    return Deadline(due, False, (due - today).days)


def _latest_snapshot_title() -> Subquery:
    return Subquery(
        Snapshot.objects.filter(submission=OuterRef("submission"))
        .order_by("-taken_at", "-pk")
        .values("data__event__title")[:1]
    )


# --- the reviewer's own work -------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentRow:
    assignment: ReviewerAssignment
    title: str
    organisation: str
    state_label: str
    deadline: Deadline
    review: Review | None

    @property
    def status(self) -> str:
        if self.assignment.declared_at is None:
            return "Declare conflicts of interest"
        if self.review is not None and self.review.is_submitted:
            return "Review submitted"
        if self.review is not None and self.review.version > 1:
            return "Review in progress"
        return "Not started"


def reviewer_assignment_list(*, reviewer: User) -> list[AssignmentRow]:
    """The reviewer's current assignments, newest first. One query."""
    with across_organisations():
        assignments = list(
            ReviewerAssignment.objects.filter(reviewer=reviewer, removed_at__isnull=True)
            .select_related("submission", "submission__organisation", "review")
            .annotate(snapshot_title=_latest_snapshot_title())
            .order_by("-assigned_at", "-pk")
        )
    return [
        AssignmentRow(
            assignment=a,
            title=getattr(a, "snapshot_title", None) or "Untitled Always Event",
            organisation=a.submission.organisation.name,
            state_label=a.submission.get_state_display(),
            deadline=review_deadline(a.submission),
            review=getattr(a, "review", None),
        )
        for a in assignments
    ]


def reviewer_assignment_get(*, reviewer: User, submission_pk: int) -> ReviewerAssignment:
    """The reviewer's current assignment to a submission; `DoesNotExist` otherwise (a 404)."""
    with across_organisations():
        return ReviewerAssignment.objects.select_related(
            "submission", "submission__organisation", "submission__criteria_version", "reviewer"
        ).get(reviewer=reviewer, submission_id=submission_pk, removed_at__isnull=True)


@dataclass
class ScoreCell:
    reviewer: str
    lived_experience: bool
    judgement: str
    label: str
    comment: str


@dataclass
class CriterionReviewRow:
    criterion: Criterion
    check: dict[str, Any] | None
    self_assessment: str
    evidence: list[dict[str, Any]]
    mine: CriterionScore | None = None
    others: list[ScoreCell] = field(default_factory=list)
    feedback: CriterionFeedback | None = None

    @property
    def disagreement(self) -> bool:
        """The reviews shown disagree (a reviewer's own score counts once the others show)."""
        judgements = {cell.judgement for cell in self.others}
        if self.others and self.mine is not None:
            judgements.add(self.mine.judgement)
        return len(judgements) > 1

    @property
    def differs_from_check(self) -> bool:
        if not self.check or not self.check.get("judgement"):
            return False
        return any(cell.judgement != self.check["judgement"] for cell in self.others)


@dataclass
class ReviewWorkspace:
    """What a reviewer (or moderator) sees of one submission: its frozen snapshot only."""

    submission: Submission
    snapshot: Snapshot | None
    rows: list[CriterionReviewRow]
    review: Review | None
    requests: list[InformationRequest]
    reviews: list[Review]
    unblinded: bool
    deadline: Deadline

    @property
    def data(self) -> dict[str, Any]:
        return self.snapshot.data if self.snapshot else {}

    @property
    def general_evidence(self) -> list[dict[str, Any]]:
        return [e for e in self.data.get("evidence", []) if not e.get("criterion")]

    @property
    def disagreements(self) -> int:
        return sum(1 for row in self.rows if row.disagreement)


def _snapshot_rows(
    snapshot: Snapshot | None, criteria: list[Criterion]
) -> list[CriterionReviewRow]:
    data = snapshot.data if snapshot else {}
    checks = {c["code"]: c for c in data.get("checks", [])}
    texts = {s["code"]: s.get("text", "") for s in data.get("self_assessments", [])}
    evidence: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in data.get("evidence", []):
        evidence[item.get("criterion") or ""].append(item)
    return [
        CriterionReviewRow(
            criterion=c,
            check=checks.get(c.code),
            self_assessment=texts.get(c.code, ""),
            evidence=evidence.get(c.code, []),
        )
        for c in criteria
    ]


def _cells(reviews: list[Review]) -> dict[int, list[ScoreCell]]:
    cells: dict[int, list[ScoreCell]] = defaultdict(list)
    for review in reviews:
        assignment = review.assignment
        for score in review.scores.all():
            cells[score.criterion_id].append(
                ScoreCell(
                    reviewer=assignment.reviewer.display_name,
                    lived_experience=assignment.lived_experience,
                    judgement=score.judgement,
                    label=score.get_judgement_display(),
                    comment=score.comment,
                )
            )
    return cells


def review_workspace(
    *, submission: Submission, assignment: ReviewerAssignment | None = None
) -> ReviewWorkspace:
    """The snapshot, criteria and scores of a submission, for one reviewer (`assignment`) or
    for a programme admin (no assignment). Seven queries.

    Blind scoring: a reviewer sees the other reviews only once their own and every other
    current review are submitted; a programme admin sees submitted reviews.
    """
    with across_organisations():
        snapshot = (
            Snapshot.objects.filter(submission=submission).order_by("-taken_at", "-pk").first()
        )
        criteria = list(
            Criterion.objects.filter(version_id=submission.criteria_version_id).order_by(
                "position", "code"
            )
        )
        reviews = list(
            Review.objects.filter(
                assignment__submission=submission, assignment__removed_at__isnull=True
            )
            .select_related("assignment", "assignment__reviewer")
            .prefetch_related("scores")
            .order_by("assignment__assigned_at", "pk")
        )
        requests = list(
            InformationRequest.objects.filter(submission=submission)
            .select_related("criterion", "asked_by", "answered_by")
            .order_by("asked_at", "pk")
        )
    submitted = [r for r in reviews if r.is_submitted]
    all_in = len(submitted) >= _reviews_required() and len(submitted) == len(reviews)
    mine = next((r for r in reviews if assignment and r.assignment_id == assignment.pk), None)
    if assignment is None:
        shown, unblinded = submitted, True
    else:
        unblinded = bool(mine and mine.is_submitted and all_in)
        shown = submitted if unblinded else []
    rows = _snapshot_rows(snapshot, criteria)
    cells = _cells([r for r in shown if r is not mine])
    my_scores = {s.criterion_id: s for s in mine.scores.all()} if mine else {}
    for row in rows:
        row.others = cells.get(row.criterion.pk, [])
        row.mine = my_scores.get(row.criterion.pk)
    return ReviewWorkspace(
        submission=submission,
        snapshot=snapshot,
        rows=rows,
        review=mine,
        requests=requests,
        reviews=shown,
        unblinded=unblinded,
        deadline=review_deadline(submission),
    )


def reviewer_evidence_allowed(*, assignment: ReviewerAssignment, evidence_id: int) -> bool:
    """Whether the evidence item is listed in the snapshot the reviewer sees. One query."""
    with across_organisations():
        snapshot = (
            Snapshot.objects.filter(submission_id=assignment.submission_id)
            .order_by("-taken_at", "-pk")
            .first()
        )
    if snapshot is None:
        return False
    return any(e.get("id") == evidence_id for e in snapshot.data.get("evidence", []))


# --- programme admins: queue, one submission, reviewers -----------------------------------------


QUEUE_STATES = (
    State.SUBMITTED,
    State.UNDER_REVIEW,
    State.INFORMATION_REQUESTED,
    State.MODERATION,
)


@dataclass(frozen=True)
class QueueRow:
    submission: Submission
    title: str
    organisation: str
    reviewers: list[ReviewerAssignment]
    reviews_in: int
    deadline: Deadline

    @property
    def next_step(self) -> str:
        state = self.submission.state
        if state == State.MODERATION:
            return "Moderate and decide"
        if state == State.INFORMATION_REQUESTED:
            return "Waiting for the team's answer"
        if len(self.reviewers) < _reviews_required():
            return "Assign reviewers"
        return "Waiting for reviews"


def submission_queue() -> list[QueueRow]:
    """Submissions the programme team is handling, oldest first. Two queries."""
    with across_organisations():
        submissions = list(
            Submission.objects.filter(state__in=QUEUE_STATES)
            .select_related("organisation")
            .annotate(snapshot_title=latest_snapshot_title_of_submission())
            .order_by("submitted_at", "pk")
        )
        assignments = list(
            ReviewerAssignment.objects.filter(
                submission__in=[s.pk for s in submissions], removed_at__isnull=True
            )
            .select_related("reviewer", "review")
            .order_by("assigned_at", "pk")
        )
    by_submission: dict[int, list[ReviewerAssignment]] = defaultdict(list)
    for a in assignments:
        by_submission[a.submission_id].append(a)
    rows = []
    for s in submissions:
        mine = by_submission.get(s.pk, [])
        reviews_in = sum(
            1 for a in mine if getattr(a, "review", None) is not None and a.review.is_submitted
        )
        rows.append(
            QueueRow(
                submission=s,
                title=getattr(s, "snapshot_title", None) or "Untitled Always Event",
                organisation=s.organisation.name,
                reviewers=mine,
                reviews_in=reviews_in,
                deadline=review_deadline(s),
            )
        )
    return rows


def latest_snapshot_title_of_submission() -> Subquery:
    """A submission's title as frozen in its latest snapshot (annotate submissions with it)."""
    return Subquery(
        Snapshot.objects.filter(submission=OuterRef("pk"))
        .order_by("-taken_at", "-pk")
        .values("data__event__title")[:1]
    )


def programme_submission_get(*, pk: int) -> Submission:
    """Any organisation's submission that has been submitted; `DoesNotExist` for drafts."""
    with across_organisations():
        return (
            Submission.objects.select_related("organisation", "criteria_version")
            .annotate(snapshot_title=latest_snapshot_title_of_submission())
            .exclude(state__in=(State.DRAFT, State.AWAITING_SIGN_OFF))
            .exclude(submitted_at__isnull=True)
            .get(pk=pk)
        )


@dataclass(frozen=True)
class SubmissionOverview:
    """A programme admin's page of one submission: assignments, requests, decision, audit."""

    submission: Submission
    title: str
    assignments: list[ReviewerAssignment]
    released: list[ReviewerAssignment]
    audit: list[AuditEntry]
    decision: Decision | None
    certificate: Certificate | None
    deadline: Deadline

    @property
    def needs_reviewers(self) -> int:
        return max(0, _reviews_required() - len(self.assignments))

    @property
    def has_lived_experience(self) -> bool:
        return any(a.lived_experience for a in self.assignments)


def submission_overview(*, submission: Submission) -> SubmissionOverview:
    """Four queries."""
    with across_organisations():
        assignments = list(
            ReviewerAssignment.objects.filter(submission=submission)
            .select_related("reviewer", "review")
            .order_by("assigned_at", "pk")
        )
        audit = list(
            AuditEntry.objects.filter(submission=submission)
            .select_related("actor")
            .order_by("-at", "-pk")
        )
        decision = (
            Decision.objects.filter(submission=submission)
            .select_related("decided_by")
            .prefetch_related("feedback", "feedback__criterion")
            .first()
        )
        certificate = Certificate.objects.filter(submission=submission).first()
    return SubmissionOverview(
        submission=submission,
        title=getattr(submission, "snapshot_title", None) or "Untitled Always Event",
        assignments=[a for a in assignments if a.is_active],
        released=[a for a in assignments if not a.is_active],
        audit=audit,
        decision=decision,
        certificate=certificate,
        deadline=review_deadline(submission),
    )


@dataclass(frozen=True)
class ReviewerOption:
    user: User
    conflict: bool
    active_reviews: int


def reviewer_options(*, submission: Submission) -> list[ReviewerOption]:
    """Every reviewer, with whether they are in conflict (a member of the submission's
    organisation, or a declared conflict) and their current workload. Two queries."""
    from django.contrib.auth import get_user_model

    from programmes.models import Membership

    members = Membership.objects.with_scope(organisation=submission.organisation_id)
    users = list(
        get_user_model()
        .objects.filter(is_reviewer=True, is_active=True)
        .annotate(
            member=Subquery(
                members.filter(
                    organisation_id=submission.organisation_id, user=OuterRef("pk")
                ).values("pk")[:1]
            )
        )
        .order_by("full_name", "email")
    )
    with across_organisations():
        assignments = list(
            ReviewerAssignment.objects.filter(reviewer__in=[u.pk for u in users])
            .filter(Q(removed_at__isnull=True) | Q(submission=submission, has_conflict=True))
            .values("reviewer_id", "submission_id", "removed_at", "review__submitted_at")
        )
    workload: Counter[int] = Counter()
    declared: set[int] = set()
    for a in assignments:
        if a["removed_at"] is not None:
            declared.add(a["reviewer_id"])
        elif a["review__submitted_at"] is None:
            workload[a["reviewer_id"]] += 1
    return [
        ReviewerOption(
            user=u,
            conflict=bool(getattr(u, "member", None)) or u.pk in declared,
            active_reviews=workload[u.pk],
        )
        for u in users
    ]


# --- the team's view of the review ---------------------------------------------------------------


@dataclass(frozen=True)
class TeamReviewView:
    """What the team sees of the review of its submission: requests, decision, certificate."""

    submission: Submission
    requests: list[InformationRequest]
    decision: Decision | None
    feedback: list[CriterionFeedback]
    certificate: Certificate | None
    audit: list[AuditEntry]

    @property
    def open_requests(self) -> list[InformationRequest]:
        return [r for r in self.requests if r.is_open]


def team_review_view(*, submission: Submission) -> TeamReviewView:
    """Scoped to the submission's organisation. Five queries."""
    organisation_id = submission.organisation_id

    def scoped(model: Any) -> QuerySet[Any]:
        return model.objects.with_scope(organisation=organisation_id).filter(
            organisation_id=organisation_id
        )

    requests = list(
        scoped(InformationRequest)
        .filter(submission=submission)
        .select_related("criterion", "answered_by")
        .order_by("asked_at", "pk")
    )
    decision = scoped(Decision).filter(submission=submission).first()
    feedback = (
        list(
            scoped(CriterionFeedback)
            .filter(decision=decision)
            .select_related("criterion")
            .order_by("criterion__position", "criterion__code")
        )
        if decision
        else []
    )
    certificate = scoped(Certificate).filter(submission=submission).first()
    audit = list(
        scoped(AuditEntry).filter(submission=submission).select_related("actor").order_by("-at")
    )
    return TeamReviewView(submission, requests, decision, feedback, certificate, audit)


# --- public verification -------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What the public verification page may reveal, and nothing more."""

    found: bool
    event_title: str = ""
    organisation: str = ""
    decided_on: dt.date | None = None
    expires_on: dt.date | None = None
    lapsed: bool = False


def normalise_code(code: str) -> str:
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(raw[i : i + 5] for i in range(0, len(raw), 5))


def certificate_verify(*, code: str, today: dt.date | None = None) -> Verification:
    """Look a certificate up by its verification code. One query.

    The event title is the one frozen in the snapshot the decision was made on.
    """
    today = today or timezone.localdate()
    with across_organisations():
        certificate = (
            Certificate.objects.filter(verification_code=normalise_code(code))
            .select_related("submission", "submission__organisation")
            .annotate(
                title=Subquery(
                    Snapshot.objects.filter(submission=OuterRef("submission"))
                    .order_by("-taken_at", "-pk")
                    .values("data__event__title")[:1]
                ),
                decided=Subquery(
                    Decision.objects.filter(submission=OuterRef("submission")).values("decided_at")[
                        :1
                    ]
                ),
            )
            .first()
        )
    if certificate is None:
        return Verification(found=False)
    decided_at = getattr(certificate, "decided", None) or certificate.issued_at
    return Verification(
        found=True,
        event_title=getattr(certificate, "title", None) or "",
        organisation=certificate.submission.organisation.name,
        decided_on=timezone.localtime(decided_at).date(),
        expires_on=certificate.expires_on,
        lapsed=certificate.lapsed_at is not None or certificate.expires_on < today,
    )


def reviewer_assignment_list_title(*, assignment: ReviewerAssignment) -> str:
    """The event's title as frozen in the submission's latest snapshot. One query."""
    with across_organisations():
        title = (
            Snapshot.objects.filter(submission_id=assignment.submission_id)
            .order_by("-taken_at", "-pk")
            .values_list("data__event__title", flat=True)
            .first()
        )
    return title or "Untitled Always Event"


def certificate_for(*, submission: Submission) -> Certificate | None:
    """The submission's certificate, in its organisation's scope. One query."""
    return (
        Certificate.objects.with_scope(organisation=submission.organisation_id)
        .filter(submission=submission)
        .select_related("submission", "submission__organisation")
        .first()
    )


# --- for reminders (the reporting issue sends them) ----------------------------------------------


@dataclass(frozen=True)
class ReviewDue:
    reviewer: User
    submission_id: int
    title: str
    due: dt.date
    days_left: int


def reviews_due(*, today: dt.date | None = None, within_days: int = 7) -> list[ReviewDue]:
    """Reviews not yet submitted whose deadline is within `within_days` or past, for reminders.
    Paused deadlines (information requested) are left out. One query."""
    today = today or timezone.localdate()
    with across_organisations():
        assignments = list(
            ReviewerAssignment.objects.filter(
                removed_at__isnull=True,
                submission__state=State.UNDER_REVIEW,
                submission__deadline_paused_at__isnull=True,
                submission__review_deadline__lte=today + dt.timedelta(days=within_days),
            )
            .filter(Q(review__isnull=True) | Q(review__submitted_at__isnull=True))
            .select_related("reviewer", "submission")
            .annotate(snapshot_title=_latest_snapshot_title())
            .order_by("submission__review_deadline", "pk")
        )
    return [
        ReviewDue(
            reviewer=a.reviewer,
            submission_id=a.submission_id,
            title=getattr(a, "snapshot_title", None) or "Untitled Always Event",
            due=a.submission.review_deadline,  # type: ignore[arg-type]
            days_left=(a.submission.review_deadline - today).days,  # type: ignore[operator]
        )
        for a in assignments
    ]
