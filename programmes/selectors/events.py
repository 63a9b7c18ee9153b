"""Reads about Always Events: lists, the detail page's summaries and the timeline.

Each takes the organisation (or an event, which carries it) and runs a constant number of
queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from alwaysevents.tenancy.scope import organisation_scope, owned_by
from programmes import costs, readiness, timeline
from programmes.costs import CostLine
from programmes.formatting import format_hours
from programmes.models import (
    AlwaysEvent,
    Challenge,
    Cost,
    EventComment,
    Impact,
    Organisation,
    ProgressScore,
    StaffRate,
    Stage,
    StageTransition,
    TeamMember,
    TimeEntry,
    VisionSignOff,
)
from programmes.services.lifecycle import next_stage
from programmes.timeline import TimelineItem

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

SUGGESTED_SCORE = {
    Stage.PROPOSED: "0.5",
    Stage.SET_UP: "1.0",
    Stage.DISCOVERING: "1.5",
    Stage.CO_DESIGNING: "2.0",
    Stage.TESTING: "2.5",
    Stage.IMPLEMENTING: "3.0",
    Stage.SUSTAINING: "4.0",
    Stage.SPREADING: "4.5",
}


def _of_events(model: Any, events: Sequence[AlwaysEvent], via: str = "event") -> QuerySet[Any]:
    """Rows of `model` belonging to any of `events`, in one query whatever their number.

    Events of one organisation are read inside its scope; events of several organisations
    (programme-wide aggregates) deliberately read across them, narrowed to those events.
    """
    organisation_ids = sorted({event.organisation_id for event in events})
    if not organisation_ids:
        return model.objects.with_scopes_disabled().none()
    manager = model.objects
    rows = (
        manager.with_scope(organisation=organisation_ids[0])
        if len(organisation_ids) == 1
        else manager.with_scopes_disabled()
    )
    return rows.filter(
        organisation_id__in=organisation_ids, **{f"{via}__in": [event.pk for event in events]}
    )


# --- lists ------------------------------------------------------------------------------------


def event_ids_for_person(*, organisation: Organisation, user: User) -> set[int]:
    """The events `user` is on here: as team lead, executive sponsor or in the team. One query."""
    on_team = owned_by(TeamMember, organisation).filter(user=user).values("event_id")
    return set(
        owned_by(AlwaysEvent, organisation)
        .filter(Q(team_lead=user) | Q(executive_sponsor=user) | Q(pk__in=on_team))
        .values_list("pk", flat=True)
    )


def event_list(
    *,
    organisation: Organisation,
    stage: str | None = None,
    service: str | None = None,
    sponsor_id: int | None = None,
) -> QuerySet[AlwaysEvent]:
    """Events with their latest score, team size and open challenges. One query."""
    latest = (
        owned_by(ProgressScore, organisation)
        .filter(event=OuterRef("pk"))
        .order_by("-set_at", "-pk")
    )
    events = (
        owned_by(AlwaysEvent, organisation)
        .select_related("team_lead", "executive_sponsor")
        .annotate(
            latest_score=Subquery(latest.values("score")[:1]),
            latest_score_at=Subquery(latest.values("set_at")[:1]),
            team_size=Count("team", distinct=True),
            open_challenges=Count(
                "challenges",
                filter=Q(
                    challenges__status=Challenge.Status.OPEN,
                    challenges__kind=Challenge.Kind.CHALLENGE,
                ),
                distinct=True,
            ),
        )
        .order_by("title")
    )
    if stage:
        events = events.filter(stage=stage)
    if service:
        events = events.filter(service=service)
    if sponsor_id:
        events = events.filter(executive_sponsor_id=sponsor_id)
    return events


def event_services(*, organisation: Organisation) -> list[str]:
    return list(
        owned_by(AlwaysEvent, organisation)
        .order_by("service")
        .values_list("service", flat=True)
        .distinct()
    )


def event_get(*, organisation: Organisation, pk: int) -> AlwaysEvent:
    """One event of the organisation, with the rows its pages show beside it (its
    organisation too, which the selectors and the scope read: no query each)."""
    return (
        owned_by(AlwaysEvent, organisation)
        .select_related(
            "organisation",
            "team_lead",
            "executive_sponsor",
            "cohort",
            "parent",
            "sustain_plan__owner",
        )
        .get(pk=pk)
    )


def event_team(*, event: AlwaysEvent) -> list[TeamMember]:
    return list(owned_by(TeamMember, event.organisation).filter(event=event).select_related("user"))


def challenge_list_needing_sponsor(
    *, organisation: Organisation, sponsor: User
) -> QuerySet[Challenge]:
    """Open challenges that ask for this sponsor, on the events they sponsor."""
    return (
        owned_by(Challenge, organisation)
        .filter(
            event__executive_sponsor=sponsor,
            status=Challenge.Status.OPEN,
            help_needed=Challenge.Help.SPONSOR,
        )
        .select_related("event")
        .order_by("noted_on")
    )


def challenges_needing_sponsor_by_event(
    *, events: Sequence[AlwaysEvent]
) -> dict[int, list[Challenge]]:
    """Open challenges asking for the executive sponsor, per event (oldest first). One query."""
    found: dict[int, list[Challenge]] = {event.pk: [] for event in events}
    by_pk = {event.pk: event for event in events}
    challenges = _of_events(Challenge, events).filter(
        status=Challenge.Status.OPEN, help_needed=Challenge.Help.SPONSOR
    )
    for challenge in challenges.order_by("noted_on", "pk"):
        challenge.event = by_pk[challenge.event_id]  # the caller's instance: no query
        found[challenge.event_id].append(challenge)
    return found


# --- readiness and progress --------------------------------------------------------------------


@dataclass(frozen=True)
class Readiness:
    stage: str | None
    results: list[readiness.CheckResult]

    @property
    def label(self) -> str:
        return Stage(self.stage).label if self.stage else ""

    @property
    def unmet(self) -> list[readiness.CheckResult]:
        return [r for r in self.results if not r.met]

    @property
    def ready(self) -> bool:
        return not self.unmet

    @property
    def next_step(self) -> readiness.CheckResult | None:
        """The first item of the checklist still to do: what to do next, in its words."""
        return self.unmet[0] if self.unmet else None


def event_readiness(*, event: AlwaysEvent, stage: str | None = None) -> Readiness:
    """The checklist for entering `stage` (default: the next stage on the main path)."""
    target = stage or next_stage(event.stage)
    if target is None:
        return Readiness(None, [])
    with organisation_scope(event.organisation):
        return Readiness(target, readiness.evaluate(event, target))


@dataclass(frozen=True)
class Progress:
    history: list[ProgressScore]
    suggested: str | None
    stale_after_weeks: int
    now: dt.datetime
    #: When the event began: a score cannot be overdue before it was ever due.
    since: dt.datetime | None = None

    @property
    def latest(self) -> ProgressScore | None:
        return self.history[0] if self.history else None

    @property
    def change(self) -> Decimal | None:
        if len(self.history) < 2:
            return None
        return self.history[0].value - self.history[1].value

    @property
    def stale(self) -> bool:
        if self.latest is None:
            return True
        return self.now - self.latest.set_at > dt.timedelta(weeks=self.stale_after_weeks)

    @property
    def overdue(self) -> bool:
        """Stale, and due: a score never set is overdue only once the event is as old as the
        time a score may go unreviewed (as the reminder has it)."""
        if self.latest is None and self.since is not None:
            return self.now - self.since > dt.timedelta(weeks=self.stale_after_weeks)
        return self.stale


def suggested_score(event: AlwaysEvent) -> str | None:
    stage = event.paused_from if event.stage == Stage.PAUSED else event.stage
    return SUGGESTED_SCORE.get(stage)  # type: ignore[call-overload]


def event_progress(*, event: AlwaysEvent) -> Progress:
    return event_progress_many(events=[event])[event.pk]


def event_progress_many(*, events: Sequence[AlwaysEvent]) -> dict[int, Progress]:
    """Each event's score history (newest first), suggestion and staleness. One query."""
    history: dict[int, list[ProgressScore]] = {event.pk: [] for event in events}
    for score in _of_events(ProgressScore, events).select_related("set_by"):
        history[score.event_id].append(score)
    now = timezone.now()
    weeks = settings.PROGRESS_SCORE_STALE_WEEKS
    return {
        event.pk: Progress(history[event.pk], suggested_score(event), weeks, now, event.created_at)
        for event in events
    }


