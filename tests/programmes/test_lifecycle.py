"""programmes.services.lifecycle against the real database: every transition, and spreading."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from programmes import readiness, services
from programmes.models import (
    MAIN_PATH,
    AlwaysEvent,
    Criterion,
    Stage,
    StageTransition,
    TeamMember,
    VisionSignOff,
)
from programmes.services import lifecycle
from tests.factories import AlwaysEventFactory, member_of

pytestmark = pytest.mark.django_db

S = Stage


@pytest.fixture(autouse=True)
def _only_programmes_checks(monkeypatch):
    """These tests are about this app's lifecycle: checks that other apps register later (the
    measurement app's, say) have their own tests and must not change what "ready" means here."""
    mine = {key: check for key, check in readiness._registry.items() if check.app == "programmes"}
    monkeypatch.setattr(readiness, "_registry", mine)


def fresh(event: AlwaysEvent) -> AlwaysEvent:
    return AlwaysEvent.objects.with_scope(organisation=event.organisation_id).get(pk=event.pk)


def put_at(event: AlwaysEvent, stage: str, paused_from: str = "") -> AlwaysEvent:
    """Arrange: place the event at a stage without a transition."""
    AlwaysEvent.objects.with_scope(organisation=event.organisation_id).filter(pk=event.pk).update(
        stage=stage, paused_from=paused_from
    )
    return fresh(event)


def transitions(event: AlwaysEvent) -> list[StageTransition]:
    with organisation_scope(event.organisation):
        return list(StageTransition.objects.filter(event=event).order_by("pk"))


def make_ready(event: AlwaysEvent, stage: str, by) -> None:
    """Record what this app's checklist asks for before entering `stage`."""
    if stage == S.DISCOVERING:
        services.event_update_details(
            event=event,
            by=by,
            oversight_group="Patient Experience Group",
            qi_support_contact="Sam QI, sam@example.org",
            staff_engagement="Asked at three huddles what matters to staff.",
            qi_strategy_theme="Kind and safe care",
            position="Medicine directorate",
        )
        services.team_member_save(
            event=event, user=event.team_lead, protected_hours_per_week=Decimal("4"), by=by
        )
    elif stage == S.TESTING:
        services.event_set_vision(
            event=event, vision_statement="I will always know the plan for my day.", by=by
        )
        services.vision_sign_off_record(
            event=event, signed_by_name="Asha", signed_on=timezone.localdate(), by=by
        )
        services.event_set_aim(
            event=event,
            by=by,
            aim_measure="are told the plan for their day by 10am",
            aim_target_percent=Decimal("90"),
            aim_deadline=dt.date(2027, 3, 31),
            aim_population="patients on Ward 7",
            aim_review_frequency="monthly",
        )
        for kind in Criterion.Kind.values:
            services.criterion_set(
                event=event, kind=kind, confirmed=True, evidence="Agreed with partners.", by=by
            )
    elif stage in (S.SUSTAINING, S.SPREADING):
        services.sustain_plan_save(
            event=event,
            by=by,
            owner=by,
            monitoring_frequency="monthly",
            standard_work="The nurse in charge tells each patient the plan at the morning round.",
            training="In the induction pack.",
            spread_targets="Ward 8 and Ward 9" if stage == S.SPREADING else "",
            review_date=dt.date(2027, 6, 1),
        )


# --- forward -------------------------------------------------------------------------------


@pytest.mark.parametrize(("from_stage", "to_stage"), list(itertools.pairwise(MAIN_PATH)))
def test_transition_forward_one_step_when_ready(event, editor, from_stage, to_stage):
    event = put_at(event, from_stage)
    make_ready(event, to_stage, editor)
    before = timezone.now()
    transition = services.event_transition(event=event, to_stage=to_stage, by=editor)
    assert fresh(event).stage == to_stage
    assert (transition.from_stage, transition.to_stage) == (from_stage, to_stage)
    assert transition.overridden == []
    assert transition.reason == ""
    assert transition.by == editor
    assert before <= transition.at <= timezone.now()
    assert transition.organisation_id == event.organisation_id


def test_transition_walks_the_whole_main_path_with_nothing_overridden(event, editor):
    for to_stage in MAIN_PATH[1:]:
        make_ready(event, to_stage, editor)
        services.event_transition(event=event, to_stage=to_stage, by=editor)
        assert event.stage == to_stage  # the caller's instance follows
    assert [(t.from_stage, t.to_stage, t.overridden) for t in transitions(event)] == [
        (a, b, []) for a, b in itertools.pairwise(MAIN_PATH)
    ]


