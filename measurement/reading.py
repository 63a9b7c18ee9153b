"""What a chart says, read once: the headline, the icons, a suggested recalculation and the detail.

Pure: no database. The engine (`measurement.spc.analyse`) finds the signals; this module decides
how the product presents them (measurement.md, section 2, "Suggesting a recalculation"):

- **Suggested recalculation.** When the latest phase holds a shift (7 or more points on one side
  of the centre line) that reaches its last point, a new phase from the run's first point is
  suggested. Until someone decides, the assurance icon reads "Not assessed": limits that
  straddle two processes say nothing about the new one. Declining (`kept_from`) silences the run
  that starts there.
- **One headline** in plain words, written from the same reading as the icons, so that the two
  can never disagree.
- **The detail**, grouped by rule with the periods, for a fold on the page and a few lines in
  the PDF.

Every way a measure is shown (page, dashboard, report, emails, partner pages, API) reads it here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from measurement import spc
from measurement.spc_text import trial_note

SHIFT_FOR_SUGGESTION = 7  # points on one side of the centre line (measurement.md, section 2)

NOT_ASSESSED = spc.Icon(
    kind="assurance",
    code="not_assessed",
    label="Not assessed: the process has changed since the limits were set",
    description=(
        "The latest points have moved away from the average for a long run, so the process has"
        " changed. Limits that straddle the old and the new process say nothing about the new"
        " one: recalculate them from the change to judge the target again."
    ),
    colour=spc.COLOURS["common_cause"],
    symbol="\u2013",
)

#: How each rule is named in the grouped detail, in the engine's order of precedence.
RULE_TITLES = {
    "outside_limits": "Outside the process limits",
    "trend": "Going up or down for 6 points or more in a row",
    "two_in_three": "Close to a limit (two of three points in a row)",
    "shift": "A run on one side of the centre line",
}


@dataclass(frozen=True)
class Suggestion:
    """A new phase suggested from the first point of the run that reaches the latest point."""

    start: int  # index of the run's first point: where the new phase would start
    stop: int  # index of its last point (the latest)
    points: int  # how many points the run holds
    side: str  # "above" or "below" the centre line
    nature: str  # improvement, concern or neutral
    start_label: str
    stop_label: str
    level: float  # the average of the run's points: where the process is now


@dataclass(frozen=True)
class DetailGroup:
    title: str
    items: tuple[str, ...]  # the periods, e.g. "3 Aug to 12 Oct 2026 (above)"
    phase: int


@dataclass(frozen=True)
class Reading:
    headline: str
    variation_icon: spc.Icon | None
    assurance_icon: spc.Icon | None
    suggestion: Suggestion | None
    details: tuple[DetailGroup, ...]
    notes: tuple[str, ...]  # about the limits themselves: trial limits, fixed limits

    @property
    def icons(self) -> list[spc.Icon]:
        return [i for i in (self.variation_icon, self.assurance_icon) if i is not None]

    @property
    def not_assessed(self) -> bool:
        return self.assurance_icon is NOT_ASSESSED


def suggestion_of(
    analysis: spc.Analysis, labels: Sequence[str], *, kept_from: int | None = None
) -> Suggestion | None:
    """The recalculation to suggest, if the latest phase ends in a long enough shift that does
    not start the phase and that nobody has declined (`kept_from`: the index of a run's first
    point for which the team chose to keep the limits)."""
    if not analysis.points:
        return None
    phase = analysis.current_phase
    if not phase.indices:
        return None
    latest = phase.indices[-1]
    for signal in phase.signals:
        run = signal.indices
        if signal.rule != "shift" or run[-1] != latest or len(run) < SHIFT_FOR_SUGGESTION:
            continue
        if run[0] <= phase.start or run[0] == kept_from:
            return None
        values = [analysis.points[i].value for i in run]
        return Suggestion(
            start=run[0],
            stop=run[-1],
            points=len(run),
            side="above" if signal.side is spc.Side.HIGH else "below",
            nature=signal.variation.nature,
            start_label=labels[run[0]],
            stop_label=labels[run[-1]],
            level=sum(values) / len(values),
        )
    return None


def read(
    analysis: spc.Analysis | None,
    labels: Sequence[str],
    *,
    unit: str = "",
    kept_from: int | None = None,
) -> Reading:
    """The reading of an analysis: `unit` is "%" or " minutes" (with its space) or ""."""
    if analysis is None or not analysis.points:
        return Reading("No data yet.", None, None, None, (), ())
    suggestion = suggestion_of(analysis, labels, kept_from=kept_from)
    assurance_icon = analysis.assurance_icon
    if suggestion is not None and assurance_icon is not None:
        assurance_icon = NOT_ASSESSED
    headline = _headline(analysis, labels, unit, suggestion, assurance_icon)
    return Reading(
        headline=headline,
        variation_icon=analysis.variation_icon,
        assurance_icon=assurance_icon,
        suggestion=suggestion,
        details=_details(analysis, labels),
        notes=_notes(analysis),
    )


def number(value: float) -> str:
    """A value as people write it: 90, 87.8, 0.25 (no trailing zeros)."""
    text = f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _latest_run(analysis: spc.Analysis) -> spc.Signal | None:
    """The special cause that names the latest point, if any (the one its icon shows)."""
    phase = analysis.current_phase
    if not phase.indices:
        return None
    latest = phase.indices[-1]
    signals = [s for s in phase.signals if latest in s.indices]
    return min(signals, key=lambda s: s.indices[0], default=None)


MOVEMENT = {
    "improvement": "Getting better",
    "concern": "Getting worse",
    "neutral": "Changed",
}
ONE_POINT = {
    "improvement": "An unusually good result",
    "concern": "An unusually poor result",
    "neutral": "An unusual result",
}


def _headline(
    analysis: spc.Analysis,
    labels: Sequence[str],
    unit: str,
    suggestion: Suggestion | None,
    assurance_icon: spc.Icon | None,
) -> str:
    variation = analysis.variation_icon
    nature = spc.Variation(variation.code).nature if variation is not None else "common_cause"
    phase = analysis.current_phase
    if nature == "common_cause":
        opening = "No sign of change"
        if len(analysis.phases) > 1 and phase.indices:
            opening += f" since {labels[phase.start]}"
    else:
        run = _latest_run(analysis)
        if suggestion is not None:
            opening = f"{MOVEMENT[nature]} since {suggestion.start_label}"
        elif run is not None and len(run.indices) > 1:
            opening = f"{MOVEMENT[nature]} since {labels[run.indices[0]]}"
        else:
            latest = phase.indices[-1] if phase.indices else len(labels) - 1
            opening = f"{ONE_POINT[nature]} in {labels[latest]}"
    level = suggestion.level if suggestion is not None else phase.centre
    if level is None:
        return opening + "."
    sentence = f"{opening}; now around {number(level)}{unit}"
    target = analysis.target
    if target is None:
        return sentence + "."
    goal = f"{number(target)}{unit}"
    code = assurance_icon.code if assurance_icon is not None else None
    if code == "consistently_pass":
        return sentence + f", reliably meeting the target of {goal}."
    if code == "consistently_fail":
        return sentence + f", and will not meet the target of {goal} unless something changes."
    if code == "hit_and_miss":
        return sentence + f", sometimes meeting the target of {goal} and sometimes not."
    return sentence + f", {_against(level, target, analysis.direction, goal)}."


def _against(level: float, target: float, direction: spc.Direction, goal: str) -> str:
    """Where a level stands against the target, in words, without judging it by limits."""
    if abs(level - target) <= 0.01 * max(abs(target), 1.0):
        return f"at the target of {goal}"
    if direction == spc.Direction.NEUTRAL:
        return f"{'above' if level > target else 'below'} the target of {goal}"
    better = level > target if direction == spc.Direction.HIGHER_IS_BETTER else level < target
    side = "above" if level > target else "below"
    return f"{side} the target of {goal}" + ("" if better else " (not yet at it)")


def _period_span(labels: Sequence[str], indices: Sequence[int]) -> str:
    if len(indices) == 1:
        return labels[indices[0]]
    return f"{labels[indices[0]]} to {labels[indices[-1]]}"


def _details(analysis: spc.Analysis, labels: Sequence[str]) -> tuple[DetailGroup, ...]:
    groups: list[DetailGroup] = []
    for phase in analysis.phases:
        for rule, title in RULE_TITLES.items():
            signals = [s for s in phase.signals if s.rule == rule]
            if not signals:
                continue
            items = []
            for s in signals:
                where = (
                    _period_span(labels, s.indices)
                    if rule in ("shift", "trend")
                    else ", ".join(_period_span(labels, run) for run in _consecutive(s.indices))
                )
                side = "above" if s.side is spc.Side.HIGH else "below"
                if rule == "trend":
                    side = "up" if s.side is spc.Side.HIGH else "down"
                items.append(f"{where} ({side}: {_nature_word(s.variation.nature)})")
            groups.append(DetailGroup(title, tuple(items), phase.number))
    return tuple(groups)


def _consecutive(indices: Sequence[int]) -> list[list[int]]:
    """Indices in runs of consecutive points: 3, 4, 5, 9 -> [3, 4, 5], [9]."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _nature_word(nature: str) -> str:
    return {"improvement": "better", "concern": "worse"}.get(nature, "a change")


def _notes(analysis: spc.Analysis) -> tuple[str, ...]:
    phase = analysis.current_phase
    notes = []
    if phase.trial_limits and analysis.chart == spc.ChartType.XMR:
        notes.append(trial_note(len(phase.indices)))
    if phase.fixed_on is not None:
        notes.append(f"The centre line and limits are fixed on the first {phase.fixed_on} points.")
    return tuple(notes)