# --- time -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonTime:
    user: Any
    hours: Decimal
    agreed_per_week: Decimal
    weeks: int

    @property
    def agreed(self) -> Decimal:
        return self.agreed_per_week * self.weeks


@dataclass
class TimeSummary:
    people: list[PersonTime] = field(default_factory=list)
    weeks: int = 0

    @property
    def total(self) -> Decimal:
        return sum((p.hours for p in self.people), Decimal("0"))

    @property
    def agreed(self) -> Decimal:
        return sum((p.agreed for p in self.people), Decimal("0"))

    def _share(self, top: int) -> float | None:
        if not self.total:
            return None
        return float(sum(sorted((p.hours for p in self.people), reverse=True)[:top]) / self.total)

    @property
    def top_one_share(self) -> float | None:
        return self._share(1)

    @property
    def top_two_share(self) -> float | None:
        return self._share(2)

    @property
    def over_reliance(self) -> bool:
        """The work leans on one or two people. Counted over everyone on the team (and anyone
        else who logged time): one person logging every hour of a team of four is the clearest
        case. A one-person team, or the top two of a two-person team, is not flagged."""
        people = len(self.people)
        one, two = self.top_one_share, self.top_two_share
        if one is None or people < 2:
            return False
        if one > settings.OVER_RELIANCE_TOP_ONE_SHARE:
            return True
        return people >= 3 and two is not None and two > settings.OVER_RELIANCE_TOP_TWO_SHARE


