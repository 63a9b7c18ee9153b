"""What the registries of this app (`readiness`, `costs`) share."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any


@contextmanager
def restored(registry: MutableMapping[str, Any], key: str) -> Iterator[None]:
    """Put `registry[key]` back as it was (or remove it) when the block ends: tests register
    an entry for the length of a block."""
    previous = registry.get(key)
    try:
        yield
    finally:
        if previous is None:
            registry.pop(key, None)
        else:
            registry[key] = previous
