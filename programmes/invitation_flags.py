"""Flags other apps add to an organisation's waiting invitations, so programmes imports none of
them: coproduction flags a partner's access needs on the invitation sent for them to sign in.

A flag function takes the invitations shown (all of one organisation) and returns the label to
show beside each invitation it knows about, by invitation id, in a constant number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from programmes.models import Invitation

FlagFunction = Callable[[Sequence["Invitation"]], Mapping[int, str]]

_registry: dict[str, FlagFunction] = {}


def register(key: str, func: FlagFunction) -> None:
    """Register `func` under `key` (prefix it with the app's name); again replaces it."""
    _registry[key] = func


def flags_for(invitations: Sequence[Invitation]) -> dict[int, list[str]]:
    """Every registered flag of each invitation, by invitation id."""
    flags: dict[int, list[str]] = defaultdict(list)
    if not invitations:
        return flags
    for key in sorted(_registry):
        for invitation_id, label in _registry[key](invitations).items():
            flags[invitation_id].append(label)
    return flags
