"""The rule engine behind `measurement.spc`: XmR (Making Data Count) and run charts (Anhoej, IHI).

Pure Python, standard library only, no Django: import `measurement.spc`, which re-exports
everything public here. The conventions are those of `docs/measurement.md` (sections 2 and 3);
where the rule text needed a reading, the choice and the reason are written next to the code
and summarised here:

* Indices are 0-based. Every rule marks every point of the pattern it finds.
* **trend (XmR)**: "7 or more consecutive points each strictly higher than the one before" is
  read as *seven points*, i.e. six consecutive strict increases (or decreases): the first point
  of the seven starts the trend. This is the Making Data Count convention and exactly what
  NHSRplotthedots computes (`sign(diff(y[i - 0:6]))`, 7 points). A turning point shared by an
  up trend and the down trend that follows is in both; for its label's direction it takes the
  trend it starts (NHSRplotthedots: "if a point is part of a trend either side, use right side").
* **two_in_three**: a point is *close* when it is beyond a 2-sigma line but not outside the
  limits (points outside the limits do not count as close). A window of three consecutive points
  qualifies when all three are strictly on the same side of the mean and at least two are close;
  the close points of every qualifying window are flagged (NHSRplotthedots' `ptd_two_in_three`).
* **Comparisons with the lines** (mean, limits, 2-sigma lines) allow for binary rounding: a
  point within `REL_TOL` (1e-12) times the size of the lines (|mean| + 2.66 * mr_bar) of a
  line counts as *on* it. A value
  a person types as 0.2 is then on a mean of (0.1 + 0.2 + 0.3) / 3, as it is by hand, in Excel's
  displayed arithmetic and in R (whose long-double mean rounds to 0.2), although fsum / 3 gives
  0.19999999999999998 in Python. So "strictly above", "outside" and "beyond" mean by more than
  that tolerance. Values themselves are compared exactly (trends, repeated values, the median).
* **Screening** drops moving ranges `>= 3.267 * mr_bar` (NHSRplotthedots keeps `mr < 3.267 *
  amr`). When `mr_bar` is 0 (a flat series) nothing is dropped: every moving range would be
  ">= 0" and the limits would become undefined.
* **longest_run_max** = `round(log2(n_useful)) + 3`. For a whole number n >= 1, log2(n) is never
  a half-integer (n would be 2**k * sqrt(2)), so Python's and R's half-to-even rounding and
  half-up rounding always agree: the rounding mode never matters.
* **crossings_min** is computed exactly with integers: the smallest k with
  `20 * sum(C(n-1, i) for i <= k) >= 2 ** (n-1)`. P(X <= k) can never equal 0.05 exactly, and
  R's qbinom search fuzz (64 * DBL_EPSILON) cannot change the answer (the nearest P is more
  than 1e-7 away, relatively, for every n up to 3000).
* **IHI trend on run charts**: consecutive equal values form one group that counts once. The
  trend's first point is the *last* value of its first group (the last of the equal values just
  before the trend), every later group is represented by its *first* value (a value equal to the
  one before is not flagged). Five groups make a trend (four steps in one direction).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from itertools import pairwise
from operator import sub
from typing import Any, SupportsFloat

# Making Data Count constants.
LIMIT_FACTOR = 2.66  # 3 / d2 with d2 = 1.128
CLOSE_FACTOR = 2 * (LIMIT_FACTOR / 3)  # the 2-sigma lines, as NHSRplotthedots computes them
SCREEN_FACTOR = 3.267  # D4 for n = 2: the upper limit of the moving-range chart
SHIFT_LENGTH = 7
TREND_LENGTH = 7  # points, i.e. six steps
IHI_SHIFT_LENGTH = 6
IHI_TREND_LENGTH = 5  # points (groups of equal values count once), i.e. four steps
REL_TOL = 1e-12


class Rule(StrEnum):
    """The special-cause rules of an XmR chart, in the order of label precedence."""

    OUTSIDE_LIMITS = "outside_limits"
    TREND = "trend"
    TWO_IN_THREE = "two_in_three"
    SHIFT = "shift"


# The rule names as plain str (an enum's .value is a slow property in the hot paths).
_OUTSIDE = Rule.OUTSIDE_LIMITS.value
_TREND = Rule.TREND.value
_TWO_IN_THREE = Rule.TWO_IN_THREE.value
_SHIFT = Rule.SHIFT.value


class Side(StrEnum):
    """Where a special cause lies: above the centre line (or an upward trend) or below it."""

    HIGH = "high"
    LOW = "low"


def _jsonable(obj: Any) -> Any:
    """`dataclasses.asdict`, with tuples as lists and enums as their str value."""
    if isinstance(obj, StrEnum):
        return obj.value
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    return obj


class Serialisable:
    """`to_dict()` gives plain JSON types (dict, list, str, float, int, bool, None)."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _jsonable(asdict(self))  # type: ignore[call-overload]
        return data


