"""The sponsor dashboard: every event of an organisation, read through the domain selectors.

A constant number of queries whatever the number of events: each part comes from a bulk
selector of its domain app (one or a few queries for all the events at once).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accreditation.selectors import accreditation_status_for_events
from alwaysevents.reporting.selectors.status import measure_facts, status_of
from alwaysevents.reporting.status import EventStatus
from coproduction.selectors.involvement import CoproductionProfile, coproduction_profiles
from measurement.charts import Sparkline
from measurement.due import missing_period
from measurement.models import Measure
from measurement.selectors.measures import measure_series_for_events, measures_for_events
from measurement.selectors.testing import pdsa_cycles_overdue
from programmes import selectors as programmes
from programmes.models import AlwaysEvent, Challenge, Organisation, Stage
from programmes.selectors.stages import stage_entered_many

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from alwaysevents.reporting.versions import EventVersions
    from programmes.selectors.events import Progress, TimeSummary, ValueSummary


@dataclass(frozen=True)
class MeasureRow:
    measure: Measure
    sparkline: Sparkline | None
    latest_period: dt.date | None
    #: The due period with no figure (measurement.due, as the reminders have it), or None.
    missing_period: dt.date | None = None

    @property
    def data_overdue(self) -> bool:
        return self.missing_period is not None

    @property
    def variation_icon(self) -> Any:
        return self._icon("variation")

    @property
    def assurance_icon(self) -> Any:
        return self._icon("assurance")

    def _icon(self, kind: str) -> Any:
        icons = self.sparkline.icons if self.sparkline else []
        return next((icon for icon in icons if icon.kind == kind), None)

    @property
    def unit(self) -> str:
        if self.measure.is_proportion:
            return "%"
        return f" {self.measure.unit}" if self.measure.unit else ""


@dataclass(frozen=True)
class OverdueItem:
    """Something late on an event. `kind`: data, pdsa, score or challenge; `pk` names the
    measure, cycle or challenge the item links to."""

    kind: str
    text: str
    pk: int | None = None


@dataclass
class EventRow:
    event: AlwaysEvent
    progress: Progress
    measures: list[MeasureRow]
    overdue: list[OverdueItem]
    #: Read only for the events whose cards are shown (on the page asked for).
    coproduction: CoproductionProfile | None
    time: TimeSummary
    value: ValueSummary
    #: The event's accreditation status when the caller supplies one (see `sponsor_dashboard`).
    accreditation: Any = None
    #: The page of the dashboard that shows this event's card.
    page: int = 1
    #: On track, needs you or stalled, and why (`reporting.status`).
    status: EventStatus | None = None

    @property
    def benefits(self) -> int:
        return sum(len(items) for items in self.value.benefits.values())


@dataclass
class SponsorDashboard:
    rows: list[EventRow]
    #: Events shown, per stage label, in lifecycle order (only stages with events).
    by_stage: list[tuple[str, int]]
    #: Open challenges that ask for the person viewing, when they sponsor events.
    needing_you: list[Challenge] = field(default_factory=list)
    #: Open challenges asking for each executive sponsor (by user id), in event order.
    needing_sponsor: dict[int, list[Challenge]] = field(default_factory=dict)
    show_accreditation: bool = False
    #: The events whose cards are shown: those on the page asked for (all when not paged).
    cards: list[EventRow] = field(default_factory=list)
    page: int = 1
    pages: int = 1

    @property
    def page_numbers(self) -> range:
        return range(1, self.pages + 1)

    @property
    def overdue_count(self) -> int:
        return sum(len(row.overdue) for row in self.rows)

    @property
    def money_saved(self) -> Decimal:
        return sum((row.value.money_saved for row in self.rows), Decimal("0"))

    @property
    def hours_saved(self) -> Decimal:
        return sum((row.value.hours_saved for row in self.rows), Decimal("0"))

    @property
    def staff_hours(self) -> Decimal:
        return sum((row.time.total for row in self.rows), Decimal("0"))

    @property
    def over_reliance_count(self) -> int:
        return sum(1 for row in self.rows if row.time.over_reliance)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _overdue(
    event: AlwaysEvent,
    progress: Progress,
    measures: list[MeasureRow],
    cycles: list[Any],
    challenges: list[Challenge],
) -> list[OverdueItem]:
    items: list[OverdueItem] = []
    if event.stage == Stage.CLOSED:
        return items
    for row in measures:
        if row.data_overdue:
            period = row.measure.get_frequency_display().lower()
            since = (
                f"latest is {row.sparkline.latest_label}"
                if row.sparkline
                else "no data entered yet"
            )
            items.append(
                OverdueItem(
                    "data", f"{row.measure.name}: {period} data due ({since}).", row.measure.pk
                )
            )
    for cycle in cycles:
        items.append(
            OverdueItem(
                "pdsa",
                f"PDSA cycle {cycle.number} on “{cycle.change_idea.text}” was planned to start "
                f"{_day(cycle.planned_start)} and has not started.",
                cycle.pk,
            )
        )
    if progress.overdue:
        latest = progress.latest
        when = (
            f"last set {_day(timezone.localtime(latest.set_at).date())}" if latest else "never set"
        )
        items.append(
            OverdueItem(
                "score",
                f"Progress score not reviewed for over {progress.stale_after_weeks} weeks "
                f"({when}).",
            )
        )
    for challenge in challenges:
        items.append(
            OverdueItem(
                "challenge",
                f"asked for on {_day(challenge.noted_on)}: {challenge.text}",
                challenge.pk,
            )
        )
    return items


def dashboard_events(
    *,
    organisation: Organisation,
    stage: str | None = None,
    service: str | None = None,
    cohort_id: int | None = None,
    ids: list[int] | None = None,
    light: bool = False,
) -> list[AlwaysEvent]:
    """The organisation's events with the filters applied, by title (one query).

    A plain read, without `event_list`'s counts: the dashboard's bulk selectors supply the
    scores and challenges, and the counts' joins cost more than the rest of the query.
    `ids`: only these events. `light`: only what the dashboard's cached body needs to put
    the events' cached parts together (title, stage, executive sponsor), no joins."""
    events = (
        AlwaysEvent.objects.with_scope(organisation=organisation.pk)
        .filter(organisation=organisation)
        .order_by("title")
    )
    if ids is not None:
        events = events.filter(pk__in=ids)
    if stage:
        events = events.filter(stage=stage)
    if service:
        events = events.filter(service=service)
    if cohort_id:
        events = events.filter(cohort_id=cohort_id)
    if light:
        return list(events.only("organisation_id", "title", "stage", "executive_sponsor_id"))
    return list(events.select_related("team_lead", "executive_sponsor", "cohort"))


