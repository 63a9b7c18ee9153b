"""Measurement analysis: XmR and run charts, classification, icons, phases and evidence.

Pure Python (standard library only, no Django), so that dashboards, reports, the API, exports
and external checks all call the same code. The conventions are exactly those of
`docs/measurement.md`; the rule engine lives in `measurement.spc_rules` (re-exported here) and
everything in this module is layered on top of it:

    from measurement.spc import xmr, run_chart, analyse, Direction

    r = xmr(values, screen_outliers=False)     # XmRResult: mean, mr_bar, ucl, lcl, ..., signals
    rc = run_chart(values)                     # RunChartResult: median, runs, crossings, ...
    a = analyse(values, direction=Direction.HIGHER_IS_BETTER, target=90,
                phase_starts=(24,), fix_limits_after=None, chart="xmr")
    a.points[i].variation, a.variation_icon, a.assurance_icon, a.phases[-1].explanations

Every result is a frozen dataclass with `to_dict()` (plain JSON types; enums as their str value).

Decisions on top of the rule text (see also the docstring of `measurement.spc_rules`):

* A special cause is *high* or *low* by the point's side of the centre line, except for a trend,
  which is high when it goes up and low when it goes down (a trend may cross the mean). With the
  direction this gives improvement, concern or neutral (NHSRplotthedots' point types).
* Run charts classify points by the IHI rules (trend > shift); the Anhoej rules are about the
  whole phase and are explained in words, not put on points. Run charts have no limits, so no
  assurance icon and no trial limits.
* Phases: `phase_starts` are 0-based indices where a new phase starts (a person's decision);
  phase 0 starts at index 0. A start beyond the data gives an empty phase (data not in yet).
* `fix_limits_after=N` (N >= 12) fixes the centre line and limits of each phase on the phase's
  first N analysed points once it has that many; every point of the phase is then judged against
  them. A phase with fewer than 12 analysed points has *trial limits*.
* `excluded` points (a person's decision, with a reason) are kept in `points` but not analysed:
  the phase is analysed as if they were not there, so they neither count in nor break a pattern.
* Evidence: "at or above target for K consecutive periods after the signal" counts from the first
  point of the earliest improvement signal (the signal's own points are post-change data), over
  the analysed points; "at or above" means "at or below" when lower is better.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import SupportsFloat, cast

from measurement.spc_rules import (
    REL_TOL,
    Pattern,
    Rule,
    RunChartResult,
    Serialisable,
    Side,
    XmRResult,
    as_floats,
    crossings_min,
    longest_run_max,
    run_chart,
    run_chart_fixed,
    xmr,
    xmr_fixed,
)
from measurement.spc_text import (
    ASSURANCE_TEXT,
    MIN_POINTS_FOR_LIMITS,
    RULE_TEXT,
    VARIATION_TEXT,
    explain_phase,
    explain_signal,
    trial_note,
)

__all__ = [
    "COLOURS",
    "MIN_POINTS_FOR_LIMITS",
    "Analysis",
    "Assurance",
    "ChartType",
    "Direction",
    "Icon",
    "Pattern",
    "PhaseAnalysis",
    "PointAnalysis",
    "Rule",
    "RunChartResult",
    "Side",
    "Signal",
    "TargetEvidence",
    "Variation",
    "XmRResult",
    "analyse",
    "assurance",
    "assurance_icon",
    "classify",
    "consecutive_at_target",
    "crossings_min",
    "improvement_signals",
    "longest_run_max",
    "run_chart",
    "run_chart_fixed",
    "sustained_at_target",
    "variation_icon",
    "xmr",
    "xmr_fixed",
]


class Direction(StrEnum):
    """Which way is better for a measure (the values match `Measure.Direction`)."""

    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"
    NEUTRAL = "neutral"


class ChartType(StrEnum):
    XMR = "xmr"
    RUN = "run"


class Variation(StrEnum):
    """A point's classification, and the variation icons (decided by the most recent point)."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT_HIGH = "improvement_high"
    IMPROVEMENT_LOW = "improvement_low"
    CONCERN_HIGH = "concern_high"
    CONCERN_LOW = "concern_low"
    NEUTRAL_HIGH = "neutral_high"
    NEUTRAL_LOW = "neutral_low"

    @property
    def nature(self) -> str:
        """common_cause, improvement, concern or neutral."""
        return self.value.rsplit("_", 1)[0] if self is not Variation.COMMON_CAUSE else self.value

    @property
    def colour(self) -> str:
        return COLOURS[self.nature]

    @property
    def label(self) -> str:
        return VARIATION_TEXT[self.value][0]

    @property
    def description(self) -> str:
        return VARIATION_TEXT[self.value][1]