def test_transition_forward_blocked_lists_the_unmet_items(organisation, editor):
    event = services.event_create(
        organisation=organisation, title="No people yet", service="Ward 7", by=editor
    )
    with pytest.raises(lifecycle.TransitionBlocked) as info:
        services.event_transition(event=event, to_stage=S.SET_UP, by=editor)
    error = info.value
    assert {r.key for r in error.unmet} == {
        "programmes.team_lead.set_up",
        "programmes.sponsor.set_up",
    }
    assert all(not r.met for r in error.unmet)
    assert "Not ready for Set-up yet" in error.message
    assert "Team lead named" in error.message
    assert "Executive sponsor named" in error.message
    assert "giving a reason" in error.message
    assert isinstance(error, DomainError)
    assert fresh(event).stage == S.PROPOSED
    assert transitions(event) == []


def test_transition_blocked_names_only_what_is_still_missing(event, editor):
    event = put_at(event, S.SET_UP)
    services.event_update_details(
        event=event, by=editor, oversight_group="Patient Experience Group", position="Medicine"
    )
    with pytest.raises(lifecycle.TransitionBlocked) as info:
        services.event_transition(event=event, to_stage=S.DISCOVERING, by=editor)
    labels = {r.label for r in info.value.unmet}
    assert labels == {
        "Protected time agreed for every team member",
        "QI support contact named",
        'Staff engagement recorded ("What matters to you at work?")',
        "Linked to the organisation's QI strategy",
    }
    for label in labels:
        assert label in info.value.message
    assert "Oversight group named" not in info.value.message
    assert "Department or directorate" not in info.value.message


def test_transition_blocked_even_with_a_reason_when_not_overriding(event, editor):
    event = put_at(event, S.CO_DESIGNING)
    with pytest.raises(lifecycle.TransitionBlocked):
        services.event_transition(
            event=event, to_stage=S.TESTING, by=editor, reason="We are keen to start."
        )
    assert fresh(event).stage == S.CO_DESIGNING


def test_override_with_a_reason_records_the_overridden_items(event, editor):
    event = put_at(event, S.CO_DESIGNING)
    services.event_set_vision(event=event, vision_statement="We will always be heard.", by=editor)
    transition = services.event_transition(
        event=event,
        to_stage=S.TESTING,
        by=editor,
        override=True,
        reason="  Partners sign off at Thursday's meeting.  ",
    )
    assert fresh(event).stage == S.TESTING
    assert transition.reason == "Partners sign off at Thursday's meeting."
    assert sorted(transition.overridden) == sorted(
        [
            "Vision statement signed off by a partner",
            "Aim statement complete",
            "The four criteria confirmed with evidence",
        ]
    )
    assert "Vision statement written" not in transition.overridden
    stored = transitions(event)[-1]
    assert stored.overridden == transition.overridden and stored.by == editor


@pytest.mark.parametrize("reason", ["", "   "])
def test_override_without_a_reason_is_refused(event, editor, reason):
    event = put_at(event, S.CO_DESIGNING)
    with pytest.raises(DomainError, match="Say why you are moving on") as info:
        services.event_transition(
            event=event, to_stage=S.TESTING, by=editor, override=True, reason=reason
        )
    assert info.value.field == "reason"
    assert not isinstance(info.value, lifecycle.TransitionBlocked)
    assert fresh(event).stage == S.CO_DESIGNING
    assert transitions(event) == []


def test_override_when_everything_is_met_overrides_nothing(event, editor):
    transition = services.event_transition(
        event=event, to_stage=S.SET_UP, by=editor, override=True, reason="Just in case."
    )
    assert transition.overridden == []
    assert transition.reason == "Just in case."


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_stage", "to_stage", "words"),
    [
        (S.PROPOSED, S.DISCOVERING, "Discovering comes after Set-up"),
        (S.PROPOSED, S.SPREADING, "Spreading comes after Set-up"),
        (S.SET_UP, S.CO_DESIGNING, "Co-designing comes after Discovering"),
        (S.TESTING, S.SUSTAINING, "Sustaining comes after Implementing"),
    ],
)
def test_skipping_stages_is_refused_with_a_message(event, editor, from_stage, to_stage, words):
    event = put_at(event, from_stage)
    with pytest.raises(DomainError) as info:
        services.event_transition(
            event=event, to_stage=to_stage, by=editor, override=True, reason="In a hurry."
        )
    assert "Stages are taken one at a time" in info.value.message
    assert words in info.value.message
    assert info.value.field == "to_stage"
    assert fresh(event).stage == from_stage
    assert transitions(event) == []