@dataclass(frozen=True)
class EventFacts:
    """What the dashboard shows of an event that no row of the measurement app feeds: its
    score, time, value, open challenges asking for the sponsor, co-production profile (None
    when not read), when it entered its stage and its accreditation status (None when not
    asked for). The view keeps them per event under the version of the event's other apps'
    rows (`reporting.versions.EventVersions.of`), so a value posted reads none of them again."""

    progress: Progress
    time: TimeSummary
    value: ValueSummary
    challenges: list[Challenge]
    coproduction: CoproductionProfile | None
    entered: Any
    accreditation: Any = None


def event_facts(
    *,
    organisation: Organisation,
    events: list[AlwaysEvent],
    accreditation: Mapping[int, Any] | None = None,
    with_accreditation: bool = False,
    coproduction_of: list[AlwaysEvent] | None = None,
) -> dict[int, EventFacts]:
    """Each event's facts no measurement row feeds, by event id: the programmes,
    co-production and accreditation apps' bulk selectors (a constant number of queries, none
    of them of the measurement app's tables). Co-production profiles are read for
    `coproduction_of` (all the events when None)."""
    progress = programmes.event_progress_many(events=events)
    times = programmes.event_time_summaries(events=events)
    values = programmes.event_value_summaries(events=events)
    challenges = programmes.challenges_needing_sponsor_by_event(events=events)
    profiles = coproduction_profiles(events=events if coproduction_of is None else coproduction_of)
    entered = stage_entered_many(events=events)
    if with_accreditation and accreditation is None:
        accreditation = accreditation_status_for_events(
            organisation=organisation, event_ids=[event.pk for event in events]
        )
    return {
        event.pk: EventFacts(
            progress=progress[event.pk],
            time=times[event.pk],
            value=values[event.pk],
            challenges=list(challenges[event.pk]),
            coproduction=profiles.get(event.pk),
            entered=entered[event.pk],
            accreditation=accreditation.get(event.pk) if accreditation else None,
        )
        for event in events
    }


