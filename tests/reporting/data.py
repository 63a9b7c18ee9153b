"""A fully recorded Always Event for dashboard tests: scores, time, challenges, impacts,
co-production, measures with data and a phase, and a late PDSA cycle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from measurement.models import ChangeIdea, DataPoint, Measure, PdsaCycle, Phase
from programmes.models import Challenge, Impact, ProgressScore, Stage
from tests.factories import (
    ActivityFactory,
    AlwaysEventFactory,
    ChallengeFactory,
    CostFactory,
    ImpactFactory,
    PartnerFactory,
    ProgressScoreFactory,
    TeamMemberFactory,
    TimeEntryFactory,
    member_of,
)

POINTS = 20


def _monday(weeks_ago: int) -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday(), weeks=weeks_ago)


def rich_event(organisation, *, sponsor=None, stage=Stage.TESTING, service="Ward 7", **fields):
    event = AlwaysEventFactory(
        organisation=organisation,
        stage=stage,
        service=service,
        executive_sponsor=sponsor,
        **fields,
    )
    ProgressScoreFactory(event=event, score=ProgressScore.Score.S20, reason="Activity.")
    ProgressScoreFactory(event=event, score=ProgressScore.Score.S25, reason="Tested changes.")
    busy = TeamMemberFactory(event=event, protected_hours_per_week=Decimal("4")).user
    quiet = TeamMemberFactory(event=event).user
    TimeEntryFactory(event=event, person=busy, hours=Decimal("9"))
    TimeEntryFactory(event=event, person=quiet, hours=Decimal("1"))
    TimeEntryFactory(event=event, person=member_of(organisation), hours=Decimal("1"))
    ChallengeFactory(event=event, help_needed=Challenge.Help.SPONSOR, text="Protect our time.")
    ChallengeFactory(event=event, kind=Challenge.Kind.FACILITATOR, area="engagement")
    ImpactFactory(event=event)
    ImpactFactory(
        event=event,
        kind=Impact.Kind.EFFICIENCY,
        description="Fewer calls to the ward",
        money_estimate=Decimal("1200"),
        hours_estimate=Decimal("50"),
        basis="Call log",
    )
    CostFactory(event=event)
    partners = [PartnerFactory(organisation=organisation) for _ in range(2)]
    ActivityFactory(event=event, rung=6, partners=partners, staff=[busy])
    ActivityFactory(event=event, rung=4, partners=partners[:1], staff=[busy, quiet])
    scope = {"organisation": organisation.pk}
    for number, (name, direction, target) in enumerate(
        [("Told the plan", "higher", Decimal("90")), ("Complaints", "lower", None)]
    ):
        measure = Measure.objects.with_scope(**scope).create(
            organisation=organisation,
            event=event,
            name=name,
            type=Measure.Type.PROCESS if number == 0 else Measure.Type.OUTCOME,
            definition="Counted every week.",
            direction=direction,
            target=target,
        )
        DataPoint.objects.with_scope(**scope).bulk_create(
            DataPoint(
                organisation=organisation,
                measure=measure,
                period=_monday(POINTS - week),
                value=Decimal(60 + (30 if week > POINTS // 2 else 0) + week % 3),
            )
            for week in range(POINTS)
        )
        Phase.objects.with_scope(**scope).create(
            organisation=organisation,
            measure=measure,
            start_period=_monday(POINTS // 2),
            reason="New script",
        )
    idea = ChangeIdea.objects.with_scope(**scope).create(
        organisation=organisation, event=event, text="Huddle script", kind="relational"
    )
    PdsaCycle.objects.with_scope(**scope).create(
        organisation=organisation,
        change_idea=idea,
        number=1,
        objective="Try the script",
        planned_start=timezone.localdate() - dt.timedelta(days=10),
    )
    return event


def accreditation_submission(event, state, *, decided_at=None, expires_on=None):
    """A submission of the event in `state` (written directly: the dashboards only read it),
    with a certificate expiring on `expires_on` when given."""
    from accreditation.models import Certificate, CriteriaVersion, Submission
    from alwaysevents.tenancy.scope import organisation_scope

    version, _ = CriteriaVersion.objects.get_or_create(
        number=901, defaults={"title": "Dashboard test criteria"}
    )
    with organisation_scope(event.organisation):
        submission = Submission.objects.create(
            organisation=event.organisation,
            event=event,
            criteria_version=version,
            state=state,
            decided_at=decided_at,
        )
        if expires_on:
            Certificate.objects.create(
                organisation=event.organisation,
                submission=submission,
                issued_at=decided_at or timezone.now(),
                expires_on=expires_on,
            )
    return submission


def sent_report(membership, period, *, acknowledged=False):
    """A sponsor report sent (and perhaps acknowledged) for `period` ("2026-10")."""
    from alwaysevents.reporting.models import SponsorReport
    from alwaysevents.tenancy.scope import organisation_scope

    now = timezone.now()
    with organisation_scope(membership.organisation):
        return SponsorReport.objects.create(
            organisation=membership.organisation,
            membership=membership,
            sponsor=membership.user,
            period=period,
            summary={},
            html="",
            pdf=b"",
            generated_at=now,
            sent_at=now,
            acknowledged_at=now if acknowledged else None,
        )
