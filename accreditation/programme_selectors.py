"""The programme's view of accreditation: the funnel by cohort, time in each state, reviewers'
workload, the criteria most often not met and the latest decisions.

Aggregates across organisations, deliberately (`across_organisations()`): counts and
submissions' titles, nothing of partners. Each function runs a constant number of queries,
whatever the number of submissions.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import median
from typing import TYPE_CHECKING, Any

from django.db.models.functions import Coalesce
from django.utils import timezone

from accreditation.models import (
    AuditEntry,
    CriterionFeedback,
    Judgement,
    ReviewerAssignment,
    Submission,
)
from accreditation.review_selectors import latest_snapshot_title_of_submission
from alwaysevents.tenancy.scope import across_organisations
from programmes.models import Cohort

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

State = Submission.State


# --- the programme view ------------------------------------------------------------------------

FUNNEL_STAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("draft", "Draft", (State.DRAFT, State.AWAITING_SIGN_OFF, State.RETURNED)),
    ("submitted", "Submitted", (State.SUBMITTED,)),
    (
        "in_review",
        "In review",
        (State.UNDER_REVIEW, State.INFORMATION_REQUESTED, State.MODERATION),
    ),
    ("accredited", "Accredited", (State.ACCREDITED,)),
    ("not_yet", "Not yet accredited", (State.NOT_YET_ACCREDITED,)),
    ("lapsed", "Lapsed", (State.LAPSED,)),
)
_STAGE_OF = {state: key for key, _, states in FUNNEL_STAGES for state in states}


@dataclass
class FunnelRow:
    cohort_id: int | None
    cohort: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def decided(self) -> int:
        return self.counts["accredited"] + self.counts["not_yet"] + self.counts["lapsed"]

    @property
    def accreditation_rate(self) -> int | None:
        """Per cent of decided submissions that were accredited (lapsed ones included)."""
        if not self.decided:
            return None
        return round(100 * (self.counts["accredited"] + self.counts["lapsed"]) / self.decided)

    @property
    def cells(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.counts[key]) for key, label, _ in FUNNEL_STAGES]


@dataclass
class Funnel:
    rows: list[FunnelRow]
    total: FunnelRow
    stages: list[tuple[str, str]] = field(
        default_factory=lambda: [(key, label) for key, label, _ in FUNNEL_STAGES]
    )


def accreditation_funnel(
    *, cohort: Cohort | None = None, organisation_ids: list[int] | None = None
) -> Funnel:
    """Where each Always Event stands in accreditation, by cohort. Two queries.

    Each event counts once, at its latest submission that was not withdrawn (events that only
    withdrew are left out). The cohort is the event's, else its organisation's. Optional
    filters: one `cohort`, or some organisations (`organisation_ids`).
    """
    with across_organisations():
        submissions = Submission.objects.exclude(state=State.WITHDRAWN)
        if organisation_ids is not None:
            submissions = submissions.filter(organisation_id__in=organisation_ids)
        rows = list(
            submissions.annotate(cohort_key=Coalesce("event__cohort_id", "organisation__cohort_id"))
            .values("event_id", "state", "cohort_key")
            .order_by("event_id", "-created_at", "-pk")
        )
    cohorts = {c.pk: c.name for c in Cohort.objects.all()}
    latest: dict[int, Any] = {}
    for row in rows:
        latest.setdefault(row["event_id"], row)
    by_cohort: dict[int | None, Counter[str]] = defaultdict(Counter)
    for row in latest.values():
        if cohort is not None and row["cohort_key"] != cohort.pk:
            continue
        by_cohort[row["cohort_key"]][_STAGE_OF[row["state"]]] += 1
    keys = [key for key, _, _ in FUNNEL_STAGES]

    def make(cohort_id: int | None, name: str, counter: Counter[str]) -> FunnelRow:
        return FunnelRow(cohort_id, name, {key: counter.get(key, 0) for key in keys})

    result = [
        make(cid, cohorts.get(cid, "No cohort") if cid else "No cohort", counter)
        for cid, counter in by_cohort.items()
    ]
    result.sort(key=lambda r: (r.cohort_id is None, r.cohort))
    total: Counter[str] = Counter()
    for counter in by_cohort.values():
        total.update(counter)
    return Funnel(rows=result, total=make(None, "All cohorts", total))


@dataclass(frozen=True)
class StateTime:
    state: str
    label: str
    submissions: int
    median_days: float
    longest_days: float


TIMED_STATES = (
    State.DRAFT,
    State.AWAITING_SIGN_OFF,
    State.SUBMITTED,
    State.UNDER_REVIEW,
    State.INFORMATION_REQUESTED,
    State.MODERATION,
)


def time_in_states(*, now: dt.datetime | None = None) -> list[StateTime]:
    """How long submissions spend in each state, from the audit trail. One query.

    Each visit to a state runs from the entry that moved into it to the next state change (or
    now, for the state a submission is in); a submission's visits to one state are added up.
    """
    now = now or timezone.now()
    with across_organisations():
        entries = list(
            AuditEntry.objects.exclude(to_state="")
            .values_list("submission_id", "to_state", "at")
            .order_by("submission_id", "at", "pk")
        )
    spent: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for i, (submission_id, state, at) in enumerate(entries):
        following = entries[i + 1] if i + 1 < len(entries) else None
        end = following[2] if following and following[0] == submission_id else now
        if state in TIMED_STATES:
            spent[state][submission_id] += (end - at).total_seconds() / 86400
    result = []
    for state in TIMED_STATES:
        days = list(spent[state].values())
        if days:
            result.append(
                StateTime(
                    state=state,
                    label=State(state).label,
                    submissions=len(days),
                    median_days=round(median(days), 1),
                    longest_days=round(max(days), 1),
                )
            )
    return result


@dataclass(frozen=True)
class Workload:
    reviewer: User
    to_declare: int
    in_progress: int
    overdue: int
    submitted: int
    conflicts: int


def reviewer_workload(*, today: dt.date | None = None) -> list[Workload]:
    """Each reviewer's assignments: waiting for a declaration, in progress, overdue, done.
    Two queries."""
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    reviewers = list(
        get_user_model().objects.filter(is_reviewer=True).order_by("full_name", "email")
    )
    with across_organisations():
        rows = list(
            ReviewerAssignment.objects.filter(reviewer__in=[r.pk for r in reviewers]).values(
                "reviewer_id",
                "declared_at",
                "has_conflict",
                "removed_at",
                "review__submitted_at",
                "submission__review_deadline",
                "submission__deadline_paused_at",
            )
        )
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for row in rows:
        c = counts[row["reviewer_id"]]
        if row["has_conflict"]:
            c["conflicts"] += 1
        elif row["review__submitted_at"] is not None:
            c["submitted"] += 1
        elif row["removed_at"] is not None:
            continue
        elif row["declared_at"] is None:
            c["to_declare"] += 1
        else:
            c["in_progress"] += 1
        due = row["submission__review_deadline"]
        if (
            row["removed_at"] is None
            and row["review__submitted_at"] is None
            and due is not None
            and row["submission__deadline_paused_at"] is None
            and due < today
        ):
            c["overdue"] += 1
    return [
        Workload(
            reviewer=r,
            to_declare=counts[r.pk]["to_declare"],
            in_progress=counts[r.pk]["in_progress"],
            overdue=counts[r.pk]["overdue"],
            submitted=counts[r.pk]["submitted"],
            conflicts=counts[r.pk]["conflicts"],
        )
        for r in reviewers
    ]


@dataclass(frozen=True)
class CriterionOutcome:
    code: str
    title: str
    not_met: int
    partly_met: int
    decisions: int


def criteria_most_often_not_met(*, limit: int = 10) -> list[CriterionOutcome]:
    """The criteria most often judged not met (then partly met) in moderated decisions. One
    query; criteria are grouped by code across versions."""
    with across_organisations():
        rows = list(
            CriterionFeedback.objects.values(
                "criterion__code", "criterion__title", "judgement", "decision_id"
            ).order_by("criterion__code")
        )
    stats: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = stats.setdefault(
            row["criterion__code"],
            {"title": row["criterion__title"], "not_met": 0, "partly_met": 0, "decisions": set()},
        )
        entry["decisions"].add(row["decision_id"])
        if row["judgement"] == Judgement.NOT_MET:
            entry["not_met"] += 1
        elif row["judgement"] == Judgement.PARTLY_MET:
            entry["partly_met"] += 1
    outcomes = [
        CriterionOutcome(code, e["title"], e["not_met"], e["partly_met"], len(e["decisions"]))
        for code, e in stats.items()
        if e["not_met"] or e["partly_met"]
    ]
    outcomes.sort(key=lambda o: (-o.not_met, -o.partly_met, o.code))
    return outcomes[:limit]


def decided_submissions(*, limit: int = 20) -> list[Submission]:
    """Recently decided submissions, for the programme page. One query."""
    with across_organisations():
        return list(
            Submission.objects.filter(decision__isnull=False)
            .select_related("organisation", "decision", "certificate")
            .annotate(snapshot_title=latest_snapshot_title_of_submission())
            .order_by("-decided_at")[:limit]
        )
