"""Reads of stored sponsor reports: lists, one report, overdue ones, the acknowledgement rate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from alwaysevents.reporting.models import Notification, NotificationKind, SponsorReport
from alwaysevents.tenancy.scope import across_organisations
from programmes.models import Role

if TYPE_CHECKING:
    from programmes.models import Membership, Organisation


def _scoped(organisation: Organisation) -> QuerySet[SponsorReport]:
    return SponsorReport.objects.with_scope(organisation=organisation.pk).filter(
        organisation=organisation
    )


def can_see_all_reports(membership: Membership) -> bool:
    return membership.role == Role.ORGANISATION_ADMIN


def _readable(membership: Membership) -> QuerySet[SponsorReport]:
    reports = (
        _scoped(membership.organisation)
        .select_related("sponsor", "acknowledged_by")
        .order_by("-period", "sponsor__full_name", "pk")
    )
    if not can_see_all_reports(membership):
        reports = reports.filter(sponsor_id=membership.user_id)
    return reports


def report_list(*, membership: Membership) -> QuerySet[SponsorReport]:
    """The reports this member may read, newest month first, without the stored HTML and PDF:
    a sponsor their own, an organisation admin every sponsor's. One query."""
    return _readable(membership).defer("html", "pdf")


def report_get(*, membership: Membership, pk: int) -> SponsorReport:
    """One report the member may read (DoesNotExist for any other), with its HTML."""
    return _readable(membership).defer("pdf").get(pk=pk)


def report_pdf(*, membership: Membership, pk: int) -> tuple[SponsorReport, bytes]:
    report = _readable(membership).defer("html").get(pk=pk)
    return report, bytes(report.pdf)


def report_deliveries(reports: Iterable[SponsorReport]) -> dict[int, str]:
    """How each sent report reached its sponsor, in words: "by email", "in the app only (the
    sponsor turned the email off)" or "email not delivered yet" (its send is being retried).
    One query, on the notification ledger."""
    sent = [r for r in reports if r.sent_at is not None]
    if not sent:
        return {}
    ledger = {
        (n.recipient_id, n.period): n
        for n in Notification.objects.filter(
            kind=NotificationKind.MONTHLY_REPORT,
            recipient_id__in={r.sponsor_id for r in sent},
            period__in={r.notification_period for r in sent},
        )
    }
    found: dict[int, str] = {}
    for report in sent:
        notification = ledger.get((report.sponsor_id, report.notification_period))
        if notification is None:
            continue  # sent before the ledger kept it (nothing to say)
        if notification.emailed_at is not None:
            found[report.pk] = "by email"
        elif not notification.wants_email:
            found[report.pk] = "in the app only (the sponsor turned the email off)"
        else:
            found[report.pk] = "email not delivered yet"
    return found


def report_latest_unacknowledged(*, membership: Membership) -> SponsorReport | None:
    """The newest report sent to this member and not acknowledged yet (one query), with only
    what the dashboard shows of it (its month, when it was sent; not its content)."""
    return (
        _readable(membership)
        .select_related(None)
        .only("organisation_id", "sponsor_id", "period", "sent_at", "acknowledged_at")
        .filter(sponsor_id=membership.user_id, acknowledged_at__isnull=True, sent_at__isnull=False)
        .first()
    )


def report_list_overdue(*, now: dt.datetime | None = None) -> list[SponsorReport]:
    """Across organisations: reports sent more than `REPORT_ACKNOWLEDGE_DAYS` ago, not
    acknowledged and not yet escalated. One query."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.REPORT_ACKNOWLEDGE_DAYS)
    with across_organisations():
        return list(
            SponsorReport.objects.filter(
                sent_at__lte=cutoff, acknowledged_at__isnull=True, escalated_at__isnull=True
            )
            .select_related("organisation", "sponsor")
            .defer("html", "pdf")
            .order_by("sent_at", "pk")
        )


def report_is_overdue(report: SponsorReport, now: dt.datetime | None = None) -> bool:
    if report.sent_at is None or report.acknowledged_at is not None:
        return False
    deadline = report.sent_at + dt.timedelta(days=settings.REPORT_ACKNOWLEDGE_DAYS)
    return (now or timezone.now()) > deadline


# --- the acknowledgement rate (for the programme dashboard) ------------------------------------


@dataclass(frozen=True)
class AcknowledgementRate:
    organisation_id: int | None  # None: the whole programme
    organisation_name: str
    sent: int
    acknowledged: int
    on_time: int  # acknowledged within REPORT_ACKNOWLEDGE_DAYS of sending
    escalated: int

    @property
    def rate(self) -> float | None:
        """Acknowledged / sent, None when nothing was sent."""
        return self.acknowledged / self.sent if self.sent else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.sent if self.sent else None

    @property
    def percent(self) -> str:
        return f"{round(100 * self.rate)}%" if self.rate is not None else "No reports yet"


@dataclass(frozen=True)
class AcknowledgementRates:
    overall: AcknowledgementRate
    organisations: list[AcknowledgementRate]


def acknowledgement_rate(
    *, since: str | None = None, until: str | None = None
) -> AcknowledgementRates:
    """How many sent reports sponsors acknowledged (and within the deadline), per organisation
    and over the programme, for report months from `since` to `until` ("2026-01"; both
    optional, inclusive). Programme-wide: no personal data. One query."""
    window = dt.timedelta(days=settings.REPORT_ACKNOWLEDGE_DAYS)
    filters = Q(sent_at__isnull=False)
    if since:
        filters &= Q(period__gte=since)
    if until:
        filters &= Q(period__lte=until)
    with across_organisations():
        rows = list(
            SponsorReport.objects.filter(filters)
            .values("organisation_id", "organisation__name")
            .annotate(
                sent=Count("pk"),
                acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
                on_time=Count("pk", filter=Q(acknowledged_at__lte=F("sent_at") + window)),
                escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
            )
            .order_by("organisation__name")
        )
    organisations = [
        AcknowledgementRate(
            r["organisation_id"],
            r["organisation__name"],
            r["sent"],
            r["acknowledged"],
            r["on_time"],
            r["escalated"],
        )
        for r in rows
    ]
    overall = AcknowledgementRate(
        None,
        "All organisations",
        sum(r.sent for r in organisations),
        sum(r.acknowledged for r in organisations),
        sum(r.on_time for r in organisations),
        sum(r.escalated for r in organisations),
    )
    return AcknowledgementRates(overall=overall, organisations=organisations)