class Assurance(StrEnum):
    """The assurance icons: can the process be relied on to meet the target?"""

    CONSISTENTLY_PASS = "consistently_pass"  # noqa: S105 - not a password
    CONSISTENTLY_FAIL = "consistently_fail"
    HIT_AND_MISS = "hit_and_miss"


COLOURS = {
    "common_cause": "#a6a6a6",
    "improvement": "#00b0f0",
    "concern": "#e46c0a",
    "neutral": "#490092",
}


@dataclass(frozen=True)
class Icon(Serialisable):
    """An icon with its text (never colour alone): `symbol` is the letter drawn in it."""

    kind: str  # "variation" or "assurance"
    code: str  # the Variation or Assurance value
    label: str
    description: str
    colour: str
    symbol: str


# --- Classification ----------------------------------------------------------------------------


def _variation(side: Side | None, direction: Direction) -> Variation:
    if side is None:
        return Variation.COMMON_CAUSE
    high = side is Side.HIGH
    if direction is Direction.NEUTRAL:
        return Variation.NEUTRAL_HIGH if high else Variation.NEUTRAL_LOW
    if high:
        good = direction is Direction.HIGHER_IS_BETTER
        return Variation.IMPROVEMENT_HIGH if good else Variation.CONCERN_HIGH
    good = direction is Direction.LOWER_IS_BETTER
    return Variation.IMPROVEMENT_LOW if good else Variation.CONCERN_LOW


def classify(
    result: XmRResult | RunChartResult, direction: Direction | str
) -> tuple[Variation, ...]:
    """Each point's variation: common cause, or improvement / concern / neutral, high or low.

    The point's special cause is the one its label names (XmR: outside_limits > trend >
    two_in_three > shift; run chart, IHI: trend > shift); high or low is the point's side of
    the centre line, or the trend's direction.
    """
    direction = Direction(direction)
    return tuple(_variation(side, direction) for side in result.sides)


def variation_icon(variations: Sequence[Variation]) -> Icon | None:
    """The variation icon: the classification of the most recent point (None without points)."""
    if not variations:
        return None
    v = variations[-1]
    symbol = "" if v is Variation.COMMON_CAUSE else ("H" if v.value.endswith("high") else "L")
    return Icon("variation", v.value, v.label, v.description, v.colour, symbol)


def assurance(
    result: XmRResult, direction: Direction | str, target: SupportsFloat | None
) -> Assurance | None:
    """Whether the process will meet the target: only with a target, a direction and limits.

    Higher is better: a target above the upper limit is consistently failed, below the lower
    limit consistently passed, between them (limits included) hit and miss; reversed when lower
    is better.
    """
    direction = Direction(direction)
    if target is None or direction is Direction.NEUTRAL or result.ucl is None or result.lcl is None:
        return None
    t = float(target)
    tol = REL_TOL * max(abs(t), abs(result.ucl), abs(result.lcl))
    higher = direction is Direction.HIGHER_IS_BETTER
    if t > result.ucl + tol:
        return Assurance.CONSISTENTLY_FAIL if higher else Assurance.CONSISTENTLY_PASS
    if t < result.lcl - tol:
        return Assurance.CONSISTENTLY_PASS if higher else Assurance.CONSISTENTLY_FAIL
    return Assurance.HIT_AND_MISS


def assurance_icon(value: Assurance | None) -> Icon | None:
    if value is None:
        return None
    label, description, nature, symbol = ASSURANCE_TEXT[value.value]
    return Icon("assurance", value.value, label, description, COLOURS[nature], symbol)


# --- Analysis with phases ----------------------------------------------------------------------


@dataclass(frozen=True)
class Signal(Serialisable):
    """One special cause found in a phase, with indices into the whole series."""

    rule: str
    side: Side
    variation: Variation
    indices: tuple[int, ...]
    phase: int
    text: str


@dataclass(frozen=True)
class PointAnalysis(Serialisable):
    index: int
    value: float
    phase: int
    excluded: bool
    rule: Rule | None  # the rule that names the point (label precedence); None: common cause
    variation: Variation | None  # None when excluded
    colour: str
    text: str  # the classification in words, for the data table and screen readers


@dataclass(frozen=True)
class PhaseAnalysis(Serialisable):
    number: int
    start: int  # first index of the phase in the series
    stop: int  # one past its last index
    indices: tuple[int, ...]  # the analysed (not excluded) points, as indices into the series
    chart: ChartType
    xmr: XmRResult | None  # results indexed by position in `indices`
    run: RunChartResult | None
    centre: float | None  # the mean (XmR) or the median (run chart)
    ucl: float | None
    lcl: float | None
    upper_close: float | None
    lower_close: float | None
    trial_limits: bool
    fixed_on: int | None  # the limits come from this many first points of the phase
    signals: tuple[Signal, ...]
    explanations: tuple[str, ...]

    @property
    def result(self) -> XmRResult | RunChartResult:
        """The phase's XmR or run-chart result, whichever the chart is."""
        return self.xmr if self.xmr is not None else cast(RunChartResult, self.run)


