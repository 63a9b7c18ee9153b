"""Properties of the measurement engine, checked with hypothesis (no database).

Besides the invariants (symmetry, shifting and scaling, direction), the engine is compared
point for point with independent reference implementations written the way NHSRplotthedots and
qicharts2 compute the rules (sliding windows, run-length encoding) in exact rational arithmetic,
so that the engine's float tolerance is checked against the decimal truth, ties included.
"""

from __future__ import annotations

import itertools
import json
import math
import statistics
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from measurement.spc import (
    Direction,
    Rule,
    Side,
    Variation,
    analyse,
    classify,
    crossings_min,
    longest_run_max,
    run_chart,
    xmr,
)

SETTINGS = settings(max_examples=200, deadline=None)

# Small integers make many exact ties with the mean, the median and the lines; series built of
# runs, steps and trends make every rule fire often (pure noise rarely has a trend).
_segment = st.one_of(
    st.lists(st.integers(0, 12), min_size=1, max_size=6),  # noise
    st.tuples(st.integers(0, 12), st.integers(1, 9)).map(lambda t: [t[0]] * t[1]),  # flat
    st.tuples(st.integers(0, 6), st.integers(4, 9)).map(lambda t: list(range(t[0], t[0] + t[1]))),
    st.tuples(st.integers(6, 12), st.integers(4, 9)).map(
        lambda t: list(range(t[0], t[0] - t[1], -1))
    ),
)
small_series = st.one_of(
    st.lists(st.integers(0, 12), max_size=40),
    st.lists(_segment, max_size=8).map(lambda parts: [v for part in parts for v in part]),
)
int_series = st.lists(st.integers(-1000, 1000), max_size=60)
float_series = st.lists(st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), max_size=60)
any_finite = st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=30)

SWAP = {
    Variation.IMPROVEMENT_HIGH: Variation.CONCERN_HIGH,
    Variation.IMPROVEMENT_LOW: Variation.CONCERN_LOW,
    Variation.CONCERN_HIGH: Variation.IMPROVEMENT_HIGH,
    Variation.CONCERN_LOW: Variation.IMPROVEMENT_LOW,
    Variation.COMMON_CAUSE: Variation.COMMON_CAUSE,
}


def close(a: float | None, b: float | None, scale: float) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9 * max(scale, 1.0))


def sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


# --- Reference XmR: NHSRplotthedots' windows, in exact fractions -------------------------------

LIMIT = Fraction(266, 100)
CLOSE = 2 * (LIMIT / 3)


def reference_xmr(values: list[int], screen: bool = False):
    n = len(values)
    empty: dict[str, list[int]] = {
        "outside_limits": [],
        "shift": [],
        "trend": [],
        "two_in_three": [],
    }
    if n < 2:
        return empty, [None] * n, [None] * n
    ys = [Fraction(v) for v in values]
    mean = sum(ys, Fraction(0)) / n
    mrs = [abs(b - a) for a, b in itertools.pairwise(ys)]
    amr = sum(mrs, Fraction(0)) / (n - 1)
    if screen and amr:
        kept = [mr for mr in mrs if mr < Fraction("3.267") * amr]
        amr = sum(kept, Fraction(0)) / len(kept)
    ucl, lcl = mean + LIMIT * amr, mean - LIMIT * amr
    upc, loc = mean + CLOSE * amr, mean - CLOSE * amr
    outside = [y > ucl or y < lcl for y in ys]
    rtm = [sign(y - mean) for y in ys]
    near = [not outside[i] and (y > upc or y < loc) for i, y in enumerate(ys)]

    shift: set[int] = set()
    trend: set[int] = set()
    tit: set[int] = set()
    trend_side: dict[int, int] = {}
    for end in range(6, n):
        window = range(end - 6, end + 1)
        if rtm[end] != 0 and all(rtm[i] == rtm[end] for i in window):
            shift.update(window)
        steps = {sign(ys[i + 1] - ys[i]) for i in range(end - 6, end)}
        if steps in ({1}, {-1}):
            (direction,) = steps
            trend.update(window)
            for i in window:  # windows in time order: a later trend wins a shared point
                trend_side[i] = direction
    for start in range(n - 2):
        window = range(start, start + 3)
        if sum(near[i] for i in window) >= 2 and abs(sum(rtm[i] for i in window)) == 3:
            tit.update(i for i in window if near[i])

    labels: list[Rule | None] = []
    sides: list[Side | None] = []
    for i in range(n):
        if outside[i]:
            label, side = Rule.OUTSIDE_LIMITS, rtm[i]
        elif i in trend:
            label, side = Rule.TREND, trend_side[i]
        elif i in tit:
            label, side = Rule.TWO_IN_THREE, rtm[i]
        elif i in shift:
            label, side = Rule.SHIFT, rtm[i]
        else:
            label, side = None, 0
        labels.append(label)
        sides.append(None if label is None else (Side.HIGH if side > 0 else Side.LOW))
    signals = {
        "outside_limits": [i for i in range(n) if outside[i]],
        "shift": sorted(shift),
        "trend": sorted(trend),
        "two_in_three": sorted(tit),
    }
    return signals, labels, sides


