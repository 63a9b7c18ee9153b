"""What a sponsor's monthly progress report says: plain data, read through the domain selectors.

`report_content(membership=..., period="2026-11")` gathers, for every open event the member
sponsors, the vision and aim, stage and progress score (with the change since the last report),
each measure with its variation and assurance icons and its chart (the same server-side SVG the
measure page shows), the PDSA cycles of the month and their decisions, the co-production
summary, the challenges that ask for the sponsor, and the accreditation status (state, date of
the decision, expiry of the certificate, from `accreditation_status_for_events`; the status when
the report is generated, which for the monthly run is the first of the next month), and each
event's status for the sponsor (on track, needs you, stalled, `reporting.status`, as the
dashboard has it, on the day the report is written) with what it asks of the sponsor.

Queries: a fixed number for the sponsor (events, measures with points, phases and PDSA
annotations, cycles of the month, challenges, accreditation status, score histories, stage
moves, late PDSA cycles) plus two per event for its co-production profile.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accreditation.selectors import accreditation_status_for_events
from alwaysevents.exceptions import DomainError
from alwaysevents.reporting.selectors.status import measure_facts, status_of
from alwaysevents.reporting.status import EventStatus, MeasureFacts, sponsor_asks
from coproduction.selectors.involvement import coproduction_profile
from measurement import spc
from measurement.charts import measure_chart_context
from measurement.charts import period_label as chart_period_label
from measurement.due import missing_period
from measurement.selectors.batch import measure_data_for_events, pdsa_cycles_for_events
from measurement.selectors.testing import cycle_summary, pdsa_cycles_overdue
from programmes.models import AlwaysEvent, ProgressScore, Stage
from programmes.selectors import (
    challenge_list_needing_sponsor,
    event_list,
    event_progress_many,
)
from programmes.selectors.stages import stage_entered_many

if TYPE_CHECKING:
    from programmes.models import Membership

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


# --- periods -------------------------------------------------------------------------------------


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """`"2026-11"` -> (1 Nov 2026, 30 Nov 2026). A clear DomainError for anything else."""
    match = PERIOD_RE.match(period or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise DomainError(
            f"The report period must be a year and month like 2026-11, not {period!r}.",
            field="period",
        )
    year, month = int(match.group(1)), int(match.group(2))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def period_label(period: str) -> str:
    start, _ = period_bounds(period)
    return f"{start:%B %Y}"


def period_of(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def previous_period(day: dt.date | None = None) -> str:
    """The month before `day` (default: today in the organisation's time zone): the month a
    report sent on the first of the month covers."""
    day = day or timezone.localdate()
    return period_of(day.replace(day=1) - dt.timedelta(days=1))


# --- the content ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IconView:
    kind: str  # variation or assurance
    code: str
    label: str
    description: str
    colour: str
    symbol: str


@dataclass(frozen=True)
class MeasureSection:
    name: str
    type_label: str
    direction_label: str
    points: int
    latest_period: str
    latest_value: str
    target: str
    icons: tuple[IconView, ...]
    headline: str  # what the chart says in one sentence, from the same reading as the icons
    lines: tuple[str, ...]  # the detail, in at most a few short lines
    trial: bool
    chart_title: str
    chart_description: str
    chart_svg: str  # our own markup, with every data value escaped by the renderer


@dataclass(frozen=True)
class CycleLine:
    change_idea: str
    number: int
    state: str
    planned_start: dt.date
    decision: str
    summary: str


#: What a board member reads for a submission on its way.
IN_PROGRESS_TEXT = {
    "submitted": "Submitted for accreditation; waiting for the review to start.",
    "returned": "Returned to the team as incomplete; the team can complete it and submit again.",
    "under_review": "Submitted for accreditation; the reviewers are assessing it.",
    "information_requested": (
        "Submitted for accreditation; the reviewers have asked the team for more information."
    ),
    "moderation": "Submitted for accreditation; the reviews are done and the decision is due.",
}


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class AccreditationLine:
    """An event's accreditation as the report shows it."""

    state: str
    state_label: str
    decided_on: dt.date | None
    expires_on: dt.date | None
    #: The date the report was written: "expires soon" is counted from it.
    as_of: dt.date

    @property
    def expires_soon(self) -> bool:
        from django.conf import settings

        if self.expires_on is None or self.state != "accredited":
            return False
        return (self.expires_on - self.as_of).days <= settings.REMINDER_ACCREDITATION_EXPIRY_DAYS

    @property
    def text(self) -> str:
        decided = f" on {_day(self.decided_on)}" if self.decided_on else ""
        if self.state == "accredited":
            line = f"Accredited{decided}"
            if self.expires_on:
                line += f"; the certificate is valid until {_day(self.expires_on)}"
                if self.expires_soon:
                    line += ", so the team should apply again now to stay accredited"
            return line + "."
        if self.state == "not_yet_accredited":
            return f"Not yet accredited: decided{decided}. The team can apply again."
        if self.state == "lapsed":
            ended = f" on {_day(self.expires_on)}" if self.expires_on else ""
            return f"The accreditation has lapsed: it expired{ended}."
        if self.state == "withdrawn":
            return "The last submission was withdrawn."
        if self.state == "awaiting_sign_off":
            return "The submission is waiting for the executive sponsor to sign it off."
        if self.state == "draft":
            return "The team is preparing a submission (draft)."
        return IN_PROGRESS_TEXT.get(self.state, f"In progress: {self.state_label.lower()}.")


@dataclass(frozen=True)
class ChallengeLine:
    area: str
    text: str
    noted_on: dt.date
    days_open: int


@dataclass(frozen=True)
class EventSection:
    pk: int
    title: str
    service: str
    vision: str
    aim: str
    stage: str
    stage_label: str
    score: str | None
    score_label: str
    previous_score: str | None
    #: "first": no earlier report; "new": the event was not in the last report.
    score_change_kind: str
    score_change: Decimal | None
    measures: tuple[MeasureSection, ...]
    cycles: tuple[CycleLine, ...]
    coproduction: tuple[str, ...]
    challenges: tuple[ChallengeLine, ...]
    #: None when the event has never applied for accreditation.
    accreditation: AccreditationLine | None = None
    #: On track, needs you or stalled, and why, when the report was written.
    status: EventStatus | None = None
    #: What the event asks of the sponsor, in one line (the summary page).
    asks: str = ""

    @property
    def score_change_text(self) -> str:
        if self.score is None:
            return "No progress score yet"
        if self.score_change_kind == "first":
            return "First report"
        if self.score_change_kind == "new" or self.score_change is None:
            return "New in this report"
        if self.score_change > 0:
            return f"Up {self.score_change:.1f} since the last report"
        if self.score_change < 0:
            return f"Down {-self.score_change:.1f} since the last report"
        return "No change since the last report"


@dataclass(frozen=True)
class ReportContent:
    organisation_name: str
    organisation_slug: str
    sponsor_name: str
    sponsor_email: str
    period: str
    period_label: str
    start: dt.date
    end: dt.date
    generated_on: dt.date
    events: tuple[EventSection, ...] = field(default_factory=tuple)

    @property
    def challenge_count(self) -> int:
        return sum(len(e.challenges) for e in self.events)

    @property
    def cycle_count(self) -> int:
        return sum(len(e.cycles) for e in self.events)

    def scores(self) -> dict[str, str | None]:
        """Each event's score as sent, keyed by event id (a string, for JSON): the baseline of
        the next report's "change since the last report"."""
        return {str(e.pk): e.score for e in self.events}

    def titles(self) -> list[str]:
        return [e.title for e in self.events]


def _icon(icon: spc.Icon) -> IconView:
    return IconView(icon.kind, icon.code, icon.label, icon.description, icon.colour, icon.symbol)


def _number(value: Any) -> str:
    if value is None:
        return ""
    text = f"{float(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _unique_ids(svg: str, suffix: str) -> str:
    """Several charts share a page: give each one's title and description their own ids."""
    return (
        svg.replace('id="chart-title"', f'id="chart-title-{suffix}"')
        .replace('id="chart-desc"', f'id="chart-desc-{suffix}"')
        .replace(
            'aria-labelledby="chart-title chart-desc"',
            f'aria-labelledby="chart-title-{suffix} chart-desc-{suffix}"',
        )
    )


def _measure_section(data: Any, suffix: str) -> MeasureSection:
    measure = data.measure
    context = measure_chart_context(
        measure, data.points, data.phases, data.annotations, interactive=False
    )
    chart, analysis = context["chart"], context["analysis"]
    unit = "%" if measure.is_proportion or measure.unit.strip() == "%" else ""
    unit = unit or (f" {measure.unit.strip()}" if measure.unit.strip() else "")
    latest = data.points[-1] if data.points else None
    return MeasureSection(
        name=measure.name,
        type_label=measure.get_type_display(),
        direction_label=measure.get_direction_display(),
        points=len(data.points),
        latest_period=chart_period_label(measure, latest.period) if latest else "",
        latest_value=f"{_number(latest.plotted)}{unit}" if latest else "",
        target=f"{_number(measure.target)}{unit}" if measure.target is not None else "",
        icons=tuple(_icon(i) for i in analysis.icons) if analysis else (),
        headline=analysis.headline if analysis else "No data yet.",
        lines=tuple(analysis.lines) if analysis else (),
        trial=bool(chart and chart.trial),
        chart_title=chart.title if chart else "",
        chart_description=chart.description if chart else "",
        chart_svg=_unique_ids(chart.svg, suffix) if chart else "",
    )


def _measure_facts(data: Any, section: MeasureSection, today: dt.date) -> MeasureFacts:
    latest = data.points[-1] if data.points else None
    period = latest.period if latest else None
    return measure_facts(
        data.measure,
        icons=section.icons,
        latest_value=float(latest.plotted) if latest else None,
        latest_period=period,
        data_overdue=missing_period(data.measure, period, today) is not None,
        today=today,
    )


def _change(score: str | None, previous: str | None) -> Decimal | None:
    if score is None or previous is None:
        return None
    try:
        return Decimal(score) - Decimal(previous)
    except InvalidOperation:
        return None


def _accreditation_line(status: Any, as_of: dt.date) -> AccreditationLine | None:
    if status is None:
        return None
    return AccreditationLine(
        state=status.state,
        state_label=status.state_label,
        decided_on=timezone.localtime(status.decided_at).date() if status.decided_at else None,
        expires_on=status.expires_at,
        as_of=as_of,
    )


def report_content(
    *,
    membership: Membership,
    period: str,
    previous_scores: Mapping[str, str | None] | None = None,
) -> ReportContent:
    """The report of one sponsor for one month.

    `previous_scores` are the scores sent in the sponsor's last report (event id as a string ->
    score), or None when there was no earlier report.
    """
    start, end = period_bounds(period)
    organisation = membership.organisation
    user = membership.user
    events: list[AlwaysEvent] = [
        e
        for e in event_list(organisation=organisation, sponsor_id=user.pk)
        if e.stage != Stage.CLOSED
    ]
    ids = [e.pk for e in events]
    measures = (
        measure_data_for_events(organisation=organisation, event_ids=ids, until=end) if ids else {}
    )
    cycles = (
        pdsa_cycles_for_events(organisation=organisation, event_ids=ids, start=start, end=end)
        if ids
        else {}
    )
    challenges: dict[int, list[ChallengeLine]] = {}
    if ids:
        for c in challenge_list_needing_sponsor(organisation=organisation, sponsor=user):
            challenges.setdefault(c.event_id, []).append(
                ChallengeLine(
                    area=c.get_area_display(),
                    text=c.text,
                    noted_on=c.noted_on,
                    days_open=max(0, (end - c.noted_on).days),
                )
            )
    statuses = (
        accreditation_status_for_events(organisation=organisation, event_ids=ids) if ids else {}
    )
    as_of = timezone.localdate()
    progress = event_progress_many(events=events) if ids else {}
    entered = stage_entered_many(events=events) if ids else {}
    late_cycles = pdsa_cycles_overdue(events=events, today=as_of) if ids else {}
    score_labels = dict(ProgressScore.Score.choices)
    sections = []
    for event in events:
        event.organisation = organisation  # the selectors read it; spare a query each
        measure_sections = [
            (data, _measure_section(data, f"{event.pk}-{n}"))
            for n, data in enumerate(measures.get(event.pk, []), start=1)
        ]
        event_asks = [c.area for c in challenges.get(event.pk, [])]
        status = status_of(
            event,
            progress=progress[event.pk],
            entered=entered[event.pk],
            measures=[_measure_facts(data, m, as_of) for data, m in measure_sections],
            pdsa_overdue=len(late_cycles[event.pk]),
            asks=event_asks,
        )
        score: str | None = getattr(event, "latest_score", None)
        if previous_scores is None:
            kind, previous = "first", None
        elif str(event.pk) not in previous_scores:
            kind, previous = "new", None
        else:
            kind, previous = "change", previous_scores[str(event.pk)]
        sections.append(
            EventSection(
                pk=event.pk,
                title=event.title,
                service=event.service,
                vision=event.vision_statement,
                aim=event.aim_sentence,
                stage=event.stage,
                stage_label=event.get_stage_display(),
                score=score,
                score_label=str(score_labels.get(score, "")) if score else "",
                previous_score=previous,
                score_change_kind=kind,
                score_change=_change(score, previous),
                measures=tuple(m for _, m in measure_sections),
                cycles=tuple(
                    CycleLine(
                        change_idea=c.change_idea.text,
                        number=c.number,
                        state=c.get_state_display(),
                        planned_start=c.planned_start,
                        decision=c.get_decision_display() if c.decision else "",
                        summary=cycle_summary(c),
                    )
                    for c in cycles.get(event.pk, [])
                ),
                coproduction=coproduction_profile(event=event).summary,
                challenges=tuple(challenges.get(event.pk, [])),
                accreditation=_accreditation_line(statuses.get(event.pk), as_of),
                status=status,
                asks=sponsor_asks(status, event_asks),
            )
        )
    return ReportContent(
        organisation_name=organisation.name,
        organisation_slug=organisation.slug,
        sponsor_name=user.display_name,
        sponsor_email=user.email,
        period=period,
        period_label=period_label(period),
        start=start,
        end=end,
        generated_on=timezone.localdate(),
        events=tuple(sections),
    )