def test_unknown_stage_is_refused(event, editor):
    with pytest.raises(DomainError, match="'archived' is not a stage") as info:
        services.event_transition(event=event, to_stage="archived", by=editor, reason="x")
    assert info.value.field == "to_stage"


def test_the_same_stage_is_refused(event, editor):
    event = put_at(event, S.SET_UP)
    with pytest.raises(DomainError, match="already at Set-up") as info:
        services.event_transition(event=event, to_stage=S.SET_UP, by=editor, reason="x")
    assert info.value.field == "to_stage"
    assert transitions(event) == []


# --- back, pause, resume, close ----------------------------------------------------------


def test_moving_back_needs_a_reason(event, editor):
    event = put_at(event, S.TESTING)
    with pytest.raises(DomainError, match="Say why you are going back a stage") as info:
        services.event_transition(event=event, to_stage=S.CO_DESIGNING, by=editor, reason=" ")
    assert info.value.field == "reason"
    assert fresh(event).stage == S.TESTING
    transition = services.event_transition(
        event=event, to_stage=S.CO_DESIGNING, by=editor, reason="The aim needs rewording."
    )
    assert fresh(event).stage == S.CO_DESIGNING
    assert (transition.from_stage, transition.to_stage, transition.reason) == (
        S.TESTING,
        S.CO_DESIGNING,
        "The aim needs rewording.",
    )


def test_moving_back_runs_no_readiness_checks(organisation, editor):
    # No lead or sponsor: the readiness of Set-up is unmet, yet going back is not a move forward.
    event = services.event_create(organisation=organisation, title="T", service="S", by=editor)
    event = put_at(event, S.TESTING)
    transition = services.event_transition(
        event=event, to_stage=S.SET_UP, by=editor, reason="Starting again with a new team."
    )
    assert fresh(event).stage == S.SET_UP
    assert transition.overridden == []


def test_pause_needs_a_reason_and_records_where_it_paused(event, editor):
    event = put_at(event, S.TESTING)
    with pytest.raises(DomainError, match="Say why you are pausing") as info:
        services.event_transition(event=event, to_stage=S.PAUSED, by=editor)
    assert info.value.field == "reason"
    transition = services.event_transition(
        event=event, to_stage=S.PAUSED, by=editor, reason="Ward closed for refurbishment."
    )
    event = fresh(event)
    assert (event.stage, event.paused_from) == (S.PAUSED, S.TESTING)
    assert (transition.from_stage, transition.to_stage) == (S.TESTING, S.PAUSED)
    assert transition.reason == "Ward closed for refurbishment."


@pytest.mark.parametrize("elsewhere", [S.CO_DESIGNING, S.IMPLEMENTING, S.PROPOSED, S.SPREADING])
def test_resume_goes_only_to_where_it_paused(event, editor, elsewhere):
    event = put_at(event, S.PAUSED, paused_from=S.TESTING)
    with pytest.raises(DomainError) as info:
        services.event_transition(event=event, to_stage=elsewhere, by=editor, reason="Resuming.")
    assert info.value.message == "A paused event resumes at Testing, or closes."
    assert info.value.field == "to_stage"
    assert fresh(event).stage == S.PAUSED


def test_resume_needs_no_reason_and_no_readiness(organisation, editor):
    # Paused in Discovering with nothing recorded: resuming is not a move forward.
    event = services.event_create(organisation=organisation, title="T", service="S", by=editor)
    event = put_at(event, S.PAUSED, paused_from=S.DISCOVERING)
    transition = services.event_transition(event=event, to_stage=S.DISCOVERING, by=editor)
    event = fresh(event)
    assert (event.stage, event.paused_from) == (S.DISCOVERING, "")
    assert (transition.from_stage, transition.to_stage, transition.overridden) == (
        S.PAUSED,
        S.DISCOVERING,
        [],
    )


