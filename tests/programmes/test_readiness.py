"""The readiness registry and this app's own checks (programmes.readiness, programmes.checks)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from alwaysevents.tenancy.scope import organisation_scope
from programmes import readiness, selectors, services
from programmes.models import AlwaysEvent, Criterion, Stage, TeamMember
from programmes.readiness import action_for
from programmes.services import lifecycle
from tests.factories import AlwaysEventFactory, TeamMemberFactory, member_of

pytestmark = pytest.mark.django_db

S = Stage


def fresh(event: AlwaysEvent) -> AlwaysEvent:
    return AlwaysEvent.objects.with_scope(organisation=event.organisation_id).get(pk=event.pk)


def result(event: AlwaysEvent, stage: str, key: str) -> readiness.CheckResult:
    """Evaluate one check as the transition service does: afresh, inside the scope."""
    with organisation_scope(event.organisation):
        results = {r.key: r for r in readiness.evaluate(fresh(event), stage)}
    return results[key]


def programmes_keys(stage: str) -> set[str]:
    return {c.key for c in readiness.checks_for(stage) if c.app == "programmes"}


# --- the registry ---------------------------------------------------------------------------


def test_this_app_registers_its_checks_for_the_right_stages():
    assert programmes_keys(S.PROPOSED) == set()
    assert programmes_keys(S.SET_UP) == {"programmes.team_lead.set_up", "programmes.sponsor.set_up"}
    assert programmes_keys(S.DISCOVERING) == {
        "programmes.team_lead.discovering",
        "programmes.sponsor.discovering",
        "programmes.oversight_group",
        "programmes.protected_time",
        "programmes.qi_support",
        "programmes.staff_engagement",
        "programmes.qi_strategy",
        "programmes.position",
    }
    assert programmes_keys(S.CO_DESIGNING) == set()
    assert programmes_keys(S.TESTING) == {
        "programmes.vision",
        "programmes.vision_sign_off",
        "programmes.aim",
        "programmes.criteria",
    }
    assert programmes_keys(S.IMPLEMENTING) == set()
    assert programmes_keys(S.SUSTAINING) == {"programmes.sustain_plan"}
    assert programmes_keys(S.SPREADING) == {"programmes.spread_targets"}


def test_register_all_twice_is_harmless():
    from programmes import checks

    before = {key: (c.stage, c.label) for key, c in readiness._registry.items()}
    checks.register_all()
    after = {key: (c.stage, c.label) for key, c in readiness._registry.items()}
    assert after == before


def test_register_and_unregister():
    key = "tests.register_and_unregister"

    @readiness.register(stage=S.TESTING, key=key, label="Something else", app="measurement")
    def check(event):
        return True

    try:
        found = [c for c in readiness.checks_for(S.TESTING) if c.key == key]
        assert len(found) == 1
        assert (found[0].stage, found[0].label, found[0].app, found[0].func) == (
            S.TESTING,
            "Something else",
            "measurement",
            check,
        )
        assert key not in {c.key for c in readiness.checks_for(S.IMPLEMENTING)}
    finally:
        readiness.unregister(key)
    assert key not in {c.key for c in readiness.checks_for(S.TESTING)}
    readiness.unregister(key)  # unregistering what is not there is harmless


def test_registering_the_same_key_again_replaces_the_check():
    key = "tests.replace"
    try:
        readiness.register(stage=S.TESTING, key=key, label="First")(lambda event: True)
        readiness.register(stage=S.IMPLEMENTING, key=key, label="Second")(lambda event: False)
        assert key not in {c.key for c in readiness.checks_for(S.TESTING)}
        assert [c.label for c in readiness.checks_for(S.IMPLEMENTING) if c.key == key] == ["Second"]
    finally:
        readiness.unregister(key)


def test_registered_lasts_for_the_block_only():
    key = "tests.block"
    with readiness.registered(stage=S.TESTING, key=key, label="In the block", func=lambda e: True):
        assert key in {c.key for c in readiness.checks_for(S.TESTING)}
    assert key not in {c.key for c in readiness.checks_for(S.TESTING)}
    with (
        pytest.raises(RuntimeError),
        readiness.registered(stage=S.TESTING, key=key, label="x", func=lambda e: True),
    ):
        raise RuntimeError
    assert key not in {c.key for c in readiness.checks_for(S.TESTING)}


def test_registered_puts_back_the_check_it_replaced():
    key = "programmes.aim"
    original = readiness._registry[key]
    with readiness.registered(stage=S.TESTING, key=key, label="Stand-in", func=lambda e: True):
        assert readiness._registry[key].label == "Stand-in"
    assert readiness._registry[key] is original


def test_evaluate_runs_only_the_checks_of_that_stage(event):
    seen = []

    def check(e):
        seen.append(e.pk)
        return True

    with readiness.registered(stage=S.IMPLEMENTING, key="tests.only", label="x", func=check):
        with organisation_scope(event.organisation):
            readiness.evaluate(event, S.TESTING)
        assert seen == []
        with organisation_scope(event.organisation):
            readiness.evaluate(event, S.IMPLEMENTING)
        assert seen == [event.pk]


def test_a_check_from_another_app_blocks_a_transition_and_shows_its_detail(event, editor):
    def outcome_measure(e):
        return False, "No outcome measure yet: add one on the Measures page."

    with readiness.registered(
        stage=S.SET_UP,
        key="measurement.outcome_measure",
        label="At least one outcome measure",
        func=outcome_measure,
        app="measurement",
    ):
        with pytest.raises(lifecycle.TransitionBlocked) as info:
            services.event_transition(event=event, to_stage=S.SET_UP, by=editor)
        assert [(r.key, r.label, r.met, r.detail, r.app) for r in info.value.unmet] == [
            (
                "measurement.outcome_measure",
                "At least one outcome measure",
                False,
                "No outcome measure yet: add one on the Measures page.",
                "measurement",
            )
        ]
        assert "At least one outcome measure" in info.value.message
        shown = selectors.event_readiness(event=event)
        assert not shown.ready
        assert [(r.key, r.detail) for r in shown.unmet] == [
            (
                "measurement.outcome_measure",
                "No outcome measure yet: add one on the Measures page.",
            )
        ]
        # The team lead can still move on, giving a reason; the item is kept.
        transition = services.event_transition(
            event=event, to_stage=S.SET_UP, by=editor, override=True, reason="Measure next week."
        )
        assert transition.overridden == ["At least one outcome measure"]
    # Gone with the block: the event can move on without it.
    assert "measurement.outcome_measure" not in {
        r.key for r in selectors.event_readiness(event=fresh(event)).results
    }


def test_a_met_check_from_another_app_lets_the_transition_through(event, editor):
    with readiness.registered(
        stage=S.SET_UP,
        key="measurement.ok",
        label="Measures defined",
        func=lambda e: (True, "3 measures."),
        app="measurement",
    ):
        shown = selectors.event_readiness(event=event)
        assert ("measurement.ok", True, "3 measures.", "measurement") in {
            (r.key, r.met, r.detail, r.app) for r in shown.results
        }
        transition = services.event_transition(event=event, to_stage=S.SET_UP, by=editor)
    assert transition.overridden == []


@pytest.mark.parametrize(("answer", "met"), [(True, True), (False, False), (0, False), (1, True)])
def test_a_check_may_answer_with_a_bare_bool(event, editor, answer, met):
    with readiness.registered(
        stage=S.SET_UP, key="tests.bare", label="Bare answer", func=lambda e: answer
    ):
        with organisation_scope(event.organisation):
            [found] = [r for r in readiness.evaluate(event, S.SET_UP) if r.key == "tests.bare"]
        assert (found.met, found.detail, found.app) == (met, "", "tests")
        assert found.met is met
        if met:
            services.event_transition(event=event, to_stage=S.SET_UP, by=editor)
            assert fresh(event).stage == S.SET_UP
        else:
            with pytest.raises(lifecycle.TransitionBlocked) as info:
                services.event_transition(event=event, to_stage=S.SET_UP, by=editor)
            assert [r.key for r in info.value.unmet] == ["tests.bare"]


def test_checks_run_inside_the_events_organisation_scope(event, editor, other_organisation):
    """A check may use the default (scoped) managers, and sees only its organisation's rows."""
    TeamMemberFactory(event=AlwaysEventFactory(organisation=other_organisation))
    counts = []

    def check(e):
        counts.append(TeamMember.objects.count())
        return True

    with readiness.registered(stage=S.SET_UP, key="tests.scoped", label="Scoped", func=check):
        selectors.event_readiness(event=event)
        services.event_transition(event=event, to_stage=S.SET_UP, by=editor)
    assert counts == [1, 1]  # the lead only: not the other organisation's member


