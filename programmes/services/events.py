"""Writes about one Always Event: creating it, its details, team, statements and comments."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import (
    STAFF_ROLES,
    AimReviewFrequency,
    AlwaysEvent,
    Criterion,
    EventComment,
    Membership,
    Organisation,
    TeamMember,
    VisionSignOff,
)

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

DETAIL_FIELDS = (
    "title",
    "service",
    "focus_population",
    "setting",
    "position",
    "qi_strategy_theme",
    "qi_support_contact",
    "oversight_group",
    "staff_engagement",
    "cohort",
)
AIM_FIELDS = (
    "aim_measure",
    "aim_target_percent",
    "aim_deadline",
    "aim_population",
    "aim_review_frequency",
)
VISION_START = re.compile(r"^\s*(i|we|i\s*/\s*we)\s+will\s+always\s+\w", re.IGNORECASE)


def _require_member(organisation: Organisation, user: User | None, what: str, field: str) -> None:
    if user is None:
        return
    with organisation_scope(organisation):
        if not Membership.objects.filter(user=user, is_active=True, role__in=STAFF_ROLES).exists():
            raise DomainError(
                f"The {what} must be an active member of {organisation.name}.", field=field
            )


@transaction.atomic
def event_create(
    *,
    organisation: Organisation,
    title: str,
    service: str,
    by: User | None,
    team_lead: User | None = None,
    executive_sponsor: User | None = None,
    **details: Any,
) -> AlwaysEvent:
    """Start an Always Event in the Proposed stage. The creator joins its team."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown details: {sorted(unknown)}")
    if not title.strip():
        raise DomainError("Give the Always Event a title.", field="title")
    if not service.strip():
        raise DomainError("Say which service or team it is in.", field="service")
    _require_member(organisation, team_lead, "team lead", "team_lead")
    _require_member(organisation, executive_sponsor, "executive sponsor", "executive_sponsor")
    _require_member(organisation, by, "person starting it", "title")
    with organisation_scope(organisation):
        event = AlwaysEvent.objects.create(
            organisation=organisation,
            title=title.strip(),
            service=service.strip(),
            team_lead=team_lead,
            executive_sponsor=executive_sponsor,
            cohort=details.pop("cohort", None) or organisation.cohort,
            **details,
        )
        Criterion.objects.bulk_create(
            [
                Criterion(organisation=organisation, event=event, kind=kind)
                for kind in Criterion.Kind.values
            ]
        )
        for person in {p for p in (team_lead, by) if p is not None}:
            TeamMember.objects.create(organisation=organisation, event=event, user=person)
    return event


