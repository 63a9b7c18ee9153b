"""The co-production profile, insight themes and the co-production readiness checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import EventPartner, Partner
from coproduction.selectors.involvement import (
    ActivePartners,
    ThemeCount,
    coproduction_profile,
    insight_themes,
)
from programmes import readiness
from programmes.models import Stage
from tests.factories import (
    ActivityFactory,
    AlwaysEventFactory,
    InsightFactory,
    StageTransitionFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

S = Stage


def _partner(organisation, name: str) -> Partner:
    return Partner.objects.with_scope(organisation=organisation.pk).create(
        organisation=organisation,
        display_name=name,
        pseudonym=f"Partner {name}",
        relationship=Partner.Relationship.CARER,
    )


def _link(event, partner, **values) -> EventPartner:
    values.setdefault("joined_on", dt.date(2026, 1, 1))
    return EventPartner.objects.with_scope(organisation=event.organisation_id).create(
        organisation=event.organisation, event=event, partner=partner, **values
    )


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as context:
        func()
    return len(context.captured_queries)


# --- insight themes -----------------------------------------------------------------------------


def test_insight_themes_counted_most_heard_first(organisation):
    event = AlwaysEventFactory(organisation=organisation)
    for theme in ("Knowing the plan", "knowing the plan", "Knowing the plan", "Being heard"):
        InsightFactory(event=event, theme=theme)
    InsightFactory(event=event, theme="Food")
    InsightFactory(event=AlwaysEventFactory(organisation=organisation), theme="Other event")
    assert insight_themes(event=event) == [
        ThemeCount("Knowing the plan", 3),
        ThemeCount("Being heard", 1),
        ThemeCount("Food", 1),
    ]


def test_insight_themes_one_query(organisation):
    event = AlwaysEventFactory(organisation=organisation)
    InsightFactory(event=event)
    one = count_queries(lambda: insight_themes(event=event))
    for n in range(10):
        InsightFactory(event=event, theme=f"Theme {n}")
    assert count_queries(lambda: insight_themes(event=event)) == one == 1


# --- the profile on a known fixture -------------------------------------------------------------


@pytest.fixture
def known(organisation):
    """An event at Implementing with four activities of exactly known attendance.

    | activity | stage        | rung | held on    | partners   | staff      |
    | a1       | Discovering  | 4    | 15 Jan 26  | p1         | s1, s2     |
    | a2       | Discovering  | 6    | 10 Feb 26  | p1, p2, p3 | s1         |
    | a3       | Co-designing | 7    | 20 Apr 26  | p2         | s1, s2, s3 |
    | a4       | Testing      | 3    | 5 Oct 26   | -          | s1         |
    """
    event = AlwaysEventFactory(organisation=organisation, stage=S.IMPLEMENTING)
    s1, s2, s3 = (member_of(organisation) for _ in range(3))
    p1, p2, p3 = (_partner(organisation, n) for n in ("One", "Two", "Three"))
    ActivityFactory(
        event=event,
        stage=S.DISCOVERING,
        rung=4,
        held_on=dt.date(2026, 1, 15),
        partners=[p1],
        staff=[s1, s2],
    )
    ActivityFactory(
        event=event,
        stage=S.DISCOVERING,
        rung=6,
        held_on=dt.date(2026, 2, 10),
        partners=[p1, p2, p3],
        staff=[s1],
    )
    ActivityFactory(
        event=event,
        stage=S.CO_DESIGNING,
        rung=7,
        held_on=dt.date(2026, 4, 20),
        partners=[p2],
        staff=[s1, s2, s3],
    )
    ActivityFactory(event=event, stage=S.TESTING, rung=3, held_on=dt.date(2026, 10, 5), staff=[s1])
    # Noise that must not count: another event of ours, with the same partners.
    ActivityFactory(
        event=AlwaysEventFactory(organisation=organisation),
        rung=1,
        partners=[p1, p2, p3],
        staff=[s1],
    )
    return event


def test_profile_numbers_on_a_known_fixture(known):
    profile = coproduction_profile(event=known)
    assert profile.activities == 4
    assert profile.highest_rung == 7
    assert profile.highest_rung_label == "7. Co-production"
    assert profile.codesign_or_above == 2
    assert profile.codesign_share == Decimal("0.5")
    assert profile.partner_attendances == 5
    assert profile.staff_attendances == 7
    assert profile.partner_share == Decimal(5) / Decimal(12)
    assert not profile.meets_partner_share_aim
    assert profile.stages_considered == (S.DISCOVERING, S.CO_DESIGNING, S.TESTING)
    assert profile.stages_without_partners == (S.TESTING,)
    assert profile.stages_without_partners_labels == ["Testing"]
    assert profile.active_partners == (
        ActivePartners(dt.date(2026, 1, 1), 3),
        ActivePartners(dt.date(2026, 4, 1), 1),
        ActivePartners(dt.date(2026, 7, 1), 0),
        ActivePartners(dt.date(2026, 10, 1), 0),
    )
    assert [q.label for q in profile.active_partners] == [
        "Jan to Mar 2026",
        "Apr to Jun 2026",
        "Jul to Sep 2026",
        "Oct to Dec 2026",
    ]
    assert profile.summary == (
        "4 activities recorded; the highest rung reached is co-production (7 of 7).",
        "2 of 4 activities (50%) at co-design or above.",
        "Partners were 42% of attendance (5 of 12), below the 50:50 aim.",
        "No partners took part in: Testing.",
        "0 partners active in Oct to Dec 2026.",
    )


def test_profile_meets_the_aim_at_exactly_half(organisation):
    event = AlwaysEventFactory(organisation=organisation, stage=S.CO_DESIGNING)
    staff = member_of(organisation)
    ActivityFactory(
        event=event,
        stage=S.DISCOVERING,
        rung=5,
        held_on=dt.date(2025, 12, 31),
        partners=[_partner(organisation, "Ann")],
        staff=[staff],
    )
    profile = coproduction_profile(event=event)
    assert profile.partner_share == Decimal("0.5")
    assert profile.meets_partner_share_aim
    assert profile.codesign_share == 0
    assert profile.stages_without_partners == ()
    assert profile.active_partners == (ActivePartners(dt.date(2025, 10, 1), 1),)
    assert profile.summary == (
        "1 activity recorded; the highest rung reached is engagement (5 of 7).",
        "0 of 1 activity (0%) at co-design or above.",
        "Partners were 50% of attendance (1 of 2), meeting the 50:50 aim.",
        "Partners took part in every stage so far.",
        "1 partner active in Oct to Dec 2025.",
    )


def test_profile_of_an_event_with_no_activities(organisation):
    event = AlwaysEventFactory(organisation=organisation, stage=S.TESTING)
    profile = coproduction_profile(event=event)
    assert profile.activities == 0
    assert profile.highest_rung is None
    assert profile.highest_rung_label == ""
    assert profile.codesign_share is None
    assert profile.partner_share is None
    assert not profile.meets_partner_share_aim
    assert profile.stages_without_partners == (S.DISCOVERING, S.CO_DESIGNING)
    assert profile.active_partners == ()
    assert profile.summary == ("No involvement activities recorded yet.",)


def test_activity_with_no_attendance_gives_no_share(organisation):
    event = AlwaysEventFactory(organisation=organisation, stage=S.DISCOVERING)
    ActivityFactory(event=event, rung=6)
    profile = coproduction_profile(event=event)
    assert profile.partner_share is None
    assert profile.codesign_share == 1
    assert "No attendance recorded yet." in profile.summary


@pytest.mark.parametrize(
    ("stage", "paused_from", "expected"),
    [
        (S.PROPOSED, "", ()),
        (S.SET_UP, "", ()),
        (S.DISCOVERING, "", ()),
        (S.CO_DESIGNING, "", (S.DISCOVERING,)),
        (S.SPREADING, "", (S.DISCOVERING, S.CO_DESIGNING, S.TESTING, S.IMPLEMENTING, S.SUSTAINING)),
        (S.PAUSED, S.TESTING, (S.DISCOVERING, S.CO_DESIGNING)),
    ],
)
def test_stages_considered_follow_the_current_stage(organisation, stage, paused_from, expected):
    event = AlwaysEventFactory(organisation=organisation, stage=stage, paused_from=paused_from)
    assert coproduction_profile(event=event).stages_considered == expected


def test_closed_event_uses_the_stage_it_closed_from(organisation):
    event = AlwaysEventFactory(organisation=organisation, stage=S.CLOSED)
    StageTransitionFactory(event=event, from_stage=S.TESTING, to_stage=S.CLOSED)
    profile = coproduction_profile(event=event)
    assert profile.stages_considered == (S.DISCOVERING, S.CO_DESIGNING)


def test_profile_of_another_organisations_event_never_mixes(organisation, other_organisation):
    ours = AlwaysEventFactory(organisation=organisation, stage=S.TESTING)
    theirs = AlwaysEventFactory(organisation=other_organisation, stage=S.TESTING)
    ActivityFactory(event=theirs, rung=7, partners=[_partner(other_organisation, "Them")])
    assert coproduction_profile(event=ours).activities == 0
    assert coproduction_profile(event=theirs).highest_rung == 7


def test_profile_constant_queries(organisation):
    event = AlwaysEventFactory(organisation=organisation, stage=S.SUSTAINING)
    staff = member_of(organisation)
    partners = [_partner(organisation, f"P{n}") for n in range(4)]
    ActivityFactory(event=event, partners=partners[:1], staff=[staff])
    one = count_queries(lambda: coproduction_profile(event=event))
    for month in range(1, 10):
        ActivityFactory(
            event=event,
            stage=S.CO_DESIGNING,
            rung=6,
            held_on=dt.date(2026, month, 1),
            partners=partners,
            staff=[staff],
        )
    many = count_queries(lambda: coproduction_profile(event=event))
    assert one == many == 2


# --- readiness checks -------------------------------------------------------------------------


def _results(event, stage):
    with organisation_scope(event.organisation):
        return {r.key: r for r in readiness.evaluate(event, stage) if r.app == "coproduction"}


def test_checks_are_registered_for_co_designing_and_testing():
    keys = {c.key: c.stage for c in readiness._registry.values() if c.app == "coproduction"}
    assert keys == {
        "coproduction.insights": S.CO_DESIGNING,
        "coproduction.partners_recruited": S.CO_DESIGNING,
        "coproduction.partners_before_co_design": S.TESTING,
    }


def test_before_co_designing_unmet(organisation):
    event = AlwaysEventFactory(organisation=organisation, stage=S.DISCOVERING)
    results = _results(event, S.CO_DESIGNING)
    assert not results["coproduction.insights"].met
    assert results["coproduction.insights"].detail == (
        'No "What matters to you?" insights recorded yet.'
    )
    assert results["coproduction.insights"].label == '"What matters to you?" insights gathered'
    assert not results["coproduction.partners_recruited"].met
    assert results["coproduction.partners_recruited"].detail == (
        "No partners linked to this event yet."
    )


def test_before_co_designing_met(organisation):
    event = AlwaysEventFactory(organisation=organisation, stage=S.DISCOVERING)
    InsightFactory(event=event, theme="Knowing the plan")
    InsightFactory(event=event, theme="knowing the plan")
    InsightFactory(event=event, theme="Food")
    _link(event, _partner(organisation, "Ann"))
    _link(event, _partner(organisation, "Bo"))
    _link(event, _partner(organisation, "Cy"), left_on=dt.date(2026, 2, 1))
    results = _results(event, S.CO_DESIGNING)
    assert results["coproduction.insights"].met
    assert results["coproduction.insights"].detail == "3 insights across 2 themes."
    assert results["coproduction.partners_recruited"].met
    assert results["coproduction.partners_recruited"].detail == "2 partners taking part."


def test_partners_who_have_all_left_do_not_count(organisation):
    event = AlwaysEventFactory(organisation=organisation, stage=S.DISCOVERING)
    _link(event, _partner(organisation, "Ann"), left_on=dt.date(2026, 2, 1))
    result = _results(event, S.CO_DESIGNING)["coproduction.partners_recruited"]
    assert not result.met
    assert result.detail == "All 1 partner linked to this event have left it."


def test_another_events_insights_and_partners_do_not_count(organisation):
    event = AlwaysEventFactory(organisation=organisation, stage=S.DISCOVERING)
    other = AlwaysEventFactory(organisation=organisation)
    InsightFactory(event=other)
    _link(other, _partner(organisation, "Ann"))
    results = _results(event, S.CO_DESIGNING)
    assert not results["coproduction.insights"].met
    assert not results["coproduction.partners_recruited"].met


def test_before_testing_no_partners_attending(organisation):
    event = AlwaysEventFactory(organisation=organisation, stage=S.CO_DESIGNING)
    ActivityFactory(event=event, stage=S.CO_DESIGNING, rung=7, staff=[member_of(organisation)])
    result = _results(event, S.TESTING)["coproduction.partners_before_co_design"]
    assert not result.met
    assert result.detail == "No activity in Discovering or Co-designing has partners attending yet."
    assert result.label == "Partners involved in discovery or co-design, at engagement or higher"


def test_before_testing_partners_only_consulted(organisation):
    event = AlwaysEventFactory(organisation=organisation, stage=S.CO_DESIGNING)
    partner = _partner(organisation, "Ann")
    ActivityFactory(event=event, stage=S.DISCOVERING, rung=3, partners=[partner])
    ActivityFactory(event=event, stage=S.CO_DESIGNING, rung=4, partners=[partner])
    # Engagement or higher, but outside Discovering and Co-designing: does not count.
    ActivityFactory(event=event, stage=S.SET_UP, rung=7, partners=[partner])
    result = _results(event, S.TESTING)["coproduction.partners_before_co_design"]
    assert not result.met
    assert result.detail == (
        "Partners took part only up to consultation (rung 4). "
        "Record an activity at engagement (rung 5) or higher."
    )


def test_before_testing_met(organisation):
    event = AlwaysEventFactory(organisation=organisation, stage=S.CO_DESIGNING)
    a, b = _partner(organisation, "Ann"), _partner(organisation, "Bo")
    ActivityFactory(event=event, stage=S.DISCOVERING, rung=5, partners=[a, b])
    ActivityFactory(event=event, stage=S.CO_DESIGNING, rung=6, partners=[a])
    ActivityFactory(event=event, stage=S.CO_DESIGNING, rung=2, partners=[a])
    result = _results(event, S.TESTING)["coproduction.partners_before_co_design"]
    assert result.met
    assert result.detail == (
        "2 activities with partners in Discovering or Co-designing, the highest at co-design."
    )
