"""`coproduction_profiles`: many events' profiles at once, equal to the one-event profile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduction.selectors.involvement import coproduction_profile, coproduction_profiles
from programmes.models import Stage
from tests.factories import (
    ActivityFactory,
    AlwaysEventFactory,
    PartnerFactory,
    StageTransitionFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


def event_with_activities(organisation, stage=Stage.TESTING, rungs=(6, 4)):
    event = AlwaysEventFactory(organisation=organisation, stage=stage)
    staff = member_of(organisation)
    partner = PartnerFactory(organisation=organisation)
    for month, rung in enumerate(rungs, start=1):
        ActivityFactory(
            event=event,
            rung=rung,
            stage=Stage.DISCOVERING,
            held_on=dt.date(2026, month * 3, 1),
            partners=[partner],
            staff=[staff],
        )
    return event


def test_profiles_match_one_event_profiles(organisation, other_organisation):
    closed = event_with_activities(organisation, stage=Stage.CLOSED)
    StageTransitionFactory(event=closed, from_stage=Stage.IMPLEMENTING, to_stage=Stage.CLOSED)
    events = [
        event_with_activities(organisation),
        event_with_activities(organisation, rungs=(3,)),
        AlwaysEventFactory(organisation=organisation, stage=Stage.PROPOSED),
        closed,
        event_with_activities(other_organisation, rungs=(7, 7, 2)),
    ]
    profiles = coproduction_profiles(events=events)
    for event in events:
        assert profiles[event.pk] == coproduction_profile(event=event)
    assert profiles[events[0].pk].codesign_or_above == 1
    assert profiles[events[4].pk].highest_rung == 7
    assert profiles[closed.pk].stages_considered[-1] == Stage.TESTING  # closed from Implementing
    assert profiles[events[2].pk].activities == 0


def test_profiles_run_three_queries_whatever_the_number_of_events(organisation):
    def count(events):
        with CaptureQueriesContext(connection) as context:
            coproduction_profiles(events=events)
        return len(context.captured_queries)

    first = event_with_activities(organisation)
    one = count([first])
    many = [first] + [
        event_with_activities(organisation, stage=stage)
        for stage in (Stage.CLOSED, Stage.PAUSED, Stage.SUSTAINING)
    ]
    assert count(many) == one == 3
    assert coproduction_profiles(events=[]) == {}