@dataclass(frozen=True)
class Analysis(Serialisable):
    chart: ChartType
    direction: Direction
    target: float | None
    points: tuple[PointAnalysis, ...]
    phases: tuple[PhaseAnalysis, ...]
    variation_icon: Icon | None
    assurance: Assurance | None
    assurance_icon: Icon | None
    trial_limits: bool  # the current phase has trial limits (fewer than 12 points)
    summary: tuple[str, ...]  # the icons and the trial-limits note in words

    @property
    def current_phase(self) -> PhaseAnalysis:
        return self.phases[-1]

    @property
    def signals(self) -> tuple[Signal, ...]:
        return tuple(s for phase in self.phases for s in phase.signals)


def _phase_bounds(n: int, phase_starts: Iterable[int]) -> list[tuple[int, int]]:
    starts = [int(s) for s in phase_starts]
    if any(b <= a for a, b in zip([0, *starts], starts, strict=False)):
        raise ValueError(f"phase starts must be increasing indices after 0, got {starts!r}")
    edges = [0, *starts]
    stops = [*starts, n]
    return [(min(a, n), min(b, n)) for a, b in zip(edges, stops, strict=True)]


def analyse(
    values: Iterable[SupportsFloat],
    *,
    direction: Direction | str,
    target: SupportsFloat | None = None,
    phase_starts: Iterable[int] = (),
    fix_limits_after: int | None = None,
    screen_outliers: bool = False,
    chart: ChartType | str = ChartType.XMR,
    excluded: Collection[int] = (),
    period_labels: Sequence[str] | None = None,
) -> Analysis:
    """Analyse a series (in time order) phase by phase, classify its points, give the icons.

    `phase_starts`: 0-based indices where a new phase starts. `fix_limits_after`: fix each
    phase's limits (or median) on its first N analysed points (N >= 12). `excluded`: indices kept
    but not analysed. `period_labels`: names of the periods ("March 2025") for the explanations;
    without them points are named "point 1", "point 2", ...
    """
    direction = Direction(direction)
    chart = ChartType(chart)
    ys = as_floats(values)
    n = len(ys)
    if fix_limits_after is not None and fix_limits_after < MIN_POINTS_FOR_LIMITS:
        raise ValueError(f"limits can be fixed on {MIN_POINTS_FOR_LIMITS} points or more")
    if period_labels is not None and len(period_labels) != n:
        raise ValueError("period_labels must name every value")
    goal = None if target is None else float(target)
    skip = frozenset(excluded)
    latest = max((i for i in range(n) if i not in skip), default=-1)
    phases: list[PhaseAnalysis] = []
    variations: list[Variation | None] = [None] * n
    rules: list[Rule | None] = [None] * n
    phase_of = [0] * n
    for number, (start, stop) in enumerate(_phase_bounds(n, phase_starts)):
        idx = tuple(i for i in range(start, stop) if i not in skip)
        sub = [ys[i] for i in idx]
        for i in range(start, stop):
            phase_of[i] = number
        phase = _analyse_phase(
            number,
            (start, stop),
            idx,
            sub,
            chart,
            direction,
            fix_limits_after,
            screen_outliers,
            period_labels,
            latest,
        )
        result = phase.result
        for j, i in enumerate(idx):
            side = result.sides[j]
            variations[i] = _variation(side, direction)
            rules[i] = result.labels[j]
        phases.append(phase)

    points = tuple(_point(i, ys[i], phase_of[i], rules[i], variations[i]) for i in range(n))
    analysed = [v for v in variations if v is not None]
    v_icon = variation_icon(analysed)
    current = phases[-1]
    assured = assurance(current.xmr, direction, goal) if current.xmr is not None else None
    a_icon = assurance_icon(assured)
    summary = [icon.description for icon in (v_icon, a_icon) if icon is not None]
    if current.trial_limits:
        summary.append(trial_note(len(current.indices)))
    return Analysis(
        chart=chart,
        direction=direction,
        target=goal,
        points=points,
        phases=tuple(phases),
        variation_icon=v_icon,
        assurance=assured,
        assurance_icon=a_icon,
        trial_limits=current.trial_limits,
        summary=tuple(summary),
    )


