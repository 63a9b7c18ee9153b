"""Reads about partner payments: rates, an event's claims and totals, and what an event has
approved or paid out (its costs in the value summary). Constant queries each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from alwaysevents.tenancy.scope import owned_by
from coproduction.models import AuditEntry, Claim, PaymentRate
from programmes import costs
from programmes.models import AlwaysEvent, Organisation

COUNTED_STATES = (Claim.State.APPROVED, Claim.State.PAID)
BENEFITS_NOTICE_GIVEN = "benefits_notice_given"  # services.payments.PaymentAction
COST_LINE_KEY = "coproduction.partner_payments"
COST_LINE_LABEL = "Partner payments and expenses"


def event_partner_payments_total(*, event: AlwaysEvent) -> Decimal:
    """Approved and paid claims of the event (one query), for its costs in the value summary."""
    return event_partner_payments_totals(events=[event]).get(event.pk, Decimal("0"))


def event_partner_payments_totals(*, events: Sequence[AlwaysEvent]) -> dict[int, Decimal]:
    """`event_partner_payments_total` of many events of one organisation (one query); events
    without approved or paid claims are left out."""
    if not events:
        return {}
    rows = (
        owned_by(Claim, events[0].organisation_id)
        .filter(event__in=[event.pk for event in events], state__in=COUNTED_STATES)
        .values("event_id")
        .annotate(total=Sum("amount"))
        .values_list("event_id", "total")
    )
    return dict(rows)


def register_cost_line() -> None:
    """Add "Partner payments and expenses" to every event's value summary (from `ready()`)."""
    costs.register(key=COST_LINE_KEY, label=COST_LINE_LABEL, app="coproduction", position=60)(
        lambda events: event_partner_payments_totals(events=events)
    )


# --- rates --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    level: str
    amount: Decimal
    effective_from: dt.date
    status: str  # "current", "superseded" or "future"

    @property
    def status_label(self) -> str:
        return {"current": "Current", "superseded": "Replaced", "future": "From a future date"}[
            self.status
        ]


def payment_rate_list(*, organisation: Organisation, on: dt.date | None = None) -> list[RateRow]:
    """Every rate by level, newest first, each marked current, replaced (superseded by a later
    rate already in force) or future, as of `on` (today). One query."""
    on = on or timezone.localdate()
    rows: list[RateRow] = []
    current_found: set[str] = set()
    for rate in owned_by(PaymentRate, organisation.pk).order_by("level", "-effective_from"):
        if rate.effective_from > on:
            status = "future"
        elif rate.level in current_found:
            status = "superseded"
        else:
            status = "current"
            current_found.add(rate.level)
        rows.append(RateRow(rate.level, rate.amount, rate.effective_from, status))
    return rows


# --- claims -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimRow:
    """A claim as the organisation admin or the event's team lead sees it."""

    pk: int
    partner_id: int
    partner_name: str
    partner_anonymised: bool
    kind: str
    kind_label: str
    amount: Decimal
    state: str
    state_label: str
    description: str
    activity_title: str
    has_receipt: bool
    created_at: dt.datetime
    created_by_name: str
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    approved_by_name: str
    paid_at: dt.datetime | None
    rejected_reason: str
    # The partner's first involvement payment: the benefits-advice notice comes first.
    needs_benefits_notice: bool


def _notice_known(organisation_id: int, partner_ids: set[int]) -> set[int]:
    """Partners known to have had the benefits-advice notice (two queries)."""
    if not partner_ids:
        return set()
    given = set(
        owned_by(AuditEntry, organisation_id)
        .filter(partner_id__in=partner_ids, action=BENEFITS_NOTICE_GIVEN)
        .values_list("partner_id", flat=True)
    )
    paid = set(
        owned_by(Claim, organisation_id)
        .filter(partner_id__in=partner_ids, kind=Claim.Kind.INVOLVEMENT, state=Claim.State.PAID)
        .values_list("partner_id", flat=True)
    )
    return given | paid


def _row(claim: Claim, notice_known: set[int]) -> ClaimRow:
    open_involvement = claim.kind == Claim.Kind.INVOLVEMENT and claim.state in (
        Claim.State.DRAFT,
        Claim.State.SUBMITTED,
        Claim.State.APPROVED,
    )
    return ClaimRow(
        pk=claim.pk,
        partner_id=claim.partner_id,
        partner_name=str(claim.partner),
        partner_anonymised=claim.partner.is_anonymised,
        kind=claim.kind,
        kind_label=claim.get_kind_display(),
        amount=claim.amount,
        state=claim.state,
        state_label=claim.get_state_display(),
        description=claim.description,
        activity_title=claim.activity.title if claim.activity else "",
        has_receipt=bool(claim.receipt),
        created_at=claim.created_at,
        created_by_name=claim.created_by.display_name if claim.created_by else "",
        submitted_at=claim.submitted_at,
        approved_at=claim.approved_at,
        approved_by_name=claim.approved_by.display_name if claim.approved_by else "",
        paid_at=claim.paid_at,
        rejected_reason=claim.rejected_reason,
        needs_benefits_notice=open_involvement and claim.partner_id not in notice_known,
    )


