"""The co-production app's readiness checks, registered into `programmes.readiness`."""

from __future__ import annotations


def register_all() -> None:
    """Filled in with the co-production checks."""
