"""Worked examples of the measurement rules (docs/measurement.md), built by hand point by point.

No database: the engine is pure Python. Indices are 0-based throughout.
"""

from __future__ import annotations

import dataclasses
import json
import math
from decimal import Decimal
from fractions import Fraction

import pytest

from measurement import spc
from measurement.spc import (
    Assurance,
    ChartType,
    Direction,
    Rule,
    Side,
    Variation,
    analyse,
    assurance,
    assurance_icon,
    classify,
    consecutive_at_target,
    crossings_min,
    improvement_signals,
    longest_run_max,
    run_chart,
    sustained_at_target,
    variation_icon,
    xmr,
    xmr_fixed,
)

NO_SIGNALS: dict[str, list[int]] = {
    "outside_limits": [],
    "shift": [],
    "trend": [],
    "two_in_three": [],
}

# A baseline for examples judged against fixed limits: mean 10, every moving range 4, so
# ucl 20.64, lcl -0.64, upper_close 17.0933..., lower_close 2.9066... It alternates above and
# below the mean, so it has no signal of its own, and ends below the mean (index 11 is 8).
BASE = [12, 8] * 6


def fixed(tail: list[float]) -> spc.XmRResult:
    return xmr_fixed([*BASE, *tail], 12)


def test_fixed_baseline_lines():
    r = fixed([])
    assert (r.mean, r.mr_bar) == (10, 4)
    assert r.ucl == pytest.approx(20.64)
    assert r.lcl == pytest.approx(-0.64)
    assert r.upper_close == pytest.approx(10 + 2 / 3 * 2.66 * 4)
    assert r.lower_close == pytest.approx(10 - 2 / 3 * 2.66 * 4)
    assert r.signals == NO_SIGNALS


# --- XmR lines ---------------------------------------------------------------------------------


def test_xmr_lines_by_hand():
    r = xmr([1, 2, 3, 4, 5])
    assert r.n == 5
    assert r.mean == 3
    assert r.moving_ranges == (1, 1, 1, 1)
    assert r.mr_bar == 1
    assert r.ucl == pytest.approx(5.66)
    assert r.lcl == pytest.approx(0.34)
    assert r.upper_close == pytest.approx(3 + 2 / 3 * 2.66)
    assert r.lower_close == pytest.approx(3 - 2 / 3 * 2.66)
    assert r.signals == NO_SIGNALS


def test_lower_limit_is_not_clamped():
    r = xmr([1, 3])
    assert (r.mean, r.mr_bar) == (2, 2)
    assert r.lcl is not None
    assert r.lcl == pytest.approx(2 - 5.32)
    assert r.lcl < 0


def test_accepts_decimals_and_ints():
    assert xmr([Decimal("1.5"), 2, 2.5]).mean == 2


# --- Short, flat and empty input ---------------------------------------------------------------


def test_empty():
    r = xmr([])
    assert r.n == 0
    assert (r.mean, r.mr_bar, r.ucl, r.lcl, r.upper_close, r.lower_close) == (None,) * 6
    assert r.signals == NO_SIGNALS
    assert r.moving_ranges == ()
    assert r.labels == ()


def test_one_point_has_a_mean_and_nothing_else():
    r = xmr([7])
    assert r.mean == 7
    assert (r.mr_bar, r.ucl, r.lcl, r.upper_close, r.lower_close) == (None,) * 5
    assert r.signals == NO_SIGNALS
    assert r.labels == (None,)


def test_two_points():
    r = xmr([4, 6], screen_outliers=True)
    assert (r.mean, r.mr_bar) == (5, 2)
    assert r.screened_out == ()
    assert r.signals == NO_SIGNALS


@pytest.mark.parametrize("screen", [False, True])
def test_flat_series(screen):
    r = xmr([4] * 20, screen_outliers=screen)
    assert r.mean == 4
    assert r.mr_bar == 0
    assert r.ucl == r.lcl == r.upper_close == r.lower_close == 4
    assert r.screened_out == ()
    assert r.signals == NO_SIGNALS  # every point is on the mean: no run, no trend


def test_run_chart_empty_and_short():
    empty = run_chart([])
    assert empty.median is None
    assert (empty.n_useful, empty.runs, empty.crossings, empty.longest_run) == (0, 0, 0, 0)
    assert (empty.longest_run_max, empty.crossings_min) == (None, None)
    assert not empty.long_run_signal
    assert not empty.few_crossings_signal
    assert (empty.shift_points, empty.trend_points) == ([], [])

    one = run_chart([5])
    assert one.median == 5
    assert one.n_useful == 0
    assert (one.runs, one.crossings, one.longest_run) == (0, 0, 0)
    assert (one.longest_run_max, one.crossings_min) == (None, None)

    two = run_chart([1, 2])
    assert two.median == 1.5
    assert (two.n_useful, two.runs, two.crossings, two.longest_run) == (2, 2, 1, 1)
    assert (two.longest_run_max, two.crossings_min) == (4, 0)  # round(log2(2)) + 3; qbinom(.05, 1)


