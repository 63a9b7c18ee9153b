"""An event's status for its sponsor, in one word and a reason: the one rule the dashboard and
the monthly report share. Pure: no database, no clock (the caller passes what it read).

Three statuses, the first that applies wins:

**Needs you**: something only the sponsor can unblock, or a concern the sponsor should know of:

- an open challenge the team has asked the executive sponsor to help with (for example senior
  support, protected time, a blocked decision);
- a measure whose latest point shows *concerning* special-cause variation (Making Data Count);
- a measure that will consistently fail its target as the process stands (assurance
  "consistently fail") *and* whose latest figure misses the target: a team at its target is
  never called failing.

**Stalled**: the work has lost momentum (nothing here needs the sponsor yet, but it will):

- the progress score fell ("Score fell from 3 to 2.5");
- figures are overdue for a measure ("No new figures for 5 weeks");
- the progress score is overdue for review (`Progress.overdue`: never before it was due);
- a PDSA cycle has not started when it was planned to;
- the event has been paused;
- the event has been in its stage longer than expected *and* shows no sign of movement (no
  improvement on any measure and no rise in the score). The expectation is the programme's
  when it sets one, otherwise `EXPECTED_WEEKS_IN_STAGE` below.

**On track**: none of the above. The reason says what is going well when something is
("Improvement in Falls per 1,000 bed days", "Score rose from 2 to 2.5"), or "Nothing overdue".

A closed event is on track ("Closed"): nothing more is asked of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

#: How long an event may stay in a stage before it counts as stalled (when it shows no other
#: sign of movement), in weeks, where the programme sets no expectation of its own. Early
#: stages are short; testing and implementing take several PDSA cycles; sustaining and
#: spreading have no end.
EXPECTED_WEEKS_IN_STAGE: Mapping[str, int] = {
    "proposed": 8,
    "set_up": 8,
    "discovering": 12,
    "co_designing": 12,
    "testing": 26,
    "implementing": 26,
}


class Status(StrEnum):
    ON_TRACK = "on_track"
    NEEDS_YOU = "needs_you"
    STALLED = "stalled"

    @property
    def label(self) -> str:
        return {"on_track": "On track", "needs_you": "Needs you", "stalled": "Stalled"}[self.value]

    @property
    def tag(self) -> str:
        """The NHS tag colour: the word is always shown, the colour only repeats it."""
        return {"on_track": "green", "needs_you": "red", "stalled": "orange"}[self.value]


@dataclass(frozen=True)
class MeasureFacts:
    """What the status needs of one measure (from its reading, see `measurement.reading`)."""

    name: str
    #: The variation icon's code (`spc.Variation`), None without data.
    variation: str | None = None
    #: The assurance icon's code (`spc.Assurance` or "not_assessed"), None without a target.
    assurance: str | None = None
    #: Whether the latest figure meets the target; None without a target or data.
    at_target: bool | None = None
    #: Figures are due and missing (`measurement.due`).
    data_overdue: bool = False
    #: Whole weeks since the latest figure's period began; None when there is no figure yet.
    weeks_since_data: int | None = None


@dataclass(frozen=True)
class EventFacts:
    stage: str
    stage_label: str
    #: Whole weeks the event has been in its current stage.
    weeks_in_stage: int
    #: The programme's expectation for this stage in weeks, when it sets one.
    expected_weeks: int | None = None
    #: The latest progress score and the one before it (None where there is none).
    score: Decimal | None = None
    previous_score: Decimal | None = None
    #: The score is overdue for review (`Progress.overdue`).
    score_overdue: bool = False
    stale_after_weeks: int = 6
    #: PDSA cycles planned to have started that have not.
    pdsa_overdue: int = 0
    #: The areas of open challenges asking for the sponsor ("Senior-level support", ...).
    sponsor_asks: tuple[str, ...] = ()
    measures: tuple[MeasureFacts, ...] = ()


@dataclass(frozen=True)
class EventStatus:
    status: Status
    #: Why, most important first; never empty.
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return self.status.label

    @property
    def tag(self) -> str:
        return self.status.tag

    @property
    def reason(self) -> str:
        return self.reasons[0]

    @property
    def more(self) -> int:
        """How many further reasons there are besides the first."""
        return len(self.reasons) - 1


def _score(value: Decimal) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _weeks(n: int) -> str:
    return f"{n} week{'s' if n != 1 else ''}"


def _names(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return f"{names[0]} and {len(names) - 1} more"


def expected_weeks(facts: EventFacts) -> int | None:
    """The programme's expectation, else ours; None for stages with no end."""
    if facts.expected_weeks is not None:
        return facts.expected_weeks
    return EXPECTED_WEEKS_IN_STAGE.get(facts.stage)


