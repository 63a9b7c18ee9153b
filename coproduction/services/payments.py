"""Writes about partner payments and expenses: rates, claims and their approval.

A claim moves draft -> submitted -> approved -> paid, or submitted -> rejected; nothing else.
The organisation admin approves any amount; the event's team lead approves up to the
organisation's limit (`PaymentSettings`). Approval, rejection and payment write an
`AuditEntry`, naming the partner by pseudonym only.

Payments for involvement can affect a partner's benefits, so before a partner's first
involvement payment is approved (or paid), whoever approves it confirms that the partner has
been given the benefits-advice notice; the confirmation is itself an audit entry, and the
notice is not asked for again. Expenses (travel, subsistence, cover) repay costs and do not
need it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.files import upload_head
from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import (
    AuditEntry,
    Claim,
    Consent,
    EventPartner,
    InvolvementActivity,
    Partner,
    PaymentRate,
    PaymentSettings,
)
from coproduction.selectors.payments import BENEFITS_NOTICE_GIVEN
from coproduction.services.partners import audit_record, consent_require
from programmes.models import AlwaysEvent, Membership, Organisation, Role

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

DEFAULT_TEAM_LEAD_LIMIT = Decimal("50")
RECEIPT_MAX_BYTES = 10 * 1024 * 1024
RECEIPT_SIGNATURES = (
    (b"%PDF", ".pdf"),
    (b"\x89PNG", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
)

State = Claim.State

# Which state each move may start from, and where it goes.
TRANSITIONS: dict[str, tuple[str, str]] = {
    "submit": (State.DRAFT, State.SUBMITTED),
    "approve": (State.SUBMITTED, State.APPROVED),
    "reject": (State.SUBMITTED, State.REJECTED),
    "pay": (State.APPROVED, State.PAID),
}
MOVE_WORDS = {
    "submit": "submitted",
    "approve": "approved",
    "reject": "rejected",
    "pay": "marked as paid",
}


class PaymentAction:
    CLAIM_APPROVED = "claim_approved"
    CLAIM_REJECTED = "claim_rejected"
    CLAIM_PAID = "claim_paid"
    BENEFITS_NOTICE_GIVEN = BENEFITS_NOTICE_GIVEN


# --- settings and rates -------------------------------------------------------------------------


def payment_settings(*, organisation: Organisation) -> PaymentSettings:
    """The organisation's payment settings (the defaults, unsaved, if it has none yet)."""
    with organisation_scope(organisation):
        found = PaymentSettings.objects.filter(organisation=organisation).first()
    return found or PaymentSettings(
        organisation=organisation, team_lead_approval_limit=DEFAULT_TEAM_LEAD_LIMIT
    )


@transaction.atomic
def payment_settings_update(
    *, organisation: Organisation, team_lead_approval_limit: Decimal
) -> PaymentSettings:
    """Set how much a team lead may approve on their own."""
    if team_lead_approval_limit < 0:
        raise DomainError(
            "The team lead limit cannot be negative.", field="team_lead_approval_limit"
        )
    with organisation_scope(organisation):
        found, _ = PaymentSettings.objects.update_or_create(
            organisation=organisation,
            defaults={"team_lead_approval_limit": team_lead_approval_limit},
        )
    return found


@transaction.atomic
def payment_rate_set(
    *, organisation: Organisation, level: str, amount: Decimal, effective_from: dt.date
) -> PaymentRate:
    """Set what a level of involvement pays from a date (replacing a rate set for that date)."""
    level = " ".join(level.split()).lower()
    if not level:
        raise DomainError("Name the level of involvement, like half day.", field="level")
    if len(level) > PaymentRate._meta.get_field("level").max_length:  # type: ignore[operator]
        raise DomainError("Keep the level's name to a few words.", field="level")
    if amount < 0:
        raise DomainError("A rate cannot be negative.", field="amount")
    with organisation_scope(organisation):
        rate, _ = PaymentRate.objects.update_or_create(
            organisation=organisation,
            level=level,
            effective_from=effective_from,
            defaults={"amount": amount},
        )
    return rate


# --- claims -------------------------------------------------------------------------------------