def test_run_chart_flat():
    r = run_chart([3] * 15)
    assert r.median == 3
    assert r.n_useful == 0
    assert (r.runs, r.crossings, r.longest_run) == (0, 0, 0)
    assert (r.longest_run_max, r.crossings_min) == (None, None)
    assert (r.shift_points, r.trend_points) == ([], [])
    assert not (r.long_run_signal or r.few_crossings_signal)


def test_analyse_never_raises_on_short_input():
    for values in ([], [1], [1, 2], [5] * 3):
        for chart in ("xmr", "run"):
            a = analyse(values, direction="higher", target=3, chart=chart)
            json.dumps(a.to_dict())
    empty = analyse([], direction="higher", target=3)
    assert empty.points == ()
    assert empty.variation_icon is None
    assert empty.assurance is None
    assert empty.phases[0].explanations == ("There is no data in this phase yet.",)


# --- Non-finite values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "index"),
    [
        ([1, float("nan"), 2], 1),
        ([1, 2, float("inf")], 2),
        ([float("-inf")], 0),
        ([1, Decimal("NaN")], 1),
    ],
)
def test_non_finite_values_are_rejected_naming_the_index(values, index):
    for func in (xmr, run_chart):
        with pytest.raises(ValueError, match=rf"index {index}\b"):
            func(values)
    with pytest.raises(ValueError, match=rf"index {index}\b"):
        analyse(values, direction="higher")


def test_non_numbers_are_rejected_naming_the_index():
    with pytest.raises(ValueError, match=r"index 2\b"):
        xmr([1, 2, "many"])  # type: ignore[list-item]


# --- outside_limits ----------------------------------------------------------------------------


def test_outside_limits_is_strict():
    # ucl 20.64, lcl -0.64: exactly on a limit is not outside, a hair beyond is.
    r = fixed([20.64, 20.65, -0.64, -0.65])
    assert r.signals["outside_limits"] == [13, 15]
    assert r.labels[12] is None
    assert r.labels[13] is Rule.OUTSIDE_LIMITS
    assert (r.sides[13], r.sides[15]) == (Side.HIGH, Side.LOW)


def test_outside_limits_by_hand():
    # Mean 31 / 12 = 2.58; moving ranges 0 x 8, 7, 7, 0: mr_bar 14 / 11 = 1.27.
    values = [2, 2, 2, 2, 2, 2, 2, 2, 2, 9, 2, 2]
    r = xmr(values)
    assert r.mean == pytest.approx(31 / 12)
    assert r.mr_bar == pytest.approx(14 / 11)
    assert r.ucl == pytest.approx(31 / 12 + 2.66 * 14 / 11)  # 5.97: 9 is outside
    assert r.signals["outside_limits"] == [9]
    # The 2s are below the mean: 9 in a row (0-8) is a shift; the last two are only 2.
    assert r.signals["shift"] == list(range(9))


# --- shift -------------------------------------------------------------------------------------


def test_shift_of_seven():
    values = [9, 1, 9, 1, 9, 1, 6, 6, 6, 6, 6, 6, 6, 1, 9, 1]
    r = xmr(values)
    assert r.mean == pytest.approx(83 / 16)  # 5.19: the 6s are above, the 1s below
    assert r.signals == {**NO_SIGNALS, "shift": [6, 7, 8, 9, 10, 11, 12]}
    assert r.labels[6:13] == (Rule.SHIFT,) * 7
    assert set(r.sides[6:13]) == {Side.HIGH}


def test_six_on_one_side_is_not_a_shift():
    values = [9, 1, 9, 1, 9, 1, 6, 6, 6, 6, 6, 6, 1, 9, 1]
    assert xmr(values).signals["shift"] == []


def test_a_point_exactly_on_the_mean_ends_the_shift():
    # Sum 90 over 18 points: the mean is exactly 5, and index 9 is on it.
    values = [9, 1, 9, 1, 9, 1, 6, 6, 6, 5, 6, 6, 6, 6, 1, 9, 1, 2]
    r = xmr(values)
    assert r.mean == 5
    assert r.signals["shift"] == []  # 3 above, on the mean, 4 above
    # The same with a 6 instead of the 5: eight above in a row.
    values[9] = 6
    assert xmr(values).signals["shift"] == list(range(6, 14))


def test_on_the_mean_in_decimal_arithmetic_counts_as_on_the_mean():
    # The mean is 3.8 / 19 = 0.2, but fsum / 19 gives 0.19999999999999998 in binary: a strict
    # float comparison would put the 0.2 at index 9 above it and find 8 in a row (5 to 12).
    values = [0.1, 0.3] * 3 + [0.25, 0.25, 0.25, 0.2, 0.25, 0.25, 0.25] + [0.15] * 6
    r = xmr(values)
    assert r.mean is not None
    assert r.mean == pytest.approx(0.2)
    assert r.mean < 0.2  # the binary rounding this test is about
    assert r.signals["shift"] == []  # 0.3 and three 0.25s, on the mean, three 0.25s


