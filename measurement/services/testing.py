"""Writes about testing changes: the driver diagram, change ideas and their PDSA cycles.

A PDSA cycle moves one way only: Planned -> Doing -> Studying -> Decided -> Closed, one step at
a time. There is no going back: a cycle that needs more doing, or doing differently, is what
the next cycle of the ramp is for ("adapt"), so each cycle stays an honest record of one test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import ChangeIdea, Driver, Measure, PdsaCycle

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from programmes.models import AlwaysEvent

State = PdsaCycle.State
Decision = PdsaCycle.Decision

#: Decisions after which the ramp goes on with another cycle.
NEXT_CYCLE_DECISIONS = frozenset({Decision.ADAPT, Decision.EXPAND})

#: The fields of the plan, copied into the next cycle by `pdsa_cycle_next`.
PLAN_FIELDS = (
    "purpose",
    "objective",
    "plan_who",
    "plan_what",
    "plan_where",
    "planned_start",
    "data_collection_plan",
)


def _text(value: str, *, field: str, message: str, max_length: int | None = None) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise DomainError(message, field=field)
    if max_length is not None and len(text) > max_length:
        raise DomainError(f"Keep it under {max_length} characters.", field=field)
    return text


# --- drivers -----------------------------------------------------------------------------------


def _drivers(event: AlwaysEvent) -> Any:
    return Driver.objects.with_scope(organisation=event.organisation_id).filter(event=event)


def _check_parent(event: AlwaysEvent, parent: Driver | None) -> None:
    if parent is None:
        return
    if parent.event_id != event.pk:
        raise DomainError("That primary driver belongs to another Always Event.", field="parent")
    if not parent.is_primary:
        raise DomainError(
            "Secondary drivers go under a primary driver, not under another secondary driver.",
            field="parent",
        )


@transaction.atomic
def driver_add(
    *, event: AlwaysEvent, text: str, by: User | None, parent: Driver | None = None
) -> Driver:
    """Add a primary driver (no parent) or a secondary driver under a primary one."""
    what = "secondary driver" if parent else "primary driver"
    text = _text(text, field="text", message=f"Write the {what}.", max_length=300)
    _check_parent(event, parent)
    last = _drivers(event).filter(parent=parent).aggregate(last=Max("position"))["last"]
    return Driver.objects.with_scope(organisation=event.organisation_id).create(
        organisation=event.organisation,
        event=event,
        parent=parent,
        text=text,
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def driver_rename(*, driver: Driver, text: str, by: User | None) -> Driver:
    driver.text = _text(text, field="text", message="Write the driver.", max_length=300)
    driver.save(update_fields=["text"])
    return driver


@transaction.atomic
def driver_remove(*, driver: Driver, by: User | None, confirm: bool = False) -> None:
    """Remove a driver. One with secondary drivers or change ideas under it needs `confirm`.

    Its secondary drivers go with it; change ideas stay (with their PDSA cycles), with no
    driver until someone places them again.
    """
    scoped = Driver.objects.with_scope(organisation=driver.organisation_id)
    children = scoped.filter(parent=driver).count()
    ideas = (
        ChangeIdea.objects.with_scope(organisation=driver.organisation_id)
        .filter(driver__in=[driver.pk, *scoped.filter(parent=driver).values_list("pk", flat=True)])
        .count()
    )
    if (children or ideas) and not confirm:
        parts = []
        if children:
            parts.append(f"{children} secondary driver{'s' if children != 1 else ''}")
        if ideas:
            parts.append(f"{ideas} change idea{'s' if ideas != 1 else ''}")
        raise DomainError(
            f"“{driver.text}” has {' and '.join(parts)} under it. Tick the box to confirm: "
            "secondary drivers are removed with it, change ideas are kept without a driver.",
            field="confirm",
        )
    driver.delete()


# --- change ideas ------------------------------------------------------------------------------


def _check_idea_driver(event: AlwaysEvent, driver: Driver | None) -> None:
    if driver is None:
        return
    if driver.event_id != event.pk:
        raise DomainError("That driver belongs to another Always Event.", field="driver")
    if driver.is_primary:
        raise DomainError(
            "Put change ideas under a secondary driver: it says how the primary driver "
            "will be reached.",
            field="driver",
        )


def _kind(kind: str) -> str:
    if kind not in ChangeIdea.Kind.values:
        raise DomainError(
            "Say whether the change is relational (behaviour, communication) or transactional "
            "(process, equipment).",
            field="kind",
        )
    return kind


@transaction.atomic
def change_idea_add(
    *,
    event: AlwaysEvent,
    text: str,
    kind: str,
    by: User | None,
    driver: Driver | None = None,
) -> ChangeIdea:
    """Add something the team will try, under a secondary driver (or none yet)."""
    text = _text(text, field="text", message="Write the change idea.", max_length=300)
    kind = _kind(kind)
    _check_idea_driver(event, driver)
    return ChangeIdea.objects.with_scope(organisation=event.organisation_id).create(
        organisation=event.organisation, event=event, driver=driver, text=text, kind=kind
    )


@transaction.atomic
def change_idea_update(
    *, change_idea: ChangeIdea, text: str, kind: str, driver: Driver | None, by: User | None
) -> ChangeIdea:
    """Rename, re-tag or move a change idea."""
    change_idea.text = _text(text, field="text", message="Write the change idea.", max_length=300)
    change_idea.kind = _kind(kind)
    _check_idea_driver(change_idea.event, driver)
    change_idea.driver = driver
    change_idea.save(update_fields=["text", "kind", "driver"])
    return change_idea


@transaction.atomic
def change_idea_remove(*, change_idea: ChangeIdea, by: User | None) -> None:
    """Remove a change idea that has not been tested. Tested ones keep their cycles."""
    cycles = (
        PdsaCycle.objects.with_scope(organisation=change_idea.organisation_id)
        .filter(change_idea=change_idea)
        .count()
    )
    if cycles:
        raise DomainError(
            f"“{change_idea.text}” has {cycles} PDSA cycle{'s' if cycles != 1 else ''}. They "
            "are the record of what was tested, so the change idea stays. Move it or rename it "
            "instead."
        )
    change_idea.delete()


# --- PDSA cycles -------------------------------------------------------------------------------


def _questions(questions: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """Tidy the questions: drop empty rows; a prediction needs its question."""
    tidy = []
    for row in questions:
        question = " ".join(str(row.get("question") or "").split())
        prediction = " ".join(str(row.get("prediction") or "").split())
        if not question and not prediction:
            continue
        if not question:
            raise DomainError(
                f"Write the question that the prediction “{prediction}” answers.",
                field="questions",
            )
        tidy.append({"question": question, "prediction": prediction})
    return tidy


def _measures(change_idea: ChangeIdea, measures: Iterable[Measure]) -> list[Measure]:
    measures = list(measures)
    for measure in measures:
        if measure.event_id != change_idea.event_id:
            raise DomainError(
                f"“{measure.name}” is a measure of another Always Event. Link only this Always "
                "Event's measures.",
                field="measures",
            )
    return measures


def _require_state(cycle: PdsaCycle, state: str, to: str) -> None:
    if cycle.state != state:
        raise DomainError(
            f"Cycle {cycle.number} is {cycle.get_state_display().lower()}: it can move to "
            f"{State(to).label} only from {State(state).label}. Cycles go Planned, Doing, "
            "Studying, Decided, Closed, one step at a time."
        )


def _lock(cycle: PdsaCycle) -> PdsaCycle:
    """The cycle, re-read under a row lock, so two people cannot move it at once."""
    locked = (
        PdsaCycle.objects.with_scope(organisation=cycle.organisation_id)
        .select_for_update()
        .get(pk=cycle.pk)
    )
    for field in ("state", "questions", "decision"):
        setattr(cycle, field, getattr(locked, field))
    return locked


def _missing_predictions(questions: Sequence[dict[str, Any]]) -> str | None:
    if not questions:
        return (
            "Write at least one question this cycle will answer, with your prediction, before "
            "you start doing it."
        )
    missing = [
        str(n)
        for n, row in enumerate(questions, start=1)
        if not str(row.get("prediction") or "").strip()
    ]
    if missing:
        which = ", ".join(missing)
        return (
            f"Write a prediction for every question before you start doing it: question "
            f"{which} {'has' if len(missing) == 1 else 'have'} none. A prediction is what you "
            "expect to happen, so that you can learn from what does."
        )
    return None


@transaction.atomic
def pdsa_cycle_create(
    *,
    change_idea: ChangeIdea,
    objective: str,
    planned_start: dt.date,
    by: User | None,
    purpose: str = PdsaCycle.Purpose.TEST,
    questions: Iterable[dict[str, Any]] = (),
    plan_who: str = "",
    plan_what: str = "",
    plan_where: str = "",
    data_collection_plan: str = "",
    measures: Iterable[Measure] = (),
    previous: PdsaCycle | None = None,
) -> PdsaCycle:
    """Plan the next PDSA cycle of a change idea. Numbers count up per change idea."""
    scope = {"organisation": change_idea.organisation_id}
    # Lock the change idea so two cycles planned at once cannot take the same number.
    ChangeIdea.objects.with_scope(**scope).select_for_update().get(pk=change_idea.pk)
    objective = _text(
        objective, field="objective", message="Say what this cycle is for: its objective."
    )
    if planned_start is None:
        raise DomainError("Say when the cycle will start.", field="planned_start")
    if purpose not in PdsaCycle.Purpose.values:
        raise DomainError("Choose what the cycle is for.", field="purpose")
    if previous is not None and previous.change_idea_id != change_idea.pk:
        raise DomainError("The previous cycle must test the same change idea.")
    linked = _measures(change_idea, measures)
    last = (
        PdsaCycle.objects.with_scope(**scope)
        .filter(change_idea=change_idea)
        .aggregate(last=Max("number"))["last"]
    )
    cycle = PdsaCycle.objects.with_scope(**scope).create(
        organisation=change_idea.organisation,
        change_idea=change_idea,
        number=(last or 0) + 1,
        purpose=purpose,
        objective=objective,
        questions=_questions(questions),
        plan_who=plan_who.strip(),
        plan_what=plan_what.strip(),
        plan_where=plan_where.strip(),
        planned_start=planned_start,
        data_collection_plan=data_collection_plan.strip(),
        previous=previous,
        created_by=by,
    )
    with organisation_scope(change_idea.organisation):
        cycle.measures.set(linked)
    return cycle


@transaction.atomic
def pdsa_cycle_update_plan(
    *,
    cycle: PdsaCycle,
    objective: str,
    planned_start: dt.date,
    by: User | None,
    purpose: str = PdsaCycle.Purpose.TEST,
    questions: Iterable[dict[str, Any]] = (),
    plan_who: str = "",
    plan_what: str = "",
    plan_where: str = "",
    data_collection_plan: str = "",
    measures: Iterable[Measure] = (),
) -> PdsaCycle:
    """Change the plan while the cycle is still Planned: after that it is what was tested."""
    locked = _lock(cycle)
    if locked.state != State.PLANNED:
        raise DomainError(
            f"Cycle {cycle.number} has started, so its plan is kept as it was tested. Plan the "
            "changes in the next cycle."
        )
    cycle.objective = _text(
        objective, field="objective", message="Say what this cycle is for: its objective."
    )
    if planned_start is None:
        raise DomainError("Say when the cycle will start.", field="planned_start")
    if purpose not in PdsaCycle.Purpose.values:
        raise DomainError("Choose what the cycle is for.", field="purpose")
    linked = _measures(cycle.change_idea, measures)
    cycle.purpose = purpose
    cycle.questions = _questions(questions)
    cycle.plan_who = plan_who.strip()
    cycle.plan_what = plan_what.strip()
    cycle.plan_where = plan_where.strip()
    cycle.planned_start = planned_start
    cycle.data_collection_plan = data_collection_plan.strip()
    cycle.save(
        update_fields=[
            "objective",
            "purpose",
            "questions",
            "plan_who",
            "plan_what",
            "plan_where",
            "planned_start",
            "data_collection_plan",
            "updated_at",
        ]
    )
    with organisation_scope(cycle.organisation):
        cycle.measures.set(linked)
    return cycle


@transaction.atomic
def pdsa_cycle_start(*, cycle: PdsaCycle, by: User | None) -> PdsaCycle:
    """Planned -> Doing. Every question needs a prediction first."""
    locked = _lock(cycle)
    _require_state(locked, State.PLANNED, State.DOING)
    problem = _missing_predictions(locked.questions)
    if problem:
        raise DomainError(problem, field="questions")
    cycle.state = State.DOING
    cycle.save(update_fields=["state", "updated_at"])
    return cycle


@transaction.atomic
def pdsa_cycle_study(
    *,
    cycle: PdsaCycle,
    carried_out_as_planned: bool | None,
    observations: str,
    by: User | None,
    surprises: str = "",
) -> PdsaCycle:
    """Doing -> Studying, with what happened when the change was tried (the Do)."""
    locked = _lock(cycle)
    _require_state(locked, State.DOING, State.STUDYING)
    if carried_out_as_planned is None:
        raise DomainError(
            "Say whether the test was carried out as planned.", field="carried_out_as_planned"
        )
    observations = (observations or "").strip()
    if not observations:
        raise DomainError(
            "Write what you saw when you tried it: the observations.", field="observations"
        )
    cycle.state = State.STUDYING
    cycle.carried_out_as_planned = carried_out_as_planned
    cycle.observations = observations
    cycle.surprises = (surprises or "").strip()
    cycle.save(
        update_fields=[
            "state",
            "carried_out_as_planned",
            "observations",
            "surprises",
            "updated_at",
        ]
    )
    return cycle


@transaction.atomic
def pdsa_cycle_decide(
    *,
    cycle: PdsaCycle,
    comparison: str,
    decision: str,
    by: User | None,
    learning: str = "",
    next_steps: str = "",
) -> PdsaCycle:
    """Studying -> Decided: what happened against the predictions, and what to do next."""
    locked = _lock(cycle)
    _require_state(locked, State.STUDYING, State.DECIDED)
    comparison = (comparison or "").strip()
    if not comparison:
        raise DomainError(
            "Compare what happened with your predictions before deciding: were they right?",
            field="comparison",
        )
    if decision not in Decision.values:
        raise DomainError(
            "Choose what to do next: adopt, adapt, abandon or expand.", field="decision"
        )
    cycle.state = State.DECIDED
    cycle.comparison = comparison
    cycle.learning = (learning or "").strip()
    cycle.decision = decision
    cycle.next_steps = (next_steps or "").strip()
    cycle.decided_at = timezone.now()
    cycle.save(
        update_fields=[
            "state",
            "comparison",
            "learning",
            "decision",
            "next_steps",
            "decided_at",
            "updated_at",
        ]
    )
    return cycle


@transaction.atomic
def pdsa_cycle_close(*, cycle: PdsaCycle, by: User | None) -> PdsaCycle:
    """Decided -> Closed: the cycle is finished and kept as it is."""
    locked = _lock(cycle)
    _require_state(locked, State.DECIDED, State.CLOSED)
    if locked.decision not in Decision.values:
        raise DomainError(
            "Record the decision (adopt, adapt, abandon or expand) before closing the cycle.",
            field="decision",
        )
    cycle.state = State.CLOSED
    cycle.save(update_fields=["state", "updated_at"])
    return cycle


@transaction.atomic
def pdsa_cycle_next(
    *, cycle: PdsaCycle, by: User | None, planned_start: dt.date | None = None
) -> PdsaCycle:
    """After "adapt" or "expand": plan the next cycle, pre-filled from this one.

    The objective, questions (with their predictions, to revise), plan and measures are copied;
    the new cycle is Planned, numbered one up, and points back to this one. This cycle, if it
    was Decided, is closed: its decision has been acted on.
    """
    locked = _lock(cycle)
    if locked.state not in (State.DECIDED, State.CLOSED):
        raise DomainError(
            f"Decide what to do after cycle {cycle.number} before starting the next one."
        )
    if locked.decision not in NEXT_CYCLE_DECISIONS:
        raise DomainError(
            "A next cycle follows a decision to adapt or expand the change. This cycle's "
            f"decision was “{locked.get_decision_display().lower() or 'none'}”."
        )
    following = (
        PdsaCycle.objects.with_scope(organisation=cycle.organisation_id)
        .filter(previous=cycle)
        .values_list("number", flat=True)
        .first()
    )
    if following is not None:
        raise DomainError(f"Cycle {following} already follows cycle {cycle.number}.")
    if locked.state == State.DECIDED:
        pdsa_cycle_close(cycle=cycle, by=by)
    fields = {name: getattr(locked, name) for name in PLAN_FIELDS}
    with organisation_scope(cycle.organisation):
        measures = list(locked.measures.all())
    if planned_start is not None:
        fields["planned_start"] = planned_start
    return pdsa_cycle_create(
        change_idea=locked.change_idea,
        by=by,
        questions=[dict(row) for row in locked.questions],
        measures=measures,
        previous=cycle,
        **fields,
    )
