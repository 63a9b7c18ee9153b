"""Reads about accreditation for the team's pages and for other apps' dashboards.

Team-side selectors take the organisation (or an event or submission, which carries it) and
stay inside its scope. Programme-side reads (reviewers, programme admins) live with the review
pages and open `across_organisations()` deliberately; `criteria_version_*` are programme-wide
data and need no scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accreditation import evidence as evidence_checks
from accreditation.models import (
    AuditEntry,
    Certificate,
    CriteriaVersion,
    Criterion,
    Evidence,
    ReviewerAssignment,
    SelfAssessment,
    Snapshot,
    SponsorAttestation,
    Submission,
)
from accreditation.programme_selectors import Funnel as Funnel
from accreditation.programme_selectors import accreditation_funnel as accreditation_funnel
from accreditation.workflow import allowed_moves
from alwaysevents.tenancy.scope import owned_by
from coproduction.selectors import involvement as involvement_selectors
from measurement.selectors import testing as testing_selectors
from measurement.selectors.measures import measure_list
from programmes import selectors as programme_selectors
from programmes.models import Membership, SustainPlan

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent, Organisation


# --- criteria versions (programme-wide) ---------------------------------------------------------


def criteria_version_current() -> CriteriaVersion | None:
    """The newest published version: new submissions use it. One query."""
    return CriteriaVersion.objects.filter(state=CriteriaVersion.State.PUBLISHED).first()


def criteria_version_list() -> QuerySet[CriteriaVersion]:
    return CriteriaVersion.objects.prefetch_related("criteria")


def criteria_of(*, version: CriteriaVersion) -> list[Criterion]:
    return list(version.criteria.all())


# --- submissions of one organisation ------------------------------------------------------------


def submission_current(*, event: AlwaysEvent) -> Submission | None:
    """The event's submission in progress, or else its latest one. One query."""
    submissions = list(
        owned_by(Submission, event.organisation_id)
        .filter(event=event)
        .select_related("criteria_version")
        .order_by("-created_at", "-pk")
    )
    for submission in submissions:
        if submission.is_open:
            return submission
    return submissions[0] if submissions else None


def submission_list(*, event: AlwaysEvent) -> list[Submission]:
    return list(
        owned_by(Submission, event.organisation_id)
        .filter(event=event)
        .select_related("criteria_version")
        .order_by("-created_at", "-pk")
    )


def submission_get(*, event: AlwaysEvent, pk: int) -> Submission:
    """One submission of the event; `Submission.DoesNotExist` for anyone else's (a 404)."""
    return (
        owned_by(Submission, event.organisation_id)
        .select_related("event", "event__executive_sponsor", "criteria_version", "organisation")
        .get(event=event, pk=pk)
    )


def evidence_get(*, organisation: Organisation, pk: int) -> Evidence:
    """One evidence item of the organisation; `Evidence.DoesNotExist` otherwise (a 404)."""
    return owned_by(Evidence, organisation.pk).select_related("submission").get(pk=pk)


def evidence_count_for_check(*, submission: Submission, check_key: str) -> int:
    """How much evidence is attached to the criteria answered by one check. One query."""
    return (
        owned_by(Evidence, submission.organisation_id)
        .filter(submission=submission, criterion__check_key=check_key)
        .count()
    )


def attestation_for(*, submission: Submission) -> SponsorAttestation | None:
    """The latest sponsor attestation of the submission. One query."""
    return (
        owned_by(SponsorAttestation, submission.organisation_id)
        .filter(submission=submission)
        .select_related("sponsor")
        .first()
    )


def snapshot_latest(*, submission: Submission) -> Snapshot | None:
    return owned_by(Snapshot, submission.organisation_id).filter(submission=submission).first()


@dataclass(frozen=True)
class CriterionRow:
    criterion: Criterion
    self_assessment: str
    evidence: list[Evidence]
    check: evidence_checks.CheckResult | None


#: Steps of the reviewing side that the team does not see: who reviews them, their conflicts of
#: interest and their reviews. The team sees the state moves, the questions, its answers and the
#: decision, with the reviewers unnamed (the programme team's page shows everything).
REVIEW_ONLY_ACTIONS = frozenset(
    {
        "reviewer_assigned",
        "reviewer_released",
        "conflict_declared",
        "no_conflict_declared",
        "review_submitted",
    }
)


@dataclass(frozen=True)
class AuditLine:
    """One step of a submission as its team sees it."""

    at: dt.datetime
    who: str
    summary: str


def team_audit(
    entries: list[AuditEntry], *, reviewer_ids: set[int], member_ids: set[int]
) -> list[AuditLine]:
    """The team's view of the audit trail: no review-only steps; a reviewer is "A reviewer",
    anyone else outside the organisation "The programme team", a member by name."""
    lines = []
    for entry in entries:
        if entry.action in REVIEW_ONLY_ACTIONS:
            continue
        if entry.actor is None:
            who = "The system"
        elif entry.actor_id in reviewer_ids:
            who = "A reviewer"
        elif entry.actor_id not in member_ids:
            who = "The programme team"
        else:
            who = entry.actor.display_name
        lines.append(AuditLine(at=entry.at, who=who, summary=entry.summary))
    return lines