def test_shift_below():
    r = fixed([9, 9, 9, 9, 9, 9, 11])
    assert r.signals["shift"] == [11, 12, 13, 14, 15, 16, 17]  # index 11 (8) is below too
    assert set(r.sides[11:18]) == {Side.LOW}


# --- trend -------------------------------------------------------------------------------------


def test_trend_of_seven_points_crossing_the_mean():
    # 1..7 at indices 1-7: seven points, six increases. The mean is 4: it starts below and
    # ends above (a trend may cross the mean). Limits 4 +/- 2.66 * 1.75: no other signal.
    values = [5, 1, 2, 3, 4, 5, 6, 7, 3]
    r = xmr(values)
    assert r.mean == 4
    assert r.mr_bar == 1.75
    assert r.signals == {**NO_SIGNALS, "trend": [1, 2, 3, 4, 5, 6, 7]}
    # A trend is high when it goes up, even for its points below the mean.
    assert set(r.sides[1:8]) == {Side.HIGH}
    assert classify(r, Direction.HIGHER_IS_BETTER)[1] is Variation.IMPROVEMENT_HIGH


def test_six_points_increasing_is_not_a_trend():
    assert xmr([5, 1, 2, 3, 4, 5, 6, 3]).signals["trend"] == []


def test_decreasing_trend():
    r = xmr([3, 7, 6, 5, 4, 3, 2, 1, 5])
    assert r.signals["trend"] == [1, 2, 3, 4, 5, 6, 7]
    assert set(r.sides[1:8]) == {Side.LOW}


def test_a_repeated_value_ends_the_trend():
    # 1 2 3 | 3 4 5 6 7: neither stretch reaches seven points.
    r = xmr([5, 1, 2, 3, 3, 4, 5, 6, 7, 3])
    assert r.signals["trend"] == []
    # The IHI run-chart trend, by contrast, lets an equal value neither count nor break.
    assert run_chart([5, 1, 2, 3, 3, 4, 5, 6, 7, 3]).trend_points == [1, 2, 3, 5, 6, 7, 8]


def test_up_then_down_trends_share_the_turning_point():
    # After the baseline (index 11 is 8): 9 10 11 12 13 14 15 14 13 12 11 10 9.
    tail = [9, 10, 11, 12, 13, 14, 15, 14, 13, 12, 11, 10, 9]
    r = fixed(tail)
    # Up from index 11 (8) to 18 (15): eight points; down from 18 to 24 (9): seven points.
    assert r.signals["trend"] == list(range(11, 25))
    # Index 14..22 (11, 12, ..., 12, 11) are above the mean of 10: nine in a row.
    assert r.signals["shift"] == list(range(14, 23))
    assert all(r.labels[i] is Rule.TREND for i in range(11, 25))  # trend > shift
    assert set(r.sides[11:18]) == {Side.HIGH}
    assert r.sides[18] is Side.LOW  # the turning point takes the trend it starts
    assert set(r.sides[19:25]) == {Side.LOW}
    trends = [p for p in r.patterns if p.rule == "trend"]
    assert [(p.side, p.indices) for p in trends] == [
        (Side.HIGH, tuple(range(11, 19))),
        (Side.LOW, tuple(range(18, 25))),
    ]


# --- two_in_three ------------------------------------------------------------------------------


def test_two_in_three_flags_only_the_close_points():
    # upper_close 17.09, ucl 20.64: the 18s are close, the 11 between them is not.
    r = fixed([18, 11, 18, 8])
    assert r.signals == {**NO_SIGNALS, "two_in_three": [12, 14]}
    assert r.labels[13] is None
    assert (r.labels[12], r.sides[12]) == (Rule.TWO_IN_THREE, Side.HIGH)


def test_two_in_three_needs_all_three_on_one_side():
    assert fixed([18, 9, 18, 8]).signals["two_in_three"] == []  # 9 is below the mean
    assert fixed([18, 10, 18, 8]).signals["two_in_three"] == []  # 10 is on the mean


def test_two_in_three_below():
    assert fixed([2, 9, 2, 12]).signals["two_in_three"] == [12, 14]


def test_two_in_three_adjacent_close_points():
    assert fixed([11, 18, 18, 8]).signals["two_in_three"] == [13, 14]


def test_a_point_outside_the_limits_is_not_close():
    r = fixed([21, 18, 11, 8])
    assert r.signals["outside_limits"] == [12]
    assert r.signals["two_in_three"] == []  # only one close point in any window


def test_close_is_strictly_beyond_the_two_sigma_line():
    line = 10 + 2 * (2.66 / 3) * 4  # 17.0933...
    assert fixed([line, line, 11, 8]).signals["two_in_three"] == []
    assert fixed([line + 0.001, line + 0.001, 11, 8]).signals["two_in_three"] == [12, 13]