# --- entering Set-up (and Discovering): lead and sponsor ----------------------------------


@pytest.mark.parametrize("stage", [S.SET_UP, S.DISCOVERING])
def test_team_lead_check(organisation, stage):
    lead = member_of(organisation, full_name="Nia Okafor")
    event = AlwaysEventFactory(organisation=organisation)
    key = f"programmes.team_lead.{stage}"
    assert result(event, stage, key) == readiness.CheckResult(
        key, "Team lead named", False, "No team lead named yet.", "programmes", action_for(key)
    )
    services.event_set_leadership(event=event, team_lead=lead, executive_sponsor=None, by=None)
    assert (result(event, stage, key).met, result(event, stage, key).detail) == (
        True,
        "Nia Okafor",
    )


@pytest.mark.parametrize("stage", [S.SET_UP, S.DISCOVERING])
def test_sponsor_check(organisation, stage):
    sponsor = member_of(organisation, full_name="", email="board@northfield.test")
    event = AlwaysEventFactory(organisation=organisation)
    key = f"programmes.sponsor.{stage}"
    unmet = result(event, stage, key)
    assert (unmet.label, unmet.met, unmet.detail) == (
        "Executive sponsor named",
        False,
        "No executive sponsor named yet.",
    )
    services.event_set_leadership(event=event, team_lead=None, executive_sponsor=sponsor, by=None)
    met = result(event, stage, key)
    assert (met.met, met.detail) == (True, "board@northfield.test")  # no name: the email