@dataclass(frozen=True)
class SubmissionDetail:
    submission: Submission
    rows: list[CriterionRow]
    general_evidence: list[Evidence]
    #: The audit trail as the team sees it (`team_audit`).
    audit: list[AuditLine]
    attestation: SponsorAttestation | None
    snapshot: Snapshot | None
    moves: list[str]

    @property
    def written(self) -> int:
        return sum(1 for row in self.rows if row.self_assessment.strip())


def submission_detail(*, submission: Submission) -> SubmissionDetail:
    """Everything the submission page shows, in a constant number of queries (eight).

    Check results come from the frozen snapshot once there is one, else they are not included
    (the readiness page shows the live checks).
    """
    organisation_id = submission.organisation_id
    criteria = list(submission.criteria_version.criteria.all())
    texts = dict(
        owned_by(SelfAssessment, organisation_id)
        .filter(submission=submission)
        .values_list("criterion_id", "text")
    )
    items = list(
        owned_by(Evidence, organisation_id).filter(submission=submission).select_related("added_by")
    )
    entries = list(
        owned_by(AuditEntry, organisation_id).filter(submission=submission).select_related("actor")
    )
    actors = {entry.actor_id for entry in entries if entry.actor_id is not None}
    audit = team_audit(
        entries,
        reviewer_ids=set(
            owned_by(ReviewerAssignment, organisation_id)
            .filter(submission=submission)
            .values_list("reviewer_id", flat=True)
        ),
        member_ids=set(
            Membership.objects.with_scope(organisation=organisation_id)
            .filter(organisation_id=organisation_id, user_id__in=actors)
            .values_list("user_id", flat=True)
        ),
    )
    attestation = attestation_for(submission=submission)
    snapshot = snapshot_latest(submission=submission)
    frozen: dict[str, evidence_checks.CheckResult] = {}
    if snapshot is not None:
        for result in snapshot.data.get("checks", []):
            frozen[result["code"]] = evidence_checks.CheckResult(
                code=result["code"],
                title=result["title"],
                check_key=result["check_key"],
                judgement=result["judgement"],
                facts=tuple(result["facts"]),
            )
    by_criterion: dict[int | None, list[Evidence]] = {}
    for item in items:
        by_criterion.setdefault(item.criterion_id, []).append(item)
    rows = [
        CriterionRow(
            criterion=c,
            self_assessment=texts.get(c.pk, ""),
            evidence=by_criterion.get(c.pk, []),
            check=frozen.get(c.code),
        )
        for c in criteria
    ]
    return SubmissionDetail(
        submission=submission,
        rows=rows,
        general_evidence=by_criterion.get(None, []),
        audit=audit,
        attestation=attestation,
        snapshot=snapshot,
        moves=[move.name for move in allowed_moves(submission.state)],
    )


# --- readiness -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Readiness:
    version: CriteriaVersion | None
    results: list[evidence_checks.CheckResult]
    submission: Submission | None

    def count(self, judgement: str) -> int:
        return sum(1 for r in self.results if r.judgement == judgement)

    @property
    def met(self) -> int:
        return self.count("met")

    @property
    def partly_met(self) -> int:
        return self.count("partly_met")

    @property
    def not_met(self) -> int:
        return self.count("not_met")


def event_readiness(*, event: AlwaysEvent) -> Readiness:
    """Every criterion's live check for the event, under the version its current submission
    uses (or the newest published one), and that submission."""
    submission = submission_current(event=event)
    version = submission.criteria_version if submission else criteria_version_current()
    if version is None:
        return Readiness(None, [], submission)
    ev = evidence_checks.event_evidence(event=event, submission=submission)
    results = evidence_checks.run_checks(criteria=version.criteria.all(), evidence=ev)
    return Readiness(version, results, submission)


# --- records that can be linked as evidence -------------------------------------------------------


@dataclass(frozen=True)
class RecordOption:
    record_type: str
    record_id: int
    label: str

    @property
    def value(self) -> str:
        return f"{self.record_type}:{self.record_id}"


