"""Writes of what the team records as it goes: score, time, challenges, impact, costs, plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import (
    STAFF_ROLES,
    AlwaysEvent,
    Challenge,
    Cost,
    Impact,
    Membership,
    Organisation,
    ProgressScore,
    StaffRate,
    SustainPlan,
    TeamMember,
    TimeEntry,
)

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

MAX_HOURS_A_WEEK = Decimal("80")


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@transaction.atomic
def progress_score_set(
    *, event: AlwaysEvent, score: str, reason: str, by: User | None
) -> ProgressScore:
    """Record the team's progress score. Setting the same score again records a review."""
    if score not in ProgressScore.Score.values:
        raise DomainError("Choose a score from 0.5 to 5.0.", field="score")
    if not reason.strip():
        raise DomainError("Say why: what has happened since the last score.", field="reason")
    with organisation_scope(event.organisation):
        return ProgressScore.objects.create(
            organisation=event.organisation,
            event=event,
            score=score,
            reason=reason.strip(),
            set_by=by,
        )


@transaction.atomic
def time_entry_record(
    *,
    event: AlwaysEvent,
    person: User,
    week_starting: dt.date,
    hours: Decimal,
    by: User | None,
    note: str = "",
) -> TimeEntry:
    """Record (or correct) a person's hours on the event for one week."""
    week = monday_of(week_starting)
    if week > monday_of(timezone.localdate()):
        raise DomainError(
            "You can record time up to this week, not for weeks ahead.", field="week_starting"
        )
    if hours < 0 or hours > MAX_HOURS_A_WEEK:
        raise DomainError(f"Hours in a week are between 0 and {MAX_HOURS_A_WEEK}.", field="hours")
    with organisation_scope(event.organisation):
        if not Membership.objects.filter(
            user=person, is_active=True, role__in=STAFF_ROLES
        ).exists():
            raise DomainError(
                f"{person} is not an active member of {event.organisation.name}.", field="person"
            )
        entry, _ = TimeEntry.objects.update_or_create(
            organisation=event.organisation,
            event=event,
            person=person,
            week_starting=week,
            defaults={"hours": hours, "note": note.strip(), "recorded_by": by},
        )
    return entry


@transaction.atomic
def challenge_record(
    *,
    event: AlwaysEvent,
    area: str,
    text: str,
    by: User | None,
    kind: str = Challenge.Kind.CHALLENGE,
    noted_on: dt.date | None = None,
    help_needed: str = Challenge.Help.NONE,
) -> Challenge:
    if area not in Challenge.Area.values:
        raise DomainError("Choose an area.", field="area")
    if kind not in Challenge.Kind.values:
        raise DomainError("Choose challenge or facilitator.", field="kind")
    if help_needed not in Challenge.Help.values:
        raise DomainError("Choose who can help.", field="help_needed")
    if not text.strip():
        raise DomainError("Describe it in a sentence or two.", field="text")
    noted_on = noted_on or timezone.localdate()
    if noted_on > timezone.localdate():
        raise DomainError("The date cannot be in the future.", field="noted_on")
    with organisation_scope(event.organisation):
        return Challenge.objects.create(
            organisation=event.organisation,
            event=event,
            area=area,
            kind=kind,
            text=text.strip(),
            noted_on=noted_on,
            help_needed=help_needed if kind == Challenge.Kind.CHALLENGE else Challenge.Help.NONE,
            recorded_by=by,
        )


@transaction.atomic
def challenge_set_status(*, challenge: Challenge, status: str, by: User | None) -> Challenge:
    if status not in Challenge.Status.values:
        raise DomainError("Choose open or addressed.", field="status")
    challenge.status = status
    challenge.addressed_at = timezone.now() if status == Challenge.Status.ADDRESSED else None
    challenge.save(update_fields=["status", "addressed_at"])
    return challenge