def event_time_summary(*, event: AlwaysEvent) -> TimeSummary:
    """Hours logged per person against the protected time agreed, over the weeks since the
    first entry. Three queries at most."""
    return event_time_summaries(events=[event])[event.pk]


def event_time_summaries(*, events: Sequence[AlwaysEvent]) -> dict[int, TimeSummary]:
    """`event_time_summary` of many events at once: three queries at most, whatever their number."""
    from django.contrib.auth import get_user_model

    totals = (
        _of_events(TimeEntry, events)
        .order_by()
        .values("event", "person")
        .annotate(hours=Sum("hours"), first=Min("week_starting"))
    )
    hours_by: dict[int, dict[int, Decimal]] = defaultdict(dict)
    first_week: dict[int, dt.date] = {}
    for row in totals:
        hours_by[row["event"]][row["person"]] = row["hours"]
        if row["event"] not in first_week or row["first"] < first_week[row["event"]]:
            first_week[row["event"]] = row["first"]
    teams: dict[int, dict[int, TeamMember]] = defaultdict(dict)
    for member in _of_events(TeamMember, events).select_related("user"):
        teams[member.event_id][member.user_id] = member
    others = {
        person
        for event_id, people in hours_by.items()
        for person in people
        if person not in teams[event_id]
    }
    extra_users = get_user_model().objects.in_bulk(others)
    today = timezone.localdate()
    summaries: dict[int, TimeSummary] = {}
    for event in events:
        team, hours = teams[event.pk], hours_by[event.pk]
        first = first_week.get(event.pk)
        weeks = (today - first).days // 7 + 1 if first else 0
        users = {user_id: member.user for user_id, member in team.items()}
        users.update({person: extra_users[person] for person in hours if person not in team})
        people = [
            PersonTime(
                user=user,
                hours=hours.get(user_id) or Decimal("0"),
                agreed_per_week=team[user_id].protected_hours_per_week
                if user_id in team
                else Decimal("0"),
                weeks=weeks,
            )
            for user_id, user in users.items()
        ]
        people.sort(key=lambda person: (-person.hours, str(person.user)))
        summaries[event.pk] = TimeSummary(people=people, weeks=weeks)
    return summaries


# --- value ----------------------------------------------------------------------------------


@dataclass
class ValueSummary:
    staff_hours: Decimal = Decimal("0")
    staff_cost: Decimal = Decimal("0")
    uncosted_hours: Decimal = Decimal("0")
    other_costs: Decimal = Decimal("0")
    money_saved: Decimal = Decimal("0")
    hours_saved: Decimal = Decimal("0")
    benefits: dict[str, list[Impact]] = field(default_factory=dict)
    efficiencies: list[Impact] = field(default_factory=list)
    costs: list[Cost] = field(default_factory=list)
    # Costs other apps know about (`programmes.costs`), such as partner payments.
    cost_lines: list[CostLine] = field(default_factory=list)

    @property
    def cost_lines_total(self) -> Decimal:
        return sum((line.amount for line in self.cost_lines), Decimal("0"))

    @property
    def total_cost(self) -> Decimal:
        return self.staff_cost + self.other_costs + self.cost_lines_total