# --- entering Discovering: the set-up readiness checklist -----------------------------------


@pytest.mark.parametrize(
    ("key", "field", "label", "missing"),
    [
        (
            "programmes.oversight_group",
            "oversight_group",
            "Oversight group named",
            "No oversight group recorded yet.",
        ),
        (
            "programmes.qi_support",
            "qi_support_contact",
            "QI support contact named",
            "No QI support contact recorded yet.",
        ),
        (
            "programmes.staff_engagement",
            "staff_engagement",
            'Staff engagement recorded ("What matters to you at work?")',
            "No staff engagement recorded yet.",
        ),
        (
            "programmes.qi_strategy",
            "qi_strategy_theme",
            "Linked to the organisation's QI strategy",
            "No QI strategy theme recorded yet.",
        ),
        (
            "programmes.position",
            "position",
            "Department or directorate recorded",
            "No department or directorate recorded yet.",
        ),
    ],
)
def test_named_checks_for_discovering(event, editor, key, field, label, missing):
    assert result(event, S.DISCOVERING, key) == readiness.CheckResult(
        key, label, False, missing, "programmes", action_for(key)
    )
    # Spaces alone are not an answer (rows written other than by the service).
    AlwaysEvent.objects.with_scope(organisation=event.organisation_id).filter(pk=event.pk).update(
        **{field: "   "}
    )
    assert not result(event, S.DISCOVERING, key).met
    services.event_update_details(event=event, by=editor, **{field: "  Written down  "})
    assert result(event, S.DISCOVERING, key) == readiness.CheckResult(
        key, label, True, "Written down", "programmes", action_for(key)
    )


def test_protected_time_with_no_team_members(organisation):
    event = AlwaysEventFactory(organisation=organisation)
    found = result(event, S.DISCOVERING, "programmes.protected_time")
    assert (found.label, found.met, found.detail) == (
        "Protected time agreed for every team member",
        False,
        "No team members added yet.",
    )


def test_protected_time_with_a_member_with_no_hours(event, editor, viewer):
    services.team_member_save(
        event=event, user=editor, protected_hours_per_week=Decimal("4"), by=editor
    )
    services.team_member_save(event=event, user=viewer, protected_hours_per_week=0, by=editor)
    found = result(event, S.DISCOVERING, "programmes.protected_time")
    assert (found.met, found.detail) == (
        False,
        "1 of 2 team members has no protected time agreed.",
    )


def test_protected_time_with_nobody_agreed_yet(event, viewer):
    # event_create adds the lead with no protected time agreed; add another.
    services.team_member_save(event=event, user=viewer, protected_hours_per_week=0, by=None)
    found = result(event, S.DISCOVERING, "programmes.protected_time")
    assert (found.met, found.detail) == (
        False,
        "2 of 2 team members have no protected time agreed.",
    )


def test_protected_time_all_agreed(event, editor, viewer):
    services.team_member_save(
        event=event, user=editor, protected_hours_per_week=Decimal("4"), by=editor
    )
    services.team_member_save(
        event=event, user=viewer, protected_hours_per_week=Decimal("3.5"), by=editor
    )
    found = result(event, S.DISCOVERING, "programmes.protected_time")
    assert (found.met, found.detail) == (True, "7.5 hours a week across 2 people.")


