"""Fixtures for reminders and digests: one live event led by `editor`, sponsored by `sponsor`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from measurement.models import ChangeIdea, DataPoint, Measure, PdsaCycle
from programmes.models import AlwaysEvent, Stage
from tests.factories import AlwaysEventFactory


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
