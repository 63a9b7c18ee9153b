"""The sponsor dashboard: every event of an organisation, read through the domain selectors.

A constant number of queries whatever the number of events: each part comes from a bulk
selector of its domain app (one or a few queries for all the events at once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
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
    #: The event's accreditation status (`accreditation_status_for_events`).
    accreditation: Any = None
    #: On track, needs you or stalled, and why (`reporting.status`).
    status: EventStatus | None = None

    @property
    def benefits(self) -> int:
        return sum(len(items) for items in self.value.benefits.values())


@dataclass
class SponsorDashboard:
    """Every event's row (`sponsor_dashboard`)."""

    rows: list[EventRow]


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
    with_accreditation: bool = True,
) -> dict[int, EventFacts]:
    """Each event's facts no measurement row feeds, by event id: the programmes,
    co-production and accreditation apps' bulk selectors (a constant number of queries, none
    of them of the measurement app's tables)."""
    progress = programmes.event_progress_many(events=events)
    times = programmes.event_time_summaries(events=events)
    values = programmes.event_value_summaries(events=events)
    challenges = programmes.challenges_needing_sponsor_by_event(events=events)
    profiles = coproduction_profiles(events=events)
    entered = stage_entered_many(events=events)
    accreditation = (
        accreditation_status_for_events(
            organisation=organisation, event_ids=[event.pk for event in events]
        )
        if with_accreditation
        else {}
    )
    return {
        event.pk: EventFacts(
            progress=progress[event.pk],
            time=times[event.pk],
            value=values[event.pk],
            challenges=list(challenges[event.pk]),
            coproduction=profiles.get(event.pk),
            entered=entered[event.pk],
            accreditation=accreditation.get(event.pk),
        )
        for event in events
    }


def dashboard_rows(
    *,
    organisation: Organisation,
    events: list[AlwaysEvent],
    today: dt.date,
    versions: EventVersions | None = None,
    facts: Mapping[int, EventFacts] | None = None,
) -> tuple[dict[int, EventRow], dict[int, list[Challenge]]]:
    """Each event's row and its open challenges asking for the sponsor, by event id: what is
    drawn from that event's own data. A constant number of queries whatever the number of
    events. With the organisation's `versions` (read
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
        facts = event_facts(organisation=organisation, events=events)
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


def sponsor_dashboard(
    *,
    organisation: Organisation,
    stage: str | None = None,
    service: str | None = None,
    cohort_id: int | None = None,
    today: dt.date | None = None,
) -> SponsorDashboard:
    """Every event's row matching the filters, by title, read from the data at once (nothing
    from the cache): what the dashboard page draws from rows kept per event
    (`reporting.views.dashboard_body`). A constant number of queries whatever the number of
    events."""
    today = today or timezone.localdate()
    events = dashboard_events(
        organisation=organisation, stage=stage, service=service, cohort_id=cohort_id
    )
    rows, _ = dashboard_rows(organisation=organisation, events=events, today=today)
    return SponsorDashboard(rows=[rows[event.pk] for event in events])