def record_options(*, event: AlwaysEvent) -> list[RecordOption]:
    """The event's records a team may link as evidence, through the owning apps' selectors."""
    T = Evidence.RecordType
    options = [RecordOption(T.EVENT, event.pk, f"This Always Event: {event.title}")]
    options += [
        RecordOption(T.MEASURE, m.pk, f"Measure: {m.name} ({m.get_type_display().lower()})")
        for m in measure_list(event=event)
    ]
    for node in testing_selectors.driver_tree(event).ideas:
        options += [
            RecordOption(T.PDSA_CYCLE, c.pk, f"PDSA cycle {c.number}: {node.idea.text}")
            for c in node.cycles
        ]
    options += [
        RecordOption(T.ACTIVITY, a.pk, f"Activity: {a.title} ({a.held_on:%d %b %Y})")
        for a in involvement_selectors.activity_list(event=event)
    ]
    value = programme_selectors.event_value_summary(event=event)
    impacts = [i for items in value.benefits.values() for i in items] + value.efficiencies
    options += [RecordOption(T.IMPACT, i.pk, f"Impact: {i.description[:60]}") for i in impacts]
    try:
        plan = event.sustain_plan
    except SustainPlan.DoesNotExist:
        plan = None
    if plan is not None:
        options.append(RecordOption(T.SUSTAIN_PLAN, plan.pk, "The sustain and spread plan"))
    return options


def record_exists(*, event: AlwaysEvent, record_type: str, record_id: int) -> bool:
    return any(
        o.record_type == record_type and o.record_id == record_id
        for o in record_options(event=event)
    )


# --- for dashboards (the reporting issue) ---------------------------------------------------------


@dataclass(frozen=True)
class AccreditationStatus:
    """An event's accreditation, in a line: its latest submission's state and dates."""

    submission_id: int
    state: str
    state_label: str
    decided_at: dt.datetime | None
    #: The certificate's expiry date (a date, despite the name), when accredited.
    expires_at: dt.date | None

    @property
    def is_accredited(self) -> bool:
        return self.state == Submission.State.ACCREDITED


def accreditation_status_for_events(
    *, organisation: Organisation, event_ids: list[int] | set[int] | tuple[int, ...]
) -> dict[int, AccreditationStatus]:
    """{event id: status} for the events of the organisation that have a submission. One query.

    The status is the latest submission that was not withdrawn (or, if all were, the latest);
    events without a submission are left out.
    """
    submissions = (
        owned_by(Submission, organisation.pk)
        .filter(event_id__in=list(event_ids))
        .select_related("certificate")
        .order_by("event_id", "-created_at", "-pk")
    )
    chosen: dict[int, Submission] = {}
    for submission in submissions:
        current = chosen.get(submission.event_id)
        if current is None or (
            current.state == Submission.State.WITHDRAWN
            and submission.state != Submission.State.WITHDRAWN
        ):
            chosen[submission.event_id] = submission
    result = {}
    for event_id, submission in chosen.items():
        certificate: Certificate | None = getattr(submission, "certificate", None)
        result[event_id] = AccreditationStatus(
            submission_id=submission.pk,
            state=submission.state,
            state_label=submission.get_state_display(),
            decided_at=submission.decided_at,
            expires_at=certificate.expires_on if certificate else None,
        )
    return result


# --- for reminders and the staff digest (the reporting issue) -----------------------------------


@dataclass(frozen=True)
class OpenInformationRequest:
    """A reviewer's question the team has not answered yet."""

    pk: int
    event_id: int
    submission_id: int
    question: str
    criterion_code: str
    asked_at: dt.datetime


def information_requests_open(*, organisation: Organisation) -> list[OpenInformationRequest]:
    """The organisation's unanswered information requests, oldest first. One query."""
    from accreditation.models import InformationRequest

    requests = (
        owned_by(InformationRequest, organisation.pk)
        .filter(answered_at__isnull=True)
        .select_related("submission", "criterion")
        .order_by("asked_at", "pk")
    )
    return [
        OpenInformationRequest(
            pk=request.pk,
            event_id=request.submission.event_id,
            submission_id=request.submission_id,
            question=request.question,
            criterion_code=request.criterion.code if request.criterion else "",
            asked_at=request.asked_at,
        )
        for request in requests
    ]


@dataclass(frozen=True)
class AccreditationNews:
    """Something that happened to an event's accreditation (from the audit trail)."""

    event_id: int
    submission_id: int
    action: str
    at: dt.datetime
    #: The certificate's expiry date, for `certificate_issued`.
    expires_on: dt.date | None = None


#: The audit actions that are news for the team: submitted, information requested,
#: accredited, certificate issued.
NEWS_ACTIONS = ("attest", "information_requested", "accredit", "certificate_issued")


def accreditation_news(
    *, organisation: Organisation, since: dt.datetime, until: dt.datetime
) -> list[AccreditationNews]:
    """Accreditation news of the organisation's events in [since, until), oldest first.
    One query."""
    entries = (
        owned_by(AuditEntry, organisation.pk)
        .filter(action__in=NEWS_ACTIONS, at__gte=since, at__lt=until)
        .select_related("submission", "submission__certificate")
        .order_by("at", "pk")
    )
    news = []
    for entry in entries:
        certificate: Certificate | None = getattr(entry.submission, "certificate", None)
        news.append(
            AccreditationNews(
                event_id=entry.submission.event_id,
                submission_id=entry.submission_id,
                action=entry.action,
                at=entry.at,
                expires_on=certificate.expires_on if certificate else None,
            )
        )
    return news
