"""Testing changes: driver diagram and PDSA cycle services and selectors, on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import ChangeIdea, Driver, Measure, PdsaCycle
from measurement.selectors import testing as selectors
from measurement.services import testing as services
from tests.factories import AlwaysEventFactory

pytestmark = pytest.mark.django_db

State = PdsaCycle.State
START = dt.date(2025, 3, 5)  # a Wednesday
QUESTIONS = [{"question": "Will nurses use the script?", "prediction": "8 of 10 huddles"}]


@pytest.fixture
def event(organisation):
    return AlwaysEventFactory(organisation=organisation, title="Plan for the day")


@pytest.fixture
def other_event(organisation):
    return AlwaysEventFactory(organisation=organisation, title="Introductions")


def make_measure(event, name="Patients who know the plan", **extra):
    return Measure.objects.with_scope(organisation=event.organisation_id).create(
        organisation=event.organisation,
        event=event,
        name=name,
        type=extra.pop("type", Measure.Type.PROCESS),
        definition="Asked at 11am.",
        **extra,
    )


@pytest.fixture
def secondary(event, editor):
    primary = services.driver_add(event=event, text="Staff know the plan", by=editor)
    return services.driver_add(event=event, text="Huddle each morning", parent=primary, by=editor)


@pytest.fixture
def idea(event, secondary, editor):
    return services.change_idea_add(
        event=event,
        text="Test a huddle script",
        kind=ChangeIdea.Kind.RELATIONAL,
        driver=secondary,
        by=editor,
    )


def plan(idea, editor, **extra):
    kwargs = {
        "objective": "See whether a script helps",
        "planned_start": START,
        "questions": QUESTIONS,
        "plan_who": "Ward 7 day staff",
        "plan_what": "Use the script at the 8am huddle",
        "plan_where": "Ward 7",
        "data_collection_plan": "Tally at each huddle",
        "by": editor,
    }
    kwargs.update(extra)
    return services.pdsa_cycle_create(change_idea=idea, **kwargs)


def run_to(cycle, state, editor, decision=PdsaCycle.Decision.ADAPT):
    order = [State.PLANNED, State.DOING, State.STUDYING, State.DECIDED, State.CLOSED]
    steps = {
        State.DOING: lambda: services.pdsa_cycle_start(cycle=cycle, by=editor),
        State.STUDYING: lambda: services.pdsa_cycle_study(
            cycle=cycle, carried_out_as_planned=True, observations="Used 7 times", by=editor
        ),
        State.DECIDED: lambda: services.pdsa_cycle_decide(
            cycle=cycle,
            comparison="Predicted 8, saw 7",
            decision=decision,
            learning="Nights need a shorter version",
            by=editor,
        ),
        State.CLOSED: lambda: services.pdsa_cycle_close(cycle=cycle, by=editor),
    }
    for next_state in order[order.index(cycle.state) + 1 : order.index(state) + 1]:
        steps[next_state]()
    return cycle


def reload(obj):
    return type(obj).objects.with_scope(organisation=obj.organisation_id).get(pk=obj.pk)


# --- drivers -----------------------------------------------------------------------------------


def test_driver_add_sets_organisation_and_positions(event, editor):
    first = services.driver_add(event=event, text="  Staff   know the plan ", by=editor)
    second = services.driver_add(event=event, text="Patients are asked", by=editor)
    child = services.driver_add(event=event, text="Huddle", parent=first, by=editor)
    assert first.text == "Staff know the plan"
    assert (first.position, second.position, child.position) == (0, 1, 0)
    assert {d.organisation_id for d in (first, second, child)} == {event.organisation_id}
    assert first.is_primary and not child.is_primary


def test_driver_add_refuses_blank_text(event, editor):
    with pytest.raises(DomainError) as error:
        services.driver_add(event=event, text="   ", by=editor)
    assert error.value.field == "text"
    assert "Write the primary driver" in error.value.message


def test_driver_add_refuses_a_third_level(event, secondary, editor):
    with pytest.raises(DomainError, match="not under another secondary driver") as error:
        services.driver_add(event=event, text="Too deep", parent=secondary, by=editor)
    assert error.value.field == "parent"


def test_driver_add_refuses_a_parent_of_another_event(event, other_event, editor):
    theirs = services.driver_add(event=other_event, text="Theirs", by=editor)
    with pytest.raises(DomainError, match="another Always Event"):
        services.driver_add(event=event, text="Ours", parent=theirs, by=editor)


def test_driver_rename(event, secondary, editor):
    services.driver_rename(driver=secondary, text="Safety huddle each morning", by=editor)
    assert reload(secondary).text == "Safety huddle each morning"
    with pytest.raises(DomainError, match="Write the driver"):
        services.driver_rename(driver=secondary, text="", by=editor)


def test_driver_remove_without_children(event, editor):
    driver = services.driver_add(event=event, text="Lonely", by=editor)
    services.driver_remove(driver=driver, by=editor)
    assert not Driver.objects.with_scope(organisation=event.organisation_id).exists()


def test_driver_remove_with_children_needs_confirmation(event, secondary, idea, editor):
    primary = secondary.parent
    with pytest.raises(DomainError) as error:
        services.driver_remove(driver=primary, by=editor)
    assert error.value.field == "confirm"
    assert "1 secondary driver and 1 change idea" in error.value.message
    with pytest.raises(DomainError, match="1 change idea under it"):
        services.driver_remove(driver=secondary, by=editor)
    assert Driver.objects.with_scope(organisation=event.organisation_id).count() == 2


def test_driver_remove_confirmed_keeps_change_ideas_and_cycles(event, secondary, idea, editor):
    cycle = plan(idea, editor)
    services.driver_remove(driver=secondary.parent, by=editor, confirm=True)
    assert not Driver.objects.with_scope(organisation=event.organisation_id).exists()
    idea = reload(idea)
    assert idea.driver is None
    assert reload(cycle).change_idea_id == idea.pk


# --- change ideas ------------------------------------------------------------------------------


def test_change_idea_add_under_a_secondary_driver_or_none(event, secondary, editor):
    idea = services.change_idea_add(
        event=event, text="Whiteboard", kind="transactional", driver=secondary, by=editor
    )
    loose = services.change_idea_add(event=event, text="Ask at 11", kind="relational", by=editor)
    assert idea.organisation_id == event.organisation_id
    assert idea.driver == secondary and loose.driver is None


def test_change_idea_add_guards(event, other_event, secondary, editor):
    with pytest.raises(DomainError, match="Write the change idea") as error:
        services.change_idea_add(event=event, text=" ", kind="relational", by=editor)
    assert error.value.field == "text"
    with pytest.raises(DomainError, match="relational") as error:
        services.change_idea_add(event=event, text="X", kind="magic", by=editor)
    assert error.value.field == "kind"
    with pytest.raises(DomainError, match="under a secondary driver"):
        services.change_idea_add(
            event=event, text="X", kind="relational", driver=secondary.parent, by=editor
        )
    with pytest.raises(DomainError, match="another Always Event"):
        services.change_idea_add(
            event=other_event, text="X", kind="relational", driver=secondary, by=editor
        )
    with pytest.raises(DomainError, match="Keep it under 300"):
        services.change_idea_add(event=event, text="x" * 301, kind="relational", by=editor)


def test_change_idea_update_moves_and_retags(event, idea, editor):
    services.change_idea_update(
        change_idea=idea, text="Huddle script v2", kind="transactional", driver=None, by=editor
    )
    idea = reload(idea)
    assert (idea.text, idea.kind, idea.driver_id) == ("Huddle script v2", "transactional", None)


def test_change_idea_remove_refused_when_tested(event, idea, editor):
    plan(idea, editor)
    with pytest.raises(DomainError, match="has 1 PDSA cycle"):
        services.change_idea_remove(change_idea=idea, by=editor)
    untested = services.change_idea_add(event=event, text="Y", kind="relational", by=editor)
    services.change_idea_remove(change_idea=untested, by=editor)
    assert ChangeIdea.objects.with_scope(organisation=event.organisation_id).count() == 1


# --- PDSA cycles: creating and numbering --------------------------------------------------------


def test_cycle_create_numbers_count_up_per_change_idea(event, idea, editor):
    other = services.change_idea_add(event=event, text="Other", kind="relational", by=editor)
    numbers = [plan(idea, editor).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert plan(other, editor).number == 1


def test_cycle_create_fields_and_organisation(event, idea, editor):
    measure = make_measure(event)
    cycle = plan(
        idea,
        editor,
        questions=[*QUESTIONS, {"question": " ", "prediction": ""}],
        measures=[measure],
        purpose=PdsaCycle.Purpose.DEVELOP,
    )
    cycle = reload(cycle)
    assert cycle.organisation_id == event.organisation_id
    assert cycle.state == State.PLANNED
    assert cycle.questions == QUESTIONS, "empty rows are dropped"
    assert cycle.purpose == "develop" and cycle.created_by == editor
    with organisation_scope(event.organisation):
        assert list(cycle.measures.all()) == [measure]


def test_cycle_create_guards(event, other_event, idea, editor):
    with pytest.raises(DomainError, match="objective") as error:
        plan(idea, editor, objective="  ")
    assert error.value.field == "objective"
    with pytest.raises(DomainError, match="when the cycle will start"):
        plan(idea, editor, planned_start=None)
    with pytest.raises(DomainError, match="what the cycle is for"):
        plan(idea, editor, purpose="guess")
    with pytest.raises(DomainError, match="Write the question") as error:
        plan(idea, editor, questions=[{"question": "", "prediction": "Most will"}])
    assert error.value.field == "questions"
    assert not PdsaCycle.objects.with_scope(organisation=event.organisation_id).exists()


def test_cycle_refuses_measures_of_another_event(event, other_event, idea, editor):
    theirs = make_measure(other_event, name="Their measure")
    with pytest.raises(DomainError, match="“Their measure” is a measure of another") as error:
        plan(idea, editor, measures=[theirs])
    assert error.value.field == "measures"
    cycle = plan(idea, editor)
    with pytest.raises(DomainError, match="another Always Event"):
        services.pdsa_cycle_update_plan(
            cycle=cycle, objective="x", planned_start=START, measures=[theirs], by=editor
        )


def test_cycle_update_plan_only_while_planned(event, idea, editor):
    cycle = plan(idea, editor, questions=[{"question": "Q?", "prediction": ""}])
    services.pdsa_cycle_update_plan(
        cycle=cycle,
        objective="New objective",
        planned_start=START + dt.timedelta(days=7),
        questions=[{"question": "Q?", "prediction": "Yes"}],
        plan_who="Nights",
        by=editor,
    )
    cycle = reload(cycle)
    assert cycle.objective == "New objective" and cycle.plan_who == "Nights"
    assert cycle.questions == [{"question": "Q?", "prediction": "Yes"}]
    run_to(cycle, State.DOING, editor)
    with pytest.raises(DomainError, match="has started"):
        services.pdsa_cycle_update_plan(
            cycle=cycle, objective="Late change", planned_start=START, by=editor
        )


# --- PDSA cycles: the guards of every transition ------------------------------------------------


def test_start_needs_at_least_one_question(event, idea, editor):
    cycle = plan(idea, editor, questions=[])
    with pytest.raises(DomainError, match="at least one question") as error:
        services.pdsa_cycle_start(cycle=cycle, by=editor)
    assert error.value.field == "questions"
    assert reload(cycle).state == State.PLANNED


def test_start_needs_a_prediction_for_every_question(event, idea, editor):
    cycle = plan(
        idea,
        editor,
        questions=[*QUESTIONS, {"question": "Will it take long?", "prediction": ""}],
    )
    with pytest.raises(DomainError, match="question 2 has none"):
        services.pdsa_cycle_start(cycle=cycle, by=editor)
    assert reload(cycle).state == State.PLANNED


def test_start_moves_planned_to_doing(event, idea, editor):
    cycle = services.pdsa_cycle_start(cycle=plan(idea, editor), by=editor)
    assert cycle.state == State.DOING
    assert reload(cycle).state == State.DOING


def test_study_needs_the_do_record(event, idea, editor):
    cycle = run_to(plan(idea, editor), State.DOING, editor)
    with pytest.raises(DomainError, match="carried out as planned") as error:
        services.pdsa_cycle_study(
            cycle=cycle, carried_out_as_planned=None, observations="Fine", by=editor
        )
    assert error.value.field == "carried_out_as_planned"
    with pytest.raises(DomainError, match="what you saw") as error:
        services.pdsa_cycle_study(
            cycle=cycle, carried_out_as_planned=False, observations=" ", by=editor
        )
    assert error.value.field == "observations"
    services.pdsa_cycle_study(
        cycle=cycle,
        carried_out_as_planned=False,
        observations="Used on 3 days",
        surprises="Patients joined in",
        by=editor,
    )
    cycle = reload(cycle)
    assert cycle.state == State.STUDYING
    assert cycle.carried_out_as_planned is False and cycle.surprises == "Patients joined in"


def test_decide_needs_the_comparison_with_predictions(event, idea, editor):
    cycle = run_to(plan(idea, editor), State.STUDYING, editor)
    with pytest.raises(DomainError, match="Compare what happened") as error:
        services.pdsa_cycle_decide(cycle=cycle, comparison="  ", decision="adopt", by=editor)
    assert error.value.field == "comparison"
    assert reload(cycle).state == State.STUDYING


def test_decide_needs_a_decision(event, idea, editor):
    cycle = run_to(plan(idea, editor), State.STUDYING, editor)
    with pytest.raises(DomainError, match="adopt, adapt, abandon or expand") as error:
        services.pdsa_cycle_decide(cycle=cycle, comparison="As predicted", decision="", by=editor)
    assert error.value.field == "decision"


def test_decide_records_the_study_and_act(event, idea, editor):
    cycle = run_to(plan(idea, editor), State.STUDYING, editor)
    services.pdsa_cycle_decide(
        cycle=cycle,
        comparison="As predicted",
        learning="It works on days",
        decision="adopt",
        next_steps="Make it standard work",
        by=editor,
    )
    cycle = reload(cycle)
    assert cycle.state == State.DECIDED
    assert (cycle.comparison, cycle.learning, cycle.decision, cycle.next_steps) == (
        "As predicted",
        "It works on days",
        "adopt",
        "Make it standard work",
    )


def test_close_needs_a_decision(event, idea, editor):
    cycle = run_to(plan(idea, editor), State.DECIDED, editor)
    # A decision lost after the fact (say, by an admin edit) still blocks closing.
    PdsaCycle.objects.with_scope(organisation=event.organisation_id).filter(pk=cycle.pk).update(
        decision=""
    )
    with pytest.raises(DomainError, match="Record the decision"):
        services.pdsa_cycle_close(cycle=cycle, by=editor)
    PdsaCycle.objects.with_scope(organisation=event.organisation_id).filter(pk=cycle.pk).update(
        decision="abandon"
    )
    services.pdsa_cycle_close(cycle=cycle, by=editor)
    assert reload(cycle).state == State.CLOSED


@pytest.mark.parametrize(
    ("state", "move"),
    [
        (State.PLANNED, "study"),
        (State.PLANNED, "decide"),
        (State.PLANNED, "close"),
        (State.DOING, "start"),
        (State.DOING, "decide"),
        (State.DOING, "close"),
        (State.STUDYING, "start"),
        (State.STUDYING, "study"),
        (State.STUDYING, "close"),
        (State.DECIDED, "start"),
        (State.DECIDED, "study"),
        (State.DECIDED, "decide"),
        (State.CLOSED, "start"),
        (State.CLOSED, "study"),
        (State.CLOSED, "decide"),
        (State.CLOSED, "close"),
    ],
)
def test_no_skipping_and_no_going_back(event, idea, editor, state, move):
    cycle = run_to(plan(idea, editor), state, editor)
    calls = {
        "start": lambda: services.pdsa_cycle_start(cycle=cycle, by=editor),
        "study": lambda: services.pdsa_cycle_study(
            cycle=cycle, carried_out_as_planned=True, observations="x", by=editor
        ),
        "decide": lambda: services.pdsa_cycle_decide(
            cycle=cycle, comparison="x", decision="adopt", by=editor
        ),
        "close": lambda: services.pdsa_cycle_close(cycle=cycle, by=editor),
    }
    with pytest.raises(DomainError, match="one step at a time"):
        calls[move]()
    assert reload(cycle).state == state


def test_a_stale_copy_cannot_move_a_cycle_twice(event, idea, editor):
    cycle = plan(idea, editor)
    stale = reload(cycle)
    services.pdsa_cycle_start(cycle=cycle, by=editor)
    with pytest.raises(DomainError, match="one step at a time"):
        services.pdsa_cycle_start(cycle=stale, by=editor)


# --- PDSA cycles: the next cycle ---------------------------------------------------------------


@pytest.mark.parametrize("decision", ["adapt", "expand"])
def test_next_cycle_is_prefilled_and_closes_the_previous(event, idea, editor, decision):
    measure = make_measure(event)
    first = run_to(plan(idea, editor, measures=[measure]), State.DECIDED, editor, decision)
    second = services.pdsa_cycle_next(cycle=first, by=editor)
    second = reload(second)
    assert second.number == 2 and second.previous_id == first.pk
    assert second.state == State.PLANNED
    assert second.organisation_id == event.organisation_id
    for name in services.PLAN_FIELDS:
        assert getattr(second, name) == getattr(first, name), name
    assert second.questions == QUESTIONS
    assert (second.observations, second.comparison, second.decision) == ("", "", "")
    with organisation_scope(event.organisation):
        assert list(second.measures.all()) == [measure]
    assert reload(first).state == State.CLOSED


def test_next_cycle_from_a_closed_cycle_and_a_new_date(event, idea, editor):
    first = run_to(plan(idea, editor), State.CLOSED, editor, "expand")
    later = START + dt.timedelta(weeks=2)
    second = services.pdsa_cycle_next(cycle=first, planned_start=later, by=editor)
    assert second.planned_start == later


@pytest.mark.parametrize("decision", ["adopt", "abandon"])
def test_next_cycle_only_after_adapt_or_expand(event, idea, editor, decision):
    first = run_to(plan(idea, editor), State.DECIDED, editor, decision)
    with pytest.raises(DomainError, match="adapt or expand"):
        services.pdsa_cycle_next(cycle=first, by=editor)


def test_next_cycle_only_after_deciding_and_only_once(event, idea, editor):
    first = run_to(plan(idea, editor), State.STUDYING, editor)
    with pytest.raises(DomainError, match="Decide what to do"):
        services.pdsa_cycle_next(cycle=first, by=editor)
    run_to(first, State.DECIDED, editor)
    services.pdsa_cycle_next(cycle=first, by=editor)
    with pytest.raises(DomainError, match="Cycle 2 already follows cycle 1"):
        services.pdsa_cycle_next(cycle=first, by=editor)


# --- selectors ---------------------------------------------------------------------------------


def test_driver_tree_nests_and_counts_the_mix(event, secondary, idea, editor):
    services.change_idea_add(
        event=event, text="Whiteboard", kind="transactional", driver=secondary, by=editor
    )
    services.change_idea_add(event=event, text="Ask at 11", kind="relational", by=editor)
    plan(idea, editor)
    tree = selectors.driver_tree(event)
    assert [p.driver.text for p in tree.primaries] == ["Staff know the plan"]
    (node,) = tree.primaries[0].secondaries
    assert node.driver == secondary
    assert [i.idea.text for i in node.ideas] == ["Test a huddle script", "Whiteboard"]
    assert [c.number for c in node.ideas[0].cycles] == [1]
    assert [i.idea.text for i in tree.unplaced] == ["Ask at 11"]
    assert (tree.mix.relational, tree.mix.transactional, tree.mix.total) == (2, 1, 3)
    assert (tree.mix.relational_percent, tree.mix.transactional_percent) == (67, 33)
    assert tree.mix.mostly_relational


def test_driver_tree_mix_not_mostly_relational_at_half(event, editor):
    services.change_idea_add(event=event, text="A", kind="relational", by=editor)
    services.change_idea_add(event=event, text="B", kind="transactional", by=editor)
    assert not selectors.driver_tree(event).mix.mostly_relational
    empty = AlwaysEventFactory(organisation=event.organisation)
    tree = selectors.driver_tree(empty)
    assert tree.is_empty and tree.mix.total == 0 and not tree.mix.mostly_relational


def test_driver_tree_query_count_is_constant(event, editor, django_assert_num_queries):
    for p in range(3):
        primary = services.driver_add(event=event, text=f"P{p}", by=editor)
        for s in range(2):
            secondary = services.driver_add(event=event, text=f"S{s}", parent=primary, by=editor)
            for i in range(2):
                idea = services.change_idea_add(
                    event=event, text=f"I{i}", kind="relational", driver=secondary, by=editor
                )
                plan(idea, editor)
                plan(idea, editor)
    with django_assert_num_queries(3):
        tree = selectors.driver_tree(event)
        assert sum(len(i.cycles) for p in tree.primaries for s in p.secondaries for i in s.ideas)


def test_change_idea_cycles_is_the_ramp(event, idea, editor, django_assert_num_queries):
    first = run_to(plan(idea, editor), State.DECIDED, editor)
    services.pdsa_cycle_next(cycle=first, by=editor)
    with django_assert_num_queries(2):
        ramp = selectors.change_idea_cycles(idea)
        assert [(s.cycle.number, s.cycle.state) for s in ramp] == [(1, "closed"), (2, "planned")]
        assert ramp[0].summary == "Nights need a shorter version"
        assert ramp[1].summary == "See whether a script helps"
        assert [m.name for s in ramp for m in s.cycle.measures.all()] == []


def test_pdsa_annotations_for_the_measures_used(event, idea, editor, django_assert_num_queries):
    measure = make_measure(event, frequency=Measure.Frequency.WEEKLY)
    monthly = make_measure(event, name="Monthly", frequency=Measure.Frequency.MONTHLY)
    first = run_to(plan(idea, editor, measures=[measure, monthly]), State.DECIDED, editor)
    second = services.pdsa_cycle_next(
        cycle=first, planned_start=START + dt.timedelta(weeks=3), by=editor
    )
    plan(idea, editor)  # uses no measure
    with django_assert_num_queries(1):
        annotations = selectors.pdsa_annotations(measure)
    assert annotations == [
        (dt.date(2025, 3, 3), "PDSA 1: Test a huddle script (adapt)"),
        (dt.date(2025, 3, 24), "PDSA 2: Test a huddle script"),
    ]
    assert selectors.pdsa_annotations(monthly)[0][0] == dt.date(2025, 3, 1)
    assert second.number == 2


def test_pdsa_discipline_counts_complete_cycles(event, idea, editor, django_assert_num_queries):
    for decision in ("adapt", "adopt"):
        run_to(plan(idea, editor), State.DECIDED, editor, decision)
    run_to(plan(idea, editor), State.STUDYING, editor)
    plan(idea, editor, questions=[{"question": "Q?", "prediction": ""}])
    with django_assert_num_queries(1):
        evidence = selectors.pdsa_discipline(event)
    assert (evidence.total, evidence.complete, evidence.minimum) == (4, 2, 3)
    assert (evidence.with_predictions, evidence.with_study, evidence.with_decision) == (3, 2, 2)
    assert not evidence.met
    assert evidence.facts == [
        "Test a huddle script, cycle 1: adapt",
        "Test a huddle script, cycle 2: adopt",
    ]
    assert "does not yet meet the minimum of 3" in evidence.summary
    assert selectors.pdsa_discipline(event, minimum=2).met
