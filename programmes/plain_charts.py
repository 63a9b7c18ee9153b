"""Charts in plain words for partners: a registry, so this app imports no measurement code.

The partner pages show each of their events' charts with a plain caption ("Getting better")
instead of the language of statistical process control. The measurement app registers the
provider from its `AppConfig.ready()`; without one, events simply have no charts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent


@dataclass(frozen=True)
class PlainChart:
    """One measure as a partner sees it: a picture, a caption, a sentence and the numbers."""

    title: str
    caption: str  # a few plain words: "Getting better", "Too early to tell"
    explanation: str  # one or two plain sentences
    svg: str
    rows: tuple[tuple[str, str], ...] = field(
        default_factory=tuple
    )  # (period, value), newest first


ChartProvider = Callable[["AlwaysEvent"], list[PlainChart]]
_providers: dict[str, ChartProvider] = {}


def register(key: str, provider: ChartProvider) -> None:
    """Add (or, with the same key, replace) a provider of plain charts for an event."""
    _providers[key] = provider


def plain_charts(*, event: AlwaysEvent) -> list[PlainChart]:
    """Every registered provider's charts for the event, in registration order."""
    charts: list[PlainChart] = []
    for provider in _providers.values():
        charts.extend(provider(event))
    return charts
