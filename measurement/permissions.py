"""Who may do what in the measurement app: pure predicates, no HTTP, no queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from programmes.permissions import can_edit_event, is_staff

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent, Membership


def can_view_testing(membership: Membership, event: AlwaysEvent) -> bool:
    """The driver diagram, change ideas and PDSA cycles: every staff member of the organisation."""
    return is_staff(membership)


def can_edit_driver_diagram(membership: Membership, event: AlwaysEvent) -> bool:
    """Add, rename and remove drivers and change ideas.

    Team members, team leads and organisation admins; sponsors read; closed events are kept as
    they were.
    """
    return can_edit_event(membership, event)


def can_edit_pdsa_cycles(membership: Membership, event: AlwaysEvent) -> bool:
    """Plan PDSA cycles and move them on: the same people as the driver diagram."""
    return can_edit_event(membership, event)
