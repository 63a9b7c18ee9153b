"""The staff digest says an SPC signal in plain words, not as a list of every date."""

from __future__ import annotations

from alwaysevents.reporting.digest import _signal_words
from measurement import spc

LABELS = [f"{day} Nov 2026" for day in range(1, 21)]


def signal(rule, indices, side=spc.Side.HIGH):
    return spc.Signal(
        rule=rule,
        side=side,
        variation=spc.Variation.IMPROVEMENT_HIGH
        if side == spc.Side.HIGH
        else spc.Variation.IMPROVEMENT_LOW,
        indices=tuple(indices),
        phase=0,
        text="",
    )


def test_many_points_beyond_the_limit_are_counted_not_listed():
    words = _signal_words(signal("outside_limits", range(8, 20)), LABELS)
    assert words == "12 results from 9 Nov 2026 to 20 Nov 2026 were higher than the usual range."


def test_one_point_a_run_and_a_trend():
    assert _signal_words(signal("outside_limits", [3]), LABELS) == (
        "The result for 4 Nov 2026 was higher than the usual range."
    )
    assert _signal_words(signal("shift", range(0, 7), spc.Side.LOW), LABELS) == (
        "7 results in a row, from 1 Nov 2026 to 7 Nov 2026, were lower than the average."
    )
    assert "each improved on the one before" in _signal_words(signal("trend", range(6)), LABELS)