@dataclass(frozen=True)
class Pattern(Serialisable):
    """One occurrence of a rule: the points it flags and the side (or direction) it is on."""

    rule: str
    side: Side
    indices: tuple[int, ...]

    @property
    def start(self) -> int:
        return self.indices[0]

    @property
    def end(self) -> int:
        return self.indices[-1]


@dataclass(frozen=True)
class XmRResult(Serialisable):
    """An XmR chart (Making Data Count), `docs/measurement.md` section 2.

    `moving_ranges[i - 1]` is `|y_i - y_(i-1)|` (n - 1 of them); `screened_out` lists the point
    indices i whose moving range screening dropped. `labels[i]` is the rule that names point i
    (outside_limits > trend > two_in_three > shift) or None; `sides[i]` is where that special
    cause lies (the point's side of the mean; a trend's direction for a trend label).
    `baseline_n` is the number of points the centre line and limits come from (n unless the
    limits were fixed on the first N points).
    """

    n: int
    baseline_n: int
    mean: float | None
    mr_bar: float | None
    ucl: float | None
    lcl: float | None
    upper_close: float | None
    lower_close: float | None
    moving_ranges: tuple[float, ...]
    screened_out: tuple[int, ...]
    signals: dict[str, list[int]]
    labels: tuple[Rule | None, ...]
    sides: tuple[Side | None, ...]
    patterns: tuple[Pattern, ...]


@dataclass(frozen=True)
class RunChartResult(Serialisable):
    """A run chart, `docs/measurement.md` section 3: Anhoej rules, and the IHI rules alongside.

    `baseline_n` is the number of points the median comes from (n unless it was frozen on the
    first N points). `patterns` holds the IHI shifts and trends with their side or direction;
    `labels` and `sides` name each point's IHI rule (trend > shift) and side, as for XmR.
    """

    n: int
    baseline_n: int
    median: float | None
    n_useful: int
    runs: int
    crossings: int
    longest_run: int
    longest_run_max: int | None
    crossings_min: int | None
    long_run_signal: bool
    few_crossings_signal: bool
    shift_points: list[int]
    trend_points: list[int]
    labels: tuple[Rule | None, ...]
    sides: tuple[Side | None, ...]
    patterns: tuple[Pattern, ...]

    @property
    def runs_signal(self) -> bool:
        """Non-random variation by the Anhoej rules (either signal)."""
        return self.long_run_signal or self.few_crossings_signal


# --- Input -------------------------------------------------------------------------------------


def as_floats(values: Iterable[SupportsFloat]) -> list[float]:
    """The values as a list of floats; `ValueError` naming the index of the first bad one."""
    if not isinstance(values, list | tuple):
        values = list(values)  # an iterator could not be read twice
    try:
        ys = list(map(float, values))
    except (TypeError, ValueError):
        ys = []
        for i, v in enumerate(values):
            try:
                ys.append(float(v))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"value at index {i} is not a number: {v!r}") from exc
    # A finite sum means every value is finite (NaN and inf propagate); only look when it isn't.
    if not math.isfinite(sum(ys)):
        for i, y in enumerate(ys):
            if not math.isfinite(y):
                raise ValueError(f"value at index {i} is not finite ({y!r})")
    return ys


