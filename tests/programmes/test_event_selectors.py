"""Reads about Always Events (programmes.selectors.events): results and query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programmes import costs, selectors, services, timeline
from programmes.models import (
    AlwaysEvent,
    Challenge,
    EventComment,
    ProgressScore,
    Stage,
    StageTransition,
    TimeEntry,
)
from tests.factories import (
    AlwaysEventFactory,
    ChallengeFactory,
    CostFactory,
    EventCommentFactory,
    ImpactFactory,
    ProgressScoreFactory,
    StaffRateFactory,
    StageTransitionFactory,
    TeamMemberFactory,
    TimeEntryFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

S = Stage


def fresh(event: AlwaysEvent) -> AlwaysEvent:
    return AlwaysEvent.objects.with_scope(organisation=event.organisation_id).get(pk=event.pk)


def set_time(model, obj, **times) -> None:
    """Arrange: move auto-set timestamps (an update bypasses auto_now and auto_now_add)."""
    model.objects.with_scope(organisation=obj.organisation_id).filter(pk=obj.pk).update(**times)


def this_monday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday())


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as context:
        func()
    return len(context.captured_queries)


# --- event_list --------------------------------------------------------------------------------


def test_event_list_only_the_organisations_events(organisation, other_organisation):
    mine = AlwaysEventFactory(organisation=organisation, title="B")
    also = AlwaysEventFactory(organisation=organisation, title="A")
    AlwaysEventFactory(organisation=other_organisation)
    assert list(selectors.event_list(organisation=organisation)) == [also, mine]  # by title


def test_event_list_filters(organisation, sponsor):
    other_sponsor = member_of(organisation, role="executive_sponsor")
    a = AlwaysEventFactory(
        organisation=organisation, title="A", stage=S.TESTING, service="Ward 7",
        executive_sponsor=sponsor,
    )  # fmt: skip
    b = AlwaysEventFactory(
        organisation=organisation, title="B", stage=S.TESTING, service="Ward 8",
        executive_sponsor=other_sponsor,
    )  # fmt: skip
    c = AlwaysEventFactory(
        organisation=organisation, title="C", stage=S.PROPOSED, service="Ward 7",
        executive_sponsor=sponsor,
    )  # fmt: skip

    def titles(**filters):
        return [e.title for e in selectors.event_list(organisation=organisation, **filters)]

    assert titles() == ["A", "B", "C"]
    assert titles(stage=S.TESTING) == ["A", "B"]
    assert titles(stage=S.PAUSED) == []
    assert titles(service="Ward 7") == ["A", "C"]
    assert titles(sponsor_id=sponsor.pk) == ["A", "C"]
    assert titles(stage=S.TESTING, service="Ward 7", sponsor_id=sponsor.pk) == ["A"]
    assert titles(stage="", service="", sponsor_id=None) == ["A", "B", "C"]
    assert {a.pk, b.pk, c.pk} == {e.pk for e in selectors.event_list(organisation=organisation)}


def test_event_list_annotations(organisation, event, editor):
    first = ProgressScoreFactory(event=event, score="1.0")
    latest = ProgressScoreFactory(event=event, score="1.5")
    older = ProgressScoreFactory(event=event, score="3.0")  # added last, but dated earlier
    now = timezone.now()
    set_time(ProgressScore, first, set_at=now - dt.timedelta(days=20))
    set_time(ProgressScore, latest, set_at=now - dt.timedelta(days=1))
    set_time(ProgressScore, older, set_at=now - dt.timedelta(days=10))
    TeamMemberFactory(event=event)
    TeamMemberFactory(event=event)
    for _ in range(2):
        ChallengeFactory(event=event)
    ChallengeFactory(event=event, status=Challenge.Status.ADDRESSED)
    ChallengeFactory(event=event, kind=Challenge.Kind.FACILITATOR)
    empty = AlwaysEventFactory(organisation=organisation, title="Zz empty")

    listed = {e.pk: e for e in selectors.event_list(organisation=organisation)}
    row = listed[event.pk]
    assert row.latest_score == "1.5"
    assert row.latest_score_at == now - dt.timedelta(days=1)
    assert row.team_size == 3  # the lead and two more, not multiplied by the challenges
    assert row.open_challenges == 2
    blank = listed[empty.pk]
    assert (blank.latest_score, blank.latest_score_at, blank.team_size, blank.open_challenges) == (
        None,
        None,
        0,
        0,
    )


def test_event_list_latest_score_ties_go_to_the_last_recorded(event, organisation):
    one = ProgressScoreFactory(event=event, score="1.0")
    two = ProgressScoreFactory(event=event, score="2.0")
    moment = timezone.now()
    for score in (one, two):
        set_time(ProgressScore, score, set_at=moment)
    [row] = selectors.event_list(organisation=organisation)
    assert row.latest_score == "2.0"


def _many_events(organisation, count: int) -> None:
    people = [member_of(organisation) for _ in range(3)]
    for n in range(count):
        event = AlwaysEventFactory(
            organisation=organisation, team_lead=people[0], executive_sponsor=people[1]
        )
        for person in people:
            TeamMemberFactory(event=event, user=person)
        ProgressScoreFactory(event=event, score="1.0")
        ProgressScoreFactory(event=event, score="1.5")
        ChallengeFactory(event=event)
        ChallengeFactory(event=event, status=Challenge.Status.ADDRESSED)
        if n % 2:
            ChallengeFactory(event=event, kind=Challenge.Kind.FACILITATOR)


def _read_list(organisation) -> list:
    return [
        (
            e.title,
            e.team_lead.display_name,
            e.executive_sponsor.display_name,
            e.latest_score,
            e.team_size,
            e.open_challenges,
            e.get_stage_display(),
        )
        for e in selectors.event_list(organisation=organisation)
    ]


@pytest.mark.parametrize("count", [1, 30])
def test_event_list_is_one_query(organisation, django_assert_num_queries, count):
    _many_events(organisation, count)
    with django_assert_num_queries(1):
        rows = _read_list(organisation)
    assert len(rows) == count
    assert {row[3:6] for row in rows} == {("1.5", 3, 1)}


def test_event_services(organisation, other_organisation):
    for service in ("Ward 8", "Ward 7", "Ward 8"):
        AlwaysEventFactory(organisation=organisation, service=service)
    AlwaysEventFactory(organisation=other_organisation, service="Ward 1")
    assert selectors.event_services(organisation=organisation) == ["Ward 7", "Ward 8"]


def test_event_get_does_not_find_another_organisations_event(event, other_organisation):
    assert selectors.event_get(organisation=event.organisation, pk=event.pk) == event
    with pytest.raises(AlwaysEvent.DoesNotExist):
        selectors.event_get(organisation=other_organisation, pk=event.pk)


# --- event_readiness ---------------------------------------------------------------------------


def test_event_readiness_for_the_next_stage(organisation, editor):
    event = services.event_create(organisation=organisation, title="T", service="S", by=editor)
    shown = selectors.event_readiness(event=event)
    assert (shown.stage, shown.label, shown.ready) == (S.SET_UP, "Set-up", False)
    assert {r.key for r in shown.unmet} >= {
        "programmes.team_lead.set_up",
        "programmes.sponsor.set_up",
    }
    assert all(r in shown.results for r in shown.unmet)


def test_event_readiness_when_ready(event):
    shown = selectors.event_readiness(event=event)
    programmes = [r for r in shown.results if r.app == "programmes"]
    assert len(programmes) == 2 and all(r.met for r in programmes)


def test_event_readiness_for_a_chosen_stage_outside_any_scope(event):
    """The protected-time check uses a scoped manager: the selector opens the scope itself."""
    shown = selectors.event_readiness(event=event, stage=S.DISCOVERING)
    assert (shown.stage, shown.label) == (S.DISCOVERING, "Discovering")
    detail = {r.key: r.detail for r in shown.results}
    assert detail["programmes.protected_time"] == (
        "1 of 1 team members has no protected time agreed."
    )


@pytest.mark.parametrize(("stage", "paused_from"), [(S.SPREADING, ""), (S.PAUSED, S.TESTING)])
def test_event_readiness_with_no_next_stage(organisation, stage, paused_from):
    event = AlwaysEventFactory(organisation=organisation, stage=stage, paused_from=paused_from)
    shown = selectors.event_readiness(event=event)
    assert (shown.stage, shown.results, shown.unmet, shown.ready, shown.label) == (
        None,
        [],
        [],
        True,
        "",
    )


# --- event_progress ----------------------------------------------------------------------------


def test_event_progress_with_no_score(event):
    progress = selectors.event_progress(event=event)
    assert (progress.history, progress.latest, progress.change) == ([], None, None)
    assert progress.stale  # never reviewed
    assert progress.suggested == "0.5"


def test_event_progress_latest_and_change(event, editor):
    services.progress_score_set(event=event, score="1.0", reason="Charter.", by=editor)
    progress = selectors.event_progress(event=event)
    assert (progress.latest.score, progress.change) == ("1.0", None)
    services.progress_score_set(event=event, score="2.0", reason="Activity.", by=editor)
    services.progress_score_set(event=event, score="1.5", reason="Lost our lead.", by=editor)
    progress = selectors.event_progress(event=event)
    assert [s.score for s in progress.history] == ["1.5", "2.0", "1.0"]
    assert progress.latest.reason == "Lost our lead."
    assert progress.latest.set_by == editor
    assert progress.change == Decimal("-0.5")
    assert not progress.stale


def test_event_progress_is_one_query(event, editor, django_assert_num_queries):
    for score in ("1.0", "1.5", "2.0"):
        services.progress_score_set(event=event, score=score, reason="r", by=editor)
    with django_assert_num_queries(1):
        progress = selectors.event_progress(event=event)
        names = [s.set_by.display_name for s in progress.history]
    assert len(names) == 3


@pytest.mark.parametrize(
    ("stage", "paused_from", "suggested"),
    [
        (S.PROPOSED, "", "0.5"),
        (S.SET_UP, "", "1.0"),
        (S.DISCOVERING, "", "1.5"),
        (S.CO_DESIGNING, "", "2.0"),
        (S.TESTING, "", "2.5"),
        (S.IMPLEMENTING, "", "3.0"),
        (S.SUSTAINING, "", "4.0"),
        (S.SPREADING, "", "4.5"),
        (S.PAUSED, S.TESTING, "2.5"),
        (S.PAUSED, S.SUSTAINING, "4.0"),
        (S.CLOSED, "", None),
    ],
)
def test_suggested_score_per_stage(organisation, editor, stage, paused_from, suggested):
    event = AlwaysEventFactory(organisation=organisation, stage=stage, paused_from=paused_from)
    ProgressScoreFactory(event=event, score="5.0")  # the team's own score is never replaced
    progress = selectors.event_progress(event=event)
    assert progress.suggested == suggested
    assert selectors.suggested_score(event) == suggested
    assert progress.latest.score == "5.0"


def test_event_progress_stale_after_the_configured_weeks(event, editor, settings):
    settings.PROGRESS_SCORE_STALE_WEEKS = 3
    score = services.progress_score_set(event=event, score="1.0", reason="Charter.", by=editor)
    now = timezone.now()
    set_time(ProgressScore, score, set_at=now - dt.timedelta(weeks=3) + dt.timedelta(hours=1))
    progress = selectors.event_progress(event=event)
    assert progress.stale_after_weeks == 3
    assert not progress.stale
    set_time(ProgressScore, score, set_at=now - dt.timedelta(weeks=3, hours=1))
    assert selectors.event_progress(event=event).stale
    settings.PROGRESS_SCORE_STALE_WEEKS = 4
    assert not selectors.event_progress(event=event).stale
    # A new review (even the same score) makes it fresh again.
    settings.PROGRESS_SCORE_STALE_WEEKS = 3
    services.progress_score_set(event=event, score="1.0", reason="Reviewed.", by=editor)
    assert not selectors.event_progress(event=event).stale


# --- event_time_summary ------------------------------------------------------------------------


@pytest.fixture
def logged(event, organisation, editor, viewer):
    """Lead 4 h/week and a nurse 2 h/week agreed; both, and a helper not on the team, log time
    over three weeks (the first entry two weeks before this one)."""
    services.team_member_save(event=event, user=editor, protected_hours_per_week=4, by=editor)
    services.team_member_save(event=event, user=viewer, protected_hours_per_week=2, by=editor)
    helper = member_of(organisation, full_name="Hana Helper")
    first = this_monday() - dt.timedelta(weeks=2)
    for person, week, hours in (
        (editor, first, "4"),
        (editor, first + dt.timedelta(weeks=1), "2"),
        (viewer, first + dt.timedelta(weeks=1), "3"),
        (helper, this_monday(), "1"),
    ):
        services.time_entry_record(
            event=event, person=person, week_starting=week, hours=Decimal(hours), by=editor
        )
    return helper


def test_event_time_summary(event, editor, viewer, logged, settings):
    settings.OVER_RELIANCE_TOP_ONE_SHARE = 0.5
    settings.OVER_RELIANCE_TOP_TWO_SHARE = 0.8
    summary = selectors.event_time_summary(event=event)
    assert summary.weeks == 3
    assert [(p.user, p.hours, p.agreed_per_week, p.agreed) for p in summary.people] == [
        (editor, Decimal("6"), Decimal("4"), Decimal("12")),
        (viewer, Decimal("3"), Decimal("2"), Decimal("6")),
        (logged, Decimal("1"), Decimal("0"), Decimal("0")),  # not on the team, still shown
    ]
    assert summary.total == Decimal("10")
    assert summary.agreed == Decimal("18")
    assert summary.top_one_share == pytest.approx(0.6)
    assert summary.top_two_share == pytest.approx(0.9)
    assert summary.over_reliance  # 60% > 50%


def test_event_time_summary_over_reliance_follows_the_settings(event, logged, settings):
    settings.OVER_RELIANCE_TOP_ONE_SHARE = 0.7  # 60% is fine now
    settings.OVER_RELIANCE_TOP_TWO_SHARE = 0.8  # but 90% for the top two is not
    assert selectors.event_time_summary(event=event).over_reliance
    settings.OVER_RELIANCE_TOP_TWO_SHARE = 0.95
    assert not selectors.event_time_summary(event=event).over_reliance
    settings.OVER_RELIANCE_TOP_TWO_SHARE = 0.9  # exactly at the threshold is not above it
    assert not selectors.event_time_summary(event=event).over_reliance
    settings.OVER_RELIANCE_TOP_ONE_SHARE = 0.59
    assert selectors.event_time_summary(event=event).over_reliance


def test_event_time_summary_with_no_time_logged(event, editor):
    services.team_member_save(event=event, user=editor, protected_hours_per_week=4, by=editor)
    summary = selectors.event_time_summary(event=event)
    assert (summary.weeks, summary.total, summary.agreed) == (0, 0, 0)
    assert [(p.user, p.hours) for p in summary.people] == [(editor, 0)]
    assert (summary.top_one_share, summary.top_two_share, summary.over_reliance) == (
        None,
        None,
        False,
    )


@pytest.mark.parametrize(
    ("hours", "flagged"),
    [
        (["5"], False),  # a one-person team is not "leaning on" anyone in particular
        (["5", "0"], True),  # one of two does everything
        (["5", "0", "0"], True),  # one of three does everything
        (["5", "5"], False),  # 50% each: not above the share
        (["6", "4"], True),
        (["4", "3", "3"], False),  # 40%, 70%
        (["4", "4", "2"], False),  # 40%, exactly 80%
        (["45", "40", "15"], True),  # 45%, 85%
        (["2", "2", "2", "2"], False),
    ],
)
def test_event_time_summary_over_reliance(
    event, editor, viewer, sponsor, org_admin, settings, hours, flagged
):
    settings.OVER_RELIANCE_TOP_ONE_SHARE = 0.5
    settings.OVER_RELIANCE_TOP_TWO_SHARE = 0.8
    people = [editor, viewer, sponsor, org_admin][: len(hours)]
    for person, logged in zip(people, hours, strict=True):
        services.team_member_save(event=event, user=person, protected_hours_per_week=2, by=None)
        if Decimal(logged):
            services.time_entry_record(
                event=event,
                person=person,
                week_starting=this_monday(),
                hours=Decimal(logged),
                by=None,
            )
    summary = selectors.event_time_summary(event=event)
    assert len(summary.people) == len(hours)
    assert summary.over_reliance is flagged


def test_event_time_summary_ignores_other_events(event, organisation, editor, logged):
    other = AlwaysEventFactory(organisation=organisation)
    TimeEntryFactory(event=other, person=editor, hours=Decimal("30"))
    TeamMemberFactory(event=other)
    summary = selectors.event_time_summary(event=event)
    assert summary.total == Decimal("10")
    assert len(summary.people) == 3


def test_event_time_summary_queries_do_not_grow(event, organisation, editor, logged):
    small = count_queries(lambda: selectors.event_time_summary(event=event))
    for _ in range(4):
        person = member_of(organisation)
        services.team_member_save(event=event, user=person, protected_hours_per_week=1, by=None)
        services.time_entry_record(
            event=event, person=person, week_starting=this_monday(), hours=1, by=None
        )
        outsider = member_of(organisation)  # logs time without being on the team
        services.time_entry_record(
            event=event, person=outsider, week_starting=this_monday(), hours=1, by=None
        )

    def read():
        summary = selectors.event_time_summary(event=event)
        assert len(summary.people) == 11
        return [p.user.display_name for p in summary.people]

    assert count_queries(read) == small <= 3


# --- event_value_summary -----------------------------------------------------------------------


@pytest.fixture
def valued(event, organisation, other_organisation, editor, viewer):
    services.team_member_save(
        event=event, user=editor, protected_hours_per_week=4, band="5", by=editor
    )
    services.team_member_save(
        event=event, user=viewer, protected_hours_per_week=2, band="8a", by=editor
    )  # no rate for 8a
    helper = member_of(organisation)  # not on the team: no band
    for band, rate, start in (
        ("5", "20", dt.date(2026, 1, 1)),
        ("5", "25", dt.date(2026, 4, 1)),
        ("6", "30", dt.date(2020, 1, 1)),
    ):
        services.staff_rate_set(
            organisation=organisation, band=band, hourly_rate=Decimal(rate), effective_from=start
        )
    StaffRateFactory(
        organisation=other_organisation,
        band="8a",
        hourly_rate=99,
        effective_from=dt.date(2020, 1, 1),
    )  # another organisation's rate never applies here
    for person, week, hours in (
        (editor, dt.date(2025, 12, 29), "2"),  # before any band 5 rate: uncosted
        (editor, dt.date(2026, 3, 30), "10"),  # at £20 (the £25 starts on the Wednesday)
        (editor, dt.date(2026, 4, 6), "4"),  # at £25
        (viewer, dt.date(2026, 3, 30), "3"),  # band 8a: uncosted
        (helper, dt.date(2026, 3, 30), "1"),  # not on the team: uncosted
    ):
        services.time_entry_record(
            event=event, person=person, week_starting=week, hours=Decimal(hours), by=editor
        )
    services.cost_record(event=event, description="Printing", amount=Decimal("45.50"), by=None)
    services.cost_record(event=event, description="Room hire", amount=Decimal("10"), by=None)
    services.impact_record(
        event=event,
        kind="efficiency",
        description="Fewer call bells",
        money_estimate=Decimal("1200"),
        hours_estimate=Decimal("52"),
        basis="10 a day.",
        by=None,
    )
    services.impact_record(
        event=event,
        kind="efficiency",
        description="Fewer complaints",
        money_estimate=Decimal("300"),
        basis="2 fewer a year.",
        by=None,
    )
    services.impact_record(event=event, kind="service_users", description="Calmer", by=None)
    services.impact_record(
        event=event, kind="service_users", description="Know the plan", unintended=True, by=None
    )
    services.impact_record(event=event, kind="staff_skills", description="QI skills", by=None)
    other = AlwaysEventFactory(organisation=organisation)
    CostFactory(event=other, amount=Decimal("1000"))
    TimeEntryFactory(event=other, person=editor, hours=Decimal("20"))
    ImpactFactory(event=other)
    return event


def test_event_value_summary(valued):
    summary = selectors.event_value_summary(event=valued)
    assert summary.staff_hours == Decimal("20")
    assert summary.staff_cost == Decimal("300")  # 10 x £20 + 4 x £25
    assert summary.uncosted_hours == Decimal("6")  # 2 before the rate, 3 band 8a, 1 off the team
    assert summary.other_costs == Decimal("55.50")
    assert [c.description for c in summary.costs] == ["Room hire", "Printing"]  # newest first
    assert summary.total_cost == Decimal("355.50")
    assert summary.money_saved == Decimal("1500")
    assert summary.hours_saved == Decimal("52")
    assert sorted(i.description for i in summary.efficiencies) == [
        "Fewer call bells",
        "Fewer complaints",
    ]
    assert {
        label: sorted(i.description for i in items) for label, items in summary.benefits.items()
    } == {
        "Benefit to service users": ["Calmer", "Know the plan"],
        "Benefit to staff: skills": ["QI skills"],
    }


def test_event_value_summary_with_nothing_recorded(event):
    summary = selectors.event_value_summary(event=event)
    assert (
        summary.staff_hours,
        summary.staff_cost,
        summary.uncosted_hours,
        summary.other_costs,
        summary.total_cost,
        summary.money_saved,
        summary.hours_saved,
        summary.benefits,
        summary.efficiencies,
        summary.costs,
    ) == (0, 0, 0, 0, 0, 0, 0, {}, [], [])


def test_event_value_summary_a_new_rate_applies_from_its_week(valued, organisation):
    services.staff_rate_set(
        organisation=organisation,
        band="5",
        hourly_rate=Decimal("10"),
        effective_from=dt.date(2025, 12, 29),
    )
    summary = selectors.event_value_summary(event=valued)
    assert summary.staff_cost == Decimal("320")  # + 2 x £10
    assert summary.uncosted_hours == Decimal("4")


def test_event_value_summary_queries_do_not_grow(valued, editor):
    small = count_queries(lambda: selectors.event_value_summary(event=valued))
    for n in range(10):
        week = dt.date(2025, 1, 6) + dt.timedelta(weeks=n)
        services.time_entry_record(
            event=valued, person=editor, week_starting=week, hours=1, by=None
        )
        services.cost_record(event=valued, description=f"Cost {n}", amount=1, by=None)
        services.impact_record(event=valued, kind="other_benefit", description=f"B {n}", by=None)
    lines = len(costs.sources())  # one query for each cost line another app registers
    assert count_queries(lambda: selectors.event_value_summary(event=valued)) == small <= 5 + lines


# --- challenge_list_needing_sponsor -------------------------------------------------------------


def test_challenge_list_needing_sponsor(event, organisation, other_organisation, sponsor):
    def challenge(on, day, **fields):
        return ChallengeFactory(event=on, noted_on=dt.date(2026, 1, day), **fields)

    later = challenge(event, 10, help_needed="sponsor")
    earlier = challenge(event, 5, help_needed="sponsor")
    challenge(event, 6, help_needed="sponsor", status="addressed")
    challenge(event, 7)  # no help needed
    challenge(event, 8, help_needed="organisation_admin")
    challenge(event, 9, help_needed="qi_support")
    someone_elses = AlwaysEventFactory(
        organisation=organisation, executive_sponsor=member_of(organisation)
    )
    challenge(someone_elses, 1, help_needed="sponsor")
    # The same person sponsoring in another organisation: not on this organisation's list.
    elsewhere = AlwaysEventFactory(organisation=other_organisation, executive_sponsor=sponsor)
    challenge(elsewhere, 2, help_needed="sponsor")

    found = list(
        selectors.challenge_list_needing_sponsor(organisation=organisation, sponsor=sponsor)
    )
    assert found == [earlier, later]


def test_challenge_list_needing_sponsor_is_one_query(
    event, organisation, sponsor, django_assert_num_queries
):
    for _ in range(5):
        ChallengeFactory(event=event, help_needed="sponsor")
    with django_assert_num_queries(1):
        titles = [
            c.event.title
            for c in selectors.challenge_list_needing_sponsor(
                organisation=organisation, sponsor=sponsor
            )
        ]
    assert titles == ["Plan for the day"] * 5


# --- event_timeline ---------------------------------------------------------------------------


def test_event_timeline(organisation, editor, viewer, sponsor):
    event = services.event_create(
        organisation=organisation, title="Plan", service="Ward 7", by=editor
    )
    services.event_transition(
        event=event, to_stage=S.SET_UP, by=editor, override=True, reason="Sponsor named soon."
    )
    services.progress_score_set(event=event, score="1.0", reason="Charter agreed.", by=editor)
    services.challenge_record(event=event, area="staff_time", text="No cover on nights.", by=viewer)
    services.time_entry_record(
        event=event,
        person=viewer,
        week_starting=dt.date(2026, 3, 2),
        hours=Decimal("3"),
        note="Huddles",
        by=viewer,
    )
    services.event_comment_add(event=event, text="Keep going.", by=sponsor)

    base = timezone.now() - dt.timedelta(days=10)
    with_scope = {"organisation": organisation.pk}
    AlwaysEvent.objects.with_scope(**with_scope).filter(pk=event.pk).update(created_at=base)
    StageTransition.objects.with_scope(**with_scope).update(at=base + dt.timedelta(days=1))
    ProgressScore.objects.with_scope(**with_scope).update(set_at=base + dt.timedelta(days=2))
    Challenge.objects.with_scope(**with_scope).update(created_at=base + dt.timedelta(days=3))
    TimeEntry.objects.with_scope(**with_scope).update(recorded_at=base + dt.timedelta(days=4))
    EventComment.objects.with_scope(**with_scope).update(created_at=base + dt.timedelta(days=5))

    items = selectors.event_timeline(event=fresh(event))
    assert [i.kind for i in items] == ["comment", "time", "challenge", "score", "stage", "created"]
    comment, time, challenge, score, stage, created = items
    assert (stage.title, stage.text, stage.by) == (
        "Moved from Proposed to Set-up",
        "Sponsor named soon.",
        editor,
    )
    assert stage.extra == [
        "Moved on before: Team lead named",
        "Moved on before: Executive sponsor named",
    ]
    assert stage.at == base + dt.timedelta(days=1)
    assert (score.title, score.text, score.by) == (
        "Progress score set to 1.0",
        "Charter agreed.",
        editor,
    )
    assert (challenge.title, challenge.text, challenge.by) == (
        "Challenge noted: Staff time",
        "No cover on nights.",
        viewer,
    )
    # Time is one line a week, whoever logged it: the notes stay on the team's time page.
    assert time.title == f"3 hours logged for the week of 2 Mar 2026 by {viewer.display_name}"
    assert (time.text, time.by) == ("", None)
    assert (comment.title, comment.text, comment.by) == ("Comment", "Keep going.", sponsor)
    assert (created.title, created.at) == ("Always Event started", base)
    assert [i.at for i in items] == sorted((i.at for i in items), reverse=True)


def test_event_timeline_shows_only_this_event(event, organisation, editor):
    other = AlwaysEventFactory(organisation=organisation)
    StageTransitionFactory(event=other)
    ProgressScoreFactory(event=other)
    ChallengeFactory(event=other)
    TimeEntryFactory(event=other)
    EventCommentFactory(event=other)
    assert [i.kind for i in selectors.event_timeline(event=event)] == ["created"]


def _fill_timeline(event, person, count: int) -> None:
    for n in range(count):
        StageTransitionFactory(event=event, by=person, overridden=["Aim statement complete"])
        ProgressScoreFactory(event=event, set_by=person)
        ChallengeFactory(event=event, recorded_by=person)
        TimeEntryFactory(
            event=event,
            person=person,
            recorded_by=person,
            week_starting=this_monday() - dt.timedelta(weeks=n),
        )
        EventCommentFactory(event=event, author=person)


def _read_timeline(event) -> list:
    return [
        (i.kind, i.title, i.text, i.by.display_name if i.by else "", i.extra)
        for i in selectors.event_timeline(event=event)
    ]


def test_event_timeline_queries_do_not_grow(organisation, editor):
    small = AlwaysEventFactory(organisation=organisation)
    _fill_timeline(small, editor, 1)
    large = AlwaysEventFactory(organisation=organisation)
    _fill_timeline(large, editor, 15)
    with CaptureQueriesContext(connection) as few:
        assert len(_read_timeline(small)) == 6
    with CaptureQueriesContext(connection) as many:
        assert len(_read_timeline(large)) == 76
    # One query for each kind of record of this app (stage moves, sign-offs, scores,
    # challenges, time, comments) and one for each kind the other apps register.
    registered = len(timeline.sources())
    assert registered >= 2, "measurement and accreditation register milestones"
    assert len(few.captured_queries) == len(many.captured_queries) == 6 + registered


def test_event_timeline_limit_keeps_the_newest_challenges(event, editor):
    """Challenges list open ones first on their own page; the timeline wants the newest."""
    base = timezone.now() - dt.timedelta(days=30)
    set_time(AlwaysEvent, event, created_at=base)
    old_addressed = services.challenge_record(
        event=event, area="staff_time", text="Oldest, addressed.", by=editor
    )
    services.challenge_set_status(challenge=old_addressed, status="addressed", by=editor)
    middle = services.challenge_record(event=event, area="staff_time", text="Middle.", by=editor)
    newest = services.challenge_record(event=event, area="staff_time", text="Newest.", by=editor)
    for n, challenge in enumerate((old_addressed, middle, newest), start=1):
        set_time(Challenge, challenge, created_at=base + dt.timedelta(days=n))
    # The limit is on the lines that are not milestones: "started" is always there.
    items = selectors.event_timeline(event=fresh(event), limit=2)
    assert [i.text for i in items] == ["Newest.", "Middle.", ""]
    items = selectors.event_timeline(event=fresh(event), limit=4)
    assert [i.text for i in items] == ["Newest.", "Middle.", "Oldest, addressed.", ""]


def test_event_timeline_limit_keeps_the_newest_time_entries(event, editor):
    """Time is shown when recorded, which need not follow the week it is for."""
    base = timezone.now() - dt.timedelta(days=30)
    set_time(AlwaysEvent, event, created_at=base)
    for n, (weeks_ago, hours) in enumerate(((0, 1), (5, 2), (1, 3)), start=1):
        entry = services.time_entry_record(
            event=event,
            person=editor,
            week_starting=this_monday() - dt.timedelta(weeks=weeks_ago),
            hours=hours,
            by=editor,
        )
        set_time(TimeEntry, entry, recorded_at=base + dt.timedelta(days=n))
    items = selectors.event_timeline(event=fresh(event), limit=2)
    assert [i.title.split(" hour")[0] for i in items] == ["3", "2", "Always Event started"]
