"""Moving an Always Event through its lifecycle, and spreading it to other teams."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from programmes import readiness
from programmes.models import MAIN_PATH, AlwaysEvent, Criterion, Stage, StageTransition

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

# Other apps add what a spread child should carry over (measurement: change ideas).
SpreadHook = Callable[[AlwaysEvent, AlwaysEvent], None]
spread_hooks: list[SpreadHook] = []


class TransitionBlocked(DomainError):
    """Readiness items are unmet and no override was given. `unmet` lists them."""

    def __init__(self, message: str, unmet: list[readiness.CheckResult]) -> None:
        super().__init__(message)
        self.unmet = unmet


def next_stage(stage: str) -> str | None:
    """The next stage on the main path, or None at its end or off it."""
    if stage not in MAIN_PATH or stage == MAIN_PATH[-1]:
        return None
    return MAIN_PATH[MAIN_PATH.index(stage) + 1]


def allowed_moves(event: AlwaysEvent) -> list[str]:
    """Every stage the event may move to from where it is."""
    if event.stage == Stage.CLOSED:
        return []
    if event.stage == Stage.PAUSED:
        return [s for s in (event.paused_from, Stage.CLOSED) if s]
    moves = [
        s
        for s in MAIN_PATH
        if s != event.stage and MAIN_PATH.index(s) < MAIN_PATH.index(event.stage)
    ]
    forward = next_stage(event.stage)
    if forward:
        moves.append(forward)
    return [*moves, Stage.PAUSED, Stage.CLOSED]


#: The questions a stage move may ask, named as the stage form's fields and the arguments of
#: `event_transition`.
REASON, OVERRIDE, CLOSED_REASON = "reason", "override", "closed_reason"


def move_needs(*, from_stage: str, to_stage: str, ready: bool) -> frozenset[str]:
    """The questions a move asks besides the stage itself, by the rules `event_transition`
    keeps: moving forward with everything ready, or resuming a paused event, asks nothing;
    moving forward before everything is done asks the reason and the "move on anyway" tick;
    moving back and pausing ask the reason; closing asks the reason and why it is closing.
    `ready` is whether every readiness item of the next stage is met."""
    if to_stage == next_stage(from_stage):
        return frozenset() if ready else frozenset({REASON, OVERRIDE})
    if to_stage == Stage.CLOSED:
        return frozenset({REASON, CLOSED_REASON})
    if from_stage == Stage.PAUSED:
        return frozenset()
    return frozenset({REASON})


def move_words(*, from_stage: str, to_stage: str) -> str:
    """What the move is, in the words of "Say why you are …"."""
    if to_stage == next_stage(from_stage):
        return "moving on before these are done"
    if to_stage == Stage.PAUSED:
        return "pausing"
    if to_stage == Stage.CLOSED:
        return "closing"
    return "going back a stage"


@transaction.atomic
def event_transition(
    *,
    event: AlwaysEvent,
    to_stage: str,
    by: User | None,
    reason: str = "",
    override: bool = False,
    closed_reason: str = "",
) -> StageTransition:
    """Move the event to `to_stage`, checking readiness when it moves forward.

    Moving forward with unmet readiness items needs `override=True` and a reason; the unmet
    items are kept with the transition. Moving back, pausing and closing need a reason.
    """
    reason = reason.strip()
    given = event
    with organisation_scope(event.organisation):
        event = AlwaysEvent.objects.select_for_update().get(pk=event.pk)
        from_stage = event.stage
        if to_stage not in Stage.values:
            raise DomainError(f"{to_stage!r} is not a stage.", field="to_stage")
        if to_stage == from_stage:
            raise DomainError(f"The event is already at {Stage(to_stage).label}.", field="to_stage")
        if from_stage == Stage.CLOSED:
            raise DomainError("This Always Event is closed and cannot move.")
        if to_stage not in allowed_moves(event):
            raise DomainError(_refusal(event, to_stage), field="to_stage")

        overridden: list[str] = []
        if to_stage == next_stage(from_stage):
            unmet = [r for r in readiness.evaluate(event, to_stage) if not r.met]
            if unmet and not override:
                labels = "; ".join(r.label for r in unmet)
                raise TransitionBlocked(
                    f"Not ready for {Stage(to_stage).label} yet. Still to do: {labels}. "
                    "A team lead can move on anyway by giving a reason.",
                    unmet,
                )
            if unmet and not reason:
                raise DomainError(
                    "Say why you are moving on before these are done.", field="reason"
                )
            overridden = [r.label for r in unmet]
        elif not reason:
            what: dict[str, str] = {Stage.PAUSED: "pausing", Stage.CLOSED: "closing"}
            if from_stage != Stage.PAUSED:
                what.setdefault(to_stage, "going back a stage")
            if to_stage in what:
                raise DomainError(f"Say why you are {what[to_stage]}.", field="reason")

        if to_stage == Stage.CLOSED:
            if closed_reason not in AlwaysEvent.ClosedReason.values:
                raise DomainError(
                    "Choose why it is closing: completed, stopped or merged.", field="closed_reason"
                )
            event.closed_reason = closed_reason
        if to_stage == Stage.PAUSED:
            event.paused_from = from_stage
        elif from_stage == Stage.PAUSED:
            event.paused_from = ""
        event.stage = to_stage
        changed = ["stage", "paused_from", "closed_reason", "updated_at"]
        event.save(update_fields=changed)
        # The caller's instance moves too: a later save() of it must not put the old stage back.
        for name in changed:
            setattr(given, name, getattr(event, name))
        return StageTransition.objects.create(
            organisation=event.organisation,
            event=event,
            from_stage=from_stage,
            to_stage=to_stage,
            reason=reason,
            overridden=overridden,
            by=by,
        )


def _refusal(event: AlwaysEvent, to_stage: str) -> str:
    target = Stage(to_stage).label
    if event.stage == Stage.PAUSED:
        return f"A paused event resumes at {Stage(event.paused_from).label}, or closes."
    forward = next_stage(event.stage)
    if forward and to_stage in MAIN_PATH:
        return f"Stages are taken one at a time: {target} comes after {Stage(forward).label}."
    return f"The event cannot move from {event.get_stage_display()} to {target}."


@transaction.atomic
def event_spread(*, event: AlwaysEvent, title: str, service: str, by: User | None) -> AlwaysEvent:
    """Start a linked child event in another team, carrying over the statements as a start."""
    from programmes.services.events import AIM_FIELDS, event_create

    if event.stage != Stage.SPREADING:
        raise DomainError("Move the event to Spreading before spreading it to other teams.")
    with organisation_scope(event.organisation):
        child = event_create(
            organisation=event.organisation,
            title=title,
            service=service,
            by=by,
            executive_sponsor=event.executive_sponsor,
            focus_population=event.focus_population,
            setting=event.setting,
            position=event.position,
            qi_strategy_theme=event.qi_strategy_theme,
            cohort=event.cohort,
        )
        child.parent = event
        child.vision_statement = event.vision_statement
        for field in AIM_FIELDS:
            setattr(child, field, getattr(event, field))
        child.save(update_fields=["parent", "vision_statement", *AIM_FIELDS, "updated_at"])
        parent_criteria = {c.kind: c for c in Criterion.objects.filter(event=event)}
        for criterion in Criterion.objects.filter(event=child):
            source = parent_criteria.get(criterion.kind)
            if source is not None and source.evidence:
                # A starting point: the new team confirms for itself.
                criterion.evidence = f"From {event.title}: {source.evidence}"
                criterion.save(update_fields=["evidence"])
        for hook in spread_hooks:
            hook(event, child)
    return child