def event_value_summary(*, event: AlwaysEvent) -> ValueSummary:
    """The cost-consequence summary: the team's estimate, from the app's own records and
    the cost lines other apps register (`programmes.costs`)."""
    return event_value_summaries(events=[event])[event.pk]


def event_value_summaries(*, events: Sequence[AlwaysEvent]) -> dict[int, ValueSummary]:
    """`event_value_summary` of many events at once: five queries, and one per registered cost
    line and organisation, whatever their number."""
    summaries = {event.pk: ValueSummary() for event in events}
    organisation_of = {event.pk: event.organisation_id for event in events}
    bands = {
        (event_id, user_id): band
        for event_id, user_id, band in _of_events(TeamMember, events).values_list(
            "event_id", "user_id", "band"
        )
    }
    rates: dict[tuple[int, str], list[StaffRate]] = defaultdict(list)
    for rate in (
        StaffRate.objects.with_scopes_disabled()
        .filter(organisation_id__in=set(organisation_of.values()))
        .order_by("effective_from")
    ):
        rates[(rate.organisation_id, rate.band)].append(rate)
    for event_id, person_id, week, hours in _of_events(TimeEntry, events).values_list(
        "event_id", "person_id", "week_starting", "hours"
    ):
        summary = summaries[event_id]
        summary.staff_hours += hours
        band = bands.get((event_id, person_id), "")
        applicable = [
            r for r in rates.get((organisation_of[event_id], band), []) if r.effective_from <= week
        ]
        if applicable:
            summary.staff_cost += hours * applicable[-1].hourly_rate
        else:
            summary.uncosted_hours += hours
    for cost in _of_events(Cost, events):
        summaries[cost.event_id].costs.append(cost)
    for summary in summaries.values():
        summary.other_costs = sum((c.amount for c in summary.costs), Decimal("0"))
    for event_id, lines in costs.evaluate_many(events).items():
        summaries[event_id].cost_lines = lines
    for impact in _of_events(Impact, events):
        summary = summaries[impact.event_id]
        if impact.is_efficiency:
            summary.efficiencies.append(impact)
            summary.money_saved += impact.money_estimate or 0
            summary.hours_saved += impact.hours_estimate or 0
        else:
            summary.benefits.setdefault(impact.get_kind_display(), []).append(impact)
    return summaries


# --- timeline -------------------------------------------------------------------------------


def _people(names: list[str]) -> str:
    """Who logged a week's time: the name of one person, or how many people."""
    return names[0] if len(names) == 1 else f"{len(names)} people"


def _time_by_week(event: AlwaysEvent, limit: int) -> list[TimelineItem]:
    """The time logged, one line a week: the hours of everyone's entries for that week. A week
    shows when its latest entry was recorded (time is often logged later). The `limit` weeks
    most recently logged; one query."""
    entries = owned_by(TimeEntry, event.organisation_id).filter(event=event)
    newest_weeks = (
        entries.order_by()
        .values("week_starting")
        .annotate(last=Max("recorded_at"))
        .order_by("-last", "-week_starting")
        .values("week_starting")[:limit]
    )
    rows = (
        entries.filter(week_starting__in=Subquery(newest_weeks))
        .order_by()
        .values("week_starting", "person_id", "person__full_name", "person__email")
        .annotate(hours=Sum("hours"), last=Max("recorded_at"))
        .order_by("week_starting", "person__full_name", "person__email")
    )
    weeks: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        weeks[row["week_starting"]].append(row)
    items = []
    for week, people in weeks.items():
        hours = sum((row["hours"] for row in people), Decimal("0"))
        names = [row["person__full_name"] or row["person__email"] for row in people]
        items.append(
            TimelineItem(
                max(row["last"] for row in people),
                "time",
                f"{format_hours(hours)} hour{'' if hours == 1 else 's'} logged for the week of "
                f"{week:%-d %b %Y} by {_people(names)}",
                group=timeline.TIME,
            )
        )
    return items