def test_protected_time_of_one_person(event, editor):
    services.team_member_save(event=event, user=editor, protected_hours_per_week=2, by=editor)
    found = result(event, S.DISCOVERING, "programmes.protected_time")
    assert (found.met, found.detail) == (True, "2 hours a week across 1 person.")


def test_protected_time_counts_only_this_events_team(event, editor, organisation):
    services.team_member_save(event=event, user=editor, protected_hours_per_week=4, by=editor)
    other = AlwaysEventFactory(organisation=organisation)
    TeamMemberFactory(event=other, protected_hours_per_week=0)
    found = result(event, S.DISCOVERING, "programmes.protected_time")
    assert (found.met, found.detail) == (True, "4 hours a week across 1 person.")


# --- entering Testing: the statements -------------------------------------------------------


def test_vision_check(event, editor):
    found = result(event, S.TESTING, "programmes.vision")
    assert (found.label, found.met, found.detail) == (
        "Vision statement written",
        False,
        "No vision statement recorded yet.",
    )
    services.event_set_vision(
        event=event, vision_statement="We will always be told the plan.", by=editor
    )
    found = result(event, S.TESTING, "programmes.vision")
    assert (found.met, found.detail) == (True, "We will always be told the plan.")


def test_vision_sign_off_needs_a_vision_first(event):
    found = result(event, S.TESTING, "programmes.vision_sign_off")
    assert (found.label, found.met, found.detail) == (
        "Vision statement signed off by a partner",
        False,
        "Write the vision statement first.",
    )


def test_vision_sign_off_counts_only_the_current_wording(event, editor):
    services.event_set_vision(event=event, vision_statement="We will always be told.", by=editor)
    found = result(event, S.TESTING, "programmes.vision_sign_off")
    assert (found.met, found.detail) == (False, "No partner has signed off the current wording.")

    today = timezone.localdate()
    services.vision_sign_off_record(
        event=event, signed_by_name="Asha", signed_on=today - dt.timedelta(days=3), by=editor
    )
    assert result(event, S.TESTING, "programmes.vision_sign_off").met

    # The wording changes: Asha signed off the old one, which no longer counts.
    services.event_set_vision(
        event=event, vision_statement="We will always be told the plan for the day.", by=editor
    )
    found = result(event, S.TESTING, "programmes.vision_sign_off")
    assert (found.met, found.detail) == (False, "No partner has signed off the current wording.")

    services.vision_sign_off_record(
        event=event, signed_by_name="Ben", signed_on=today - dt.timedelta(days=1), by=editor
    )
    services.vision_sign_off_record(event=event, signed_by_name="Cara", signed_on=today, by=editor)
    found = result(event, S.TESTING, "programmes.vision_sign_off")
    assert (found.met, found.detail) == (True, "Signed off by Cara, Ben.")  # newest first


def test_vision_sign_off_of_another_event_does_not_count(event, editor, organisation):
    wording = "We will always be told."
    services.event_set_vision(event=event, vision_statement=wording, by=editor)
    other = AlwaysEventFactory(organisation=organisation, vision_statement=wording)
    services.vision_sign_off_record(
        event=other, signed_by_name="Asha", signed_on=timezone.localdate(), by=editor
    )
    assert not result(event, S.TESTING, "programmes.vision_sign_off").met


def _aim(event, **changes):
    parts = {
        "aim_measure": "are told the plan for their day by 10am",
        "aim_target_percent": Decimal("90"),
        "aim_deadline": dt.date(2027, 3, 31),
        "aim_population": "patients on Ward 7",
        "aim_review_frequency": "monthly",
    }
    parts.update(changes)
    services.event_set_aim(event=event, by=None, **parts)


@pytest.mark.parametrize(
    "missing",
    [
        {"aim_measure": ""},
        {"aim_target_percent": None},
        {"aim_deadline": None},
        {"aim_population": ""},
        {"aim_review_frequency": ""},
    ],
)
def test_aim_check_unmet_while_a_part_is_missing(event, missing):
    _aim(event, **missing)
    found = result(event, S.TESTING, "programmes.aim")
    assert (found.label, found.met, found.detail) == (
        "Aim statement complete",
        False,
        "The aim needs what will happen, a target, a date, for whom and a review.",
    )


