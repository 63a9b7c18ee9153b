"""The timeline of an event's overview: milestones first (some registered by measurement and
accreditation), time folded into one line a week, and filters by kind (`?show=`)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accreditation import services as accreditation_services
from measurement.models import ChangeIdea, Measure, PdsaCycle
from measurement.services import testing as testing_services
from programmes import selectors, services, timeline
from programmes.models import AlwaysEvent, Role, Stage
from programmes.timeline import TimelineItem
from tests.accreditation import builders as b
from tests.accreditation import review_builders as rb
from tests.factories import AlwaysEventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=LONDON)


def fresh(event: AlwaysEvent) -> AlwaysEvent:
    return AlwaysEvent.objects.with_scope(organisation=event.organisation_id).get(pk=event.pk)


def url(event: AlwaysEvent, show: str | None = None) -> str:
    path = reverse(
        "programmes:event-detail",
        kwargs={"org_slug": event.organisation.slug, "pk": event.pk},
    )
    return f"{path}?show={show}" if show is not None else path


def log_time(event, person, week: dt.date, hours: str, by) -> None:
    services.time_entry_record(
        event=event, person=person, week_starting=week, hours=Decimal(hours), by=by
    )


MILESTONES = [
    "Accredited",
    "Submitted for accreditation",
    "PDSA cycle 1 of “Test a huddle script”: decided to adopt",
    "Vision signed off by Sam",
    "First figure for “Patients told the plan by 10am”, week of 7 Sep 2026",
    "Moved from Proposed to Set-up",
    "Always Event started",
]


@pytest.fixture
def full_event(organisation, editor, viewer, sponsor, programme_admin):
    """An event with one of everything, each on its own day of autumn 2026 (through the
    services, at the time each would happen)."""
    accreditation_services.criteria_version_seed()
    with time_machine.travel(at(9, 1, 9), tick=False):
        event = services.event_create(
            organisation=organisation,
            title="Plan for the day",
            service="Ward 7",
            by=editor,
            team_lead=editor,
            executive_sponsor=sponsor,
            oversight_group="Patient Experience Group",
        )
    with time_machine.travel(at(9, 2), tick=False):
        services.event_transition(
            event=event, to_stage=Stage.SET_UP, by=editor, override=True, reason="Ready to go."
        )
    with time_machine.travel(at(9, 9), tick=False):
        services.progress_score_set(event=event, score="1.0", reason="Charter agreed.", by=editor)
    with time_machine.travel(at(9, 10, 15), tick=False):
        b.sign_off_vision(event, editor)  # "Sam", signed on the day
    with time_machine.travel(at(9, 12), tick=False):
        services.challenge_record(event=event, area="staff_time", text="No cover.", by=viewer)
    with time_machine.travel(at(9, 15), tick=False):
        measure = b.make_measure(event, "Patients told the plan by 10am", Measure.Type.PROCESS)
        for week, value in ((dt.date(2026, 9, 7), "40"), (dt.date(2026, 9, 14), "45")):
            b.measure_services.data_point_save(
                measure=measure, period=week, value=Decimal(value), by=editor
            )
    with time_machine.travel(at(10, 5), tick=False):
        idea = testing_services.change_idea_add(
            event=event, text="Test a huddle script", kind=ChangeIdea.Kind.RELATIONAL, by=editor
        )
        cycle = testing_services.pdsa_cycle_create(
            change_idea=idea,
            objective="Try the script",
            planned_start=dt.date(2026, 10, 5),
            questions=[{"question": "Will nurses use it?", "prediction": "8 of 10"}],
            by=editor,
        )
        testing_services.pdsa_cycle_start(cycle=cycle, by=editor)
        testing_services.pdsa_cycle_study(
            cycle=cycle, carried_out_as_planned=True, observations="Used 9 times", by=editor
        )
        testing_services.pdsa_cycle_decide(
            cycle=cycle,
            comparison="Predicted 8, saw 9",
            decision=PdsaCycle.Decision.ADOPT,
            learning="Nurses like a script they wrote.",
            by=editor,
        )
        # A cycle not decided yet is no milestone.
        testing_services.pdsa_cycle_create(
            change_idea=idea, objective="Try it on nights", planned_start=dt.date(2026, 11, 2),
            by=editor,
        )  # fmt: skip
    with time_machine.travel(at(10, 20), tick=False):
        b.confirm_four_criteria(event, editor)
        submission = accreditation_services.submission_create(event=event, by=editor)
        for criterion in submission.criteria_version.criteria.all():
            accreditation_services.self_assessment_save(
                submission=submission, criterion=criterion, text="See our evidence.", by=editor
            )
        accreditation_services.submission_send_for_sign_off(submission=submission, by=editor)
        accreditation_services.submission_attest(submission=submission, by=sponsor)
    with time_machine.travel(at(11, 2), tick=False):
        reviewers = [rb.make_reviewer(f"r{n}@reviews.test") for n in (1, 2)]
        rb.accredit(
            rb.to_moderation(rb.refreshed(submission), programme_admin, reviewers), programme_admin
        )
    with time_machine.travel(at(11, 6), tick=False):
        for person, hours in ((editor, "3"), (viewer, "2.5"), (sponsor, "1")):
            log_time(event, person, dt.date(2026, 11, 2), hours, by=person)
    with time_machine.travel(at(11, 13), tick=False):
        log_time(event, editor, dt.date(2026, 11, 9), "4", by=editor)
    with time_machine.travel(at(11, 16, 8), tick=False):
        services.event_comment_add(event=event, text="Well done, all.", by=sponsor)
    return fresh(event)


# --- milestones -------------------------------------------------------------------------------


def test_milestones_are_the_events_that_matter_newest_first(full_event):
    items = selectors.event_timeline(event=full_event, show="milestones")
    assert [i.title for i in items] == MILESTONES
    assert all(i.milestone for i in items)
    by_title = {i.title: i for i in items}
    assert by_title["Vision signed off by Sam"].text == (
        "“We will always tell you the plan for your day.”"
    )
    assert by_title["Vision signed off by Sam"].day_only
    pdsa = by_title["PDSA cycle 1 of “Test a huddle script”: decided to adopt"]
    assert (pdsa.text, pdsa.at) == ("Nurses like a script they wrote.", at(10, 5))
    assert by_title["Submitted for accreditation"].by.email == "sponsor@northfield.test"
    assert by_title["Accredited"].at == at(11, 2)


def test_everything_shows_milestones_first_then_the_rest(full_event, client_for, editor):
    items = selectors.event_timeline(event=full_event)
    assert [i.title for i in items if i.milestone] == MILESTONES
    assert [i.title for i in items if not i.milestone] == [
        "Comment",
        f"4 hours logged for the week of 9 Nov 2026 by {editor.display_name}",
        "6.5 hours logged for the week of 2 Nov 2026 by 3 people",
        "Challenge noted: Staff time",
        "Progress score set to 1.0",
    ]
    content = client_for(editor).get(url(full_event)).content.decode()
    positions = [
        content.index(text)
        for text in (
            ">Milestones</h3>",
            "Accredited",
            "Always Event started",
            ">Everything else</h3>",
            "Well done, all.",
            "hours logged for the week of 9 Nov 2026",
            "Progress score set to 1.0",
        )
    ]
    assert positions == sorted(positions)
    assert "Showing everything, milestones first" in content
    # A day-dated milestone shows no time of day; a moment does.
    assert "10 Sep 2026 ·" not in content and ">10 Sep 2026</p>" in content
    assert "2 Nov 2026, 10:00" in content


def test_a_new_event_has_one_milestone_and_nothing_else(event, client_for, editor):
    content = client_for(editor).get(url(event)).content.decode()
    assert "Always Event started" in content
    assert "Nothing else yet." in content


# --- time, folded ---------------------------------------------------------------------------


def test_time_is_one_line_a_week_with_the_week_total(event, editor, viewer, sponsor, org_admin):
    with time_machine.travel(at(11, 6), tick=False):
        log_time(event, editor, dt.date(2026, 11, 2), "3", by=editor)
        log_time(event, viewer, dt.date(2026, 11, 2), "2.5", by=editor)
        log_time(event, editor, dt.date(2026, 10, 26), "1", by=editor)
    with time_machine.travel(at(11, 7), tick=False):
        # A correction replaces the person's hours for the week: counted once.
        log_time(event, editor, dt.date(2026, 11, 2), "3.25", by=editor)
    items = selectors.event_timeline(event=fresh(event), show="time")
    assert [(i.title, i.at, i.by) for i in items] == [
        (
            "5.75 hours logged for the week of 2 Nov 2026 by 2 people",
            at(11, 7),  # when its latest entry was recorded
            None,
        ),
        (f"1 hour logged for the week of 26 Oct 2026 by {editor.display_name}", at(11, 6), None),
    ]
    with time_machine.travel(at(11, 8), tick=False):
        for person in (sponsor, org_admin):
            log_time(event, person, dt.date(2026, 11, 2), "1", by=person)
    newest = selectors.event_timeline(event=fresh(event), show="time")[0]
    assert newest.title == "7.75 hours logged for the week of 2 Nov 2026 by 4 people"


def test_time_lines_are_limited_to_the_weeks_most_recently_logged(event, editor):
    for n, week in enumerate((dt.date(2026, 11, 9), dt.date(2026, 9, 7), dt.date(2026, 10, 5))):
        with time_machine.travel(at(11, 10 + n), tick=False):
            log_time(event, editor, week, "2", by=editor)
    items = selectors.event_timeline(event=fresh(event), show="time", limit=2)
    assert [i.title.split(" by ")[0] for i in items] == [
        "2 hours logged for the week of 5 Oct 2026",
        "2 hours logged for the week of 7 Sep 2026",
    ]


# --- filters --------------------------------------------------------------------------------

KINDS = {
    "all": {"created", "stage", "signoff", "data", "pdsa", "accreditation", "score", "challenge",
            "time", "comment"},
    "milestones": {"created", "stage", "signoff", "data", "pdsa", "accreditation"},
    "stages": {"created", "stage", "score"},
    "data": {"data", "pdsa"},
    "challenges": {"challenge"},
    "time": {"time"},
    "comments": {"comment"},
}  # fmt: skip


def test_every_filter_is_tested():
    assert set(KINDS) == set(timeline.FILTERS)


@pytest.mark.parametrize("show", list(KINDS))
def test_each_filter_shows_its_kinds_only(full_event, show):
    items = selectors.event_timeline(event=full_event, show=show)
    assert {i.kind for i in items} == KINDS[show]
    assert [i.at for i in items] == sorted((i.at for i in items), reverse=True)


@pytest.mark.parametrize("show", [s for s in KINDS if s != "all"])
def test_a_filter_on_the_page_says_which_and_keeps_the_rest_of_the_page(
    full_event, client_for, viewer, show
):
    response = client_for(viewer).get(url(full_event, show))
    assert response.status_code == 200
    content = response.content.decode()
    label = timeline.FILTERS[show]
    assert f"Showing <strong>{label.lower()}</strong> only." in content
    assert re.search(rf'<a href="\?show={show}#timeline" aria-current="true">{label}</a>', content)
    assert content.count('aria-current="true"') == 1
    assert ">Milestones</h3>" not in content
    # The rest of the overview is still there.
    for heading in ("Progress score", "Staff time", "Open challenges", "Vision and aim"):
        assert heading in content
    # What the filter leaves out is not on the timeline.
    shown = response.context["timeline"]
    assert {i.kind for i in shown} == KINDS[show]
    if show != "comments":
        assert "Well done, all." not in content


def test_a_filter_runs_only_the_queries_of_its_kinds(full_event, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(selectors.event_timeline(event=full_event, show="time")) == 2
    with django_assert_num_queries(2):  # first figures and PDSA decisions
        assert len(selectors.event_timeline(event=full_event, show="data")) == 2


@pytest.mark.parametrize("value", ["", "ALL", "everything", "time ", "<script>", "0", "None"])
def test_an_unknown_filter_shows_everything(full_event, client_for, editor, value):
    response = client_for(editor).get(url(full_event, value))
    assert response.status_code == 200
    assert response.context["timeline_show"] == "all"
    assert "Showing everything, milestones first" in response.content.decode()


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=st.text(max_size=40))
def test_any_filter_value_answers_200(event, client_for, editor, value):
    response = client_for(editor).get(url(event), {"show": value})
    assert response.status_code == 200
    expected = value if value in timeline.FILTERS else "all"
    assert response.context["timeline_show"] == expected


# --- who sees it ----------------------------------------------------------------------------


@pytest.mark.parametrize("show", [None, "milestones", "time"])
def test_every_staff_role_opens_the_timeline(
    full_event, client_for, org_admin, editor, viewer, sponsor, show
):
    for user in (org_admin, editor, viewer, sponsor):
        response = client_for(user).get(url(full_event, show))
        assert response.status_code == 200, user.email
        assert "Showing " in response.content.decode()


def test_outsiders_and_programme_people_get_404(
    full_event, client_for, outsider, programme_admin, reviewer
):
    for user in (outsider, programme_admin, reviewer):
        assert client_for(user).get(url(full_event, "time")).status_code == 404, user.email


def test_a_partner_does_not_reach_the_timeline(full_event, organisation, client_for):
    partner = UserFactory(email="pat@example.test")
    MembershipFactory(organisation=organisation, user=partner, role=Role.PARTNER)
    assert client_for(partner).get(url(full_event, "milestones")).status_code == 403


# --- query counts ---------------------------------------------------------------------------


def test_the_timeline_reads_in_one_query_per_kind_whatever_the_rows(
    organisation, editor, full_event, django_assert_num_queries
):
    bare = fresh(AlwaysEventFactory(organisation=organisation))
    expected = 6 + len(timeline.sources())  # this app's kinds and each registered one
    with django_assert_num_queries(expected):
        assert len(selectors.event_timeline(event=bare)) == 1
    with django_assert_num_queries(expected):
        assert len(selectors.event_timeline(event=full_event)) == 12


def test_the_page_reads_in_a_bounded_number_of_queries(
    full_event, client_for, editor, django_assert_max_num_queries
):
    from django.core.cache import cache

    client = client_for(editor)
    client.get(url(full_event))
    cache.clear()  # drawn from the data (a repeat view reads the cache: see test_event_views)
    # The summary and the timeline share the scores and challenges they read, and the event
    # comes with its organisation: 26 (31 before; the organisation visited is no longer
    # written to the session each time, the version is read).
    with django_assert_max_num_queries(26) as before:
        client.get(url(full_event))
    with time_machine.travel(at(11, 16, 9), tick=False):
        for week in range(8):
            log_time(
                full_event, editor, dt.date(2026, 11, 9) - dt.timedelta(weeks=week), "2", by=editor
            )
            services.event_comment_add(event=full_event, text=f"Comment {week}", by=editor)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(url(full_event))
    # Eight weeks logged, one of them (9 Nov) already logged: eight lines, one a week.
    assert response.content.decode().count("hours logged for the week of") == 8


# --- the registry ---------------------------------------------------------------------------


def test_a_registered_contributor_adds_lines_and_runs_only_for_its_filters(event, editor):
    calls = []

    def contributor(event_, limit):
        calls.append((event_.pk, limit))
        return [
            TimelineItem(at(11, 16, 12), "insight", "Insight heard", milestone=True),
            TimelineItem(at(11, 16, 11), "note", "Not a milestone", group=timeline.COMMENTS),
        ]

    with timeline.registered("tests.contributor", contributor, filters={"milestones"}):
        titles = [i.title for i in selectors.event_timeline(event=fresh(event), limit=7)]
        assert titles[:2] == ["Insight heard", "Not a milestone"]
        assert calls == [(event.pk, 7)]
        assert selectors.event_timeline(event=fresh(event), show="milestones")[0].title == (
            "Insight heard"
        )
        selectors.event_timeline(event=fresh(event), show="time")
        assert len(calls) == 2, "the time filter does not run a milestones contributor"
    assert "tests.contributor" not in {s.key for s in timeline.sources()}


def test_registering_an_unknown_filter_is_refused():
    with pytest.raises(ValueError, match="Unknown timeline filters"):
        timeline.register("tests.bad", lambda event, limit: [], filters={"everything"})
    assert "tests.bad" not in {s.key for s in timeline.sources()}