def event_timeline(
    *,
    event: AlwaysEvent,
    limit: int = 100,
    show: str = timeline.ALL,
    scores: Sequence[ProgressScore] | None = None,
    challenges: Sequence[Challenge] | None = None,
) -> list[TimelineItem]:
    """What happened to the event, newest first, as the filter `show` (`programmes.timeline`)
    has it: every milestone, and the newest `limit` of the other lines (time folded into one
    line a week). One query per kind of record read (a filter reads only the kinds it shows),
    and those of the contributors other apps register. `scores` (with `set_by`, newest
    first, as `event_progress` reads them) and `challenges` (with `recorded_by`): every one
    of the event's, when the caller has read them already (no query for them here)."""
    org = event.organisation_id  # not the organisation: no query to fetch it
    show = timeline.filter_of(show)
    wanted = {timeline.ALL, timeline.MILESTONES, timeline.STAGES}
    items: list[TimelineItem] = []
    if show in wanted:
        items.append(
            TimelineItem(
                event.created_at,
                "created",
                "Always Event started",
                group=timeline.STAGES,
                milestone=True,
            )
        )
        transitions = owned_by(StageTransition, org).filter(event=event).select_related("by")
        for t in transitions[:limit]:
            items.append(
                TimelineItem(
                    t.at,
                    "stage",
                    f"Moved from {t.get_from_stage_display()} to {t.get_to_stage_display()}",
                    t.reason,
                    t.by,
                    [f"Moved on before: {label}" for label in t.overridden],
                    group=timeline.STAGES,
                    milestone=True,
                )
            )
    if show in {timeline.ALL, timeline.MILESTONES}:
        for s in owned_by(VisionSignOff, org).filter(event=event)[:limit]:
            items.append(
                TimelineItem(
                    timeline.start_of(s.signed_on),
                    "signoff",
                    f"Vision signed off by {s.signed_by_name}",
                    f"“{s.statement}”",
                    milestone=True,
                    day_only=True,
                )
            )
    if show in {timeline.ALL, timeline.STAGES}:
        read: Sequence[ProgressScore] = (
            owned_by(ProgressScore, org).filter(event=event).select_related("set_by")  # type: ignore[assignment]
            if scores is None
            else scores
        )
        for s in read[:limit]:
            items.append(
                TimelineItem(
                    s.set_at,
                    "score",
                    f"Progress score set to {s.score}",
                    s.reason,
                    s.set_by,
                    group=timeline.STAGES,
                )
            )
    if show in {timeline.ALL, timeline.CHALLENGES}:
        # Each kind is ordered by the time it shows, so that `limit` keeps the newest of each.
        if challenges is None:
            newest: Sequence[Challenge] = (
                owned_by(Challenge, org)  # type: ignore[assignment]
                .filter(event=event)
                .order_by("-created_at", "-pk")
                .select_related("recorded_by")
            )
        else:
            newest = sorted(challenges, key=lambda c: (c.created_at, c.pk), reverse=True)
        for c in newest[:limit]:
            items.append(
                TimelineItem(
                    c.created_at,
                    "challenge",
                    f"{c.get_kind_display()} noted: {c.get_area_display()}",
                    c.text,
                    c.recorded_by,
                    group=timeline.CHALLENGES,
                )
            )
    if show in {timeline.ALL, timeline.TIME}:
        items.extend(_time_by_week(event, limit))
    if show in {timeline.ALL, timeline.COMMENTS}:
        comments = owned_by(EventComment, org).filter(event=event).select_related("author")
        for m in comments[:limit]:
            items.append(
                TimelineItem(
                    m.created_at, "comment", "Comment", m.text, m.author, group=timeline.COMMENTS
                )
            )
    for source in timeline.sources(show):
        items.extend(source.func(event, limit))
    items = [item for item in items if timeline.shows(item, show)]
    items.sort(key=lambda item: item.at, reverse=True)
    milestones = [item for item in items if item.milestone]
    others = [item for item in items if not item.milestone][:limit]
    kept = {id(item) for item in milestones + others}
    return [item for item in items if id(item) in kept]