def _check_receipt(receipt: UploadedFile) -> str:
    """Refuse anything but a PDF, PNG or JPEG of at most 10 MB; return the type's suffix."""
    head = upload_head(
        receipt,
        max_bytes=RECEIPT_MAX_BYTES,
        too_big="The receipt is too big: it must be 10 MB or smaller.",
        empty="The receipt file is empty.",
        field="receipt",
    )
    suffix = receipt_suffix(head)
    if suffix is None:
        raise DomainError(
            "The receipt must be a PDF, PNG or JPEG file (a photo or scan is fine). "
            "This file is none of those, whatever its name says.",
            field="receipt",
        )
    return suffix


def receipt_suffix(head: bytes) -> str | None:
    """The file type of a receipt from its first bytes (".pdf", ".png", ".jpg"), or None."""
    for signature, suffix in RECEIPT_SIGNATURES:
        if head.startswith(signature):
            return suffix
    return None


def _takes_part(partner: Partner, event: AlwaysEvent) -> bool:
    with organisation_scope(event.organisation):
        return EventPartner.objects.filter(
            partner=partner, event=event, left_on__isnull=True
        ).exists()


@transaction.atomic
def claim_create(
    *,
    partner: Partner,
    event: AlwaysEvent,
    kind: str,
    amount: Decimal,
    by: User | None,
    activity: InvolvementActivity | None = None,
    description: str = "",
    receipt: UploadedFile | None = None,
) -> Claim:
    """Start a claim (a draft) for a partner who takes part in the event."""
    if partner.organisation_id != event.organisation_id:
        raise DomainError(
            f"{partner} is not a partner of {event.organisation.name}.", field="partner"
        )
    if partner.is_anonymised:
        raise DomainError(
            f"{partner.pseudonym} has been anonymised: no new claims can be made for them.",
            field="partner",
        )
    if not _takes_part(partner, event):
        raise DomainError(
            f"{partner} does not take part in {event.title}: add them to the event first.",
            field="partner",
        )
    description = _clean_details(kind, amount, description)
    if activity is not None and activity.event_id != event.pk:
        raise DomainError(f"That activity is not part of {event.title}.", field="activity")
    suffix = _check_receipt(receipt) if receipt is not None else ""
    claim = Claim(
        organisation=event.organisation,
        partner=partner,
        event=event,
        activity=activity,
        kind=kind,
        amount=amount,
        description=description,
        created_by=by,
    )
    if receipt is not None:
        # Stored under a random name with the suffix of what the file is, not what it is called.
        receipt.name = f"receipt{suffix}"
        claim.receipt = receipt
    with organisation_scope(event.organisation):
        claim.full_clean(exclude=["organisation", "created_by", "receipt"])
        claim.save()
    return claim


def _locked_state(claim: Claim) -> str:
    """The claim's state, its row locked until the transaction ends."""
    with organisation_scope(claim.organisation):
        return Claim.objects.select_for_update().values_list("state", flat=True).get(pk=claim.pk)


def _clean_details(kind: str, amount: Decimal | None, description: str) -> str:
    """Check what a claim is for and its amount; the description with its spaces tidied."""
    if kind not in Claim.Kind.values:
        raise DomainError("Choose what the claim is for.", field="kind")
    if amount is None or amount <= 0:
        raise DomainError("The amount must be more than £0.", field="amount")
    description = " ".join(description.split())
    if len(description) > Claim._meta.get_field("description").max_length:  # type: ignore[operator]
        raise DomainError("Keep the description under 300 characters.", field="description")
    return description


@transaction.atomic
def claim_update(
    *, claim: Claim, kind: str, amount: Decimal, description: str, by: User | None
) -> Claim:
    """Correct a draft claim: what it is for, the amount and the details. Once submitted the
    approver decides on it as it is (reject it to have it made again)."""
    current = _locked_state(claim)
    if current != State.DRAFT:
        raise DomainError(
            f"This claim is {State(current).label.lower()}: only a draft can be changed."
        )
    claim.description = _clean_details(kind, amount, description)
    claim.kind, claim.amount = kind, amount
    claim.save(update_fields=["kind", "amount", "description"])
    return claim