def _mean(xs: list[float]) -> float:
    try:
        return math.fsum(xs) / len(xs)
    except OverflowError:  # values near the float maximum: average the scaled-down values
        n = len(xs)
        return 2.0 * math.fsum(x / n * 0.5 for x in xs)


# --- XmR ---------------------------------------------------------------------------------------


def xmr(values: Iterable[SupportsFloat], screen_outliers: bool = False) -> XmRResult:
    """The XmR analysis of `values` (in time order), limits from all the points."""
    return xmr_fixed(values, None, screen_outliers)


def xmr_fixed(
    values: Iterable[SupportsFloat], baseline: int | None, screen_outliers: bool = False
) -> XmRResult:
    """The XmR analysis with the centre line and limits from the first `baseline` points only
    (all the points when None or when there are fewer), the rules applied to every point."""
    ys = as_floats(values)
    n = len(ys)
    base_n = n if baseline is None else min(n, max(baseline, 0))
    mrs = list(map(abs, map(sub, ys[1:], ys)))
    if base_n == 0:
        return _empty_xmr(n, base_n, None, mrs)
    base = ys if base_n == n else ys[:base_n]
    mean = _mean(base)
    if base_n < 2:
        return _empty_xmr(n, base_n, mean, mrs)
    base_mrs = mrs if base_n == n else mrs[: base_n - 1]
    mr_bar = _mean(base_mrs)
    screened: tuple[int, ...] = ()
    if screen_outliers and mr_bar > 0:
        cut = SCREEN_FACTOR * mr_bar
        cut -= REL_TOL * cut if math.isfinite(cut) else 0.0
        kept = [mr for mr in base_mrs if mr < cut]
        if kept:  # some moving range is <= mr_bar < cut, unless they overflowed to inf
            screened = tuple(i + 1 for i, mr in enumerate(base_mrs) if mr >= cut)
            mr_bar = _mean(kept)
    width = LIMIT_FACTOR * mr_bar
    close = CLOSE_FACTOR * mr_bar
    ucl, lcl = mean + width, mean - width
    upper_close, lower_close = mean + close, mean - close
    # Lines and points are compared to within REL_TOL of the lines' own size (see the top).
    tol = REL_TOL * (abs(mean) + width)
    signals, labels, sides, patterns = _xmr_rules(ys, mean, ucl, lcl, upper_close, lower_close, tol)
    return XmRResult(
        n=n,
        baseline_n=base_n,
        mean=mean,
        mr_bar=mr_bar,
        ucl=ucl,
        lcl=lcl,
        upper_close=upper_close,
        lower_close=lower_close,
        moving_ranges=tuple(mrs),
        screened_out=screened,
        signals=signals,
        labels=labels,
        sides=sides,
        patterns=patterns,
    )


def _empty_xmr(n: int, base_n: int, mean: float | None, mrs: list[float]) -> XmRResult:
    return XmRResult(
        n=n,
        baseline_n=base_n,
        mean=mean,
        mr_bar=None,
        ucl=None,
        lcl=None,
        upper_close=None,
        lower_close=None,
        moving_ranges=tuple(mrs),
        screened_out=(),
        signals={rule.value: [] for rule in _SIGNAL_ORDER},
        labels=(None,) * n,
        sides=(None,) * n,
        patterns=(),
    )


_SIGNAL_ORDER = (Rule.OUTSIDE_LIMITS, Rule.SHIFT, Rule.TREND, Rule.TWO_IN_THREE)