def _claims(event: AlwaysEvent) -> QuerySet[Claim]:
    return (
        owned_by(Claim, event.organisation_id)
        .filter(event=event)
        .select_related("partner", "activity", "created_by", "approved_by")
    )


def claim_list(*, event: AlwaysEvent) -> list[ClaimRow]:
    """The event's claims, newest first. Three queries at most."""
    claims = list(_claims(event))
    known = _notice_known(event.organisation_id, {c.partner_id for c in claims})
    return [_row(claim, known) for claim in claims]


def claim_get(*, event: AlwaysEvent, pk: int) -> Claim:
    """One claim of the event; `Claim.DoesNotExist` for any other (a 404)."""
    return _claims(event).get(pk=pk)


def claim_row(*, claim: Claim) -> ClaimRow:
    """One claim as a row, with whether the benefits-advice notice is still to come."""
    return _row(claim, _notice_known(claim.organisation_id, {claim.partner_id}))


@dataclass
class ClaimTotals:
    """What everyone in the organisation may see of an event's claims: counts and money."""

    count: dict[str, int] = field(default_factory=dict)
    amount: dict[str, Decimal] = field(default_factory=dict)

    def _n(self, state: str) -> int:
        return self.count.get(state, 0)

    def _sum(self, state: str) -> Decimal:
        return self.amount.get(state, Decimal("0"))

    @property
    def claims(self) -> int:
        return sum(self.count.values())

    @property
    def waiting(self) -> int:
        """Submitted and waiting for a decision."""
        return self._n(Claim.State.SUBMITTED)

    @property
    def waiting_amount(self) -> Decimal:
        return self._sum(Claim.State.SUBMITTED)

    @property
    def approved_amount(self) -> Decimal:
        """Approved and not yet paid."""
        return self._sum(Claim.State.APPROVED)

    @property
    def paid_amount(self) -> Decimal:
        return self._sum(Claim.State.PAID)

    @property
    def committed(self) -> Decimal:
        """Approved or paid: what counts towards the event's costs."""
        return self.approved_amount + self.paid_amount

    def rows(self) -> list[tuple[str, int, Decimal]]:
        """(state label, number, amount) for each state, in the order claims move."""
        return [
            (str(label), self._n(state), self._sum(state)) for state, label in Claim.State.choices
        ]


def claim_totals(*, event: AlwaysEvent) -> ClaimTotals:
    """Number and amount of the event's claims in each state. One query."""
    totals = ClaimTotals()
    for row in (
        owned_by(Claim, event.organisation_id)
        .filter(event=event)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"), total=Sum("amount"))
    ):
        totals.count[row["state"]] = row["n"]
        totals.amount[row["state"]] = row["total"] or Decimal("0")
    return totals


# --- a partner's own claims (their partner pages) ------------------------------------------------


@dataclass(frozen=True)
class OwnClaim:
    """A claim as its partner sees it: what it is for and where it has got to, in plain words."""

    claim: Claim
    event_title: str

    @property
    def progress(self) -> str:
        claim = self.claim
        if claim.state == Claim.State.PAID and claim.paid_at:
            return f"Paid on {timezone.localtime(claim.paid_at):%-d %B %Y}"
        if claim.state == Claim.State.APPROVED:
            return "Approved: it will be paid soon"
        if claim.state == Claim.State.SUBMITTED:
            return "Waiting for approval"
        if claim.state == Claim.State.REJECTED:
            return "Not approved" + (f": {claim.rejected_reason}" if claim.rejected_reason else "")
        return "Being prepared by the team"


def partner_own_claims(*, partner: Any) -> list[OwnClaim]:
    """Every claim for this partner in their organisation, newest first (one query). No
    receipts and nothing about anyone else."""
    claims = (
        owned_by(Claim, partner.organisation_id)
        .filter(partner=partner)
        .select_related("event")
        .order_by("-created_at", "-pk")
    )
    return [OwnClaim(claim=c, event_title=c.event.title) for c in claims]