@SETTINGS
@given(small_series, st.booleans())
def test_xmr_matches_the_reference_point_for_point(values, screen):
    signals, labels, sides = reference_xmr(values, screen)
    r = xmr(values, screen_outliers=screen)
    assert r.signals == signals
    assert list(r.labels) == labels
    assert list(r.sides) == sides


@SETTINGS
@given(small_series.map(lambda v: [x * 0.1 for x in v]))
def test_decimal_values_match_the_reference(values):
    # Tenths are not exact in binary; the engine must still agree with the decimal truth.
    as_tenths = [round(v * 10) for v in values]
    signals, labels, _ = reference_xmr(as_tenths)
    r = xmr(values)
    assert r.signals == signals
    assert list(r.labels) == labels


# --- Reference run chart: qicharts2's runs analysis, IHI rules by run-length encoding ----------


def reference_run_chart(values: list[int]):
    if not values:
        return None
    ys = [Fraction(v) for v in values]
    median = statistics.median(ys)
    useful = [(i, sign(y - median)) for i, y in enumerate(ys) if y != median]
    groups = [list(g) for _, g in itertools.groupby(useful, key=lambda p: p[1])]
    lengths = [len(g) for g in groups]
    shift = sorted(i for g in groups if len(g) >= 6 for i, _ in g)

    # Equal consecutive values form one group: (first index, last index, value).
    value_groups = []
    for value, members in itertools.groupby(enumerate(values), key=lambda p: p[1]):
        idx = [i for i, _ in members]
        value_groups.append((idx[0], idx[-1], value))
    steps = [
        (g, 1 if value_groups[g + 1][2] > value_groups[g][2] else -1)
        for g in range(len(value_groups) - 1)
    ]
    trend: set[int] = set()
    for _, run in itertools.groupby(steps, key=lambda s: s[1]):
        run = list(run)
        first, last = run[0][0], run[-1][0] + 1  # groups first..last
        if last - first + 1 >= 5:
            trend.add(value_groups[first][1])
            trend.update(value_groups[g][0] for g in range(first + 1, last + 1))
    return {
        "median": median,
        "n_useful": len(useful),
        "runs": len(groups),
        "longest_run": max(lengths, default=0),
        "shift_points": shift,
        "trend_points": sorted(trend),
    }


@SETTINGS
@given(small_series)
def test_run_chart_matches_the_reference(values):
    ref = reference_run_chart(values)
    rc = run_chart(values)
    if ref is None:
        assert rc.median is None
        return
    assert rc.median == ref["median"]
    assert rc.n_useful == ref["n_useful"]
    assert rc.runs == ref["runs"]
    assert rc.longest_run == ref["longest_run"]
    assert rc.shift_points == ref["shift_points"]
    assert rc.trend_points == ref["trend_points"]


# --- Invariants --------------------------------------------------------------------------------