def dashboard_rows(
    *,
    organisation: Organisation,
    events: list[AlwaysEvent],
    today: dt.date,
    accreditation: Mapping[int, Any] | None = None,
    with_accreditation: bool = False,
    coproduction_of: list[AlwaysEvent] | None = None,
    versions: EventVersions | None = None,
    facts: Mapping[int, EventFacts] | None = None,
) -> tuple[dict[int, EventRow], dict[int, list[Challenge]]]:
    """Each event's row and its open challenges asking for the sponsor, by event id: what is
    drawn from that event's own data (`page` is left at 1 for the caller to set). A constant
    number of queries whatever the number of events; co-production profiles are read for
    `coproduction_of` (all the events when None). With the organisation's `versions` (read
    before the data), the measures' analyses are those computed when their data was written
    (`reporting.analyses`, one cache round trip), their points read only for those missing.
    With `facts` (`event_facts`, e.g. kept from an earlier view), only the measurement app's
    selectors are read."""
    from alwaysevents.reporting.analyses import (
        MeasureAnalysis,
        analyse,
        analysis_version,
        measure_analyses,
    )

    if facts is None:
        facts = event_facts(
            organisation=organisation,
            events=events,
            accreditation=accreditation,
            with_accreditation=with_accreditation,
            coproduction_of=coproduction_of,
        )
    measures_of: dict[int, list[Measure]]
    analyses: dict[int, MeasureAnalysis]
    if versions is not None:
        measures_of = measures_for_events(events=events)
        analyses = measure_analyses(
            [measure for event in events for measure in measures_of[event.pk]],
            version_of=lambda measure: analysis_version(versions, measure.event_id),
        )
    else:
        series = measure_series_for_events(events=events)
        measures_of = {pk: [s.measure for s in found] for pk, found in series.items()}
        analyses = analyse([s for event in events for s in series[event.pk]])
    cycles = pdsa_cycles_overdue(events=events, today=today)

    rows = {}
    for event in events:
        known = facts[event.pk]
        measures = [
            MeasureRow(
                measure=measure,
                sparkline=analyses[measure.pk].sparkline,
                latest_period=analyses[measure.pk].latest_period,
                missing_period=missing_period(measure, analyses[measure.pk].latest_period, today),
            )
            for measure in measures_of[event.pk]
        ]
        status = status_of(
            event,
            progress=known.progress,
            entered=known.entered,
            measures=[
                measure_facts(
                    row.measure,
                    icons=row.sparkline.icons if row.sparkline else [],
                    latest_value=row.sparkline.latest_value if row.sparkline else None,
                    latest_period=row.latest_period,
                    data_overdue=row.data_overdue and event.stage != Stage.CLOSED,
                    today=today,
                )
                for row in measures
            ],
            pdsa_overdue=len(cycles[event.pk]),
            asks=[challenge.get_area_display() for challenge in known.challenges],
        )
        rows[event.pk] = EventRow(
            event=event,
            status=status,
            progress=known.progress,
            measures=measures,
            overdue=_overdue(event, known.progress, measures, cycles[event.pk], known.challenges),
            coproduction=known.coproduction,
            time=known.time,
            value=known.value,
            accreditation=known.accreditation,
        )
    return rows, {event.pk: list(facts[event.pk].challenges) for event in events}