@transaction.atomic
def claim_receipt_attach(*, claim: Claim, receipt: UploadedFile, by: User | None) -> Claim:
    """Add the receipt to a claim, or replace it, until the claim is decided (a draft or a
    submitted claim): the approver then sees the claim with its receipt."""
    current = _locked_state(claim)
    if current not in (State.DRAFT, State.SUBMITTED):
        raise DomainError(
            f"This claim is {State(current).label.lower()}: its receipt can no longer change."
        )
    suffix = _check_receipt(receipt)
    old = claim.receipt.name if claim.receipt else ""
    receipt.name = f"receipt{suffix}"
    claim.receipt = receipt
    with organisation_scope(claim.organisation):
        claim.save(update_fields=["receipt"])
    if old:
        # The replaced file goes once the new one is safely recorded.
        storage, name = claim.receipt.storage, old
        transaction.on_commit(lambda: storage.delete(name))
    return claim


def _move(claim: Claim, move: str) -> None:
    """Check the claim may make `move` from its current state (after locking its row)."""
    current = _locked_state(claim)
    claim.state = current
    start, _ = TRANSITIONS[move]
    if current != start:
        label = State(current).label.lower()
        raise DomainError(
            f"This claim is {label}, so it cannot be {MOVE_WORDS[move]}. "
            f"Only a {State(start).label.lower()} claim can."
        )


@transaction.atomic
def claim_submit(*, claim: Claim, by: User | None) -> Claim:
    """Send a draft claim for approval."""
    _move(claim, "submit")
    claim.state = State.SUBMITTED
    claim.submitted_at = timezone.now()
    claim.save(update_fields=["state", "submitted_at"])
    return claim


def _summary(claim: Claim, verb: str) -> str:
    """An audit summary: the partner by pseudonym only."""
    return (
        f"{claim.get_kind_display()} claim of £{Decimal(claim.amount):.2f} for "
        f"{claim.partner.pseudonym} ({claim.event.title}) {verb}."
    )


def _require_approver(
    claim: Claim, by: User, membership: Membership, verb: str = "approve {}"
) -> None:
    """`verb` with a gap for the claim(s): "approve {}", "mark {} as paid"."""
    if (
        membership.user_id != by.pk
        or not membership.is_active
        or membership.organisation_id != claim.organisation_id
    ):
        raise DomainError(
            f"Only members of {claim.organisation.name} can {verb.format('its claims')}."
        )
    if membership.role == Role.ORGANISATION_ADMIN:
        return
    if membership.role != Role.TEAM_LEAD or claim.event.team_lead_id != by.pk:
        raise DomainError(
            f"Only the organisation admin, or the event's team lead within their limit, "
            f"can {verb.format('claims')}."
        )
    limit = payment_settings(organisation=claim.organisation).team_lead_approval_limit
    if claim.amount > limit:
        raise DomainError(
            f"Team leads can {verb.format('claims')} up to £{limit:.2f}. This claim is "
            f"£{claim.amount:.2f}: ask the organisation admin to {verb.format('it')}."
        )


@transaction.atomic
def claim_approve(
    *, claim: Claim, by: User, membership: Membership, benefits_notice_confirmed: bool = False
) -> Claim:
    """Approve a submitted claim; involvement payments need the partner's payment consent and,
    the first time, confirmation that they were given the benefits-advice notice."""
    _move(claim, "approve")
    _require_approver(claim, by, membership)
    if claim.kind == Claim.Kind.INVOLVEMENT:
        consent_require(partner=claim.partner, purpose=Consent.Purpose.PAYMENT)
    _require_benefits_notice(claim, by, confirmed=benefits_notice_confirmed)
    claim.state = State.APPROVED
    claim.approved_at = timezone.now()
    claim.approved_by = by
    claim.save(update_fields=["state", "approved_at", "approved_by"])
    audit_record(
        organisation=claim.organisation,
        actor=by,
        action=PaymentAction.CLAIM_APPROVED,
        partner=claim.partner,
        summary=_summary(claim, "approved"),
    )
    return claim