def _analyse_phase(
    number: int,
    bounds: tuple[int, int],
    idx: tuple[int, ...],
    sub: list[float],
    chart: ChartType,
    direction: Direction,
    fix_after: int | None,
    screen: bool,
    labels: Sequence[str] | None,
    latest: int,
) -> PhaseAnalysis:
    fixed_on = fix_after if fix_after is not None and len(sub) >= fix_after else None
    xr: XmRResult | None = None
    rc: RunChartResult | None = None
    if chart is ChartType.XMR:
        xr = xmr_fixed(sub, fixed_on, screen)
        centre, lines = xr.mean, (xr.ucl, xr.lcl, xr.upper_close, xr.lower_close)
        patterns: tuple[Pattern, ...] = xr.patterns
        trial = len(sub) < MIN_POINTS_FOR_LIMITS
    else:
        rc = run_chart_fixed(sub, fixed_on)
        centre, lines = rc.median, (None, None, None, None)
        patterns = rc.patterns
        trial = False
    signals = tuple(_signal(p, idx, number, chart, direction, labels, latest) for p in patterns)
    texts = explain_phase(
        n=len(sub),
        trial=trial,
        fixed_on=fixed_on,
        xmr=xr,
        run=rc,
        signals=[s.text for s in signals],
    )
    return PhaseAnalysis(
        number=number,
        start=bounds[0],
        stop=bounds[1],
        indices=idx,
        chart=chart,
        xmr=xr,
        run=rc,
        centre=centre,
        ucl=lines[0],
        lcl=lines[1],
        upper_close=lines[2],
        lower_close=lines[3],
        trial_limits=trial,
        fixed_on=fixed_on,
        signals=signals,
        explanations=tuple(texts),
    )


def _signal(
    pattern: Pattern,
    idx: tuple[int, ...],
    phase: int,
    chart: ChartType,
    direction: Direction,
    labels: Sequence[str] | None,
    latest: int,
) -> Signal:
    indices = tuple(idx[j] for j in pattern.indices)
    variation = _variation(pattern.side, direction)
    text = explain_signal(
        rule=pattern.rule,
        high=pattern.side is Side.HIGH,
        nature=variation.nature,
        indices=indices,
        labels=labels,
        is_latest=indices[-1] == latest,
        centre="median" if chart is ChartType.RUN else "average",
    )
    return Signal(pattern.rule, pattern.side, variation, indices, phase, text)


def _point(
    i: int, y: float, phase: int, rule: Rule | None, variation: Variation | None
) -> PointAnalysis:
    if variation is None:
        return PointAnalysis(i, y, phase, True, None, None, COLOURS["common_cause"], "Excluded")
    text = variation.label if rule is None else f"{variation.label}: {RULE_TEXT[rule.value]}"
    return PointAnalysis(i, y, phase, False, rule, variation, variation.colour, text)


# --- Evidence (for accreditation) --------------------------------------------------------------


@dataclass(frozen=True)
class TargetEvidence(Serialisable):
    """An improvement signal and the K consecutive periods at target that followed it."""

    signal: Signal
    indices: tuple[int, ...]


def improvement_signals(analysis: Analysis) -> tuple[Signal, ...]:
    """Every improvement signal (which rule, which indices), earliest first."""
    found = [s for s in analysis.signals if s.variation.nature == "improvement"]
    return tuple(sorted(found, key=lambda s: s.indices[0]))


def consecutive_at_target(
    values: Sequence[SupportsFloat],
    *,
    target: SupportsFloat,
    direction: Direction | str,
    k: int,
    start: int = 0,
    indices: Sequence[int] | None = None,
) -> tuple[int, ...] | None:
    """The first K consecutive points from position `start` on that are at or above the target
    (at or below when lower is better), as indices; None if there are none or no direction.

    `indices`, if given, names the positions of `values` in a longer series (so that excluded
    points can be left out and the answer still points into the whole series).
    """
    direction = Direction(direction)
    if direction is Direction.NEUTRAL or k < 1:
        return None
    t = float(target)
    ys = as_floats(values)
    tol = REL_TOL * max(abs(t), *(abs(y) for y in ys)) if ys else 0.0
    higher = direction is Direction.HIGHER_IS_BETTER
    run: list[int] = []
    for pos in range(start, len(ys)):
        ok = ys[pos] >= t - tol if higher else ys[pos] <= t + tol
        if not ok:
            run = []
            continue
        run.append(pos if indices is None else indices[pos])
        if len(run) == k:
            return tuple(run)
    return None


def sustained_at_target(analysis: Analysis, k: int) -> TargetEvidence | None:
    """The earliest improvement signal followed by K consecutive analysed periods at target,
    counting from the signal's first point (None without a target, a signal or such a run)."""
    if analysis.target is None:
        return None
    signals = improvement_signals(analysis)
    if not signals:
        return None
    first = signals[0]
    analysed = [p for p in analysis.points if not p.excluded]
    positions = [p.index for p in analysed]
    start = positions.index(first.indices[0])
    run = consecutive_at_target(
        [p.value for p in analysed],
        target=analysis.target,
        direction=analysis.direction,
        k=k,
        start=start,
        indices=positions,
    )
    return None if run is None else TargetEvidence(first, run)