def _xmr_rules(
    ys: list[float],
    mean: float,
    ucl: float,
    lcl: float,
    upper_close: float,
    lower_close: float,
    tol: float,
) -> tuple[
    dict[str, list[int]], tuple[Rule | None, ...], tuple[Side | None, ...], tuple[Pattern, ...]
]:
    """The four special-cause rules: one pass for the runs, then the (rare) points near a limit."""
    n = len(ys)
    above_mean, below_mean = mean + tol, mean - tol
    above_ucl, below_lcl = ucl + tol, lcl - tol
    above_close, below_close = upper_close + tol, lower_close - tol

    outside: list[int] = []
    near: list[int] = []  # close to a limit: beyond a 2-sigma line, not outside the limits
    shifts: list[tuple[int, int, int]] = []  # (side, start, stop) of each run of 7+
    trends: list[tuple[int, int, int]] = []  # (direction, start, stop) of each trend of 7+
    run_side = run_start = 0  # shift: the side (+1/-1/0) of the current run and its start
    t_dir = t_start = 0  # trend: the direction (+1/-1/0) of the current stretch and its start
    prev = ys[0] if ys else 0.0
    for i, y in enumerate(ys):
        if y > above_close or y < below_close:
            if y > above_ucl or y < below_lcl:
                outside.append(i)
            else:
                near.append(i)
        # shift: 7+ points strictly on one side; a point on the mean (s == 0) ends the run.
        if y > above_mean:
            s = 1
        elif y < below_mean:
            s = -1
        else:
            s = 0
        if s != run_side or not s:
            if run_side and i - run_start >= SHIFT_LENGTH:
                shifts.append((run_side, run_start, i))
            run_side, run_start = s, i
        # trend: 7+ points each strictly higher (lower) than the one before. A new direction
        # starts from the previous point; a repeated value ends the trend and starts afresh.
        if y > prev:
            if t_dir != 1:
                if t_dir and i - t_start >= TREND_LENGTH:
                    trends.append((t_dir, t_start, i))
                t_dir, t_start = 1, i - 1
        elif y < prev:
            if t_dir != -1:
                if t_dir and i - t_start >= TREND_LENGTH:
                    trends.append((t_dir, t_start, i))
                t_dir, t_start = -1, i - 1
        else:
            if t_dir and i - t_start >= TREND_LENGTH:
                trends.append((t_dir, t_start, i))
            t_dir, t_start = 0, i
        prev = y
    if run_side and n - run_start >= SHIFT_LENGTH:
        shifts.append((run_side, run_start, n))
    if t_dir and n - t_start >= TREND_LENGTH:
        trends.append((t_dir, t_start, n))

    def side(y: float) -> int:
        return 1 if y > above_mean else (-1 if y < below_mean else 0)

    # two_in_three: any window of three with two near points holds two that are consecutive
    # in `near`, so only the windows around such pairs need looking at.
    near_pairs = [(a, b) for a, b in pairwise(near) if b - a <= 2]
    windows = sorted({w for a, b in near_pairs for w in range(max(b - 2, 0), min(a, n - 3) + 1)})
    close_groups: list[tuple[int, list[int]]] = []  # (side, flagged points) of overlapping windows
    last_window = -3
    flagged: set[int] = set()
    near_set = set(near) if windows else set()
    for w in windows:
        s = side(ys[w])
        if not s or side(ys[w + 1]) != s or side(ys[w + 2]) != s:
            continue
        if not close_groups or close_groups[-1][0] != s or w - last_window > 2:
            close_groups.append((s, []))
        last_window = w
        for j in (w, w + 1, w + 2):
            if j in near_set and j not in flagged:
                flagged.add(j)
                close_groups[-1][1].append(j)

    trend_points: list[int] = []
    for _, start, stop in trends:  # consecutive trends share their turning point: list it once
        trend_points.extend(
            range(start + 1 if trend_points and trend_points[-1] == start else start, stop)
        )
    signals = {
        _OUTSIDE: outside,
        _SHIFT: [i for _, start, stop in shifts for i in range(start, stop)],
        _TREND: trend_points,
        _TWO_IN_THREE: sorted(flagged),
    }
    if not (outside or shifts or trends or close_groups):
        return signals, (None,) * n, (None,) * n, ()

    # Labels and sides, lowest precedence first so that higher rules overwrite (and a later
    # trend overwrites an earlier one at their shared turning point: it takes the trend it starts).
    labels: list[Rule | None] = [None] * n
    sides: list[Side | None] = [None] * n
    patterns: list[Pattern] = []
    for s, start, stop in shifts:
        labels[start:stop] = [Rule.SHIFT] * (stop - start)
        sides[start:stop] = [_SIDE[s]] * (stop - start)
        patterns.append(Pattern(_SHIFT, _SIDE[s], tuple(range(start, stop))))
    for s, points in close_groups:
        for j in points:
            labels[j], sides[j] = Rule.TWO_IN_THREE, _SIDE[s]
        patterns.append(Pattern(_TWO_IN_THREE, _SIDE[s], tuple(points)))
    for d, start, stop in trends:
        labels[start:stop] = [Rule.TREND] * (stop - start)
        sides[start:stop] = [_SIDE[d]] * (stop - start)
        patterns.append(Pattern(_TREND, _SIDE[d], tuple(range(start, stop))))
    group: list[int] = []
    for j in outside:  # grouped: consecutive points outside on the same side
        if group and (j != group[-1] + 1 or (ys[j] > mean) != (ys[group[-1]] > mean)):
            patterns.append(_outside_pattern(group, ys, mean))
            group = []
        group.append(j)
        labels[j], sides[j] = Rule.OUTSIDE_LIMITS, _SIDE[1 if ys[j] > mean else -1]
    if group:
        patterns.append(_outside_pattern(group, ys, mean))
    patterns.sort(key=lambda p: (p.indices[0], _PRECEDENCE[p.rule]))
    return signals, tuple(labels), tuple(sides), tuple(patterns)


