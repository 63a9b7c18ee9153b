"""Every automatic evidence check on events that meet it and events that miss it."""

from __future__ import annotations

import pytest

from accreditation import evidence, selectors
from accreditation.models import CriteriaVersion, Criterion
from coproduction.models import InvolvementActivity
from programmes.models import Criterion as FourCriterion
from programmes.models import Stage
from tests.accreditation import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return CriteriaVersion.objects.get(number=1)


def results_for(event, version, submission=None):
    ev = evidence.event_evidence(event=event, submission=submission)
    return {r.code: r for r in evidence.run_checks(criteria=version.criteria.all(), evidence=ev)}


def test_version_1_is_seeded_with_c1_to_c9_and_thresholds(version):
    codes = list(version.criteria.values_list("code", flat=True))
    assert codes == [f"C{n}" for n in range(1, 10)]
    assert version.is_published
    c6 = version.criteria.get(code="C6")
    assert c6.thresholds["consecutive_periods_at_target"] == 6
    assert version.criteria.get(code="C7").thresholds == {"minimum_pdsa_cycles": 3}


def test_ready_event_meets_c1_to_c8(organisation, editor, sponsor, version):
    event = b.ready_event(organisation, editor, sponsor)
    results = results_for(event, version)
    for code in [f"C{n}" for n in range(1, 9)]:
        assert results[code].judgement == "met", (code, results[code].facts)
    assert results["C9"].judgement == "partly_met"  # impacts, but no case study attached yet
    assert any(
        "improvement signal" in f.lower() or "shift" in f.lower() for f in results["C5"].facts
    )


def test_bare_event_meets_nothing(organisation, editor, version):
    event = b.make_event(organisation, editor, None, oversight_group="")
    results = results_for(event, version)
    assert {code: r.judgement for code, r in results.items()} == {
        f"C{n}": "not_met" for n in range(1, 10)
    }
    assert "No executive sponsor" in " ".join(results["C3"].facts)


def test_c1_partly_met_with_some_criteria_and_no_sign_off(organisation, editor, sponsor, version):
    event = b.make_event(organisation, editor, sponsor)
    b.confirm_four_criteria(event, editor, kinds=[FourCriterion.Kind.IMPORTANT])
    result = results_for(event, version)["C1"]
    assert result.judgement == "partly_met"
    assert "1 of the four criteria confirmed" in result.facts[0]
    assert "Not yet confirmed: Evidence-based, Measurable" in result.facts[1]


def test_c2_partly_met_below_co_design_or_with_a_stage_missed(
    organisation, editor, sponsor, version
):
    low = b.make_event(organisation, editor, sponsor, title="Low rung")
    b.coproduce(low, editor, rung=InvolvementActivity.Rung.CONSULTATION)
    assert results_for(low, version)["C2"].judgement == "partly_met"
    gap = b.make_event(organisation, editor, sponsor, title="Missed a stage")
    b.coproduce(gap, editor, stages=[Stage.CO_DESIGNING, Stage.TESTING])
    result = results_for(gap, version)["C2"]
    assert result.judgement == "partly_met"
    assert any("No partners took part in: Discovering" in f for f in result.facts)


def test_c2_threshold_is_a_setting_not_code(organisation, editor, sponsor, version):
    event = b.make_event(organisation, editor, sponsor)
    b.coproduce(event, editor, rung=InvolvementActivity.Rung.CONSULTATION)
    c2 = version.criteria.get(code="C2")
    c2.thresholds = {"minimum_rung": 4}
    ev = evidence.event_evidence(event=event)
    assert evidence.run_checks(criteria=[c2], evidence=ev)[0].judgement == "met"


def test_c3_partly_met_without_oversight_group(organisation, editor, sponsor, version):
    event = b.make_event(organisation, editor, sponsor, oversight_group="")
    result = results_for(event, version)["C3"]
    assert result.judgement == "partly_met"
    assert "No oversight group is named on the event." in result.facts


def test_c4_partly_met_without_a_balancing_measure(organisation, editor, sponsor, version):
    event = b.make_event(organisation, editor, sponsor)
    b.make_measure(event, "Told the plan", "process")
    b.make_measure(event, "Felt involved", "outcome")
    result = results_for(event, version)["C4"]
    assert result.judgement == "partly_met"
    assert "No balancing measure yet." in result.facts


