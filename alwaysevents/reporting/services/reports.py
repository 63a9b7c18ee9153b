"""Monthly sponsor reports: generate and store the snapshot, send it once, acknowledge, escalate.

- `sponsor_report_generate`: builds the report of one sponsor for one month and stores it (HTML,
  PDF and the facts the next report compares against). Once per (organisation, sponsor, month):
  a second call returns the stored report unchanged.
- `sponsor_report_send`: emails it through `notification_send` (the exactly-once ledger, key
  (sponsor, "monthly_report", "org-<id>:<month>")) with the PDF attached, then marks it sent.
- `sponsor_report_acknowledge`: the sponsor's one click, in the app or by the signed link.
- `sponsor_report_escalate`: tells the organisation admins once that a report was not
  acknowledged in time (ledger key (admin, "report_escalation", "report-<id>")).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.reporting import rendering
from alwaysevents.reporting.models import NotificationKind, SponsorReport
from alwaysevents.reporting.selectors.report import period_bounds, report_content
from alwaysevents.reporting.services.delivery import absolute_url, notification_send
from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from measurement import icons
from programmes.models import Membership, Role

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from alwaysevents.reporting.models import Notification

ACKNOWLEDGE_SALT = "alwaysevents.reporting.report-acknowledge"


def _reports(organisation_id: int) -> QuerySet[SponsorReport]:
    return SponsorReport.objects.with_scope(organisation=organisation_id).filter(
        organisation_id=organisation_id
    )


def report_path(report: SponsorReport) -> str:
    return reverse(
        "reporting:report-detail",
        kwargs={"org_slug": report.organisation.slug, "pk": report.pk},
    )


# --- generating and storing ------------------------------------------------------------------


def sponsor_report_generate(*, membership: Membership, period: str) -> SponsorReport:
    """The stored report of this sponsor for this month, generating it the first time.

    Rendering (queries and the PDF) happens outside any transaction; only the insert is atomic,
    and a report written meanwhile by another worker wins (its row is returned).
    """
    period_bounds(period)  # a clear error for a malformed month
    organisation = membership.organisation
    existing = (
        _reports(organisation.pk)
        .filter(sponsor_id=membership.user_id, period=period)
        .defer("html", "pdf")
        .first()
    )
    if existing is not None:
        return existing
    previous = (
        _reports(organisation.pk)
        .filter(sponsor_id=membership.user_id, period__lt=period)
        .order_by("-period")
        .values_list("summary", flat=True)
        .first()
    )
    with organisation_scope(organisation):
        content = report_content(
            membership=membership,
            period=period,
            previous_scores=previous.get("scores", {}) if previous is not None else None,
        )
    html = rendering.report_body_html(content)
    pdf = rendering.report_pdf(content, html)
    summary = {
        "titles": content.titles(),
        "scores": content.scores(),
        "events": len(content.events),
        "challenges": content.challenge_count,
        "cycles": content.cycle_count,
        "detail": [
            {
                "title": e.title,
                "stage": e.stage_label,
                "score": e.score,
                "change": e.score_change_text,
                "cycles": len(e.cycles),
                "measures": [
                    {"name": m.name, "icons": [icons.stored(i) for i in m.icons]}
                    for m in e.measures
                ],
                "challenges": [[c.area, c.text] for c in e.challenges],
                "accreditation": e.accreditation.text if e.accreditation else "",
            }
            for e in content.events
        ],
    }
    try:
        with transaction.atomic():
            return SponsorReport.objects.with_scope(organisation=organisation.pk).create(
                organisation=organisation,
                membership=membership,
                sponsor_id=membership.user_id,
                period=period,
                summary=summary,
                html=html,
                pdf=pdf,
                generated_at=timezone.now(),
            )
    except IntegrityError:
        return _reports(organisation.pk).get(sponsor_id=membership.user_id, period=period)


# --- sending -------------------------------------------------------------------------------------


def acknowledge_token(report: SponsorReport) -> str:
    """A signed token naming this report and its sponsor (nothing secret is stored)."""
    return signing.dumps({"r": report.pk, "s": report.sponsor_id}, salt=ACKNOWLEDGE_SALT)


def acknowledge_url(report: SponsorReport) -> str:
    path = reverse("reporting:report-acknowledge-link", kwargs={"token": acknowledge_token(report)})
    return absolute_url(path)


def report_from_token(token: str) -> SponsorReport:
    """The report a link names, or a DomainError saying plainly what is wrong with the link."""
    max_age = dt.timedelta(days=settings.REPORT_ACKNOWLEDGE_LINK_DAYS)
    try:
        data = signing.loads(token, salt=ACKNOWLEDGE_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise DomainError(
            f"This link has expired: links in report emails work for "
            f"{settings.REPORT_ACKNOWLEDGE_LINK_DAYS} days. Sign in to acknowledge the report "
            "in Always Events."
        ) from error
    except signing.BadSignature as error:
        raise DomainError(
            "This link is not valid. It may have been cut short when it was copied: open it "
            "from the email again, or sign in to acknowledge the report in Always Events."
        ) from error
    with across_organisations():
        report = (
            SponsorReport.objects.select_related("organisation", "sponsor")
            .defer("html", "pdf")
            .filter(pk=data.get("r"), sponsor_id=data.get("s"))
            .first()
        )
    if report is None:
        raise DomainError("This link is for a report that no longer exists.")
    return report


def sponsor_report_send(*, report: SponsorReport) -> Notification | None:
    """Send the stored report to its sponsor, at most once. Call it outside a transaction.

    Returns the ledger row when this call delivered it, None when it had been delivered before.
    Mail errors propagate (the task retries); the ledger lets the retry finish the send.
    """
    organisation = report.organisation
    sponsor = report.sponsor
    pdf = bytes(
        report.pdf
        if "pdf" not in report.get_deferred_fields()
        else _reports(organisation.pk).values_list("pdf", flat=True).get(pk=report.pk)
    )
    period_start, _ = period_bounds(report.period)
    label = f"{period_start:%B %Y}"
    summary = report.summary or {}
    notification = notification_send(
        recipient=sponsor,
        kind=NotificationKind.MONTHLY_REPORT,
        period=report.notification_period,
        subject=f"Always Events progress report for {label}",
        text_template="reporting/email/monthly_report.txt",
        html_template="reporting/email/monthly_report.html",
        context={
            "organisation_name": organisation.name,
            "period_label": label,
            "summary": summary,
            "acknowledge_url": acknowledge_url(report),
            "acknowledge_days": settings.REPORT_ACKNOWLEDGE_DAYS,
        },
        url=report_path(report),
        organisation=organisation,
        summary=(
            f"Your progress report for {label} is ready: {summary.get('events', 0)} Always "
            f"Events, {summary.get('challenges', 0)} challenges needing you."
        ),
        attachments=[
            (
                f"always-events-report-{organisation.slug}-{report.period}.pdf",
                pdf,
                "application/pdf",
            )
        ],
    )
    if report.sent_at is None:
        now = timezone.now()
        _reports(organisation.pk).filter(pk=report.pk, sent_at__isnull=True).update(sent_at=now)
        report.sent_at = now
    return notification


# --- acknowledging ---------------------------------------------------------------------------


@transaction.atomic
def sponsor_report_acknowledge(*, report: SponsorReport, by: User, via: str) -> SponsorReport:
    """Record that the sponsor has read the report. Only its sponsor may; once is enough (a
    second click changes nothing)."""
    if by.pk != report.sponsor_id:
        raise DomainError("Only the sponsor the report was sent to can acknowledge it.")
    if via not in SponsorReport.Via.values:
        raise DomainError("Unknown way of acknowledging.", field="via")
    locked = _reports(report.organisation_id).select_for_update().defer("html", "pdf")
    current = locked.get(pk=report.pk)
    if current.acknowledged_at is None:
        current.acknowledged_at = timezone.now()
        current.acknowledged_by = by
        current.acknowledged_via = via
        current.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledged_via"])
    report.acknowledged_at = current.acknowledged_at
    report.acknowledged_by_id = current.acknowledged_by_id
    report.acknowledged_via = current.acknowledged_via
    return report


# --- escalating ------------------------------------------------------------------------------


def acknowledge_deadline(report: SponsorReport) -> dt.datetime | None:
    if report.sent_at is None:
        return None
    return report.sent_at + dt.timedelta(days=settings.REPORT_ACKNOWLEDGE_DAYS)


def sponsor_report_escalate(*, report: SponsorReport) -> int:
    """Tell the organisation's active admins that the report is unacknowledged past its
    deadline. Once per admin and report (the ledger); marks the report escalated. Returns how
    many admins were notified by this call."""
    organisation = report.organisation
    with organisation_scope(organisation):
        admins = [
            m.user
            for m in Membership.objects.filter(
                organisation=organisation, role=Role.ORGANISATION_ADMIN, is_active=True
            ).select_related("user")
        ]
    period_start, _ = period_bounds(report.period)
    label = f"{period_start:%B %Y}"
    sponsor_name = report.sponsor.display_name
    sent = 0
    for admin in admins:
        notification = notification_send(
            recipient=admin,
            kind=NotificationKind.REPORT_ESCALATION,
            period=f"report-{report.pk}",
            subject=f"{sponsor_name} has not acknowledged the {label} progress report",
            text_template="reporting/email/report_escalation.txt",
            html_template="reporting/email/report_escalation.html",
            context={
                "sponsor_name": sponsor_name,
                "period_label": label,
                "organisation_name": organisation.name,
                "sent_at": report.sent_at,
                "days": settings.REPORT_ACKNOWLEDGE_DAYS,
            },
            url=report_path(report),
            organisation=organisation,
            summary=f"{sponsor_name} has not acknowledged the {label} progress report after "
            f"{settings.REPORT_ACKNOWLEDGE_DAYS} days.",
        )
        sent += notification is not None
    _reports(organisation.pk).filter(pk=report.pk, escalated_at__isnull=True).update(
        escalated_at=timezone.now()
    )
    return sent
