"""The bulk selectors behind dashboards: each event gets exactly its own rows, the answers
match the one-event selectors, and the number of queries does not grow with the events."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes import selectors
from programmes.models import Challenge, Impact
from tests.factories import (
    AlwaysEventFactory,
    ChallengeFactory,
    CostFactory,
    ImpactFactory,
    ProgressScoreFactory,
    StaffRateFactory,
    TeamMemberFactory,
    TimeEntryFactory,
)

pytestmark = pytest.mark.django_db


def recorded_event(organisation, hours=Decimal("3")):
    event = AlwaysEventFactory(organisation=organisation)
    member = TeamMemberFactory(event=event, band="5")
    TimeEntryFactory(event=event, person=member.user, hours=hours)
    TimeEntryFactory(event=event, hours=Decimal("1"))  # someone not on the team
    ProgressScoreFactory(event=event, score="1.0")
    ProgressScoreFactory(event=event, score="1.5")
    ChallengeFactory(event=event, help_needed=Challenge.Help.SPONSOR)
    ChallengeFactory(event=event)  # needs nobody
    ImpactFactory(event=event)
    ImpactFactory(
        event=event,
        kind=Impact.Kind.EFFICIENCY,
        money_estimate=Decimal("100"),
        hours_estimate=Decimal("5"),
        basis="Log",
    )
    CostFactory(event=event, amount=Decimal("7"))
    return event


@pytest.fixture(autouse=True)
def _rates(organisation, other_organisation):
    StaffRateFactory(organisation=organisation, band="5", hourly_rate=Decimal("20"))
    StaffRateFactory(organisation=other_organisation, band="5", hourly_rate=Decimal("30"))


def queries(func):
    with CaptureQueriesContext(connection) as context:
        func()
    return len(context.captured_queries)


BULK = [
    selectors.event_progress_many,
    selectors.event_time_summaries,
    selectors.event_value_summaries,
    selectors.challenges_needing_sponsor_by_event,
]


@pytest.mark.parametrize("bulk", BULK, ids=lambda f: f.__name__)
def test_bulk_selector_queries_do_not_grow_with_events(organisation, bulk):
    first = recorded_event(organisation)
    one = queries(lambda: bulk(events=[first]))
    events = [first] + [recorded_event(organisation) for _ in range(5)]
    assert queries(lambda: bulk(events=events)) == one


@pytest.mark.parametrize("bulk", BULK, ids=lambda f: f.__name__)
def test_bulk_selectors_answer_nothing_for_no_events(bulk):
    assert queries(lambda: bulk(events=[])) <= 2
    assert bulk(events=[]) == {}


def test_bulk_answers_match_the_one_event_selectors(organisation, other_organisation):
    events = [
        recorded_event(organisation, Decimal("3")),
        recorded_event(organisation, Decimal("8")),
        AlwaysEventFactory(organisation=organisation),  # nothing recorded
        recorded_event(other_organisation, Decimal("2")),  # programme-wide: two organisations
    ]
    times = selectors.event_time_summaries(events=events)
    values = selectors.event_value_summaries(events=events)
    progress = selectors.event_progress_many(events=events)
    for event in events:
        assert times[event.pk] == selectors.event_time_summary(event=event)
        assert values[event.pk] == selectors.event_value_summary(event=event)
        single = selectors.event_progress(event=event)
        assert progress[event.pk].history == single.history
        assert progress[event.pk].change == single.change
    assert times[events[0].pk].total == Decimal("4")
    assert times[events[1].pk].total == Decimal("9")
    assert times[events[2].pk].people == [] and times[events[2].pk].weeks == 0
    assert values[events[0].pk].staff_cost == Decimal("60.00")  # 3 h at £20; 1 h uncosted
    assert values[events[0].pk].uncosted_hours == Decimal("1")
    assert values[events[3].pk].staff_cost == Decimal("60.00")  # its own organisation's rate
    assert progress[events[0].pk].change == Decimal("0.5")
    assert progress[events[2].pk].latest is None and progress[events[2].pk].stale


def test_challenges_needing_sponsor_by_event(organisation, django_assert_num_queries):
    one, two = recorded_event(organisation), recorded_event(organisation)
    addressed = ChallengeFactory(
        event=two, help_needed=Challenge.Help.SPONSOR, status=Challenge.Status.ADDRESSED
    )
    with django_assert_num_queries(1):
        found = selectors.challenges_needing_sponsor_by_event(events=[one, two])
        assert [c.event.title for c in found[two.pk]] == [two.title]  # no query for the event
    assert len(found[one.pk]) == len(found[two.pk]) == 1
    assert addressed not in found[two.pk]