def test_c5_and_c6_not_met_without_a_signal(organisation, editor, sponsor, version):
    event = b.make_event(organisation, editor, sponsor)
    b.measure_all_types(event, improved=False)
    results = results_for(event, version)
    assert results["C5"].judgement == "not_met"
    assert results["C6"].judgement == "not_met"


def test_c5_partly_met_without_annotated_changes(organisation, editor, sponsor, version):
    event = b.make_event(organisation, editor, sponsor)
    b.measure_all_types(event)  # a signal, but no PDSA cycle or phase marks the change
    result = results_for(event, version)["C5"]
    assert result.judgement == "partly_met"
    assert "0 changes annotated" in " ".join(result.facts)


def test_c6_partly_met_with_a_concern_on_a_balancing_measure(
    organisation, editor, sponsor, version
):
    event = b.make_event(organisation, editor, sponsor)
    b.measure_all_types(event, balancing_concern=True)
    result = results_for(event, version)["C6"]
    assert result.judgement == "partly_met"
    assert any("Concern signal on balancing measure" in f for f in result.facts)


def test_c6_not_met_when_the_run_at_target_is_too_short(organisation, editor, sponsor, version):
    event = b.make_event(organisation, editor, sponsor)
    b.make_measure(
        event, "Told the plan", "process", values=[*b.BASELINE, 86, 88, 90, 70, 91, 89], target=80
    )
    b.make_measure(event, "Round time", "balancing", values=[20] * 18, direction="lower")
    c6 = version.criteria.get(code="C6")
    result = results_for(event, version)["C6"]
    assert result.judgement in {"partly_met", "not_met"}
    c6.thresholds = {"consecutive_periods_at_target": 2, "no_balancing_concern": True}
    ev = evidence.event_evidence(event=event)
    assert evidence.run_checks(criteria=[c6], evidence=ev)[0].judgement == "met"


def test_c7_needs_three_complete_cycles(organisation, editor, sponsor, version):
    event = b.make_event(organisation, editor, sponsor)
    b.run_pdsa_cycles(event, editor, cycles=2)
    result = results_for(event, version)["C7"]
    assert result.judgement == "partly_met"
    assert result.facts[0].startswith("2 of 2 PDSA cycles")
    other = b.make_event(organisation, editor, sponsor, title="Planned only")
    b.run_pdsa_cycles(other, editor, cycles=3, complete=False)
    assert results_for(other, version)["C7"].judgement == "partly_met"
    b.run_pdsa_cycles(event, editor, cycles=1)
    assert results_for(event, version)["C7"].judgement == "met"


def test_c8_partly_met_without_spread_targets(organisation, editor, sponsor, version):
    event = b.make_event(organisation, editor, sponsor)
    b.plan_to_sustain(event, editor, spread="")
    result = results_for(event, version)["C8"]
    assert result.judgement == "partly_met"
    assert "where it could spread" in result.facts[0]


def test_c9_met_with_a_case_study_attached(organisation, editor, sponsor, version):
    from accreditation import services

    event = b.make_event(organisation, editor, sponsor)
    b.record_impact(event, editor)
    submission = services.submission_create(event=event, by=editor)
    assert results_for(event, version, submission)["C9"].judgement == "partly_met"
    services.evidence_add_record(
        submission=submission,
        title="Our case study",
        record_type="event",
        record_id=event.pk,
        criterion=version.criteria.get(code="C9"),
        by=editor,
    )
    assert results_for(event, version, submission)["C9"].judgement == "met"


def test_a_criterion_without_a_check_is_left_to_reviewers(version):
    extra = Criterion(version=version, code="C10", title="Something else", check_key="")
    result = evidence.run_checks(criteria=[extra], evidence=None)[0]
    assert result.judgement == ""
    assert result.label == "No automatic check"


def test_readiness_queries_do_not_grow_with_cycles_partners_or_points(
    organisation, editor, sponsor, django_assert_max_num_queries
):
    event = b.ready_event(organisation, editor, sponsor)
    with django_assert_max_num_queries(40) as before:
        selectors.event_readiness(event=event)
    b.run_pdsa_cycles(event, editor, cycles=4)
    b.coproduce(event, editor)
    b.record_impact(event, editor)
    with django_assert_max_num_queries(len(before.captured_queries)):
        selectors.event_readiness(event=event)
