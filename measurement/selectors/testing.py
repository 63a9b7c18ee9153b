"""Reads about testing changes, for the pages of this app and for other parts of the app.

Every selector takes an event, a change idea or a measure and runs a fixed number of queries,
however many drivers, change ideas and cycles there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from measurement.models import ChangeIdea, Driver, Measure, PdsaCycle

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent

#: Above this share of relational change ideas, the diagram says how to plan for them.
RELATIONAL_WARNING_SHARE = 0.5


# --- the driver diagram ------------------------------------------------------------------------


@dataclass(frozen=True)
class IdeaNode:
    idea: ChangeIdea
    cycles: list[PdsaCycle]

    @property
    def latest(self) -> PdsaCycle | None:
        return self.cycles[-1] if self.cycles else None


@dataclass(frozen=True)
class SecondaryNode:
    driver: Driver
    ideas: list[IdeaNode]


@dataclass(frozen=True)
class PrimaryNode:
    driver: Driver
    secondaries: list[SecondaryNode]


@dataclass(frozen=True)
class KindMix:
    """How many change ideas are relational and how many transactional, and the shares."""

    relational: int
    transactional: int

    @property
    def total(self) -> int:
        return self.relational + self.transactional

    @property
    def relational_percent(self) -> int:
        return round(100 * self.relational / self.total) if self.total else 0

    @property
    def transactional_percent(self) -> int:
        return 100 - self.relational_percent if self.total else 0

    @property
    def mostly_relational(self) -> bool:
        return self.total > 0 and self.relational / self.total > RELATIONAL_WARNING_SHARE


@dataclass(frozen=True)
class DriverTree:
    primaries: list[PrimaryNode]
    #: Change ideas not yet placed under a secondary driver.
    unplaced: list[IdeaNode]
    mix: KindMix
    #: Every driver of the event, for the choices of the page's forms.
    drivers: list[Driver] = field(default_factory=list)

    @property
    def secondaries(self) -> list[Driver]:
        return [s.driver for p in self.primaries for s in p.secondaries]

    @property
    def ideas(self) -> list[IdeaNode]:
        placed = [i for p in self.primaries for s in p.secondaries for i in s.ideas]
        return placed + self.unplaced

    @property
    def is_empty(self) -> bool:
        return not self.primaries and not self.unplaced


def _cycle_order() -> QuerySet[PdsaCycle]:
    return PdsaCycle.objects.with_scopes_disabled().order_by("number")


def driver_tree(event: AlwaysEvent) -> DriverTree:
    """Aim -> primary drivers -> secondary drivers -> change ideas, with each idea's cycles.

    Three queries: drivers, change ideas, cycles.
    """
    scope = {"organisation": event.organisation_id}
    drivers = list(Driver.objects.with_scope(**scope).filter(event=event))
    cycles = Prefetch(
        "cycles",
        queryset=_cycle_order().only(
            "pk", "change_idea_id", "number", "state", "decision", "planned_start"
        ),
    )
    ideas = list(
        ChangeIdea.objects.with_scope(**scope).filter(event=event).prefetch_related(cycles)
    )
    by_driver: dict[int | None, list[IdeaNode]] = defaultdict(list)
    for idea in ideas:
        by_driver[idea.driver_id].append(IdeaNode(idea, list(idea.cycles.all())))
    children: dict[int, list[Driver]] = defaultdict(list)
    for driver in drivers:
        if driver.parent_id is not None:
            children[driver.parent_id].append(driver)
    primaries = [
        PrimaryNode(
            driver=primary,
            secondaries=[
                SecondaryNode(driver=secondary, ideas=by_driver.pop(secondary.pk, []))
                for secondary in children[primary.pk]
            ],
        )
        for primary in drivers
        if primary.parent_id is None
    ]
    # Ideas with no driver, or (from older data) under a primary driver, are shown unplaced.
    unplaced = [node for nodes in by_driver.values() for node in nodes]
    unplaced.sort(key=lambda n: (n.idea.created_at, n.idea.pk))
    relational = sum(1 for idea in ideas if idea.kind == ChangeIdea.Kind.RELATIONAL)
    return DriverTree(
        primaries=primaries,
        unplaced=unplaced,
        mix=KindMix(relational=relational, transactional=len(ideas) - relational),
        drivers=drivers,
    )


# --- the ramp of one change idea ---------------------------------------------------------------


def cycle_summary(cycle: PdsaCycle, length: int = 140) -> str:
    """One short line about a cycle: what was learnt, or else what it set out to do."""
    text = " ".join((cycle.learning or cycle.next_steps or cycle.objective or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@dataclass(frozen=True)
class RampStep:
    cycle: PdsaCycle
    summary: str


def change_idea_cycles(change_idea: ChangeIdea) -> list[RampStep]:
    """The ramp: a change idea's cycles in order, each with a short line. Two queries."""
    cycles = (
        PdsaCycle.objects.with_scope(organisation=change_idea.organisation_id)
        .filter(change_idea=change_idea)
        .select_related("created_by", "previous")
        .prefetch_related(
            Prefetch("measures", queryset=Measure.objects.with_scopes_disabled().order_by("name"))
        )
        .order_by("number")
    )
    return [RampStep(cycle=cycle, summary=cycle_summary(cycle)) for cycle in cycles]