def test_aim_check_met_shows_the_sentence(event):
    _aim(event)
    found = result(event, S.TESTING, "programmes.aim")
    assert (found.met, found.detail) == (
        True,
        "By 31 March 2027, 90% of patients on Ward 7 are told the plan for their day by 10am. "
        "We will review this every month.",
    )


def test_criteria_check(event, editor):
    found = result(event, S.TESTING, "programmes.criteria")
    assert (found.label, found.met, found.detail) == (
        "The four criteria confirmed with evidence",
        False,
        "Not yet confirmed: Important, Evidence-based, Measurable, Affordable and sustainable.",
    )
    for kind in (Criterion.Kind.IMPORTANT, Criterion.Kind.EVIDENCE_BASED):
        services.criterion_set(event=event, kind=kind, confirmed=True, evidence="Yes.", by=editor)
    # Evidence without confirmation does not count.
    services.criterion_set(
        event=event, kind=Criterion.Kind.MEASURABLE, confirmed=False, evidence="Audit.", by=editor
    )
    found = result(event, S.TESTING, "programmes.criteria")
    assert (found.met, found.detail) == (
        False,
        "Not yet confirmed: Measurable, Affordable and sustainable.",
    )
    for kind in (Criterion.Kind.MEASURABLE, Criterion.Kind.AFFORDABLE_SUSTAINABLE):
        services.criterion_set(event=event, kind=kind, confirmed=True, evidence="Yes.", by=editor)
    found = result(event, S.TESTING, "programmes.criteria")
    assert (found.met, found.detail) == (True, "All four confirmed.")
    # Withdrawing one confirmation makes it unmet again.
    services.criterion_set(
        event=event, kind=Criterion.Kind.IMPORTANT, confirmed=False, evidence="Yes.", by=editor
    )
    found = result(event, S.TESTING, "programmes.criteria")
    assert (found.met, found.detail) == (False, "Not yet confirmed: Important.")


def test_criteria_check_without_criteria_rows(organisation):
    event = AlwaysEventFactory(organisation=organisation)  # made without the service: no rows
    assert not result(event, S.TESTING, "programmes.criteria").met


# --- entering Sustaining and Spreading --------------------------------------------------------

PLAN = {
    "monitoring_frequency": "monthly",
    "standard_work": "The nurse in charge shares the plan at the morning round.",
    "training": "In the induction pack.",
    "spread_targets": "",
    "review_date": dt.date(2027, 6, 1),
}
PLAN_UNMET = "The plan needs an owner, monitoring, standard work, training and a review date."


def test_sustain_plan_check_without_a_plan(event):
    found = result(event, S.SUSTAINING, "programmes.sustain_plan")
    assert (found.label, found.met, found.detail) == ("Sustain plan complete", False, PLAN_UNMET)


@pytest.mark.parametrize(
    "gap",
    [
        {"owner": None},
        {"monitoring_frequency": ""},
        {"standard_work": ""},
        {"training": " "},
        {"review_date": None},
    ],
)
def test_sustain_plan_check_with_an_incomplete_plan(event, editor, gap):
    services.sustain_plan_save(event=event, by=editor, **{"owner": editor, **PLAN, **gap})
    found = result(event, S.SUSTAINING, "programmes.sustain_plan")
    assert (found.met, found.detail) == (False, PLAN_UNMET)


def test_sustain_plan_check_with_a_complete_plan(organisation, event):
    owner = member_of(organisation, full_name="Dev Patel")
    services.sustain_plan_save(event=event, by=owner, owner=owner, **PLAN)
    found = result(event, S.SUSTAINING, "programmes.sustain_plan")
    assert (found.met, found.detail) == (True, "Owned by Dev Patel, reviewed 01 Jun 2027.")


def test_spread_targets_check(event, editor):
    found = result(event, S.SPREADING, "programmes.spread_targets")
    assert (found.label, found.met, found.detail) == (
        "Spread targets named",
        False,
        "No spread targets recorded yet.",
    )
    services.sustain_plan_save(event=event, by=editor, owner=editor, **PLAN)
    assert result(event, S.SPREADING, "programmes.spread_targets").detail == (
        "No spread targets recorded yet."
    )
    services.sustain_plan_save(
        event=event, by=editor, owner=None, **{**PLAN, "spread_targets": "Wards 8 and 9"}
    )
    found = result(event, S.SPREADING, "programmes.spread_targets")
    assert (found.met, found.detail) == (True, "Wards 8 and 9")