_SIDE = {1: Side.HIGH, -1: Side.LOW}
_RULES = {rule.value: rule for rule in Rule}
_PRECEDENCE: dict[str, int] = {rule.value: k for k, rule in enumerate(Rule)}  # label order


def _outside_pattern(group: list[int], ys: list[float], mean: float) -> Pattern:
    return Pattern(_OUTSIDE, _SIDE[1 if ys[group[0]] > mean else -1], tuple(group))


# --- Run charts --------------------------------------------------------------------------------

_CROSSINGS_MIN: dict[int, int] = {}


def longest_run_max(n_useful: int) -> int | None:
    """Anhoej: the longest run expected by chance, `round(log2(n_useful)) + 3`."""
    if n_useful <= 0:
        return None
    return round(math.log2(n_useful)) + 3


def crossings_min(n_useful: int) -> int | None:
    """Anhoej: the fewest crossings expected by chance, qbinom(0.05, n_useful - 1, 0.5), exactly."""
    if n_useful <= 0:
        return None
    cached = _CROSSINGS_MIN.get(n_useful)
    if cached is not None:
        return cached
    trials = n_useful - 1
    total = 1 << trials
    cumulative = 0
    k = 0
    for k in range(trials + 1):
        cumulative += math.comb(trials, k)
        if 20 * cumulative >= total:  # P(X <= k) >= 0.05, in integers
            break
    _CROSSINGS_MIN[n_useful] = k
    return k


def run_chart(values: Iterable[SupportsFloat]) -> RunChartResult:
    """The run-chart analysis of `values` (in time order), the median of all the points."""
    return run_chart_fixed(values, None)


