"""Always Event pages: who may see and do what, what the forms say, and query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from alwaysevents.tenancy.scope import organisation_scope
from programmes import services
from programmes.models import AlwaysEvent, Challenge, Stage, StageTransition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "event-detail",
    "event-statements",
    "event-team",
    "event-challenges",
    "event-impact",
    "event-sustain",
    "event-score",
]


@pytest.fixture
def event(organisation, editor, sponsor, org_admin):
    return services.event_create(
        organisation=organisation,
        title="Plan for the day",
        service="Ward 7",
        by=editor,
        team_lead=editor,
        executive_sponsor=sponsor,
    )


def url(name, event, **kwargs):
    return reverse(
        f"programmes:{name}", kwargs={"org_slug": event.organisation.slug, "pk": event.pk, **kwargs}
    )


@pytest.mark.parametrize("name", PAGES)
def test_every_member_can_read_every_page(
    name, event, client_for, org_admin, editor, viewer, sponsor
):
    for user in (org_admin, editor, viewer, sponsor):
        response = client_for(user).get(url(name, event))
        assert response.status_code == 200, (name, user.email)


def test_pages_of_another_organisations_event_are_404(
    event, client_for, outsider, other_organisation
):
    theirs = services.event_create(
        organisation=other_organisation, title="Theirs", service="Ward 1", by=outsider
    )
    client = client_for(outsider)
    for name in PAGES:
        assert client.get(url(name, event)).status_code == 404
    # ...and our events cannot be reached through their own organisation's address either.
    path = reverse("programmes:event-detail", kwargs={"org_slug": "riverside", "pk": event.pk})
    assert client.get(path).status_code == 404
    assert client.get(url("event-detail", theirs)).status_code == 200


def test_list_filters_and_links(event, organisation, client_for, viewer, editor):
    services.event_create(
        organisation=organisation, title="Introduce ourselves", service="Outpatients", by=editor
    )
    client = client_for(viewer)
    page = client.get(reverse("programmes:event-list", kwargs={"org_slug": "northfield"}))
    content = page.content.decode()
    assert "Plan for the day" in content and "Introduce ourselves" in content
    assert "Start an Always Event" not in content, "team members do not start events"
    filtered = client.get(
        reverse("programmes:event-list", kwargs={"org_slug": "northfield"}),
        {"service": "Outpatients"},
    ).content.decode()
    assert "Introduce ourselves" in filtered and "Plan for the day" not in filtered


def test_list_query_count_is_constant(
    organisation, editor, client_for, django_assert_max_num_queries
):
    client = client_for(editor)
    path = reverse("programmes:event-list", kwargs={"org_slug": "northfield"})
    services.event_create(organisation=organisation, title="Event 0", service="Ward", by=editor)
    with django_assert_max_num_queries(20) as one:
        client.get(path)
    for n in range(1, 30):
        event = services.event_create(
            organisation=organisation, title=f"Event {n}", service=f"Ward {n}", by=editor
        )
        services.progress_score_set(event=event, score="1.0", reason="Started", by=editor)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(path)
    assert response.content.decode().count("/events/") >= 30


def test_detail_query_count_does_not_grow_with_records(
    event, editor, client_for, django_assert_max_num_queries
):
    from django.core.cache import cache

    client = client_for(editor)
    client.get(url("event-detail", event))
    cache.clear()  # drawn from the data each time (a repeat view reads it from the cache)
    with django_assert_max_num_queries(60) as few:
        client.get(url("event-detail", event))
    monday = services.monday_of(dt.date.today())  # noqa: DTZ011
    for week in range(10):
        services.time_entry_record(
            event=event,
            person=editor,
            week_starting=monday - dt.timedelta(weeks=week),
            hours=Decimal(2),
            by=editor,
        )
        services.progress_score_set(event=event, score="1.0", reason=f"Week {week}", by=editor)
        services.challenge_record(
            event=event, area="staff_time", text=f"Challenge {week}", by=editor
        )
        services.event_comment_add(event=event, text=f"Comment {week}", by=editor)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("event-detail", event))


def _tables(queries) -> set[str]:
    import re

    return {
        name
        for query in queries.captured_queries
        for name in re.findall(r'FROM "(\w+)"', query["sql"])
    }


def test_a_repeat_view_reads_the_events_data_from_the_cache_and_any_change_shows_at_once(
    organisation, event, editor, sponsor, client_for
):
    """The event page keeps what it shows of the event's data (readiness, score, challenges,
    time, value, timeline) under the version of the event's data: a repeat view reads none of
    it; a write to the event (of any app), to what is shared, or to the event itself shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from measurement.services import measures as measurement
    from tests.factories import AlwaysEventFactory

    client = client_for(sponsor)
    path = url("event-detail", event)
    with CaptureQueriesContext(connection) as drawn:
        client.get(path)
    with CaptureQueriesContext(connection) as kept:
        assert client.get(path).status_code == 200
    assert len(kept.captured_queries) < len(drawn.captured_queries) - 8
    assert not _tables(kept) & {
        "programmes_timeentry",
        "programmes_progressscore",
        "programmes_challenge",
        "programmes_stagetransition",
    }
    # Another event's write leaves this page's kept facts.
    services.event_comment_add(
        event=AlwaysEventFactory(organisation=organisation), text="Elsewhere", by=editor
    )
    with CaptureQueriesContext(connection) as still:
        assert "Elsewhere" not in client.get(path).content.decode()
    assert len(still.captured_queries) == len(kept.captured_queries)
    # This event's: a comment, a measure's first figure (another app), a renamed person.
    services.event_comment_add(event=event, text="Ward round moved to 9am", by=editor)
    assert "Ward round moved to 9am" in client.get(path).content.decode()
    measure = measurement.measure_create(
        event=event, by=editor, name="Told the plan", type="outcome", definition="Weekly."
    )
    measurement.data_point_save(
        measure=measure, period=dt.date(2026, 3, 2), value=Decimal(4), by=editor
    )
    assert "First figure" in client.get(path).content.decode()
    editor.full_name = "Robin Okafor-Price"
    editor.save()
    assert "Robin Okafor-Price" in client.get(path).content.decode()
    # The event itself (its stage moved by a bulk write, which names no event).
    AlwaysEvent.objects.with_scope(organisation=organisation.pk).filter(pk=event.pk).update(
        title="Plan for every day"
    )
    assert "Plan for every day" in client.get(path).content.decode()