def test_closing_needs_a_reason_and_a_closed_reason(event, editor):
    event = put_at(event, S.IMPLEMENTING)
    with pytest.raises(DomainError, match="Say why you are closing") as info:
        services.event_transition(
            event=event, to_stage=S.CLOSED, by=editor, closed_reason="stopped"
        )
    assert info.value.field == "reason"
    for closed_reason in ("", "bored"):
        with pytest.raises(DomainError, match="completed, stopped or merged") as info:
            services.event_transition(
                event=event,
                to_stage=S.CLOSED,
                by=editor,
                reason="No staff.",
                closed_reason=closed_reason,
            )
        assert info.value.field == "closed_reason"
    assert fresh(event).stage == S.IMPLEMENTING
    transition = services.event_transition(
        event=event, to_stage=S.CLOSED, by=editor, reason="No staff.", closed_reason="stopped"
    )
    event = fresh(event)
    assert (event.stage, event.closed_reason) == (S.CLOSED, AlwaysEvent.ClosedReason.STOPPED)
    assert (transition.from_stage, transition.to_stage, transition.reason) == (
        S.IMPLEMENTING,
        S.CLOSED,
        "No staff.",
    )


def test_closing_a_paused_event_needs_a_reason_and_forgets_the_pause(event, editor):
    event = put_at(event, S.PAUSED, paused_from=S.TESTING)
    with pytest.raises(DomainError, match="Say why you are closing"):
        services.event_transition(event=event, to_stage=S.CLOSED, by=editor, closed_reason="merged")
    services.event_transition(
        event=event,
        to_stage=S.CLOSED,
        by=editor,
        reason="Merged into Ward 8's.",
        closed_reason="merged",
    )
    event = fresh(event)
    assert (event.stage, event.paused_from, event.closed_reason) == (S.CLOSED, "", "merged")


@pytest.mark.parametrize("to_stage", [S.PROPOSED, S.SET_UP, S.SPREADING, S.PAUSED])
def test_a_closed_event_cannot_move(event, editor, to_stage):
    event = put_at(event, S.CLOSED)
    with pytest.raises(DomainError, match="closed and cannot move"):
        services.event_transition(
            event=event, to_stage=to_stage, by=editor, reason="Reopening.", override=True
        )
    assert fresh(event).stage == S.CLOSED
    assert transitions(event) == []


# --- allowed moves ---------------------------------------------------------------------------

BACK = {stage: list(MAIN_PATH[: MAIN_PATH.index(stage)]) for stage in MAIN_PATH}


@pytest.mark.parametrize(
    ("stage", "paused_from", "expected"),
    [
        (S.PROPOSED, "", [S.SET_UP, S.PAUSED, S.CLOSED]),
        (S.SET_UP, "", [S.PROPOSED, S.DISCOVERING, S.PAUSED, S.CLOSED]),
        (S.DISCOVERING, "", [*BACK[S.DISCOVERING], S.CO_DESIGNING, S.PAUSED, S.CLOSED]),
        (S.CO_DESIGNING, "", [*BACK[S.CO_DESIGNING], S.TESTING, S.PAUSED, S.CLOSED]),
        (S.TESTING, "", [*BACK[S.TESTING], S.IMPLEMENTING, S.PAUSED, S.CLOSED]),
        (S.IMPLEMENTING, "", [*BACK[S.IMPLEMENTING], S.SUSTAINING, S.PAUSED, S.CLOSED]),
        (S.SUSTAINING, "", [*BACK[S.SUSTAINING], S.SPREADING, S.PAUSED, S.CLOSED]),
        (S.SPREADING, "", [*BACK[S.SPREADING], S.PAUSED, S.CLOSED]),
        (S.PAUSED, S.TESTING, [S.TESTING, S.CLOSED]),
        (S.PAUSED, S.PROPOSED, [S.PROPOSED, S.CLOSED]),
        (S.CLOSED, "", []),
    ],
)
def test_allowed_moves_for_each_stage(stage, paused_from, expected):
    event = AlwaysEventFactory.build(stage=stage, paused_from=paused_from)
    assert services.allowed_moves(event) == expected


def test_allowed_moves_are_the_moves_the_service_accepts(event, editor):
    """Every stage not offered is refused; every stage offered is accepted (with a reason)."""
    for stage in Stage.values:
        for target in Stage.values:
            at = put_at(event, stage, paused_from=S.TESTING if stage == S.PAUSED else "")
            offered = target in services.allowed_moves(at)
            try:
                services.event_transition(
                    event=at,
                    to_stage=target,
                    by=editor,
                    reason="Testing every move.",
                    override=True,
                    closed_reason="completed",
                )
            except DomainError:
                moved = False
            else:
                moved = True
            assert moved == offered, (stage, target)