# --- label precedence --------------------------------------------------------------------------


def test_outside_limits_beats_shift():
    r = fixed([11, 11, 11, 11, 11, 11, 21, 8])
    assert r.signals["shift"] == list(range(12, 19))
    assert r.signals["outside_limits"] == [18]
    assert r.labels[18] is Rule.OUTSIDE_LIMITS
    assert r.labels[12:18] == (Rule.SHIFT,) * 6


def test_outside_limits_beats_trend_beats_shift():
    r = fixed([11, 13, 15, 17, 19, 21, 23])
    assert r.signals["trend"] == list(range(11, 19))  # from the 8 at index 11
    assert r.signals["shift"] == list(range(12, 19))
    assert r.signals["outside_limits"] == [17, 18]
    assert r.signals["two_in_three"] == []  # 19 is close, 17 is not, 21 is outside
    assert r.labels[11:17] == (Rule.TREND,) * 6
    assert r.labels[17:19] == (Rule.OUTSIDE_LIMITS,) * 2


def test_two_in_three_beats_shift():
    r = fixed([11, 11, 11, 18, 11, 18, 11, 8])
    assert r.signals["shift"] == list(range(12, 19))
    assert r.signals["two_in_three"] == [15, 17]
    assert [r.labels[i] for i in range(12, 19)] == [
        Rule.SHIFT,
        Rule.SHIFT,
        Rule.SHIFT,
        Rule.TWO_IN_THREE,
        Rule.SHIFT,
        Rule.TWO_IN_THREE,
        Rule.SHIFT,
    ]


def test_trend_beats_two_in_three():
    # 8 (index 11) 9 10 11 12 13 18 19: up for eight points; 18 and 19 are close.
    r = fixed([9, 10, 11, 12, 13, 18, 19, 8])
    assert r.signals["trend"] == list(range(11, 19))
    assert r.signals["two_in_three"] == [17, 18]
    assert r.labels[17] is Rule.TREND


# --- screening ---------------------------------------------------------------------------------


def test_screening_drops_large_moving_ranges_and_recomputes():
    values = [10, 11, 10, 11, 10, 30, 10, 11, 10, 11]
    plain = xmr(values)
    assert plain.mr_bar == pytest.approx(47 / 9)  # seven 1s and two 20s
    assert plain.screened_out == ()
    screened = xmr(values, screen_outliers=True)
    assert screened.screened_out == (5, 6)  # 20 >= 3.267 * 5.22 = 17.06
    assert screened.mr_bar == 1
    assert screened.mean == plain.mean
    assert plain.mean is not None
    assert screened.ucl == pytest.approx(plain.mean + 2.66)
    assert screened.signals["outside_limits"] == [5]
    assert plain.signals["outside_limits"] == [5]


def test_screening_drops_a_moving_range_equal_to_the_cut():
    # Moving ranges 1.733 x 4 and 13.068: mr_bar 4, and 3.267 * 4 = 13.068 exactly.
    values = [0, 1.733, 0, 1.733, 0, 13.068]
    assert xmr(values).mr_bar == pytest.approx(4)
    r = xmr(values, screen_outliers=True)
    assert r.screened_out == (5,)
    assert r.mr_bar == pytest.approx(1.733)


def test_screening_is_off_by_default():
    values = [10, 11, 10, 11, 10, 30, 10, 11, 10, 11]
    assert xmr(values) == xmr(values, screen_outliers=False)


# --- Run charts --------------------------------------------------------------------------------


def test_runs_and_crossings_by_hand():
    # Median 3 (index 2 is on it and not useful): - - + + -> two runs, one crossing.
    r = run_chart([1, 2, 3, 4, 5])
    assert r.median == 3
    assert (r.n_useful, r.runs, r.crossings, r.longest_run) == (4, 2, 1, 2)


def test_points_on_the_median_are_dropped_and_do_not_break_a_run():
    # Sorted: 1 x6, 5 x3, 9 x6: the median is 5 and the three 5s are not useful.
    values = [9, 9, 9, 5, 9, 9, 9, 1, 1, 1, 1, 1, 1, 5, 5]
    r = run_chart(values)
    assert r.median == 5
    assert r.n_useful == 12
    assert (r.runs, r.crossings, r.longest_run) == (2, 1, 6)
    assert (r.longest_run_max, r.crossings_min) == (7, 3)
    assert not r.long_run_signal
    assert r.few_crossings_signal  # 1 < 3
    # IHI shift: six useful points on each side; the 5 at index 3 is neither counted nor flagged.
    assert r.shift_points == [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]


def test_ihi_shift_needs_six():
    r = run_chart([9, 9, 9, 9, 9, 1, 1, 1, 1, 1, 5])
    assert r.median == 5
    assert r.shift_points == []  # five and five