@transaction.atomic
def impact_record(
    *,
    event: AlwaysEvent,
    kind: str,
    description: str,
    by: User | None,
    unintended: bool = False,
    money_estimate: Decimal | None = None,
    hours_estimate: Decimal | None = None,
    basis: str = "",
    noted_on: dt.date | None = None,
) -> Impact:
    if kind not in Impact.Kind.values:
        raise DomainError("Choose what kind of impact it is.", field="kind")
    if not description.strip():
        raise DomainError("Describe the impact.", field="description")
    has_estimate = money_estimate is not None or hours_estimate is not None
    if kind == Impact.Kind.EFFICIENCY:
        if not has_estimate:
            raise DomainError(
                "An efficiency needs an estimate of money or hours saved.", field="money_estimate"
            )
        if not basis.strip():
            raise DomainError("Say how you worked the estimate out.", field="basis")
    elif has_estimate:
        raise DomainError("Money and hours saved belong to efficiencies.", field="money_estimate")
    for value, field in ((money_estimate, "money_estimate"), (hours_estimate, "hours_estimate")):
        if value is not None and value < 0:
            raise DomainError("Estimates cannot be negative.", field=field)
    with organisation_scope(event.organisation):
        return Impact.objects.create(
            organisation=event.organisation,
            event=event,
            kind=kind,
            description=description.strip(),
            unintended=unintended,
            money_estimate=money_estimate,
            hours_estimate=hours_estimate,
            basis=basis.strip(),
            noted_on=noted_on or timezone.localdate(),
            recorded_by=by,
        )


@transaction.atomic
def cost_record(
    *,
    event: AlwaysEvent,
    description: str,
    amount: Decimal,
    by: User | None,
    incurred_on: dt.date | None = None,
) -> Cost:
    if not description.strip():
        raise DomainError("Say what the cost was for.", field="description")
    if amount < 0:
        raise DomainError("A cost cannot be negative.", field="amount")
    with organisation_scope(event.organisation):
        return Cost.objects.create(
            organisation=event.organisation,
            event=event,
            description=description.strip(),
            amount=amount,
            incurred_on=incurred_on or timezone.localdate(),
            recorded_by=by,
        )


@transaction.atomic
def staff_rate_set(
    *, organisation: Organisation, band: str, hourly_rate: Decimal, effective_from: dt.date
) -> StaffRate:
    if band not in TeamMember.Band.values:
        raise DomainError(f"{band!r} is not a pay band.", field="band")
    if hourly_rate < 0:
        raise DomainError("An hourly cost cannot be negative.", field="hourly_rate")
    with organisation_scope(organisation):
        rate, _ = StaffRate.objects.update_or_create(
            organisation=organisation,
            band=band,
            effective_from=effective_from,
            defaults={"hourly_rate": hourly_rate},
        )
    return rate


@transaction.atomic
def sustain_plan_save(
    *,
    event: AlwaysEvent,
    by: User | None,
    owner: User | None,
    monitoring_frequency: str,
    standard_work: str,
    training: str,
    spread_targets: str,
    review_date: dt.date | None,
) -> SustainPlan:
    if owner is not None:
        with organisation_scope(event.organisation):
            if not Membership.objects.filter(
                user=owner, is_active=True, role__in=STAFF_ROLES
            ).exists():
                raise DomainError(
                    "The owner must be an active member of the organisation.", field="owner"
                )
    if monitoring_frequency and monitoring_frequency not in SustainPlan.Frequency.values:
        raise DomainError("Choose how often it is monitored.", field="monitoring_frequency")
    with organisation_scope(event.organisation):
        plan, _ = SustainPlan.objects.update_or_create(
            organisation=event.organisation,
            event=event,
            defaults={
                "owner": owner,
                "monitoring_frequency": monitoring_frequency,
                "standard_work": standard_work.strip(),
                "training": training.strip(),
                "spread_targets": spread_targets.strip(),
                "review_date": review_date,
                "updated_by": by,
            },
        )
    return plan
