"""The timeline of an Always Event: what a line is, the filters over it, and the registry
through which other apps add their lines.

The timeline belongs to this app (`programmes.selectors.events.event_timeline`), but some of
its milestones live in the apps above it: the first figure of each measure and the decisions of
PDSA cycles (measurement), accreditation submitted and decided (accreditation). Those apps
register a contributor from their `AppConfig.ready()` (design: a lower app offers a small
registry), so this app imports none of them. A contributor is a function of an event and a
limit that returns at most `limit` lines of each kind it reads, newest first, in one query per
kind of record, reading the event's organisation's rows with
`owned_by(model, event.organisation_id)` (no scope is open, and no query fetches the
organisation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from programmes.registries import restored

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent


# The filters over the timeline, in the order offered: the value of `?show=` and its label.
# "all" shows everything (milestones first); "milestones" the lines marked as milestones; the
# others the lines of that group.
ALL = "all"
MILESTONES = "milestones"
STAGES = "stages"
DATA = "data"
CHALLENGES = "challenges"
TIME = "time"
COMMENTS = "comments"
FILTERS: dict[str, str] = {
    ALL: "Everything",
    MILESTONES: "Milestones",
    STAGES: "Stages and scores",
    DATA: "Data and tests",
    CHALLENGES: "Challenges",
    TIME: "Time",
    COMMENTS: "Comments",
}


def filter_of(value: object) -> str:
    """The filter a query-string value asks for; anything unknown shows everything."""
    return value if isinstance(value, str) and value in FILTERS else ALL


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    #: What the line records (`stage`, `time`, `pdsa`...): the page styles each kind.
    kind: str
    title: str
    text: str = ""
    by: Any = None
    extra: list[str] = field(default_factory=list)
    #: The filter that shows the line besides "Everything" (one of `FILTERS`, or "" for none).
    group: str = ""
    #: One of the events that matter (started, stage moves, sign-off, first figures...).
    milestone: bool = False
    #: Dated by a day, not a moment (a sign-off, a figure's period): shown without the time.
    day_only: bool = False


def shows(item: TimelineItem, show: str) -> bool:
    """Whether the filter `show` shows the line."""
    if show == ALL:
        return True
    if show == MILESTONES:
        return item.milestone
    return item.group == show


def start_of(day: dt.date) -> dt.datetime:
    """The first moment of a day, local time: where a line dated by a day sorts."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


# --- the registry ---------------------------------------------------------------------------

Contributor = Callable[["AlwaysEvent", int], list[TimelineItem]]


@dataclass(frozen=True)
class Source:
    key: str
    func: Contributor
    #: The filters (besides "Everything") under which its lines may show: a filter that none
    #: of them names does not run the contributor's queries.
    filters: frozenset[str]


_registry: dict[str, Source] = {}


def register(key: str, func: Contributor, *, filters: set[str] | frozenset[str]) -> None:
    """Add `func(event, limit) -> [TimelineItem]` to every event's timeline.

    `key` is unique across apps (prefix it with the app's name); registering it again replaces
    the contributor, so `ready()` running twice is harmless.
    """
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise ValueError(f"Unknown timeline filters: {sorted(unknown)}")
    _registry[key] = Source(key=key, func=func, filters=frozenset(filters))


def unregister(key: str) -> None:
    _registry.pop(key, None)


def sources(show: str = ALL) -> list[Source]:
    """The contributors whose lines the filter `show` may show, in key order."""
    return [
        source for key, source in sorted(_registry.items()) if show == ALL or show in source.filters
    ]


@contextmanager
def registered(key: str, func: Contributor, *, filters: set[str]) -> Iterator[None]:
    """Register a contributor for the length of a block (tests)."""
    with restored(_registry, key):
        register(key, func, filters=filters)
        yield