def test_long_run_signal():
    # 20 points, median (3 + 4) / 2: eight 1s below, four alternations, eight above.
    values = [1] * 8 + [20, 2, 20, 3, 20, 4, 20, 5, 20, 20, 20, 20]
    r = run_chart(values)
    assert r.median == 3.5
    assert r.n_useful == 20
    assert (r.runs, r.longest_run) == (6, 8)
    assert r.longest_run_max == 7
    assert r.long_run_signal


@pytest.mark.parametrize(
    ("n", "expected"), [(10, (6, 2)), (12, (7, 3)), (20, (7, 6)), (24, (8, 8)), (40, (8, 14))]
)
def test_anhoej_spot_values(n, expected):
    assert (longest_run_max(n), crossings_min(n)) == expected
    # The same through run_chart: 0..n-1 has no point on its median when n is even.
    r = run_chart(list(range(n)))
    assert r.n_useful == n
    assert (r.longest_run_max, r.crossings_min) == expected


def test_anhoej_limits_use_the_useful_points():
    r = run_chart(list(range(11)))  # 5 is the median and not useful: 10 useful points
    assert r.n_useful == 10
    assert (r.longest_run_max, r.crossings_min) == (6, 2)


def _qbinom_05(n_useful: int) -> int:
    """R's qbinom(0.05, n - 1, 0.5), by exact fractions."""
    trials = n_useful - 1
    cumulative = Fraction(0)
    for k in range(trials + 1):
        cumulative += Fraction(math.comb(trials, k), 2**trials)
        if cumulative >= Fraction(1, 20):
            return k
    raise AssertionError


def test_crossings_min_is_qbinom_for_every_n():
    for n in range(1, 301):
        assert crossings_min(n) == _qbinom_05(n), n
    assert crossings_min(0) is None
    assert longest_run_max(0) is None
    assert longest_run_max(1) == 3


def test_ihi_trend_of_five():
    assert run_chart([5, 1, 2, 3, 4, 5, 3]).trend_points == [1, 2, 3, 4, 5]
    assert run_chart([5, 1, 2, 3, 4, 3]).trend_points == []  # four points
    assert run_chart([1, 9, 8, 7, 6, 5, 6]).trend_points == [1, 2, 3, 4, 5]


def test_ihi_trend_equal_values_neither_count_nor_break():
    # 1 2 2 3 4 5: the second 2 is not counted or flagged; 1 2 3 4 5 is a trend of five.
    assert run_chart([1, 2, 2, 3, 4, 5]).trend_points == [0, 1, 3, 4, 5]
    # 1 2 2 3 4: only four points going up.
    assert run_chart([1, 2, 2, 3, 4]).trend_points == []
    # Equal values at the end of a trend are not flagged.
    assert run_chart([9, 8, 7, 6, 5, 5, 5]).trend_points == [0, 1, 2, 3, 4]


def test_ihi_trend_starts_at_the_last_of_the_equal_values_before_it():
    assert run_chart([5, 3, 3, 4, 5, 6, 7]).trend_points == [2, 3, 4, 5, 6]
    assert run_chart([3, 3, 3, 4, 5, 6, 7]).trend_points == [2, 3, 4, 5, 6]


def test_ihi_trend_turning_group():
    # Up 1..5 (the first 5 ends it), then down from the last 5.
    r = run_chart([1, 2, 3, 4, 5, 5, 4, 3, 2, 1])
    assert r.trend_points == list(range(10))
    assert [(p.side, p.indices) for p in r.patterns if p.rule == "trend"] == [
        (Side.HIGH, (0, 1, 2, 3, 4)),
        (Side.LOW, (5, 6, 7, 8, 9)),
    ]


def test_run_chart_labels_trend_over_shift():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    r = run_chart(values)
    assert r.trend_points == list(range(12))
    assert r.shift_points == list(range(12))
    assert set(r.labels) == {Rule.TREND}


# --- Classification, icons ---------------------------------------------------------------------

SHIFT_UP = [9, 1, 9, 1, 9, 1, 6, 6, 6, 6, 6, 6, 6]  # the last 7 points above the mean


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        (Direction.HIGHER_IS_BETTER, Variation.IMPROVEMENT_HIGH),
        (Direction.LOWER_IS_BETTER, Variation.CONCERN_HIGH),
        (Direction.NEUTRAL, Variation.NEUTRAL_HIGH),
    ],
)
def test_classification_by_direction(direction, expected):
    r = xmr(SHIFT_UP)
    assert r.signals["shift"] == list(range(6, 13))
    variations = classify(r, direction)
    assert variations[:6] == (Variation.COMMON_CAUSE,) * 6
    assert variations[6:] == (expected,) * 7
    icon = variation_icon(variations)
    assert icon is not None
    assert icon.code == expected.value
    assert icon.colour == expected.colour
    assert icon.label  # never colour alone
    assert icon.symbol == "H"


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        (Direction.HIGHER_IS_BETTER, Variation.CONCERN_LOW),
        (Direction.LOWER_IS_BETTER, Variation.IMPROVEMENT_LOW),
        (Direction.NEUTRAL, Variation.NEUTRAL_LOW),
    ],
)
def test_classification_low_side(direction, expected):
    r = xmr([-v for v in SHIFT_UP])
    assert classify(r, direction)[6:] == (expected,) * 7
    assert classify(r, direction.value)[12] is expected  # the model's strings work too