def test_next_stage():
    assert services.next_stage(S.PROPOSED) == S.SET_UP
    assert services.next_stage(S.SUSTAINING) == S.SPREADING
    assert services.next_stage(S.SPREADING) is None
    assert services.next_stage(S.PAUSED) is None
    assert services.next_stage(S.CLOSED) is None


# --- the record -----------------------------------------------------------------------------


def test_every_transition_is_recorded_with_who_when_from_to_and_why(event, editor, org_admin):
    start = timezone.now()
    make_ready(event, S.DISCOVERING, editor)
    services.event_transition(event=event, to_stage=S.SET_UP, by=editor)
    services.event_transition(event=event, to_stage=S.DISCOVERING, by=org_admin)
    services.event_transition(event=event, to_stage=S.PAUSED, by=editor, reason="Winter.")
    services.event_transition(event=event, to_stage=S.DISCOVERING, by=editor)
    services.event_transition(event=event, to_stage=S.SET_UP, by=editor, reason="New lead.")
    services.event_transition(
        event=event, to_stage=S.CLOSED, by=org_admin, reason="Done.", closed_reason="completed"
    )
    rows = transitions(event)
    assert [(t.by, t.from_stage, t.to_stage, t.reason) for t in rows] == [
        (editor, S.PROPOSED, S.SET_UP, ""),
        (org_admin, S.SET_UP, S.DISCOVERING, ""),
        (editor, S.DISCOVERING, S.PAUSED, "Winter."),
        (editor, S.PAUSED, S.DISCOVERING, ""),
        (editor, S.DISCOVERING, S.SET_UP, "New lead."),
        (org_admin, S.SET_UP, S.CLOSED, "Done."),
    ]
    times = [t.at for t in rows]
    assert times == sorted(times)
    assert start <= times[0] and times[-1] <= timezone.now()
    assert {t.organisation_id for t in rows} == {event.organisation_id}


def test_the_callers_instance_follows_so_a_later_save_keeps_the_stage(event, editor):
    services.event_transition(event=event, to_stage=S.SET_UP, by=editor)
    assert event.stage == S.SET_UP
    services.event_set_aim(
        event=event,
        by=editor,
        aim_measure="are told the plan",
        aim_target_percent=Decimal("80"),
        aim_deadline=None,
        aim_population="patients",
        aim_review_frequency="",
    )
    services.event_update_details(event=event, by=editor, position="Medicine")
    assert fresh(event).stage == S.SET_UP


def test_a_stale_instance_does_not_write_back_an_old_stage(event, editor):
    stale = fresh(event)
    services.event_transition(event=event, to_stage=S.SET_UP, by=editor)
    services.event_update_details(event=stale, by=editor, position="Medicine")
    services.event_set_aim(
        event=stale,
        by=editor,
        aim_measure="are told the plan",
        aim_target_percent=None,
        aim_deadline=None,
        aim_population="",
        aim_review_frequency="",
    )
    services.event_set_vision(event=stale, vision_statement="I will always be heard.", by=editor)
    event = fresh(event)
    assert (event.stage, event.position, event.vision_statement) == (
        S.SET_UP,
        "Medicine",
        "I will always be heard.",
    )


# --- spreading --------------------------------------------------------------------------------


@pytest.fixture
def spreading(event, editor):
    make_ready(event, S.TESTING, editor)
    services.event_update_details(
        event=event,
        by=editor,
        focus_population="older people",
        setting="inpatient ward",
        position="Medicine",
        qi_strategy_theme="Kind and safe care",
    )
    services.criterion_set(
        event=event, kind=Criterion.Kind.MEASURABLE, confirmed=False, evidence="", by=editor
    )
    return put_at(event, S.SPREADING)


@pytest.mark.parametrize("stage", [s for s in Stage.values if s != S.SPREADING])
def test_spread_only_from_spreading(event, editor, stage):
    event = put_at(event, stage)
    with pytest.raises(DomainError, match="Move the event to Spreading before spreading"):
        services.event_spread(event=event, title="Ward 8", service="Ward 8", by=editor)
    with organisation_scope(event.organisation):
        assert AlwaysEvent.objects.filter(parent=event).count() == 0


