"""What a chart says: the suggested recalculation, one headline and the icons from one reading
(issue 15; measurement.md, section 2, "Suggesting a recalculation"). Pure: no database."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from measurement import reading, spc

LABELS = [f"w{i}" for i in range(200)]


def told_the_plan(phase_starts=(), seed=1):
    """The issue's ward: 8 weeks near 50%, then 8 near 90% after a change; target 90%."""
    rng = random.Random(seed)
    values = [50 + rng.uniform(-3, 3) for _ in range(8)] + [
        90 + rng.uniform(-3, 3) for _ in range(8)
    ]
    analysis = spc.analyse(
        values, direction="higher", target=90, phase_starts=phase_starts, period_labels=LABELS[:16]
    )
    return analysis, LABELS[:16]


def test_a_changed_process_is_suggested_for_recalculation_never_called_failing():
    analysis, labels = told_the_plan()
    assert analysis.assurance == spc.Assurance.CONSISTENTLY_FAIL  # what the engine says, unchanged
    read = reading.read(analysis, labels, unit="%")
    assert read.suggestion is not None
    assert (read.suggestion.start, read.suggestion.stop, read.suggestion.points) == (8, 15, 8)
    assert read.suggestion.side == "above" and read.suggestion.nature == "improvement"
    assert read.assurance_icon is reading.NOT_ASSESSED and read.not_assessed
    assert read.assurance_icon.label == (
        "Not assessed: the process has changed since the limits were set"
    )
    assert read.headline.startswith("Getting better since w8; now around 89.5")
    assert "at the target of 90%" in read.headline
    assert "will not meet" not in read.headline and "failing" not in read.headline.lower()


def test_after_the_recalculation_the_new_phase_is_assessed():
    analysis, labels = told_the_plan(phase_starts=[8])
    read = reading.read(analysis, labels, unit="%")
    assert read.suggestion is None
    assert read.assurance_icon is not None
    assert read.assurance_icon.code == analysis.assurance.value == "hit_and_miss"
    assert read.headline.startswith("No sign of change since w8; now around 89.5")
    assert "sometimes meeting the target of 90%" in read.headline
    assert any("trial limits" in note for note in read.notes)


def test_declining_silences_that_run_only():
    analysis, labels = told_the_plan()
    kept = reading.read(analysis, labels, unit="%", kept_from=8)
    assert kept.suggestion is None
    assert kept.assurance_icon is analysis.assurance_icon  # the team chose to keep the limits
    other = reading.read(analysis, labels, unit="%", kept_from=3)
    assert other.suggestion is not None and other.not_assessed


def test_a_run_too_short_or_not_at_the_end_is_not_suggested():
    rng = random.Random(3)
    base = [50 + rng.uniform(-3, 3) for _ in range(10)]
    six_high = spc.analyse(base + [70] * 6, direction="higher", target=90)
    assert reading.suggestion_of(six_high, LABELS) is None
    back_down = spc.analyse(
        base + [70 + rng.uniform(-1, 1) for _ in range(8)] + base[:4], direction="higher", target=90
    )
    assert reading.suggestion_of(back_down, LABELS) is None


def test_without_a_target_there_is_nothing_to_assess_but_the_change_is_still_suggested():
    rng = random.Random(1)
    values = [50 + rng.uniform(-3, 3) for _ in range(8)] + [
        90 + rng.uniform(-3, 3) for _ in range(8)
    ]
    read = reading.read(spc.analyse(values, direction="higher"), LABELS[:16])
    assert read.suggestion is not None and read.assurance_icon is None
    assert read.headline.startswith("Getting better since w8; now around 89.5")


def test_the_detail_is_grouped_by_rule_with_the_periods():
    analysis, labels = told_the_plan()
    read = reading.read(analysis, labels, unit="%")
    titles = [group.title for group in read.details]
    assert len(titles) == len(set(titles))  # one group a rule
    outside = next(g for g in read.details if g.title == "Outside the process limits")
    assert outside.items == ("w0 to w7 (below: worse)", "w8 to w15 (above: better)")


def test_no_data():
    assert reading.read(None, []).headline == "No data yet."


@pytest.mark.parametrize(
    ("value", "text"), [(90.0, "90"), (87.84, "87.8"), (0.25, "0.25"), (1234.0, "1,234")]
)
def test_numbers_are_written_without_trailing_zeros(value, text):
    assert reading.number(value) == text


SERIES = st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=2, max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    values=SERIES,
    direction=st.sampled_from(["higher", "lower", "neutral"]),
    target=st.none() | st.floats(min_value=0, max_value=100, allow_nan=False),
    chart=st.sampled_from(["xmr", "run"]),
    split=st.floats(min_value=0, max_value=1),
)
def test_the_headline_and_the_icons_never_disagree(values, direction, target, chart, split):
    cut = int(len(values) * split)
    starts = [cut] if 0 < cut < len(values) else []
    labels = LABELS[: len(values)]
    analysis = spc.analyse(
        values, direction=direction, target=target, chart=chart, phase_starts=starts
    )
    read = reading.read(analysis, labels, unit="%")
    headline = read.headline
    nature = (
        spc.Variation(read.variation_icon.code).nature if read.variation_icon else "common_cause"
    )
    opens = {
        "common_cause": ("No sign of change",),
        "improvement": ("Getting better", "An unusually good result"),
        "concern": ("Getting worse", "An unusually poor result"),
        "neutral": ("Changed", "An unusual result"),
    }
    assert headline.startswith(opens[nature]), (nature, headline)
    code = read.assurance_icon.code if read.assurance_icon else None
    phrases = {
        "consistently_pass": "reliably meeting the target",
        "consistently_fail": "will not meet the target",
        "hit_and_miss": "sometimes meeting the target",
    }
    for icon_code, phrase in phrases.items():
        assert (phrase in headline) == (code == icon_code), (code, headline)
    # the suggestion and "not assessed" go together wherever there is an assurance to give
    if analysis.assurance_icon is not None:
        assert (read.suggestion is not None) == (code == "not_assessed")
    else:
        assert code is None
    assert headline.endswith(".") and "  " not in headline
