"""Who may do what with sponsor reports: pure predicates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from programmes.models import Role

if TYPE_CHECKING:
    from alwaysevents.reporting.models import SponsorReport
    from programmes.models import Membership

REPORT_ROLES = frozenset({Role.EXECUTIVE_SPONSOR, Role.ORGANISATION_ADMIN})


def can_view_reports(membership: Membership) -> bool:
    """Sponsors read their own reports; organisation admins read every sponsor's."""
    return membership.role in REPORT_ROLES


def can_view_report(membership: Membership, report: SponsorReport) -> bool:
    if membership.organisation_id != report.organisation_id:
        return False
    return membership.role == Role.ORGANISATION_ADMIN or report.sponsor_id == membership.user_id


def can_acknowledge_report(membership: Membership, report: SponsorReport) -> bool:
    """Only the sponsor it was sent to, and only once."""
    return (
        membership.organisation_id == report.organisation_id
        and report.sponsor_id == membership.user_id
        and report.acknowledged_at is None
    )
