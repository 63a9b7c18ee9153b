"""How current one event's data is, for the pages that keep what they read of it in the cache.

A registry, as the design has it for a lower app asking a higher one: the reporting app keeps
the versions of every organisation's data (`alwaysevents.reporting.versions`, moved on by
every write in the writer's own transaction) and registers its reader here in its `ready()`.
Without one registered, `event_version` answers None and pages read everything afresh.
"""

from __future__ import annotations

from collections.abc import Callable

#: (organisation id, event id) -> a text naming the state of the event's data, of what all the
#: organisation's events share and of the release (code and templates).
_readers: dict[str, Callable[[int, int], str]] = {}


def register(reader: Callable[[int, int], str]) -> None:
    _readers["event"] = reader


def event_version(organisation_id: int, event_id: int) -> str | None:
    """The version the event's data is in (read it *before* the data: whatever is read after
    is at least as new as it names), or None when nothing keeps versions."""
    reader = _readers.get("event")
    return reader(organisation_id, event_id) if reader is not None else None