def test_colours_and_labels():
    assert Variation.COMMON_CAUSE.colour == "#a6a6a6"
    assert Variation.IMPROVEMENT_LOW.colour == "#00b0f0"
    assert Variation.CONCERN_HIGH.colour == "#e46c0a"
    assert Variation.NEUTRAL_LOW.colour == "#490092"
    for variation in Variation:
        assert variation.label
        assert variation.description
    for value in Assurance:
        icon = assurance_icon(value)
        assert icon is not None
        assert icon.label
        assert icon.description
        assert icon.symbol


def test_variation_icon_is_decided_by_the_most_recent_point():
    r = xmr([*SHIFT_UP, 1])
    variations = classify(r, "higher")
    assert variations[6] is Variation.IMPROVEMENT_HIGH
    icon = variation_icon(variations)
    assert icon is not None
    assert icon.code == "common_cause"
    assert icon.colour == "#a6a6a6"
    assert icon.label == "Common cause variation"
    assert variation_icon(()) is None


# Limits of [1, 2, 3, 4, 5]: ucl 5.66, lcl 0.34.
@pytest.mark.parametrize(
    ("direction", "target", "expected"),
    [
        ("higher", 6, Assurance.CONSISTENTLY_FAIL),
        ("higher", 0, Assurance.CONSISTENTLY_PASS),
        ("higher", 3, Assurance.HIT_AND_MISS),
        ("lower", 6, Assurance.CONSISTENTLY_PASS),
        ("lower", 0, Assurance.CONSISTENTLY_FAIL),
        ("lower", 3, Assurance.HIT_AND_MISS),
        ("higher", 5.66, Assurance.HIT_AND_MISS),  # on the limit is not above it
        ("lower", 0.34, Assurance.HIT_AND_MISS),
        ("neutral", 6, None),
        ("higher", None, None),
        ("lower", None, None),
    ],
)
def test_assurance(direction, target, expected):
    assert assurance(xmr([1, 2, 3, 4, 5]), direction, target) is expected
    icon = assurance_icon(expected)
    if expected is None:
        assert icon is None
    else:
        assert icon is not None
        assert icon.code == expected.value
        assert icon.label


def test_assurance_needs_limits():
    assert assurance(xmr([4]), "higher", 3) is None


def test_assurance_colours():
    pass_icon = assurance_icon(Assurance.CONSISTENTLY_PASS)
    fail_icon = assurance_icon(Assurance.CONSISTENTLY_FAIL)
    hit_icon = assurance_icon(Assurance.HIT_AND_MISS)
    assert pass_icon is not None
    assert fail_icon is not None
    assert hit_icon is not None
    assert (pass_icon.colour, fail_icon.colour, hit_icon.colour) == (
        "#00b0f0",
        "#e46c0a",
        "#a6a6a6",
    )


# --- analyse: phases, trial and fixed limits ---------------------------------------------------


def test_trial_limits_under_twelve_points():
    eleven = analyse(list(range(11)), direction="higher")
    assert eleven.trial_limits
    assert eleven.phases[0].trial_limits
    assert any("trial limits" in text for text in eleven.summary)
    assert "trial limits" in eleven.phases[0].explanations[0]
    twelve = analyse(list(range(12)), direction="higher")
    assert not twelve.trial_limits
    assert not any("trial" in text for text in twelve.summary)
    # Run charts have no limits.
    assert not analyse(list(range(5)), direction="higher", chart="run").trial_limits


def test_fixed_limits_after_n():
    values = BASE + [11] * 7
    a = analyse(values, direction="higher", fix_limits_after=12)
    phase = a.phases[0]
    assert phase.fixed_on == 12
    assert not phase.trial_limits
    assert phase.xmr is not None
    assert (phase.centre, phase.xmr.mr_bar) == (10, 4)  # from the first 12 points only
    assert phase.ucl == pytest.approx(20.64)
    assert phase.xmr.signals["shift"] == list(range(12, 19))
    assert [p.variation for p in a.points[12:]] == [Variation.IMPROVEMENT_HIGH] * 7
    assert any("fixed on the first 12 points" in t for t in phase.explanations)
    assert phase.xmr == xmr_fixed(values, 12)
    # Not fixed, the mean includes the 11s.
    assert analyse(values, direction="higher").phases[0].centre == pytest.approx(197 / 19)