@SETTINGS
@given(float_series)
def test_limits_are_symmetric_about_the_mean(values):
    r = xmr(values)
    if r.mr_bar is None:
        assert r.ucl is r.lcl is r.upper_close is r.lower_close is None
        return
    assert r.mean is not None
    assert r.ucl is not None
    assert r.lcl is not None
    assert r.upper_close is not None
    assert r.lower_close is not None
    scale = max(map(abs, values))
    assert close(r.ucl - r.mean, r.mean - r.lcl, scale)
    assert close(r.upper_close - r.mean, r.mean - r.lower_close, scale)
    assert close(r.ucl - r.mean, 2.66 * r.mr_bar, scale)
    assert close(r.upper_close - r.mean, 2 / 3 * 2.66 * r.mr_bar, scale)
    assert r.lcl <= r.lower_close <= r.mean <= r.upper_close <= r.ucl


@SETTINGS
@given(int_series, st.integers(-10_000, 10_000), st.booleans())
def test_adding_a_constant_shifts_the_lines_and_changes_no_signal(values, c, screen):
    r = xmr(values, screen_outliers=screen)
    moved = xmr([v + c for v in values], screen_outliers=screen)
    scale = max(map(abs, values), default=0) + abs(c)
    for a, b in [
        (r.mean, moved.mean),
        (r.ucl, moved.ucl),
        (r.lcl, moved.lcl),
        (r.upper_close, moved.upper_close),
        (r.lower_close, moved.lower_close),
    ]:
        assert close(None if a is None else a + c, b, scale)
    assert close(r.mr_bar, moved.mr_bar, scale)
    assert moved.signals == r.signals
    assert moved.labels == r.labels
    assert moved.sides == r.sides
    assert moved.screened_out == r.screened_out
    rc, rc_moved = run_chart(values), run_chart([v + c for v in values])
    assert close(None if rc.median is None else rc.median + c, rc_moved.median, scale)
    assert (rc_moved.shift_points, rc_moved.trend_points) == (rc.shift_points, rc.trend_points)
    assert (rc_moved.runs, rc_moved.longest_run) == (rc.runs, rc.longest_run)


@SETTINGS
@given(int_series, st.floats(1e-3, 1e3), st.booleans())
def test_scaling_scales_the_limits_and_keeps_the_signals(values, k, screen):
    r = xmr(values, screen_outliers=screen)
    scaled = xmr([v * k for v in values], screen_outliers=screen)
    scale = max(map(abs, values), default=0) * k
    for a, b in [(r.mean, scaled.mean), (r.mr_bar, scaled.mr_bar), (r.ucl, scaled.ucl)]:
        assert close(None if a is None else a * k, b, scale)
    assert close(None if r.lcl is None else r.lcl * k, scaled.lcl, scale)
    assert scaled.signals == r.signals
    assert scaled.labels == r.labels
    assert scaled.sides == r.sides
    rc, rc_scaled = run_chart(values), run_chart([v * k for v in values])
    assert (rc_scaled.shift_points, rc_scaled.trend_points) == (rc.shift_points, rc.trend_points)


@SETTINGS
@given(int_series)
def test_mirroring_the_values_swaps_high_and_low(values):
    r = xmr(values)
    mirrored = xmr([-v for v in values])
    assert mirrored.signals == r.signals
    assert mirrored.labels == r.labels
    flip = {Side.HIGH: Side.LOW, Side.LOW: Side.HIGH, None: None}
    assert mirrored.sides == tuple(flip[s] for s in r.sides)


@SETTINGS
@given(int_series, st.sampled_from(["xmr", "run"]))
def test_reversing_the_direction_swaps_improvement_and_concern(values, chart):
    result = xmr(values) if chart == "xmr" else run_chart(values)
    higher = classify(result, Direction.HIGHER_IS_BETTER)
    lower = classify(result, Direction.LOWER_IS_BETTER)
    assert lower == tuple(SWAP[v] for v in higher)
    neutral = classify(result, Direction.NEUTRAL)
    assert all((v is Variation.COMMON_CAUSE) == (h is Variation.COMMON_CAUSE)
               for v, h in zip(neutral, higher, strict=True))  # fmt: skip
    a_higher = analyse(values, direction="higher", chart=chart)
    a_lower = analyse(values, direction="lower", chart=chart)
    assert [SWAP[p.variation] for p in a_higher.points if p.variation] == [
        p.variation for p in a_lower.points
    ]
    assert len(a_higher.signals) == len(a_lower.signals)