@transaction.atomic
def claim_reject(
    *, claim: Claim, reason: str, by: User | None, membership: Membership | None = None
) -> Claim:
    """Turn down a submitted claim, saying why. With `membership` (as pages pass it), only
    someone who could approve the claim may reject it."""
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the claim is rejected.", field="reason")
    _move(claim, "reject")
    if membership is not None and by is not None:
        _require_approver(claim, by, membership, verb="reject {}")
    claim.state = State.REJECTED
    claim.rejected_reason = reason
    claim.save(update_fields=["state", "rejected_reason"])
    audit_record(
        organisation=claim.organisation,
        actor=by,
        action=PaymentAction.CLAIM_REJECTED,
        partner=claim.partner,
        summary=_summary(claim, "rejected"),
    )
    return claim


@transaction.atomic
def claim_mark_paid(
    *,
    claim: Claim,
    by: User | None,
    membership: Membership | None = None,
    benefits_notice_confirmed: bool = False,
) -> Claim:
    """Record that an approved claim has been paid (after the benefits-advice notice, for a
    partner's first involvement payment, if it was not confirmed when it was approved). With
    `membership` (as pages pass it), only someone who could approve the claim may do it."""
    _move(claim, "pay")
    if membership is not None and by is not None:
        _require_approver(claim, by, membership, verb="mark {} as paid")
    _require_benefits_notice(claim, by, confirmed=benefits_notice_confirmed)
    claim.state = State.PAID
    claim.paid_at = timezone.now()
    claim.save(update_fields=["state", "paid_at"])
    audit_record(
        organisation=claim.organisation,
        actor=by,
        action=PaymentAction.CLAIM_PAID,
        partner=claim.partner,
        summary=_summary(claim, "paid"),
    )
    return claim


# --- the benefits-advice notice -----------------------------------------------------------------


def benefits_notice_given(*, partner: Partner) -> bool:
    """Whether someone has confirmed the partner was given the benefits-advice notice."""
    with organisation_scope(partner.organisation):
        return AuditEntry.objects.filter(
            partner=partner, action=PaymentAction.BENEFITS_NOTICE_GIVEN
        ).exists()


def benefits_notice_needed(*, partner: Partner) -> bool:
    """True until the partner is known to have had the benefits-advice notice: it has been
    confirmed (`benefits_notice_record`), or an involvement payment of theirs has been paid."""
    if benefits_notice_given(partner=partner):
        return False
    with organisation_scope(partner.organisation):
        return not Claim.objects.filter(
            partner=partner, kind=Claim.Kind.INVOLVEMENT, state=State.PAID
        ).exists()


@transaction.atomic
def benefits_notice_record(*, partner: Partner, by: User | None) -> AuditEntry:
    """Record (in the audit log) that the partner was given the benefits-advice notice."""
    if partner.is_anonymised:
        raise DomainError(f"{partner.pseudonym} has been anonymised: nothing new can be recorded.")
    with organisation_scope(partner.organisation):
        Partner.objects.select_for_update().filter(pk=partner.pk).first()
        found = AuditEntry.objects.filter(
            partner=partner, action=PaymentAction.BENEFITS_NOTICE_GIVEN
        ).first()
    if found is not None:
        return found
    return audit_record(
        organisation=partner.organisation,
        actor=by,
        action=PaymentAction.BENEFITS_NOTICE_GIVEN,
        partner=partner,
        summary=(
            f"{partner.pseudonym} was given the benefits-advice notice before their first "
            "involvement payment."
        ),
    )


def _require_benefits_notice(claim: Claim, by: User | None, *, confirmed: bool) -> None:
    """A partner's first involvement payment waits for the benefits-advice notice."""
    if claim.kind != Claim.Kind.INVOLVEMENT or not benefits_notice_needed(partner=claim.partner):
        return
    if not confirmed:
        raise DomainError(
            "This is their first involvement payment. Payments can affect the benefits someone "
            "receives: give them the benefits-advice notice, then tick to confirm you did.",
            field="benefits_notice_confirmed",
        )
    benefits_notice_record(partner=claim.partner, by=by)
