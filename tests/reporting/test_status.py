"""The sponsor status rule (`reporting.status`): pure, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alwaysevents.reporting.status import (
    EXPECTED_WEEKS_IN_STAGE,
    EventFacts,
    MeasureFacts,
    Status,
    event_status,
    sponsor_asks,
)

VARIATIONS = [
    None,
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
]
ASSURANCES = [None, "consistently_pass", "consistently_fail", "hit_and_miss", "not_assessed"]
STAGES = [
    "proposed",
    "set_up",
    "discovering",
    "co_designing",
    "testing",
    "implementing",
    "sustaining",
    "spreading",
    "paused",
    "closed",
]


def facts(**fields) -> EventFacts:
    base = {"stage": "testing", "stage_label": "Testing", "weeks_in_stage": 4}
    return EventFacts(**{**base, **fields})


def test_nothing_wrong_is_on_track_and_says_so():
    status = event_status(facts())
    assert status.status is Status.ON_TRACK
    assert status.label == "On track" and status.tag == "green"
    assert status.reasons == ("Nothing overdue",)


def test_a_challenge_asking_for_the_sponsor_needs_them():
    status = event_status(facts(sponsor_asks=("Senior-level support and visibility",)))
    assert status.status is Status.NEEDS_YOU and status.label == "Needs you"
    assert status.reason == "The team asks for your help: senior-level support and visibility"
    many = event_status(facts(sponsor_asks=("Staff time", "Estates")))
    assert many.reason == "The team has 2 requests for your help"


@pytest.mark.parametrize("code", ["concern_high", "concern_low"])
def test_concerning_variation_needs_the_sponsor(code):
    status = event_status(facts(measures=(MeasureFacts("Falls", variation=code),)))
    assert status.status is Status.NEEDS_YOU
    assert status.reason == "Concerning variation in Falls"


def test_consistently_failing_and_missing_the_target_needs_the_sponsor():
    failing = MeasureFacts("Told the plan", assurance="consistently_fail", at_target=False)
    status = event_status(facts(measures=(failing,)))
    assert status.status is Status.NEEDS_YOU
    assert status.reason == "Likely to keep missing the target: Told the plan"


def test_a_team_at_its_target_is_never_called_failing():
    # The latest figure meets the target (an improvement beyond the limits) while the limits
    # still say "consistently fail": the team is not failing.
    at = MeasureFacts(
        "Told the plan",
        variation="improvement_high",
        assurance="consistently_fail",
        at_target=True,
    )
    status = event_status(facts(measures=(at,)))
    assert status.status is Status.ON_TRACK
    assert not any("missing the target" in reason for reason in status.reasons)
    assert status.reason == "Improvement in Told the plan"


def test_a_falling_score_stalls_the_event_with_its_numbers():
    status = event_status(facts(score=Decimal("2.0"), previous_score=Decimal("3.0")))
    assert status.status is Status.STALLED and status.tag == "orange"
    assert status.reason == "Score fell from 3 to 2"
    half = event_status(facts(score=Decimal("2.5"), previous_score=Decimal("3.0")))
    assert half.reason == "Score fell from 3 to 2.5"


def test_overdue_figures_stall_the_event_naming_how_long():
    late = MeasureFacts("Falls", data_overdue=True, weeks_since_data=5)
    status = event_status(facts(measures=(late,)))
    assert status.status is Status.STALLED
    assert status.reason == "No new figures for 5 weeks"
    never = MeasureFacts("Falls", data_overdue=True)
    assert event_status(facts(measures=(never,))).reason == "No figures yet for Falls"
    one = MeasureFacts("Falls", data_overdue=True, weeks_since_data=1)
    assert event_status(facts(measures=(one,))).reason == "No new figures for 1 week"


def test_figures_not_yet_due_do_not_stall():
    recent = MeasureFacts("Falls", variation="common_cause", weeks_since_data=9)
    assert event_status(facts(measures=(recent,))).status is Status.ON_TRACK


def test_an_overdue_score_and_late_cycles_stall():
    assert event_status(facts(score_overdue=True)).reason == ("Score not reviewed for over 6 weeks")
    assert event_status(facts(pdsa_overdue=1)).reason == "A PDSA cycle has not started as planned"
    assert event_status(facts(pdsa_overdue=2)).reason == "2 PDSA cycles have not started as planned"


def test_long_in_a_stage_without_movement_stalls():
    status = event_status(facts(stage="discovering", stage_label="Discovering", weeks_in_stage=14))
    assert status.status is Status.STALLED
    assert status.reason == "In Discovering for 14 weeks (expected up to 12)"
    # At the expectation exactly: not yet.
    assert event_status(facts(stage="discovering", weeks_in_stage=12)).status is Status.ON_TRACK


def test_the_programmes_expectation_wins_over_ours():
    status = event_status(facts(weeks_in_stage=10, expected_weeks=8))
    assert status.reason == "In Testing for 10 weeks (expected up to 8)"
    assert event_status(facts(weeks_in_stage=30, expected_weeks=40)).status is Status.ON_TRACK


def test_long_in_a_stage_but_moving_is_on_track():
    improving = MeasureFacts("Falls", variation="improvement_low")
    assert event_status(facts(weeks_in_stage=60, measures=(improving,))).status is (Status.ON_TRACK)
    rising = facts(weeks_in_stage=60, score=Decimal("2.5"), previous_score=Decimal("2.0"))
    status = event_status(rising)
    assert status.status is Status.ON_TRACK
    assert status.reason == "Score rose from 2 to 2.5"


def test_stages_without_end_never_stall_on_age():
    for stage in ("sustaining", "spreading"):
        assert stage not in EXPECTED_WEEKS_IN_STAGE
        assert event_status(facts(stage=stage, weeks_in_stage=500)).status is Status.ON_TRACK


def test_paused_is_stalled_and_closed_is_on_track():
    assert event_status(facts(stage="paused")).reason == "Paused by the team"
    closed = event_status(facts(stage="closed", score_overdue=True, sponsor_asks=("Estates",)))
    assert closed.status is Status.ON_TRACK and closed.reasons == ("Closed",)


def test_needs_you_comes_first_and_keeps_the_other_reasons():
    status = event_status(
        facts(
            sponsor_asks=("Staff time",),
            score_overdue=True,
            measures=(MeasureFacts("Falls", variation="concern_high"),),
        )
    )
    assert status.status is Status.NEEDS_YOU
    assert status.reasons == (
        "The team asks for your help: staff time",
        "Concerning variation in Falls",
        "Score not reviewed for over 6 weeks",
    )
    assert status.more == 2


def test_several_measures_are_named_briefly():
    measures = tuple(MeasureFacts(f"M{n}", variation="concern_low") for n in range(3))
    assert event_status(facts(measures=measures)).reason == "Concerning variation in M0 and 2 more"


def test_what_the_event_asks_of_the_sponsor():
    assert sponsor_asks(event_status(facts()), []) == "Nothing this month"
    assert sponsor_asks(event_status(facts()), ["Staff time"]) == "Help with staff time"
    assert sponsor_asks(event_status(facts()), ["A", "B"]) == (
        "Help with 2 challenges the team has raised"
    )
    concern = event_status(facts(measures=(MeasureFacts("Falls", variation="concern_high"),)))
    assert sponsor_asks(concern, []) == "Talk to the team about this: concerning variation in Falls"
    stalled = event_status(facts(score_overdue=True))
    assert sponsor_asks(stalled, []) == (
        "Check in with the team: score not reviewed for over 6 weeks"
    )


measure_facts = st.builds(
    MeasureFacts,
    name=st.sampled_from(["Falls", "Told the plan", "Waits"]),
    variation=st.sampled_from(VARIATIONS),
    assurance=st.sampled_from(ASSURANCES),
    at_target=st.sampled_from([None, True, False]),
    data_overdue=st.booleans(),
    weeks_since_data=st.none() | st.integers(min_value=0, max_value=520),
)
scores = st.none() | st.sampled_from([Decimal(n) / 2 for n in range(0, 11)])


@given(
    stage=st.sampled_from(STAGES),
    weeks=st.integers(min_value=0, max_value=1000),
    expected=st.none() | st.integers(min_value=0, max_value=200),
    score=scores,
    previous=scores,
    score_overdue=st.booleans(),
    pdsa=st.integers(min_value=0, max_value=5),
    asks=st.lists(st.sampled_from(["Staff time", "Estates", "Senior-level support"]), max_size=3),
    measures=st.lists(measure_facts, max_size=4),
)
def test_every_combination_has_one_status_and_a_reason_that_fits(
    stage, weeks, expected, score, previous, score_overdue, pdsa, asks, measures
):
    f = EventFacts(
        stage=stage,
        stage_label=stage.title(),
        weeks_in_stage=weeks,
        expected_weeks=expected,
        score=score,
        previous_score=previous,
        score_overdue=score_overdue,
        pdsa_overdue=pdsa,
        sponsor_asks=tuple(asks),
        measures=tuple(measures),
    )
    status = event_status(f)
    assert status.reasons
    assert all(r[0].isupper() or r[0].isdigit() for r in status.reasons)
    assert status.label in {"On track", "Needs you", "Stalled"}
    if stage == "closed":
        assert status.status is Status.ON_TRACK
        return
    concern = any((m.variation or "").startswith("concern") for m in measures)
    failing = any(m.assurance == "consistently_fail" and m.at_target is not True for m in measures)
    needs = bool(asks) or concern or failing
    assert (status.status is Status.NEEDS_YOU) == needs
    late = score_overdue or pdsa > 0 or any(m.data_overdue for m in measures)
    fell = score is not None and previous is not None and score < previous
    if not needs and (late or fell or stage == "paused"):
        assert status.status is Status.STALLED
    if status.status is Status.ON_TRACK:
        assert not late and not fell and stage != "paused"
    # A team at its target is never called failing.
    for m in measures:
        if m.at_target is True:
            assert not any(m.name in r and "missing the target" in r for r in status.reasons) or (
                any(o.name == m.name and o.at_target is not True for o in measures)
            )
    asks_text = sponsor_asks(status, asks)
    assert asks_text
    if status.status is Status.ON_TRACK and not asks:
        assert asks_text == "Nothing this month"
