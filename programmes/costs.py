"""The cost-line registry: costs of an Always Event that other apps know about.

The value summary (`programmes.selectors.events.event_value_summary`) adds staff time and the
costs recorded here; other apps add lines of their own from their `AppConfig.ready()`
(coproduction: "Partner payments and expenses"), so this app imports none of them. A line is a
function of a list of events (all of one organisation) that returns each event's amount in
pounds by event id (a missing id means nothing), in a constant number of queries (one, ideally),
run inside that organisation's scope: dashboards read many events at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from programmes.registries import restored

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent

CostFunction = Callable[[Sequence["AlwaysEvent"]], Mapping[int, Decimal]]


@dataclass(frozen=True)
class CostSource:
    key: str
    label: str
    func: CostFunction
    app: str
    position: int


@dataclass(frozen=True)
class CostLine:
    """One line of an event's costs, as the value summary shows it."""

    key: str
    label: str
    amount: Decimal
    app: str = ""


_registry: dict[str, CostSource] = {}


def register(
    *, key: str, label: str, app: str = "programmes", position: int = 50
) -> Callable[[CostFunction], CostFunction]:
    """Register `func(events) -> {event_id: Decimal}` as a cost line of every event's value summary.

    `key` is unique across apps (prefix it with the app's name); registering the same key again
    replaces the line, so `ready()` running twice is harmless. Lines show in `position` order.
    """

    def decorator(func: CostFunction) -> CostFunction:
        _registry[key] = CostSource(key=key, label=label, func=func, app=app, position=position)
        return func

    return decorator


def unregister(key: str) -> None:
    _registry.pop(key, None)


def sources() -> list[CostSource]:
    return sorted(_registry.values(), key=lambda source: (source.position, source.key))


def evaluate(event: AlwaysEvent) -> list[CostLine]:
    """Every registered cost line of the event, with its amount."""
    return evaluate_many([event])[event.pk]


def evaluate_many(events: Sequence[AlwaysEvent]) -> dict[int, list[CostLine]]:
    """Every registered cost line of each event: one call per line and organisation, each inside
    that organisation's scope."""
    from alwaysevents.tenancy.scope import organisation_scope

    by_organisation: dict[int, list[AlwaysEvent]] = defaultdict(list)
    for event in events:
        by_organisation[event.organisation_id].append(event)
    lines: dict[int, list[CostLine]] = {event.pk: [] for event in events}
    for source in sources():
        for group in by_organisation.values():
            with organisation_scope(group[0].organisation):
                amounts = source.func(group)
            for event in group:
                amount = Decimal(amounts.get(event.pk, 0))
                lines[event.pk].append(CostLine(source.key, source.label, amount, source.app))
    return lines


@contextmanager
def registered(
    *, key: str, label: str, func: CostFunction, app: str = "tests", position: int = 50
) -> Iterator[None]:
    """Register a cost line for the length of a block (tests)."""
    with restored(_registry, key):
        register(key=key, label=label, app=app, position=position)(func)
        yield