def test_spread_creates_a_linked_child_carrying_the_statements(spreading, editor, viewer, sponsor):
    parent = spreading
    child = services.event_spread(
        event=parent, title="Plan for the day: Ward 8", service="Ward 8", by=viewer
    )
    child = fresh(child)
    assert child.parent_id == parent.pk
    assert child.organisation_id == parent.organisation_id
    assert (child.title, child.service, child.stage) == (
        "Plan for the day: Ward 8",
        "Ward 8",
        S.PROPOSED,
    )
    assert child.vision_statement == "I will always know the plan for my day."
    assert child.aim_sentence == parent.aim_sentence != ""
    assert child.executive_sponsor == sponsor
    assert child.team_lead is None
    assert child.cohort_id == parent.cohort_id
    assert (child.focus_population, child.setting, child.position, child.qi_strategy_theme) == (
        "older people",
        "inpatient ward",
        "Medicine",
        "Kind and safe care",
    )
    with organisation_scope(parent.organisation):
        assert list(parent.spread_to.all()) == [child]
        assert list(TeamMember.objects.filter(event=child).values_list("user", flat=True)) == [
            viewer.pk
        ]
        criteria = {c.kind: c for c in Criterion.objects.filter(event=child)}
        # The parent is unchanged.
        assert fresh(parent).stage == S.SPREADING
        assert VisionSignOff.objects.filter(event=child).count() == 0
    assert set(criteria) == set(Criterion.Kind.values)
    # Evidence is a starting point; confirmation is the new team's own.
    assert not any(c.confirmed for c in criteria.values())
    assert criteria[Criterion.Kind.IMPORTANT].evidence == (
        "From Plan for the day: Agreed with partners."
    )
    assert criteria[Criterion.Kind.MEASURABLE].evidence == ""


def test_spread_runs_the_hooks_of_other_apps(spreading, editor):
    calls = []

    def hook(parent, child):
        # Hooks run inside the organisation's scope, so they can use the default managers.
        calls.append((parent.pk, child.pk, Criterion.objects.filter(event=child).count()))

    lifecycle.spread_hooks.append(hook)
    try:
        child = services.event_spread(event=spreading, title="Ward 9", service="Ward 9", by=editor)
    finally:
        lifecycle.spread_hooks.remove(hook)
    assert calls == [(spreading.pk, child.pk, 4)]
    assert hook not in lifecycle.spread_hooks


def test_a_failing_hook_undoes_the_spread(spreading, editor):
    def hook(parent, child):
        raise DomainError("Could not copy the change ideas.")

    lifecycle.spread_hooks.append(hook)
    try:
        with pytest.raises(DomainError, match="change ideas"):
            services.event_spread(event=spreading, title="Ward 9", service="Ward 9", by=editor)
    finally:
        lifecycle.spread_hooks.remove(hook)
    with organisation_scope(spreading.organisation):
        assert AlwaysEvent.objects.filter(parent=spreading).count() == 0


def test_spread_right_after_moving_to_spreading_with_the_same_instance(event, editor):
    event = put_at(event, S.SUSTAINING)
    make_ready(event, S.SPREADING, editor)
    services.event_transition(event=event, to_stage=S.SPREADING, by=editor)
    child = services.event_spread(event=event, title="Ward 8", service="Ward 8", by=editor)
    assert child.parent_id == event.pk


def test_spread_refuses_a_blank_title(spreading, editor):
    with pytest.raises(DomainError, match="title"):
        services.event_spread(event=spreading, title="  ", service="Ward 8", by=editor)


def test_spread_child_with_a_sponsor_who_has_left_is_refused(spreading, editor, sponsor):
    from programmes.models import Membership

    with organisation_scope(spreading.organisation):
        Membership.objects.filter(user=sponsor).update(is_active=False)
    with pytest.raises(DomainError, match="executive sponsor must be an active member"):
        services.event_spread(event=spreading, title="Ward 8", service="Ward 8", by=editor)


def test_a_transition_of_one_organisations_event_is_its_own(event, editor, other_organisation):
    other_lead = member_of(other_organisation)
    other = services.event_create(
        organisation=other_organisation, title="T", service="S", by=other_lead
    )
    services.event_transition(event=event, to_stage=S.PAUSED, by=editor, reason="Winter.")
    with organisation_scope(other_organisation):
        assert StageTransition.objects.count() == 0
    assert fresh(other).stage == S.PROPOSED