def test_only_team_leads_and_admins_change_the_stage(
    event, client_for, viewer, sponsor, editor, org_admin
):
    for user in (viewer, sponsor):
        assert client_for(user).get(url("event-stage", event)).status_code == 403
        assert (
            client_for(user).post(url("event-stage", event), {"to_stage": "set_up"}).status_code
            == 403
        )
    event.refresh_from_db()
    assert event.stage == Stage.PROPOSED
    response = client_for(editor).post(url("event-stage", event), {"to_stage": "set_up"})
    assert response.status_code == 302
    response = client_for(org_admin).post(
        url("event-stage", event), {"to_stage": "proposed", "reason": "Wrong start"}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.stage == Stage.PROPOSED


def test_stage_page_shows_what_is_missing_and_takes_an_override(event, client_for, editor):
    client = client_for(editor)
    client.post(url("event-stage", event), {"to_stage": "set_up"})
    response = client.post(url("event-stage", event), {"to_stage": "discovering"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Not ready for Discovering yet." in content
    assert "Oversight group named" in content
    response = client.post(url("event-stage", event), {"to_stage": "discovering", "override": "on"})
    assert "Say why you are moving on before these are done." in response.content.decode()
    response = client.post(
        url("event-stage", event),
        {"to_stage": "discovering", "override": "on", "reason": "Board asked us to start"},
    )
    assert response.status_code == 302
    with organisation_scope(event.organisation):
        transition = StageTransition.objects.filter(event=event).latest("at")
    assert transition.reason == "Board asked us to start"
    assert "Oversight group named" in transition.overridden
    assert (
        "Moved on before: Oversight group named"
        in client.get(url("event-detail", event)).content.decode()
    )


def test_stage_page_refuses_a_stage_it_does_not_offer(event, client_for, editor):
    response = client_for(editor).post(url("event-stage", event), {"to_stage": "testing"})
    assert response.status_code == 200
    assert "Select one of the stages offered" in response.content.decode()


def test_team_members_edit_content_but_not_stage_or_team(event, client_for, viewer):
    client = client_for(viewer)
    response = client.post(
        url("event-vision", event), {"vision_statement": "We will always say hello."}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.vision_statement == "We will always say hello."
    response = client.post(
        url("event-team", event),
        {
            "action": "member",
            "member-user": viewer.pk,
            "member-protected_hours_per_week": "2",
            "member-band": "5",
        },
    )
    assert response.status_code == 403
    assert client.get(url("event-leadership", event)).status_code == 403


def test_sponsors_read_and_comment_but_do_not_edit(event, client_for, sponsor):
    client = client_for(sponsor)
    response = client.post(url("event-vision", event), {"vision_statement": "We will always x"})
    assert response.status_code == 403
    statements = client.get(url("event-statements", event)).content.decode()
    assert url("event-vision", event) not in statements and ">Change<" not in statements
    response = client.post(url("event-comment", event), {"text": "Well done, team."})
    assert response.status_code == 302
    assert "Well done, team." in client.get(url("event-detail", event)).content.decode()


def test_forms_name_what_is_wrong_and_keep_what_was_typed(event, client_for, editor):
    client = client_for(editor)
    response = client.post(url("event-vision", event), {"vision_statement": "Patients get a plan."})
    content = response.content.decode()
    assert response.status_code == 200
    assert "starting &quot;I will always&quot; or &quot;We will always&quot;" in content
    assert "Patients get a plan." in content
    event.refresh_from_db()
    assert event.vision_statement == ""
    # What was refused is in the box to correct, never shown as the saved vision: the
    # statements page still has none, and so offers no partner sign-off.
    assert "ae-vision" not in content
    statements = client.get(url("event-statements", event)).content.decode()
    assert "Patients get a plan." not in statements
    assert "No partner has signed off the vision yet." in statements
    assert url("event-sign-off", event) not in statements
    response = client.post(url("event-criterion", event, kind="important"), {"confirmed": "on"})
    assert "before confirming it" in response.content.decode()


def test_the_statements_page_takes_no_posts(event, client_for, editor):
    client = client_for(editor)
    response = client.post(
        url("event-statements", event),
        {"action": "vision", "vision-vision_statement": "We will always say hello."},
    )
    assert response.status_code == 405
    event.refresh_from_db()
    assert event.vision_statement == ""


def test_time_challenge_score_and_impact_through_the_pages(event, client_for, editor, sponsor):
    client = client_for(editor)
    today = dt.date.today()  # noqa: DTZ011
    assert (
        client.post(
            url("event-team", event),
            {
                "action": "time",
                "time-person": editor.pk,
                "time-week_starting": today.isoformat(),
                "time-hours": "3.5",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            url("event-challenges", event),
            {
                "action": "challenge",
                "challenge-kind": "challenge",
                "challenge-area": "staff_time",
                "challenge-text": "No cover for huddles",
                "challenge-noted_on": today.isoformat(),
                "challenge-help_needed": "sponsor",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            url("event-score", event),
            {"action": "score", "score-score": "1.0", "score-reason": "Team formed"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            url("event-impact", event),
            {
                "action": "impact",
                "impact-kind": "efficiency",
                "impact-description": "Fewer calls to the ward",
                "impact-money_estimate": "1200",
                "impact-basis": "20 calls a week at 5 minutes",
                "impact-noted_on": today.isoformat(),
            },
        ).status_code
        == 302
    )
    detail = client.get(url("event-detail", event)).content.decode()
    assert "3.5 hours logged" in detail
    assert "No cover for huddles" in detail
    assert "Progress score set to 1.0" in detail
    assert "£1,200.00" in detail
    home = client_for(sponsor).get("/o/northfield/").content.decode()
    assert "Challenges waiting for you" in home and "No cover for huddles" in home
    with organisation_scope(event.organisation):
        challenge = Challenge.objects.get()
    client.post(
        url("event-challenge-status", event, challenge_pk=challenge.pk), {"status": "addressed"}
    )
    challenge.refresh_from_db()
    assert challenge.status == "addressed"
    assert (
        "Challenges waiting for you"
        not in client_for(sponsor).get("/o/northfield/").content.decode()
    )


def test_team_management_by_the_lead(event, client_for, editor, viewer):
    client = client_for(editor)
    response = client.post(
        url("event-team", event),
        {
            "action": "member",
            "member-user": viewer.pk,
            "member-protected_hours_per_week": "2.5",
            "member-band": "5",
            "member-role_in_team": "Staff nurse",
        },
    )
    assert response.status_code == 302
    team = client.get(url("event-team", event)).content.decode()
    assert "Staff nurse" in team and "2.5 h" in team
    outsider = UserFactory()
    response = client.post(
        url("event-team", event),
        {
            "action": "member",
            "member-user": outsider.pk,
            "member-protected_hours_per_week": "1",
            "member-band": "5",
        },
    )
    assert "Select one of the choices offered for person" in response.content.decode()


def test_create_event_page(organisation, client_for, editor, viewer, sponsor):
    path = reverse("programmes:event-create", kwargs={"org_slug": "northfield"})
    assert client_for(viewer).get(path).status_code == 403
    response = client_for(editor).post(
        path,
        {
            "title": "Call me by my name",
            "service": "Ward 3",
            "team_lead": editor.pk,
            "executive_sponsor": sponsor.pk,
        },
    )
    with organisation_scope(organisation):
        event = AlwaysEvent.objects.get(title="Call me by my name")
    assert response.url == url("event-detail", event)


def test_staff_rates_for_organisation_admins(organisation, client_for, org_admin, editor):
    path = reverse("programmes:staff-rates", kwargs={"org_slug": "northfield"})
    assert client_for(editor).get(path).status_code == 403
    response = client_for(org_admin).post(
        path, {"band": "5", "hourly_rate": "21.50", "effective_from": "2026-04-01"}
    )
    assert response.status_code == 302
    assert "£21.50" in client_for(org_admin).get(path).content.decode()


def test_closed_events_are_read_only(event, client_for, editor):
    services.event_transition(
        event=event,
        to_stage="closed",
        closed_reason="stopped",
        reason="Merged into ward rounds",
        by=editor,
    )
    client = client_for(editor)
    response = client.post(url("event-vision", event), {"vision_statement": "We will always x"})
    assert response.status_code == 403
    assert client.get(url("event-aim", event)).status_code == 403
    assert "Closed: stopped" in client.get(url("event-detail", event)).content.decode()


def test_without_a_version_reader_the_event_page_reads_its_data_every_time(
    event, sponsor, client_for, monkeypatch
):
    """`programmes.versions` answers None when no app keeps versions: nothing is kept."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programmes import versions

    monkeypatch.setattr(versions, "_readers", {})
    assert versions.event_version(event.organisation_id, event.pk) is None
    client = client_for(sponsor)
    client.get(url("event-detail", event))
    with CaptureQueriesContext(connection) as again:
        assert client.get(url("event-detail", event)).status_code == 200
    assert "programmes_progressscore" in _tables(again)