@transaction.atomic
def event_update_details(*, event: AlwaysEvent, by: User | None, **details: Any) -> AlwaysEvent:
    """Change what the event is and its set-up readiness (not its stage, lead or sponsor)."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown details: {sorted(unknown)}")
    if "title" in details and not str(details["title"]).strip():
        raise DomainError("Give the Always Event a title.", field="title")
    if "service" in details and not str(details["service"]).strip():
        raise DomainError("Say which service or team it is in.", field="service")
    for name, value in details.items():
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    event.full_clean(exclude=["organisation", "team_lead", "executive_sponsor", "parent"])
    # Only these fields: a stale instance must not write back an old stage or statement.
    event.save(update_fields=[*details, "updated_at"])
    return event


@transaction.atomic
def event_set_leadership(
    *, event: AlwaysEvent, team_lead: User | None, executive_sponsor: User | None, by: User | None
) -> AlwaysEvent:
    _require_member(event.organisation, team_lead, "team lead", "team_lead")
    _require_member(event.organisation, executive_sponsor, "executive sponsor", "executive_sponsor")
    event.team_lead = team_lead
    event.executive_sponsor = executive_sponsor
    event.save(update_fields=["team_lead", "executive_sponsor", "updated_at"])
    if team_lead is not None:
        with organisation_scope(event.organisation):
            TeamMember.objects.get_or_create(
                organisation=event.organisation, event=event, user=team_lead
            )
    return event


# --- team -----------------------------------------------------------------------------------


@transaction.atomic
def team_member_save(
    *,
    event: AlwaysEvent,
    user: User,
    protected_hours_per_week: Decimal,
    by: User | None,
    band: str = TeamMember.Band.OTHER,
    role_in_team: str = "",
) -> TeamMember:
    """Add a person to the team, or change their protected time, band or role."""
    _require_member(event.organisation, user, "team member", "user")
    if protected_hours_per_week < 0 or protected_hours_per_week > 40:
        raise DomainError(
            "Protected time is between 0 and 40 hours a week.", field="protected_hours_per_week"
        )
    if band not in TeamMember.Band.values:
        raise DomainError(f"{band!r} is not a pay band.", field="band")
    with organisation_scope(event.organisation):
        member, _ = TeamMember.objects.update_or_create(
            organisation=event.organisation,
            event=event,
            user=user,
            defaults={
                "protected_hours_per_week": protected_hours_per_week,
                "band": band,
                "role_in_team": role_in_team.strip(),
            },
        )
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, by: User | None) -> None:
    if member.event.team_lead_id == member.user_id:
        raise DomainError("The team lead stays on the team. Name another team lead first.")
    member.delete()


# --- statements -----------------------------------------------------------------------------


@transaction.atomic
def event_set_vision(*, event: AlwaysEvent, vision_statement: str, by: User | None) -> AlwaysEvent:
    text = " ".join(vision_statement.split())
    if text and not VISION_START.match(text):
        raise DomainError(
            'Write the vision in patients\' own words, starting "I will always" or '
            '"We will always".',
            field="vision_statement",
        )
    event.vision_statement = text
    event.save(update_fields=["vision_statement", "updated_at"])
    return event


@transaction.atomic
def vision_sign_off_record(
    *, event: AlwaysEvent, signed_by_name: str, signed_on: dt.date, by: User | None
) -> VisionSignOff:
    if not event.vision_statement:
        raise DomainError("Write the vision statement before recording a sign-off.")
    if not signed_by_name.strip():
        raise DomainError("Say who signed it off.", field="signed_by_name")
    if signed_on > timezone.localdate():
        raise DomainError("The sign-off date cannot be in the future.", field="signed_on")
    with organisation_scope(event.organisation):
        return VisionSignOff.objects.create(
            organisation=event.organisation,
            event=event,
            signed_by_name=signed_by_name.strip(),
            statement=event.vision_statement,
            signed_on=signed_on,
            recorded_by=by,
        )


@transaction.atomic
def event_set_aim(
    *,
    event: AlwaysEvent,
    by: User | None,
    aim_measure: str,
    aim_target_percent: Decimal | None,
    aim_deadline: dt.date | None,
    aim_population: str,
    aim_review_frequency: str,
) -> AlwaysEvent:
    if aim_target_percent is not None and not (0 < aim_target_percent <= 100):
        raise DomainError(
            "The target is a percentage above 0 and at most 100.", field="aim_target_percent"
        )
    if aim_review_frequency and aim_review_frequency not in AimReviewFrequency.values:
        raise DomainError("Choose how often you will review it.", field="aim_review_frequency")
    event.aim_measure = aim_measure.strip()
    event.aim_target_percent = aim_target_percent
    event.aim_deadline = aim_deadline
    event.aim_population = aim_population.strip()
    event.aim_review_frequency = aim_review_frequency
    event.save(update_fields=[*AIM_FIELDS, "updated_at"])
    return event


@transaction.atomic
def criterion_set(
    *, event: AlwaysEvent, kind: str, confirmed: bool, evidence: str, by: User | None
) -> Criterion:
    if kind not in Criterion.Kind.values:
        raise DomainError(f"{kind!r} is not one of the four criteria.", field="kind")
    label = Criterion.Kind(kind).label
    if confirmed and not evidence.strip():
        raise DomainError(
            f"Say what shows the Always Event is {label.lower()} before confirming it.",
            field="evidence",
        )
    with organisation_scope(event.organisation):
        criterion, _ = Criterion.objects.update_or_create(
            organisation=event.organisation,
            event=event,
            kind=kind,
            defaults={"confirmed": confirmed, "evidence": evidence.strip(), "updated_by": by},
        )
    return criterion


@transaction.atomic
def event_comment_add(*, event: AlwaysEvent, text: str, by: User | None) -> EventComment:
    if not text.strip():
        raise DomainError("Write a comment first.", field="text")
    with organisation_scope(event.organisation):
        return EventComment.objects.create(
            organisation=event.organisation, event=event, author=by, text=text.strip()
        )