def dashboard_assemble(
    *,
    events: list[AlwaysEvent],
    rows: Mapping[int, EventRow],
    challenges: Mapping[int, list[Challenge]],
    viewer: User | None = None,
    show_accreditation: bool = False,
    page: int = 1,
    per_page: int | None = None,
) -> SponsorDashboard:
    """The dashboard from each event's row (`dashboard_rows`, or cached ones): pages, the
    summary by stage and the challenges asking for each sponsor. No queries."""
    pages = max(1, -(-len(events) // per_page)) if per_page else 1
    page = min(max(page, 1), pages)
    ordered = []
    for index, event in enumerate(events):
        row = rows[event.pk]
        row.event = event
        row.page = index // per_page + 1 if per_page else 1
        ordered.append(row)
    counts = Counter(event.stage for event in events)
    by_stage = [(label, counts[value]) for value, label in Stage.choices if counts[value]]
    needing_sponsor: dict[int, list[Challenge]] = {}
    for event in events:
        if event.executive_sponsor_id is not None and challenges[event.pk]:
            needing_sponsor.setdefault(event.executive_sponsor_id, []).extend(challenges[event.pk])
    return SponsorDashboard(
        rows=ordered,
        by_stage=by_stage,
        needing_you=needing_sponsor.get(viewer.pk, []) if viewer is not None else [],
        needing_sponsor=needing_sponsor,
        show_accreditation=show_accreditation,
        cards=[row for row in ordered if row.page == page],
        page=page,
        pages=pages,
    )


def sponsor_dashboard(
    *,
    organisation: Organisation,
    viewer: User | None = None,
    stage: str | None = None,
    service: str | None = None,
    cohort_id: int | None = None,
    today: dt.date | None = None,
    accreditation: Mapping[int, Any] | None = None,
    with_accreditation: bool = False,
    page: int = 1,
    per_page: int | None = None,
) -> SponsorDashboard:
    """Everything the sponsor dashboard shows, for every event matching the filters.

    `accreditation`: an optional mapping of event id to that event's accreditation status,
    (e.g. a test's); with `with_accreditation` it is read here from the accreditation app
    (`accreditation_status_for_events`, one query). Without either the dashboard shows no such
    column (nothing is made up). With `per_page`, the event cards are paged: `cards` holds
    those of `page` (clamped to the pages there are), while the summary (`rows`) still covers
    every event; co-production profiles are read for the cards only. A constant number of
    queries whatever the number of events (one event list, then the domain apps' bulk
    selectors); small charts come from the cache when unchanged. The dashboard page draws the
    same from rows cached per event (`reporting.views.dashboard_body`).
    """
    today = today or timezone.localdate()
    events = dashboard_events(
        organisation=organisation, stage=stage, service=service, cohort_id=cohort_id
    )
    pages = max(1, -(-len(events) // per_page)) if per_page else 1
    page = min(max(page, 1), pages)
    on_page = events[(page - 1) * per_page : page * per_page] if per_page else events
    if with_accreditation and accreditation is None:
        accreditation = accreditation_status_for_events(
            organisation=organisation, event_ids=[event.pk for event in events]
        )
    rows, challenges = dashboard_rows(
        organisation=organisation,
        events=events,
        today=today,
        accreditation=accreditation,
        coproduction_of=on_page,
    )
    return dashboard_assemble(
        events=events,
        rows=rows,
        challenges=challenges,
        viewer=viewer,
        show_accreditation=accreditation is not None,
        page=page,
        per_page=per_page,
    )