def test_fixed_limits_wait_for_n_points():
    a = analyse(BASE[:10], direction="higher", fix_limits_after=12)
    assert a.phases[0].fixed_on is None
    assert a.phases[0].trial_limits
    assert a.phases[0].xmr == xmr(BASE[:10])


def test_fixed_limits_need_twelve_points():
    with pytest.raises(ValueError, match="12"):
        analyse(BASE, direction="higher", fix_limits_after=11)


def test_phases_are_analysed_separately():
    before = [10, 12, 11, 9, 10, 12, 11, 9, 10, 12, 11, 9]
    after = [20, 22, 21, 19, 20, 22, 21, 19, 20, 22, 21, 19]
    values = before + after
    whole = analyse(values, direction="higher")
    assert whole.phases[0].xmr.signals["shift"] == list(range(24))
    a = analyse(values, direction="higher", phase_starts=[12])
    assert len(a.phases) == 2
    first, second = a.phases
    assert (first.start, first.stop, second.start, second.stop) == (0, 12, 12, 24)
    assert first.xmr == xmr(before)
    assert second.xmr == xmr(after)
    assert (first.centre, second.centre) == (10.5, 20.5)
    assert a.signals == ()
    assert [p.phase for p in a.points] == [0] * 12 + [1] * 12
    assert all(p.variation is Variation.COMMON_CAUSE for p in a.points)
    # Icons come from the current phase.
    assert a.variation_icon is not None
    assert a.variation_icon.code == "common_cause"


def test_signal_indices_point_into_the_whole_series():
    a = analyse([5, 5, *SHIFT_UP], direction="higher", phase_starts=[2])
    (signal,) = a.signals
    assert signal.rule == "shift"
    assert signal.phase == 1
    assert signal.indices == tuple(range(8, 15))
    assert signal.variation is Variation.IMPROVEMENT_HIGH


def test_phase_starts_are_validated():
    for starts in ([0], [5, 3], [4, 4], [-1]):
        with pytest.raises(ValueError, match="phase starts"):
            analyse(list(range(10)), direction="higher", phase_starts=starts)


def test_a_phase_beyond_the_data_is_empty():
    a = analyse(list(range(5)), direction="higher", phase_starts=[10])
    assert [(p.start, p.stop, p.indices) for p in a.phases] == [
        (0, 5, (0, 1, 2, 3, 4)),
        (5, 5, ()),
    ]
    assert a.assurance is None
    assert a.variation_icon is not None  # still the most recent point


def test_excluded_points_are_kept_but_not_analysed():
    values = [*SHIFT_UP[:9], 100, *SHIFT_UP[9:]]
    a = analyse(values, direction="higher", excluded={9})
    assert a.points[9].excluded
    assert a.points[9].variation is None
    assert a.points[9].text == "Excluded"
    assert a.phases[0].xmr == xmr(SHIFT_UP)
    assert a.phases[0].indices == (*range(9), *range(10, 14))
    (signal,) = a.signals
    assert signal.indices == (6, 7, 8, 10, 11, 12, 13)


def test_run_chart_analysis():
    values = [9, 9, 9, 5, 9, 9, 9, 1, 1, 1, 1, 1, 1, 5, 5]
    a = analyse(values, direction="lower", chart=ChartType.RUN)
    phase = a.phases[0]
    assert phase.run == run_chart(values)
    assert phase.xmr is None
    assert phase.centre == 5
    assert a.assurance is None  # no limits on a run chart
    assert a.points[0].variation is Variation.CONCERN_HIGH
    assert a.points[3].variation is Variation.COMMON_CAUSE  # on the median
    assert a.points[7].variation is Variation.IMPROVEMENT_LOW
    assert any("crosses the median once" in t for t in phase.explanations)


def test_direction_and_chart_are_validated():
    with pytest.raises(ValueError, match="sideways"):
        analyse([1, 2], direction="sideways")
    with pytest.raises(ValueError, match="pie"):
        analyse([1, 2], direction="higher", chart="pie")


# --- Explanations ------------------------------------------------------------------------------


def test_explanation_of_a_shift_at_the_end():
    a = analyse(SHIFT_UP, direction="higher")
    assert a.phases[0].explanations[-1] == (
        "The last 7 points are all above the average: this is a signal of improvement."
    )


def test_explanations_name_periods():
    labels = [f"week {i + 1}" for i in range(len(SHIFT_UP) + 1)]
    a = analyse([*SHIFT_UP, 1], direction="lower", period_labels=labels)
    assert a.phases[0].explanations[-1] == (
        "The 7 points from week 7 to week 13 are all above the average: this is a signal of"
        " concern."
    )


def test_explanations_of_each_rule():
    tail = [11, 13, 15, 17, 19, 21, 23]
    a = analyse(BASE + tail, direction="neutral", fix_limits_after=12)
    texts = a.phases[0].explanations
    assert "Points 18 and 19 are above the upper process limit: this is a special cause" in (
        " ".join(texts)
    )
    assert (
        "The last 8 points each went up from the one before: this is a special cause (this"
        " measure has no better direction)." in texts
    )
    b = analyse([*BASE, 18, 11, 18, 8], direction="higher", fix_limits_after=12)
    assert (
        "Points 13 and 15 are close to the upper process limit (two out of three points in a"
        " row): this is a signal of improvement." in b.phases[0].explanations
    )