def _needs_you(facts: EventFacts) -> list[str]:
    reasons: list[str] = []
    if facts.sponsor_asks:
        n = len(facts.sponsor_asks)
        asks = "asks" if n == 1 else f"has {n} requests"
        reasons.append(
            f"The team {asks} for your help: {facts.sponsor_asks[0].lower()}"
            if n == 1
            else f"The team {asks} for your help"
        )
    concerning = [m.name for m in facts.measures if (m.variation or "").startswith("concern")]
    if concerning:
        reasons.append(f"Concerning variation in {_names(concerning)}")
    failing = [
        m.name
        for m in facts.measures
        if m.assurance == "consistently_fail" and m.at_target is not True
    ]
    if failing:
        reasons.append(f"Likely to keep missing the target: {_names(failing)}")
    return reasons


def _moving(facts: EventFacts) -> bool:
    improving = any((m.variation or "").startswith("improvement") for m in facts.measures)
    rising = (
        facts.score is not None
        and facts.previous_score is not None
        and facts.score > facts.previous_score
    )
    return improving or rising


def _stalled(facts: EventFacts) -> list[str]:
    reasons: list[str] = []
    if facts.stage == "paused":
        reasons.append("Paused by the team")
    if (
        facts.score is not None
        and facts.previous_score is not None
        and facts.score < facts.previous_score
    ):
        reasons.append(f"Score fell from {_score(facts.previous_score)} to {_score(facts.score)}")
    late = [m for m in facts.measures if m.data_overdue]
    if late:
        weeks = [m.weeks_since_data for m in late if m.weeks_since_data is not None]
        if weeks:
            reasons.append(f"No new figures for {_weeks(max(weeks))}")
        else:
            reasons.append(f"No figures yet for {_names([m.name for m in late])}")
    if facts.score_overdue:
        reasons.append(f"Score not reviewed for over {_weeks(facts.stale_after_weeks)}")
    if facts.pdsa_overdue:
        n = facts.pdsa_overdue
        reasons.append(
            "A PDSA cycle has not started as planned"
            if n == 1
            else f"{n} PDSA cycles have not started as planned"
        )
    expected = expected_weeks(facts)
    if expected is not None and facts.weeks_in_stage > expected and not _moving(facts):
        reasons.append(
            f"In {facts.stage_label} for {_weeks(facts.weeks_in_stage)} (expected up to {expected})"
        )
    return reasons


def _on_track(facts: EventFacts) -> list[str]:
    reasons: list[str] = []
    improving = [m.name for m in facts.measures if (m.variation or "").startswith("improvement")]
    if improving:
        reasons.append(f"Improvement in {_names(improving)}")
    if (
        facts.score is not None
        and facts.previous_score is not None
        and facts.score > facts.previous_score
    ):
        reasons.append(f"Score rose from {_score(facts.previous_score)} to {_score(facts.score)}")
    passing = [m.name for m in facts.measures if m.assurance == "consistently_pass"]
    if passing:
        reasons.append(f"{_names(passing)} consistently meets its target")
    reasons.append("Nothing overdue")
    return reasons


def event_status(facts: EventFacts) -> EventStatus:
    """The event's status and why (see the module's docstring for the rule)."""
    if facts.stage == "closed":
        return EventStatus(Status.ON_TRACK, ("Closed",))
    needs = _needs_you(facts)
    stalled = _stalled(facts)
    if needs:
        return EventStatus(Status.NEEDS_YOU, tuple(needs + stalled))
    if stalled:
        return EventStatus(Status.STALLED, tuple(stalled))
    return EventStatus(Status.ON_TRACK, tuple(_on_track(facts)))


def _lower_first(text: str) -> str:
    """Every reason starts with our own words (never a name), so this is safe to lower."""
    return text[:1].lower() + text[1:]


def sponsor_asks(status: EventStatus, asks: Sequence[str]) -> str:
    """What the event asks of its sponsor, in one line for the report's summary."""
    if asks:
        n = len(asks)
        return (
            f"Help with {asks[0].lower()}"
            if n == 1
            else f"Help with {n} challenges the team has raised"
        )
    if status.status is Status.NEEDS_YOU:
        return f"Talk to the team about this: {_lower_first(status.reason)}"
    if status.status is Status.STALLED:
        return f"Check in with the team: {_lower_first(status.reason)}"
    return "Nothing this month"
