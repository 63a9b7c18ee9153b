"""Everything held about one partner, for their right of access (UK GDPR article 15).

`subject_access_sections` reads, in a constant number of queries, every row that is about the
partner: their details, consents (with the wording version each was given under), the events
they take part in, their attendance at activities and the feedback they gave, their
suggestions, sign-offs of vision statements, payment claims, the audit entries about them and
the record of who opened their details. It reads nothing about anyone else: an activity is
described by its own fields, never by who else attended it. `receipt_files` names the receipts
of their claims. `coproduction.services.subject_access` packs both into a ZIP.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from alwaysevents.tenancy.scope import owned_by
from coproduction.models import (
    AccessNeed,
    Attendance,
    AuditEntry,
    Claim,
    Consent,
    EventPartner,
    InvolvementActivity,
    Partner,
    PartnerAccessRecord,
    PartnerMembership,
    PartnerSignOff,
    PartnerSuggestion,
)
from programmes.models import Stage


@dataclass(frozen=True)
class Section:
    """One kind of data: a CSV file and a list in the JSON file, with the same columns."""

    name: str  # the file name without ".csv", and the key in the JSON file
    title: str
    columns: Sequence[tuple[str, str]]  # (key, header)
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [header for _key, header in self.columns]

    def table_rows(self) -> list[list[Any]]:
        return [[row.get(key) for key, _header in self.columns] for row in self.rows]


@dataclass(frozen=True)
class ReceiptFile:
    claim_pk: int
    name: str  # the stored file's name in the private storage


def _who(user: Any) -> str:
    return user.display_name if user is not None else ""


def subject_access_sections(*, partner: Partner) -> list[Section]:
    """The partner's data, one `Section` per kind (11 queries, whatever the amounts)."""
    org = partner.organisation_id
    labels = dict(AccessNeed.choices)
    sign_in = (
        owned_by(PartnerMembership, org)
        .filter(partner=partner)
        .select_related("membership__user")
        .first()
    )
    details = Section(
        "details",
        "Their details",
        [
            ("pseudonym", "Pseudonym"),
            ("display_name", "Name they are known by"),
            ("relationship", "Connection to the service"),
            ("email", "Email"),
            ("phone", "Phone"),
            ("postal_address", "Postal address"),
            ("contact_preference", "Prefers contact by"),
            ("recruitment_source", "Came to the team through"),
            ("recruitment_note", "Recruitment note"),
            ("access_needs", "Access needs"),
            ("access_needs_other", "Other access needs"),
            ("payment_preference", "Payment preference"),
            ("retention_until", "Review details by"),
            ("anonymised_at", "Anonymised at"),
            ("created_at", "Recorded at"),
            ("sign_in_email", "Signs in as"),
        ],
        [
            {
                "pseudonym": partner.pseudonym,
                "display_name": partner.display_name,
                "relationship": partner.get_relationship_display(),
                "email": partner.email,
                "phone": partner.phone,
                "postal_address": partner.postal_address,
                "contact_preference": partner.get_contact_preference_display(),
                "recruitment_source": partner.get_recruitment_source_display(),
                "recruitment_note": partner.recruitment_note,
                "access_needs": "; ".join(
                    str(labels.get(value, value)) for value in partner.access_needs
                ),
                "access_needs_other": partner.access_needs_other,
                "payment_preference": partner.get_payment_preference_display(),
                "retention_until": partner.retention_until,
                "anonymised_at": partner.anonymised_at,
                "created_at": partner.created_at,
                "sign_in_email": sign_in.membership.user.email if sign_in else "",
            }
        ],
    )
    consents = Section(
        "consents",
        "Consents",
        [
            ("purpose", "Purpose"),
            ("wording_version", "Wording version"),
            ("given_at", "Given at"),
            ("recorded_by", "Recorded by"),
            ("withdrawn_at", "Withdrawn at"),
            ("withdrawn_by", "Withdrawn by"),
        ],
        [
            {
                "purpose": c.get_purpose_display(),
                "wording_version": c.wording_version,
                "given_at": c.given_at,
                "recorded_by": _who(c.recorded_by),
                "withdrawn_at": c.withdrawn_at,
                "withdrawn_by": _who(c.withdrawn_by),
            }
            for c in owned_by(Consent, org)
            .filter(partner=partner)
            .select_related("recorded_by", "withdrawn_by")
            .order_by("given_at", "pk")
        ],
    )
    involvement = Section(
        "involvement",
        "Always Events they take part in",
        [
            ("event", "Always Event"),
            ("role", "Their part"),
            ("joined_on", "Joined on"),
            ("left_on", "Left on"),
        ],
        [
            {
                "event": link.event.title,
                "role": link.role,
                "joined_on": link.joined_on,
                "left_on": link.left_on,
            }
            for link in owned_by(EventPartner, org)
            .filter(partner=partner)
            .select_related("event")
            .order_by("joined_on", "pk")
        ],
    )
    attendance_rows = list(
        owned_by(Attendance, org)
        .filter(partner=partner)
        .select_related("activity__event")
        .order_by("activity__held_on", "pk")
    )
    attendance = Section(
        "attendance",
        "Activities they took part in",
        [
            ("activity", "Activity"),
            ("event", "Always Event"),
            ("held_on", "Held on"),
            ("type", "Type"),
            ("stage", "Stage"),
            ("rung", "Ladder of co-production"),
            ("hours", "Hours"),
        ],
        [
            {
                "activity": a.activity.title,
                "event": a.activity.event.title,
                "held_on": a.activity.held_on,
                "type": a.activity.get_type_display(),
                "stage": Stage(a.activity.stage).label,
                "rung": InvolvementActivity.Rung(a.activity.rung).label,
                "hours": a.activity.hours,
            }
            for a in attendance_rows
        ],
    )
    feedback = Section(
        "feedback",
        "Their feedback on activities",
        [
            ("activity", "Activity"),
            ("held_on", "Held on"),
            ("feedback", "Their feedback"),
            ("feedback_at", "Given at"),
        ],
        [
            {
                "activity": a.activity.title,
                "held_on": a.activity.held_on,
                "feedback": a.feedback,
                "feedback_at": a.feedback_at,
            }
            for a in attendance_rows
            if a.feedback
        ],
    )
    suggestions = Section(
        "suggestions",
        "What they would change",
        [("event", "Always Event"), ("text", "Their suggestion"), ("created_at", "Made at")],
        [
            {"event": s.event.title, "text": s.text, "created_at": s.created_at}
            for s in owned_by(PartnerSuggestion, org)
            .filter(partner=partner)
            .select_related("event")
            .order_by("created_at", "pk")
        ],
    )
    sign_offs = Section(
        "sign_offs",
        "Their sign-offs of vision statements",
        [
            ("event", "Always Event"),
            ("statement", "Vision statement"),
            ("signed_by_name", "Signed off as"),
            ("signed_on", "Signed on"),
            ("recorded_by", "Recorded by"),
        ],
        [
            {
                "event": link.sign_off.event.title,
                "statement": link.sign_off.statement,
                "signed_by_name": link.sign_off.signed_by_name,
                "signed_on": link.sign_off.signed_on,
                "recorded_by": _who(link.sign_off.recorded_by),
            }
            for link in owned_by(PartnerSignOff, org)
            .filter(partner=partner)
            .select_related("sign_off__event", "sign_off__recorded_by")
            .order_by("sign_off__signed_on", "pk")
        ],
    )
    payments = Section(
        "payments",
        "Payments and expenses",
        [
            ("claim", "Claim"),
            ("event", "Always Event"),
            ("activity", "Activity"),
            ("kind", "For"),
            ("amount", "Amount (£)"),
            ("description", "Description"),
            ("state", "Where it has got to"),
            ("rejected_reason", "Reason for rejecting"),
            ("created_at", "Recorded at"),
            ("submitted_at", "Submitted at"),
            ("approved_at", "Approved at"),
            ("approved_by", "Approved by"),
            ("paid_at", "Paid at"),
            ("receipt", "Receipt (in this ZIP)"),
        ],
    )
    claims = list(
        owned_by(Claim, org)
        .filter(partner=partner)
        .select_related("event", "activity", "approved_by")
        .order_by("created_at", "pk")
    )
    for c in claims:
        payments.rows.append(
            {
                "claim": c.pk,
                "event": c.event.title,
                "activity": c.activity.title if c.activity else "",
                "kind": c.get_kind_display(),
                "amount": c.amount,
                "description": c.description,
                "state": c.get_state_display(),
                "rejected_reason": c.rejected_reason,
                "created_at": c.created_at,
                "submitted_at": c.submitted_at,
                "approved_at": c.approved_at,
                "approved_by": _who(c.approved_by),
                "paid_at": c.paid_at,
                "receipt": "",  # filled in by the ZIP, which knows the file's type
            }
        )
    audit = Section(
        "audit",
        "Audit log entries about them",
        [("at", "When"), ("actor", "Who"), ("action", "Action"), ("summary", "What")],
        [
            {"at": e.at, "actor": _who(e.actor), "action": e.action, "summary": e.summary}
            for e in owned_by(AuditEntry, org)
            .filter(partner=partner)
            .select_related("actor")
            .order_by("at", "pk")
        ],
    )
    access = Section(
        "access_records",
        "Who opened their details",
        [("at", "When"), ("viewer", "Who"), ("kind", "What"), ("where", "Where")],
        [
            {"at": r.at, "viewer": _who(r.viewer), "kind": r.get_kind_display(), "where": r.where}
            for r in owned_by(PartnerAccessRecord, org)
            .filter(partner=partner)
            .select_related("viewer")
            .order_by("at", "pk")
        ],
    )
    return [
        details,
        consents,
        involvement,
        attendance,
        feedback,
        suggestions,
        sign_offs,
        payments,
        audit,
        access,
    ]


def receipt_files(*, partner: Partner) -> list[ReceiptFile]:
    """The stored receipts of the partner's claims (one query)."""
    return [
        ReceiptFile(claim_pk=pk, name=name)
        for pk, name in owned_by(Claim, partner.organisation_id)
        .filter(partner=partner)
        .exclude(receipt="")
        .exclude(receipt__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", "receipt")
    ]


def json_value(value: Any) -> Any:
    """A cell as JSON: dates as ISO 8601, amounts as text (no float rounding)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