def change_idea_get(*, event: AlwaysEvent, pk: int) -> ChangeIdea:
    """One change idea of the event (DoesNotExist for any other)."""
    return (
        ChangeIdea.objects.with_scope(organisation=event.organisation_id)
        .select_related("driver__parent")
        .get(event=event, pk=pk)
    )


def pdsa_cycle_get(*, event: AlwaysEvent, pk: int) -> PdsaCycle:
    """One cycle of the event's change ideas (DoesNotExist for any other)."""
    return (
        PdsaCycle.objects.with_scope(organisation=event.organisation_id)
        .select_related("change_idea", "previous", "created_by")
        .prefetch_related(
            Prefetch("measures", queryset=Measure.objects.with_scopes_disabled().order_by("name")),
            Prefetch("next_cycles", queryset=_cycle_order().only("pk", "number", "previous_id")),
        )
        .get(change_idea__event=event, pk=pk)
    )


def event_measures(event: AlwaysEvent) -> QuerySet[Measure]:
    """The measures a cycle of this event may use."""
    return Measure.objects.with_scope(organisation=event.organisation_id).filter(event=event)


def pdsa_cycles_overdue(
    *, events: Sequence[AlwaysEvent], today: dt.date
) -> dict[int, list[PdsaCycle]]:
    """Cycles still planned after their planned start, per event (oldest first). One query."""
    found: dict[int, list[PdsaCycle]] = {event.pk: [] for event in events}
    organisation_ids = sorted({event.organisation_id for event in events})
    if not organisation_ids:
        return found
    manager = PdsaCycle.objects
    rows = (
        manager.with_scope(organisation=organisation_ids[0])
        if len(organisation_ids) == 1
        else manager.with_scopes_disabled()
    )
    cycles = (
        rows.filter(
            organisation_id__in=organisation_ids,
            change_idea__event__in=[event.pk for event in events],
            state=PdsaCycle.State.PLANNED,
            planned_start__lt=today,
        )
        .select_related("change_idea")
        .order_by("planned_start", "pk")
    )
    for cycle in cycles:
        found[cycle.change_idea.event_id].append(cycle)
    return found


# --- for the charts of measures ----------------------------------------------------------------


def pdsa_annotations(measure: Measure) -> list[tuple[dt.date, str]]:
    """The cycles that used a measure, as (period, label) for its chart. One query.

    The period is the one the cycle's planned start falls in (the measure's week or month),
    and the label reads like "PDSA 2: test huddle script (adapt)".
    """
    cycles = (
        PdsaCycle.objects.with_scope(organisation=measure.organisation_id)
        .filter(measures=measure)
        .select_related("change_idea")
        .order_by("planned_start", "change_idea_id", "number")
    )
    annotations = []
    for cycle in cycles:
        label = f"PDSA {cycle.number}: {cycle.change_idea.text}"
        if cycle.decision:
            label += f" ({cycle.get_decision_display().lower()})"
        annotations.append((measure.normalise_period(cycle.planned_start), label))
    return annotations


# --- evidence for accreditation ----------------------------------------------------------------


@dataclass(frozen=True)
class PdsaDiscipline:
    """How many cycles were run with the full discipline: prediction, study and decision."""

    minimum: int
    total: int
    #: Cycles with a prediction for every question, a comparison and a decision.
    complete: int
    with_predictions: int
    with_study: int
    with_decision: int
    #: One line per complete cycle, e.g. "Bedside handover script, cycle 2: adapt".
    facts: list[str]

    @property
    def met(self) -> bool:
        return self.complete >= self.minimum

    @property
    def summary(self) -> str:
        verdict = "meets" if self.met else "does not yet meet"
        return (
            f"{self.complete} of {self.total} PDSA cycle{'s' if self.total != 1 else ''} "
            f"{'have' if self.complete != 1 else 'has'} a prediction, a study of the result and "
            f"a decision; this {verdict} the minimum of {self.minimum}."
        )


def pdsa_discipline(event: AlwaysEvent, minimum: int = 3) -> PdsaDiscipline:
    """Evidence for "testing discipline": at least `minimum` complete cycles. One query."""
    cycles = list(
        PdsaCycle.objects.with_scope(organisation=event.organisation_id)
        .filter(change_idea__event=event)
        .select_related("change_idea")
        .order_by("change_idea__created_at", "change_idea_id", "number")
    )
    predicted = [c for c in cycles if c.has_predictions]
    studied = [c for c in cycles if c.comparison.strip()]
    decided = [c for c in cycles if c.decision]
    complete = [c for c in predicted if c.comparison.strip() and c.decision]
    facts = [
        f"{c.change_idea.text}, cycle {c.number}: {c.get_decision_display().lower()}"
        for c in complete
    ]
    return PdsaDiscipline(
        minimum=minimum,
        total=len(cycles),
        complete=len(complete),
        with_predictions=len(predicted),
        with_study=len(studied),
        with_decision=len(decided),
        facts=facts,
    )