@SETTINGS
@given(
    any_finite,
    st.booleans(),
    st.sampled_from(["xmr", "run"]),
    st.sampled_from(["higher", "lower", "neutral"]),
    st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
    st.lists(st.integers(1, 40), max_size=3, unique=True).map(sorted),
    st.one_of(st.none(), st.integers(12, 20)),
    st.sets(st.integers(0, 35), max_size=5),
)
def test_never_raises_on_finite_input(
    values, screen, chart, direction, target, starts, fix_after, excluded
):
    r = xmr(values, screen_outliers=screen)
    rc = run_chart(values)
    a = analyse(
        values,
        direction=direction,
        target=target,
        chart=chart,
        screen_outliers=screen,
        phase_starts=starts,
        fix_limits_after=fix_after,
        excluded=excluded,
    )
    assert len(a.points) == len(values)
    for result in (r, rc, a):
        json.dumps(result.to_dict())


@SETTINGS
@given(st.one_of(small_series, int_series))
def test_run_chart_invariants(values):
    rc = run_chart(values)
    n = len(values)
    assert 0 <= rc.n_useful <= n
    assert rc.crossings == max(rc.runs - 1, 0)
    assert rc.runs <= rc.n_useful
    assert rc.longest_run <= rc.n_useful
    if rc.n_useful:
        assert rc.runs >= 1
        assert rc.longest_run >= math.ceil(rc.n_useful / rc.runs)
        assert rc.longest_run_max == round(math.log2(rc.n_useful)) + 3
        assert rc.crossings_min is not None
        assert 0 <= rc.crossings_min <= rc.n_useful - 1
        assert rc.long_run_signal == (rc.longest_run > rc.longest_run_max)
        assert rc.few_crossings_signal == (rc.crossings < rc.crossings_min)
    else:
        assert (rc.runs, rc.crossings, rc.longest_run) == (0, 0, 0)
        assert rc.longest_run_max is rc.crossings_min is None
        assert not (rc.long_run_signal or rc.few_crossings_signal)
    for points in (rc.shift_points, rc.trend_points):
        assert points == sorted(set(points))
        assert all(0 <= i < n for i in points)
    assert all(values[i] != rc.median for i in rc.shift_points)
    if rc.shift_points:
        assert rc.longest_run >= 6


@SETTINGS
@given(st.one_of(small_series, float_series), st.booleans())
def test_xmr_invariants(values, screen):
    r = xmr(values, screen_outliers=screen)
    n = len(values)
    assert r.n == n
    assert len(r.moving_ranges) == max(n - 1, 0)
    assert len(r.labels) == len(r.sides) == n
    flagged: set[int] = set()
    for rule, points in r.signals.items():
        assert points == sorted(set(points)), rule
        assert all(0 <= i < n for i in points)
        flagged.update(points)
    assert {i for i, label in enumerate(r.labels) if label is not None} == flagged
    assert all(
        (label is None) == (side is None) for label, side in zip(r.labels, r.sides, strict=True)
    )
    if r.ucl is not None:
        assert r.lcl is not None
        assert all(values[i] > r.ucl or values[i] < r.lcl for i in r.signals["outside_limits"])
        assert all(r.labels[i] is Rule.OUTSIDE_LIMITS for i in r.signals["outside_limits"])
    for rule in ("shift", "trend"):
        # Runs of at least 7: every flagged point has 6 flagged neighbours on one side or around.
        points = set(r.signals[rule])
        for i in points:
            assert any(all(j in points for j in range(s, s + 7)) for s in range(i - 6, i + 1))
    assert set(r.screened_out) <= set(range(1, n))
    if not screen:
        assert r.screened_out == ()


def test_anhoej_limits_grow_with_n():
    previous = (0, 0)
    for n in range(1, 500):
        limits = (longest_run_max(n), crossings_min(n))
        assert limits[0] is not None
        assert limits[1] is not None
        assert limits[0] >= previous[0]
        assert limits[1] >= previous[1]
        previous = (limits[0], limits[1])
