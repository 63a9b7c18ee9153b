"""Reads for the partner pages: a partner's own events, activities and consents, in plain words.

Everything here starts from one partner record and returns only what is theirs: no other
partner's name or details, no staff contact details beyond the team lead's name. Constant
queries each, whatever the number of events or activities.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from alwaysevents.tenancy.scope import owned_by
from coproduction.models import (
    Attendance,
    Consent,
    EventPartner,
    Partner,
    PartnerInvitation,
    PartnerMembership,
    PartnerSignOff,
)
from programmes.models import Invitation, Stage

# Where the event is, in words a patient or carer would use.
STAGE_WORDS = {
    Stage.PROPOSED: "Getting started: the idea has been put forward.",
    Stage.SET_UP: "Setting up: the team is getting ready.",
    Stage.DISCOVERING: "Finding out what matters to patients, families and carers.",
    Stage.CO_DESIGNING: "Designing the change together with patients, families and carers.",
    Stage.TESTING: "Trying out changes on a small scale to see what works.",
    Stage.IMPLEMENTING: "Making the change part of everyday care.",
    Stage.SUSTAINING: "Keeping it going, every time.",
    Stage.SPREADING: "Sharing it with other teams.",
    Stage.PAUSED: "On hold for now.",
    Stage.CLOSED: "This work has finished.",
}

# What each consent lets the team do, said to the partner.
CONSENT_WORDS = {
    Consent.Purpose.CONTACT: "Contacting you",
    Consent.Purpose.QUOTING: "Quoting your words",
    Consent.Purpose.PHOTOGRAPHS: "Taking and using photographs of you",
    Consent.Purpose.CASE_STUDIES: "Using your story in case studies for other organisations",
    Consent.Purpose.PAYMENT: "Processing payments to you",
}


@dataclass(frozen=True)
class PartnerActivity:
    """An activity the partner took part in, with their own feedback."""

    attendance_id: int
    title: str
    type: str
    held_on: dt.date
    feedback: str
    feedback_at: dt.datetime | None


@dataclass(frozen=True)
class PartnerEvent:
    """One of the partner's own Always Events, as they see it."""

    pk: int
    title: str
    service: str
    vision_statement: str
    stage_label: str
    stage_words: str
    team_lead_name: str
    role: str
    joined_on: dt.date
    taking_part: bool  # False once they have left it
    awaits_sign_off: bool
    signed_off_on: dt.date | None  # their sign-off of the statement as worded now
    activities: tuple[PartnerActivity, ...]


def partner_events(*, partner: Partner, pk: int | None = None) -> list[PartnerEvent]:
    """The partner's own events (through `EventPartner`), current first. Three queries.

    With `pk`, only that event (an empty list when it is not theirs).
    """
    links = (
        owned_by(EventPartner, partner.organisation_id)
        .filter(partner=partner)
        .select_related("event", "event__team_lead")
        .order_by("left_on", "event__title", "pk")
    )
    if pk is not None:
        links = links.filter(event_id=pk)
    links_list = list(links)
    if not links_list:
        return []
    event_ids = [link.event_id for link in links_list]
    sign_offs: dict[int, list[tuple[str, dt.date]]] = {}
    for sign_off in (
        owned_by(PartnerSignOff, partner.organisation_id)
        .filter(partner=partner, sign_off__event_id__in=event_ids)
        .select_related("sign_off")
        .order_by("-sign_off__signed_on", "-pk")
    ):
        sign_offs.setdefault(sign_off.sign_off.event_id, []).append(
            (sign_off.sign_off.statement, sign_off.sign_off.signed_on)
        )
    activities: dict[int, list[PartnerActivity]] = {}
    for attendance in (
        owned_by(Attendance, partner.organisation_id)
        .filter(partner=partner, activity__event_id__in=event_ids)
        .select_related("activity")
        .order_by("-activity__held_on", "-pk")
    ):
        activity = attendance.activity
        activities.setdefault(activity.event_id, []).append(
            PartnerActivity(
                attendance_id=attendance.pk,
                title=activity.title,
                type=activity.get_type_display(),
                held_on=activity.held_on,
                feedback=attendance.feedback,
                feedback_at=attendance.feedback_at,
            )
        )
    rows = []
    for link in links_list:
        event = link.event
        signed = next(
            (day for text, day in sign_offs.get(event.pk, []) if text == event.vision_statement),
            None,
        )
        taking_part = link.left_on is None
        rows.append(
            PartnerEvent(
                pk=event.pk,
                title=event.title,
                service=event.service,
                vision_statement=event.vision_statement,
                stage_label=event.get_stage_display(),
                stage_words=STAGE_WORDS.get(Stage(event.stage), ""),
                team_lead_name=event.team_lead.display_name if event.team_lead else "",
                role=link.role,
                joined_on=link.joined_on,
                taking_part=taking_part,
                awaits_sign_off=bool(event.vision_statement) and signed is None and taking_part,
                signed_off_on=signed,
                activities=tuple(activities.get(event.pk, [])),
            )
        )
    return rows


@dataclass(frozen=True)
class ConsentRow:
    pk: int
    purpose: str
    words: str
    given_at: dt.datetime
    withdrawn_at: dt.datetime | None

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


def partner_consents(*, partner: Partner) -> list[ConsentRow]:
    """The partner's consents, current ones first, then those withdrawn. One query."""
    rows = [
        ConsentRow(
            pk=consent.pk,
            purpose=consent.purpose,
            words=CONSENT_WORDS.get(
                Consent.Purpose(consent.purpose), consent.get_purpose_display()
            ),
            given_at=consent.given_at,
            withdrawn_at=consent.withdrawn_at,
        )
        for consent in owned_by(Consent, partner.organisation_id)
        .filter(partner=partner)
        .order_by("-given_at", "-pk")
    ]
    return sorted(rows, key=lambda row: not row.is_active)


# --- for staff: can this partner sign in? -------------------------------------------------------


@dataclass(frozen=True)
class SignInStatus:
    """Whether a partner can sign in, for the team lead and the organisation admin."""

    active_email: str  # the address they sign in with, or ""
    invited_email: str  # an open invitation's address, or ""
    invited_at: dt.datetime | None


def partner_sign_in_status(*, partner: Partner) -> SignInStatus:
    """Two queries."""
    link = (
        owned_by(PartnerMembership, partner.organisation_id)
        .filter(partner=partner, membership__is_active=True)
        .select_related("membership__user")
        .first()
    )
    invitation = (
        owned_by(PartnerInvitation, partner.organisation_id)
        .filter(
            partner=partner,
            invitation__accepted_at__isnull=True,
            invitation__revoked_at__isnull=True,
        )
        .select_related("invitation")
        .order_by("-invitation__created_at")
        .first()
    )
    return SignInStatus(
        active_email=link.membership.user.email if link else "",
        invited_email=invitation.invitation.email if invitation else "",
        invited_at=invitation.invitation.created_at if invitation else None,
    )


def partner_invitation_access_flags(invitations: Sequence[Invitation]) -> dict[int, str]:
    """ "Access needs" beside each waiting sign-in invitation whose partner has any (one query),
    so the organisation admin sees the flag wherever the partner appears."""
    links = PartnerInvitation.objects.filter(
        invitation_id__in=[invitation.pk for invitation in invitations]
    ).select_related("partner")
    return {link.invitation_id: "Access needs" for link in links if link.partner.has_access_needs}
