"""The top of the organisation dashboard: a row per event with its status in words, why, and
each measure's two icons; for every role that reaches it, not for outsiders, in few queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import AlwaysEvent, ProgressScore, Stage
from tests.factories import AlwaysEventFactory, ProgressScoreFactory
from tests.reporting.conftest import backdate
from tests.reporting.data import rich_event

pytestmark = pytest.mark.django_db


def dashboard_url(organisation):
    return reverse("reporting:dashboard", kwargs={"org_slug": organisation.slug})


def status_table(html: str) -> str:
    match = re.search(
        r'<table class="nhsuk-table-responsive ae-status-table".*?</table>', html, re.S
    )
    assert match, "no status table"
    return match.group(0)


def rows(html: str) -> dict[str, str]:
    """Each row of the status table by the event's title."""
    found = {}
    for row in re.findall(r'<tr class="nhsuk-table__row ae-status-row".*?</tr>', html, re.S):
        name = re.search(r'<a href="[^"#]+">([^<]+)</a>', row)
        assert name
        found[name.group(1)] = row
    return found


def three_events(organisation, sponsor):
    """Needs you (a challenge asks for the sponsor), stalled (the score fell), on track."""
    rich_event(organisation, sponsor=sponsor, title="Plan for the day")
    with organisation_scope(organisation):
        falling = AlwaysEventFactory(
            organisation=organisation, title="Name the nurse", stage=Stage.DISCOVERING
        )
        ProgressScoreFactory(event=falling, score=ProgressScore.Score.S20)
        ProgressScoreFactory(event=falling, score=ProgressScore.Score.S15)
        AlwaysEventFactory(organisation=organisation, title="Quiet start", stage=Stage.PROPOSED)


@pytest.mark.parametrize("persona", ["sponsor", "org_admin", "editor", "viewer"])
def test_every_role_sees_each_events_status_first(request, client_for, organisation, persona):
    user = request.getfixturevalue(persona)
    three_events(organisation, request.getfixturevalue("sponsor"))
    response = client_for(user).get(dashboard_url(organisation))
    assert response.status_code == 200
    html = response.content.decode()
    # The status table comes straight after the heading, before anything else on the page.
    main = html[html.index("<h1") :]
    assert main.index("ae-status-table") < main.index("At a glance")
    found = rows(status_table(html))
    assert set(found) == {"Plan for the day", "Name the nurse", "Quiet start"}
    assert "nhsuk-tag--red" in found["Plan for the day"]
    assert ">Needs you</strong>" in found["Plan for the day"]
    assert "The team asks for your help" in found["Plan for the day"]
    assert ">Stalled</strong>" in found["Name the nurse"]
    assert "Score fell from 2 to 1.5" in found["Name the nurse"]
    assert ">On track</strong>" in found["Quiet start"]
    assert "Nothing overdue" in found["Quiet start"]


def test_each_measure_shows_its_two_icons_with_words(client_for, organisation, sponsor):
    rich_event(organisation, sponsor=sponsor, title="Plan for the day")
    html = client_for(sponsor).get(dashboard_url(organisation)).content.decode()
    row = rows(status_table(html))["Plan for the day"]
    measures = re.findall(r'<li class="ae-status-measure".*?</li>', row, re.S)
    assert len(measures) == 2  # Told the plan (with a target) and Complaints (without)
    told = next(m for m in measures if "Told the plan: " in m)
    complaints = next(m for m in measures if "Complaints: " in m)
    for measure in measures:
        assert measure.count('class="mdc-icon-mark"') >= 1
        assert "Variation: " in measure
    # The measure with a target has both icons drawn, each with its words.
    assert told.count('class="mdc-icon-mark"') == 2
    assert "Told the plan: " in told and "Assurance: " in told
    # Without a target: an empty ring keeps the pair, and says why in words.
    assert complaints.count('class="mdc-icon-mark"') == 1
    assert "ae-status-none" in complaints and "Assurance: no target set" in complaints
    # The key is under the table, where the "(key)" link goes.
    assert 'href="#status-key"' in html and 'id="status-key"' in html


def test_a_measure_without_figures_says_so(client_for, organisation, sponsor):
    from tests.reporting.conftest import make_measure

    with organisation_scope(organisation):
        event = AlwaysEventFactory(organisation=organisation, title="New measure")
        make_measure(event, name="Falls", age_days=1)
    html = client_for(sponsor).get(dashboard_url(organisation)).content.decode()
    assert "No data" in rows(status_table(html))["New measure"]


def test_long_in_a_stage_is_stalled(client_for, organisation, sponsor):
    with organisation_scope(organisation):
        event = AlwaysEventFactory(
            organisation=organisation, title="Slow start", stage=Stage.DISCOVERING
        )
        backdate(AlwaysEvent, event, created_at=timezone.now() - dt.timedelta(weeks=20))
        ProgressScoreFactory(event=event, score=ProgressScore.Score.S15)
    html = client_for(sponsor).get(dashboard_url(organisation)).content.decode()
    row = rows(status_table(html))["Slow start"]
    assert ">Stalled</strong>" in row
    assert "In Discovering for 20 weeks (expected up to 12)" in row


def test_outsider_gets_404(client_for, organisation, outsider):
    three_events(organisation, None)
    assert client_for(outsider).get(dashboard_url(organisation)).status_code == 404


def test_programme_admin_without_membership_gets_404(client_for, organisation, programme_admin):
    three_events(organisation, None)
    assert client_for(programme_admin).get(dashboard_url(organisation)).status_code == 404


def test_the_status_rows_cost_no_query_per_event(
    client_for, organisation, sponsor, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rich_event(organisation, sponsor=sponsor, title="Event 0")
    client = client_for(sponsor)
    client.get(dashboard_url(organisation))  # warm the session and content types
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        client.get(dashboard_url(organisation))
    for n in range(1, 8):
        rich_event(organisation, sponsor=sponsor, title=f"Event {n}")
    cache.clear()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(dashboard_url(organisation))
    assert len(rows(status_table(response.content.decode()))) == 8


def test_time_in_a_stage_counts_from_the_move_into_it(client_for, organisation, sponsor):
    from programmes.models import StageTransition

    with organisation_scope(organisation):
        event = AlwaysEventFactory(
            organisation=organisation, title="Moved on", stage=Stage.DISCOVERING
        )
        backdate(AlwaysEvent, event, created_at=timezone.now() - dt.timedelta(weeks=40))
        ProgressScoreFactory(event=event, score=ProgressScore.Score.S15)
        for weeks, (old, new) in ((30, ("proposed", "set_up")), (3, ("set_up", "discovering"))):
            moved = StageTransition.objects.create(
                organisation=organisation, event=event, from_stage=old, to_stage=new
            )
            backdate(StageTransition, moved, at=timezone.now() - dt.timedelta(weeks=weeks))
    html = client_for(sponsor).get(dashboard_url(organisation)).content.decode()
    row = rows(status_table(html))["Moved on"]
    assert ">On track</strong>" in row and "In Discovering" not in row