def run_chart_fixed(values: Iterable[SupportsFloat], baseline: int | None) -> RunChartResult:
    """The run-chart analysis with the median of the first `baseline` points only (all the points
    when None or when there are fewer), the rules applied to every point (qicharts2's freeze)."""
    ys = as_floats(values)
    n = len(ys)
    base_n = n if baseline is None else min(n, max(baseline, 0))
    median = statistics.median(ys[:base_n] if base_n < n else ys) if base_n else None
    centre = math.nan if median is None else median  # no median: no point is useful

    runs = longest = 0
    shifts: list[tuple[int, int, int]] = []  # (side, start, stop) of runs of 6+ useful points
    trends: list[tuple[int, int, int]] = []  # (direction, first point, first index of last group)
    side = run_len = run_start = 0
    t_dir = t_start = g_first = 0
    t_groups = 1
    prev = ys[0] if ys else 0.0
    for i, y in enumerate(ys):
        # IHI trend: a value equal to the one before neither counts nor breaks; otherwise it
        # starts a new group. A trend that starts takes the previous group's last value first.
        if y != prev:
            d = 1 if y > prev else -1
            if d == t_dir:
                t_groups += 1
            else:
                if t_dir and t_groups >= IHI_TREND_LENGTH:
                    trends.append((t_dir, t_start, g_first))
                t_dir, t_start, t_groups = d, i - 1, 2
            g_first = i
            prev = y
        # Runs among the useful points: a point on the median neither counts nor breaks a run.
        if y > centre:
            s = 1
        elif y < centre:
            s = -1
        else:
            continue
        if s == side:
            run_len += 1
        else:
            if run_len >= IHI_SHIFT_LENGTH:
                shifts.append((side, run_start, i))
            longest = max(longest, run_len)
            runs += 1
            side, run_len, run_start = s, 1, i
    if run_len >= IHI_SHIFT_LENGTH:
        shifts.append((side, run_start, n))
    longest = max(longest, run_len)
    if t_dir and t_groups >= IHI_TREND_LENGTH:
        trends.append((t_dir, t_start, g_first))

    patterns: list[Pattern] = []
    shift: list[int] = []
    for s, start, stop in shifts:
        points = [j for j in range(start, stop) if ys[j] != centre]
        shift.extend(points)
        patterns.append(Pattern(_SHIFT, _SIDE[s], tuple(points)))
    trend: list[int] = []
    for d, first, last_group in trends:
        # The trend's first point, then the first value of each later group.
        points = [first, *(j for j in range(first + 1, last_group + 1) if ys[j] != ys[j - 1])]
        trend.extend(points[1:] if trend and trend[-1] == first else points)
        patterns.append(Pattern(_TREND, _SIDE[d], tuple(points)))
    n_useful = 0 if median is None else n - ys.count(median)

    labels: tuple[Rule | None, ...] = (None,) * n
    sides: tuple[Side | None, ...] = (None,) * n
    if patterns:
        label_list: list[Rule | None] = [None] * n
        side_list: list[Side | None] = [None] * n
        # Trend > shift; a later trend overwrites an earlier one at a shared turning point.
        for pattern in sorted(patterns, key=lambda p: (p.rule == Rule.TREND, p.indices[0])):
            rule, where = _RULES[pattern.rule], pattern.side
            for i in pattern.indices:
                label_list[i] = rule
                side_list[i] = where
        labels, sides = tuple(label_list), tuple(side_list)
        patterns.sort(key=lambda p: p.indices[0])
    lr_max = longest_run_max(n_useful)
    cr_min = crossings_min(n_useful)
    crossings = max(runs - 1, 0)
    return RunChartResult(
        n=n,
        baseline_n=base_n,
        median=median,
        n_useful=n_useful,
        runs=runs,
        crossings=crossings,
        longest_run=longest,
        longest_run_max=lr_max,
        crossings_min=cr_min,
        long_run_signal=lr_max is not None and longest > lr_max,
        few_crossings_signal=cr_min is not None and crossings < cr_min,
        shift_points=shift,
        trend_points=trend,
        labels=labels,
        sides=sides,
        patterns=tuple(patterns),
    )