def test_common_cause_explanation():
    a = analyse(BASE, direction="higher")
    assert a.phases[0].explanations == (
        "No special cause: the points vary within the process limits with no unusual pattern"
        " (common cause variation).",
    )


def test_point_text_names_the_rule():
    a = analyse(SHIFT_UP, direction="higher")
    assert a.points[12].text == (
        "Improvement (higher values): part of a run on one side of the centre line"
    )
    assert a.points[0].text == "Common cause variation"
    assert a.points[12].colour == "#00b0f0"


# --- Evidence helpers --------------------------------------------------------------------------


def test_improvement_signal_evidence():
    a = analyse([*SHIFT_UP, 1], direction="higher", target=6)
    (signal,) = improvement_signals(a)
    assert (signal.rule, signal.indices) == ("shift", tuple(range(6, 13)))
    evidence = sustained_at_target(a, 5)
    assert evidence is not None
    assert evidence.signal == signal
    assert evidence.indices == (6, 7, 8, 9, 10)
    assert sustained_at_target(a, 7) is not None
    assert sustained_at_target(a, 8) is None  # the 1 at the end breaks the run
    # No improvement for lower-is-better (that shift is a concern), so no evidence.
    worse = analyse([*SHIFT_UP, 1], direction="lower", target=6)
    assert improvement_signals(worse) == ()
    assert sustained_at_target(worse, 3) is None
    assert sustained_at_target(analyse(SHIFT_UP, direction="higher"), 3) is None  # no target


def test_consecutive_at_target():
    values = [5, 7, 8, 4, 7, 7, 9, 3]
    assert consecutive_at_target(values, target=7, direction="higher", k=3) == (4, 5, 6)
    assert consecutive_at_target(values, target=7, direction="higher", k=2) == (1, 2)
    assert consecutive_at_target(values, target=7, direction="higher", k=2, start=2) == (4, 5)
    assert consecutive_at_target(values, target=5, direction="lower", k=1) == (0,)
    assert consecutive_at_target(values, target=4, direction="lower", k=2) is None
    assert consecutive_at_target(values, target=4, direction="neutral", k=1) is None


# --- Results -----------------------------------------------------------------------------------


def test_results_are_frozen_and_json_serialisable():
    r = xmr(SHIFT_UP)
    rc = run_chart(SHIFT_UP)
    a = analyse(SHIFT_UP, direction="higher", target=5, phase_starts=[3])
    for result in (r, rc, a):
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.n = 3
        data = result.to_dict()
        assert json.loads(json.dumps(data)) == data
        json.dumps(dataclasses.asdict(result))  # enums are str: plain asdict works too
    data = r.to_dict()
    assert data["signals"]["shift"] == list(range(6, 13))
    assert data["labels"][6] == "shift"
    assert data["patterns"][0] == {"rule": "shift", "side": "high", "indices": list(range(6, 13))}
    assert a.to_dict()["points"][12]["variation"] == "improvement_high"


def test_the_engine_imports_no_django_or_numpy():
    import ast
    from pathlib import Path

    root = Path(spc.__file__).parent
    allowed = {"__future__", "math", "statistics", "dataclasses", "enum", "collections", "typing"}
    allowed |= {"itertools", "operator", "measurement"}
    for name in ("spc.py", "spc_rules.py", "spc_text.py"):
        tree = ast.parse((root / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] in allowed, (name, module)


def test_explanations_of_runs_with_gaps():
    # Run chart: the 5 at index 3 is on the median, so the shift's 6 points span 7.
    values = [9, 9, 9, 5, 9, 9, 9, 1, 1, 1, 1, 1, 1, 5, 5]
    texts = analyse(values, direction="higher", chart="run").phases[0].explanations
    assert (
        "6 of the 7 points from point 1 to point 7 are above the median (the other one is on"
        " the median or left out of the analysis): this is a signal of improvement." in texts
    )
    # IHI trend with a repeated value.
    texts = analyse([4, 1, 2, 2, 3, 4, 5], direction="lower", chart="run").phases[0].explanations
    assert (
        "The last 6 points kept going up (5 points: a repeated value, or one left out, neither"
        " counts nor breaks a trend): this is a signal of concern." in texts
    )
    # XmR: a point left out of the analysis inside a shift.
    a = analyse([*SHIFT_UP[:9], 100, *SHIFT_UP[9:]], direction="higher", excluded=[9])
    assert a.phases[0].explanations[-1] == (
        "7 of the last 8 points are above the average (the other one is on the average or left"
        " out of the analysis): this is a signal of improvement."
    )
