"""Fixtures for reminders and digests (one live event led by `editor`, sponsored by `sponsor`)
and for sponsor reports (a sponsor's month: one event with a measure, cycles and a challenge)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import InvolvementActivity
from measurement.models import ChangeIdea, DataPoint, Measure, PdsaCycle
from measurement.services.measures import data_point_save, measure_create
from programmes.models import AlwaysEvent, Challenge, Membership, ProgressScore, Stage
from tests.factories import (
    ActivityFactory,
    AlwaysEventFactory,
    ChallengeFactory,
    ProgressScoreFactory,
)


def backdate(model, obj, **fields):
    """Set auto_now(_add) fields after the fact."""
    model.objects.with_scopes_disabled().filter(pk=obj.pk).update(**fields)
    obj.refresh_from_db()
    return obj


@pytest.fixture
def event(organisation, editor, sponsor):
    event = AlwaysEventFactory(
        organisation=organisation,
        title="Plan for the day",
        team_lead=editor,
        executive_sponsor=sponsor,
        stage=Stage.TESTING,
    )
    return backdate(AlwaysEvent, event, created_at=timezone.now() - dt.timedelta(days=365))


def make_measure(event, name="Patients who know the plan", age_days=365, **extra):
    measure = Measure.objects.with_scope(organisation=event.organisation_id).create(
        organisation=event.organisation,
        event=event,
        name=name,
        type=extra.pop("type", Measure.Type.PROCESS),
        definition="Asked at 11am.",
        **extra,
    )
    return backdate(Measure, measure, created_at=timezone.now() - dt.timedelta(days=age_days))


def add_point(measure, period, value, **extra):
    return DataPoint.objects.with_scope(organisation=measure.organisation_id).create(
        organisation=measure.organisation, measure=measure, period=period, value=value, **extra
    )


def make_cycle(event, planned_start, number=1, **extra):
    idea = ChangeIdea.objects.with_scope(organisation=event.organisation_id).create(
        organisation=event.organisation,
        event=event,
        text=f"Huddle script {number}",
        kind=ChangeIdea.Kind.RELATIONAL,
    )
    return PdsaCycle.objects.with_scope(organisation=event.organisation_id).create(
        organisation=event.organisation,
        change_idea=idea,
        number=number,
        objective="Try the script",
        planned_start=planned_start,
        **extra,
    )


# --- sponsor reports ------------------------------------------------------------------------

PERIOD = "2026-10"
FIRST_MONTH = dt.date(2025, 8, 1)
VALUES = [40, 42, 38, 41, 39, 43, 40, 55, 60, 62, 65, 63, 66, 68, 70]  # Aug 2025 .. Oct 2026


@dataclass
class ReportWorld:
    organisation: object
    sponsor: object
    membership: Membership
    event: AlwaysEvent
    other_event: AlwaysEvent
    closed_event: AlwaysEvent


def month(n: int) -> dt.date:
    year, index = divmod(FIRST_MONTH.month - 1 + n, 12)
    return dt.date(FIRST_MONTH.year + year, index + 1, 1)


def build_sponsor_month(organisation, sponsor, *, title="Told the plan for the day") -> AlwaysEvent:
    """One sponsored event in Testing with two scores, a measure of 15 months, cycles in and
    out of October 2026, a challenge needing the sponsor and one activity with partners."""
    with organisation_scope(organisation):
        event = AlwaysEventFactory(
            organisation=organisation,
            title=title,
            service="Ward 7",
            stage=Stage.TESTING,
            executive_sponsor=sponsor,
            vision_statement="I will always be told the plan for my day by 10am.",
            aim_measure="are told the plan for their day by 10am",
            aim_target_percent=Decimal("90"),
            aim_deadline=dt.date(2027, 3, 31),
            aim_population="patients on Ward 7",
            aim_review_frequency="monthly",
        )
        ProgressScoreFactory(event=event, score=ProgressScore.Score.S20)
        ProgressScoreFactory(event=event, score=ProgressScore.Score.S25, reason="Tests under way.")
        measure = measure_create(
            event=event,
            by=None,
            name="Patients told the plan by 10am",
            type="outcome",
            definition="Asked at 10am each Tuesday",
            unit="%",
            frequency="monthly",
            direction="higher",
            target=Decimal(90),
        )
        for n, value in enumerate(VALUES):
            data_point_save(measure=measure, period=month(n), value=Decimal(value), by=None)
        idea = ChangeIdea.objects.create(
            organisation=organisation, event=event, text="Bedside plan card", kind="relational"
        )
        in_period = PdsaCycle.objects.create(
            organisation=organisation,
            change_idea=idea,
            number=2,
            objective="Test the card on one bay",
            planned_start=dt.date(2026, 10, 6),
            state=PdsaCycle.State.DECIDED,
            decision=PdsaCycle.Decision.ADOPT,
            learning="Patients liked the card; nurses found it quick.",
        )
        in_period.measures.add(measure)
        PdsaCycle.objects.create(
            organisation=organisation,
            change_idea=idea,
            number=1,
            objective="Try the card with one nurse",
            planned_start=dt.date(2026, 6, 1),
            state=PdsaCycle.State.CLOSED,
            decision=PdsaCycle.Decision.ADAPT,
        )
        PdsaCycle.objects.filter(number=1).update(
            created_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
            updated_at=dt.datetime(2026, 6, 20, tzinfo=dt.UTC),
        )
        PdsaCycle.objects.filter(number=2).update(
            created_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
            updated_at=dt.datetime(2026, 10, 20, tzinfo=dt.UTC),
        )
        ChallengeFactory(
            event=event,
            text="Cover for protected time on nights",
            help_needed=Challenge.Help.SPONSOR,
            noted_on=dt.date(2026, 9, 1),
        )
        ChallengeFactory(event=event, text="Not for the sponsor", help_needed="")
        ActivityFactory(event=event, rung=InvolvementActivity.Rung.CO_DESIGN)
    return event  # type: ignore[return-value]


@pytest.fixture
def report_world(organisation, sponsor, editor) -> ReportWorld:
    event = build_sponsor_month(organisation, sponsor)
    with organisation_scope(organisation):
        other = AlwaysEventFactory(
            organisation=organisation, title="Someone else's event", executive_sponsor=editor
        )
        closed = AlwaysEventFactory(
            organisation=organisation,
            title="Closed event",
            executive_sponsor=sponsor,
            stage=Stage.CLOSED,
        )
        membership = Membership.objects.select_related("organisation", "user").get(user=sponsor)
    return ReportWorld(organisation, sponsor, membership, event, other, closed)


def pdf_strings(pdf: bytes) -> list[str]:
    """The text strings of a PDF (title, bookmarks...), read from its raw and deflated streams.

    No PDF library is installed; WeasyPrint writes headings as bookmarks, as literal strings
    or UTF-16 hex strings, which is enough to check what a report is about.
    """
    import re
    import zlib

    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    found: list[str] = []
    for chunk in chunks:
        for literal in re.findall(rb"\(((?:[^()\\]|\\.)*)\)", chunk):
            found.append(literal.decode("latin-1").replace("\\(", "(").replace("\\)", ")"))
        for hexa in re.findall(rb"<(FEFF[0-9A-Fa-f]*)>", chunk):
            try:
                found.append(bytes.fromhex(hexa.decode()).decode("utf-16"))
            except ValueError:
                continue
    return found
