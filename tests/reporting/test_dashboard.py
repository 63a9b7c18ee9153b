"""The organisation dashboard: roles, outsiders, content, filters, comments and query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from alwaysevents.reporting.selectors.dashboard import sponsor_dashboard
from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import AlwaysEvent, EventComment, ProgressScore, Stage
from tests.factories import AlwaysEventFactory, CohortFactory, ProgressScoreFactory
from tests.reporting.conftest import backdate, make_measure
from tests.reporting.data import rich_event

pytestmark = pytest.mark.django_db


def dashboard_url(organisation, **query):
    url = reverse("reporting:dashboard", kwargs={"org_slug": organisation.slug})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


@pytest.mark.parametrize("persona", ["sponsor", "org_admin", "editor", "viewer"])
def test_every_role_in_the_organisation_sees_the_dashboard(
    request, client_for, organisation, persona
):
    user = request.getfixturevalue(persona)
    rich_event(organisation, title="Plan for the day")
    response = client_for(user).get(dashboard_url(organisation))
    assert response.status_code == 200
    assert "reporting/dashboard_organisation.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Plan for the day" in html
    assert 'class="ae-sparkline"' in html


def test_outsider_gets_404(client_for, organisation, outsider):
    rich_event(organisation)
    assert client_for(outsider).get(dashboard_url(organisation)).status_code == 404


def test_programme_admin_without_membership_gets_404(client_for, organisation, programme_admin):
    assert client_for(programme_admin).get(dashboard_url(organisation)).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client, organisation):
    response = client.get(dashboard_url(organisation))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_sponsor_lands_on_the_dashboard(client_for, organisation, sponsor):
    assert client_for(sponsor).get("/").url == dashboard_url(organisation)


def test_dashboard_is_in_the_navigation(client_for, organisation, viewer):
    html = client_for(viewer).get(dashboard_url(organisation)).content.decode()
    link = re.escape(dashboard_url(organisation))
    assert re.search(rf'href="{link}"\s+aria-current="page"', html)


def test_dashboard_shows_each_part_of_an_event(client_for, organisation, sponsor):
    event = rich_event(organisation, sponsor=sponsor, title="Plan for the day")
    html = client_for(sponsor).get(dashboard_url(organisation)).content.decode()
    # Score and its change.
    assert "2.5" in html and "Up 0.5" in html
    # Icons always come with their words.
    assert "Improvement (higher values)" in html
    assert 'class="ae-mdc-label"' in html
    # Overdue: a late PDSA cycle and the challenge needing the sponsor.
    assert "PDSA cycle 1" in html and "has not started" in html
    assert "Protect our time." in html
    assert "Needs your attention" in html  # the sponsor's own list
    # Co-production, staff time with the over-reliance warning, value.
    assert "at co-design or above" in html
    assert "the work leans on one or two people" in html
    assert "Saves £1,200 and 50 hours a year" in html
    # An event with no submission yet says so (and links to its Accreditation tab).
    assert 'scope="col" role="columnheader">Accreditation</th>' in html
    assert "Not started" in html
    assert f'id="event-{event.pk}"' in html


def test_needs_your_attention_lists_only_the_viewers_events(client_for, organisation, sponsor):
    rich_event(organisation, sponsor=None, title="Someone else's")
    html = client_for(sponsor).get(dashboard_url(organisation)).content.decode()
    assert "Needs your attention" not in html
    assert "Protect our time." in html  # still overdue on the event itself


def _event_with_a_measure(organisation, age_days):
    event = AlwaysEventFactory(organisation=organisation, stage=Stage.TESTING)
    measure = make_measure(event, name="Falls", type="balancing", frequency="monthly")
    then = timezone.now() - dt.timedelta(days=age_days)
    backdate(AlwaysEvent, event, created_at=then)
    backdate(type(measure), measure, created_at=then)


def test_stale_score_and_missing_data_are_overdue(organisation):
    _event_with_a_measure(organisation, age_days=120)
    row = sponsor_dashboard(organisation=organisation).rows[0]
    kinds = [item.kind for item in row.overdue]
    assert kinds == ["data", "score"]
    assert "no data entered yet" in row.overdue[0].text


def test_a_new_event_is_overdue_on_nothing(organisation):
    """Nothing counted overdue before it was ever due: no figure for a period before the
    measure existed, no score within the weeks a score may go unreviewed."""
    _event_with_a_measure(organisation, age_days=0)
    assert sponsor_dashboard(organisation=organisation).rows[0].overdue == []


def test_closed_events_have_nothing_overdue(organisation):
    AlwaysEventFactory(organisation=organisation, stage=Stage.CLOSED)
    assert sponsor_dashboard(organisation=organisation).rows[0].overdue == []


def test_filters_by_stage_service_and_cohort(client_for, organisation, viewer):
    cohort = CohortFactory(name="Spring cohort")
    # Explicit services: the factory's sequence ("Ward <n>") could itself give "Ward 9".
    AlwaysEventFactory(
        organisation=organisation, title="Testing one", stage=Stage.TESTING, service="Ward 1"
    )
    AlwaysEventFactory(
        organisation=organisation, title="Proposed one", stage=Stage.PROPOSED, service="Ward 9"
    )
    AlwaysEventFactory(
        organisation=organisation, title="In the cohort", cohort=cohort, service="Ward 2"
    )
    client = client_for(viewer)

    def titles(**query):
        response = client.get(dashboard_url(organisation, **query))
        return [row.event.title for row in response.context["dashboard"].rows]

    assert titles() == ["In the cohort", "Proposed one", "Testing one"]
    assert titles(stage="testing") == ["Testing one"]
    assert titles(service="Ward%209") == ["Proposed one"]
    assert titles(cohort=cohort.pk) == ["In the cohort"]
    html = client.get(dashboard_url(organisation, stage="sustaining")).content.decode()
    assert "No Always Event matches these filters." in html


def test_an_unknown_filter_value_shows_everything(client_for, organisation, viewer):
    AlwaysEventFactory(organisation=organisation, title="Testing one", stage=Stage.TESTING)
    response = client_for(viewer).get(dashboard_url(organisation, stage="nonsense"))
    assert response.status_code == 200
    assert len(response.context["dashboard"].rows) == 1


def test_sponsor_comments_from_the_dashboard(client_for, organisation, sponsor):
    event = AlwaysEventFactory(organisation=organisation, title="Plan for the day")
    url = reverse(
        "reporting:dashboard-comment", kwargs={"org_slug": organisation.slug, "pk": event.pk}
    )
    back = dashboard_url(organisation, stage="proposed")
    response = client_for(sponsor).post(url, {"text": " Well done, team. ", "next": back})
    assert response.status_code == 302
    assert response.url == f"{back}#event-{event.pk}"
    with organisation_scope(organisation):
        comment = EventComment.objects.get(event=event)
    assert comment.text == "Well done, team." and comment.author == sponsor


def test_comment_refuses_blank_text_and_foreign_redirects(client_for, organisation, sponsor):
    event = AlwaysEventFactory(organisation=organisation)
    url = reverse(
        "reporting:dashboard-comment", kwargs={"org_slug": organisation.slug, "pk": event.pk}
    )
    response = client_for(sponsor).post(
        url, {"text": "  ", "next": "https://evil.example/"}, follow=True
    )
    assert "Write a comment on" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"{dashboard_url(organisation)}#event-{event.pk}"
    with organisation_scope(organisation):
        assert not EventComment.objects.exists()


def test_comment_on_another_organisations_event_is_404(
    client_for, organisation, other_organisation, outsider, sponsor
):
    theirs = AlwaysEventFactory(organisation=other_organisation)
    url = reverse(
        "reporting:dashboard-comment", kwargs={"org_slug": organisation.slug, "pk": theirs.pk}
    )
    assert client_for(sponsor).post(url, {"text": "Hello"}).status_code == 404
    ours = AlwaysEventFactory(organisation=organisation)
    url = reverse(
        "reporting:dashboard-comment", kwargs={"org_slug": organisation.slug, "pk": ours.pk}
    )
    assert client_for(outsider).post(url, {"text": "Hello"}).status_code == 404


def test_dashboard_only_shows_this_organisations_events(
    client_for, organisation, other_organisation, viewer
):
    AlwaysEventFactory(organisation=other_organisation, title="Their event")
    AlwaysEventFactory(organisation=organisation, title="Our event")
    html = client_for(viewer).get(dashboard_url(organisation)).content.decode()
    assert "Our event" in html and "Their event" not in html


def _domain_tables(queries):
    """Tables of the domain apps that the captured queries read."""
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    names = ("programmes_alwaysevent", "measurement_", "coproduction_", "accreditation_")
    return [name for name in names if name in sql]


def test_query_counts_are_the_same_for_1_and_30_events_drawn_or_cached(
    client_for, organisation, sponsor, django_assert_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reporting.data import accreditation_submission

    first = rich_event(organisation, sponsor=sponsor, title="Event 0")
    accreditation_submission(first, "submitted")
    client = client_for(sponsor)
    client.get(dashboard_url(organisation))  # warm caches (session, content types)
    cache.clear()
    with CaptureQueriesContext(connection) as drawn:
        assert client.get(dashboard_url(organisation)).status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert client.get(dashboard_url(organisation)).status_code == 200
    # A repeat view reads the version of the data and nothing of the domain apps.
    assert len(cached.captured_queries) <= 10 < len(drawn.captured_queries)
    assert _domain_tables(cached) == []
    for n in range(1, 30):
        event = rich_event(
            organisation,
            sponsor=sponsor,
            title=f"Event {n}",
            stage=[Stage.TESTING, Stage.CLOSED, Stage.PAUSED][n % 3],
        )
        if n % 2:
            accreditation_submission(
                event, "accredited", decided_at=timezone.now(), expires_on=timezone.localdate()
            )
    ProgressScoreFactory(event=AlwaysEventFactory(organisation=organisation))
    # The data changed: drawn afresh, with as many queries as for one event.
    with django_assert_num_queries(len(drawn.captured_queries)):
        response = client.get(dashboard_url(organisation))
    assert len(response.context["dashboard"].rows) == 31
    with django_assert_num_queries(len(cached.captured_queries)):
        response = client.get(dashboard_url(organisation))
    assert "Event 29" in response.content.decode()


def test_a_change_to_the_data_shows_at_once(client_for, organisation, sponsor, viewer):
    event = rich_event(organisation, sponsor=sponsor, title="Plan for the day")
    client = client_for(sponsor)
    assert "Up 0.5" in client.get(dashboard_url(organisation)).content.decode()
    ProgressScoreFactory(event=event, score=ProgressScore.Score.S30, reason="Spread")
    html = client.get(dashboard_url(organisation)).content.decode()
    assert "Up 0.5" in html and '<strong class="ae-dash-score">3.0</strong>' in html
    # A bulk write (no per-row signal) is seen too, and by everyone.
    AlwaysEvent.objects.with_scope(organisation=organisation.pk).filter(pk=event.pk).update(
        title="Plan for every day"
    )
    assert (
        "Plan for every day" in client_for(viewer).get(dashboard_url(organisation)).content.decode()
    )
    # So is a renamed sponsor, whose name is not the organisation's data.
    sponsor.full_name = "Lynne Roberts-Hall"
    sponsor.save()
    assert "Lynne Roberts-Hall" in client.get(dashboard_url(organisation)).content.decode()


def test_a_value_posted_to_one_event_redraws_that_events_part_only(
    client_for, organisation, sponsor, monkeypatch
):
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alwaysevents.reporting.views import dashboard_body as module
    from measurement.models import Measure
    from measurement.services.measures import data_point_save

    first = rich_event(organisation, sponsor=sponsor, title="Event A")
    rich_event(organisation, sponsor=sponsor, title="Event B")
    client = client_for(sponsor)
    assert "12345" not in client.get(dashboard_url(organisation)).content.decode()
    drawn = []
    draw = module._draw_part

    def recorded(organisation, event, *args):
        drawn.append(event.title)
        return draw(organisation, event, *args)

    monkeypatch.setattr(module, "_draw_part", recorded)
    with organisation_scope(organisation):
        measure = Measure.objects.select_related("organisation").get(
            event=first, name="Told the plan"
        )
        latest = measure.points.order_by("-period").first()
    data_point_save(measure=measure, period=latest.period, by=sponsor, value=Decimal("12345"))
    with CaptureQueriesContext(connection) as queries:
        html = client.get(dashboard_url(organisation)).content.decode()
    assert drawn == ["Event A"]  # B's card, rows and figures come from the cache
    assert "12345" in html and "Event B" in html
    # A's facts that no measurement row feeds (score, time, value, challenges, co-production,
    # accreditation) come from the cache too: only the measurement app's tables are read.
    assert _domain_tables(queries) == ["programmes_alwaysevent", "measurement_"]
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "programmes_progressscore" not in sql and "programmes_timeentry" not in sql
    # Any other app's row of A is read again: a score set after the value shows at once.
    ProgressScoreFactory(event=first, score=ProgressScore.Score.S40, reason="Spread")
    drawn.clear()
    html = client.get(dashboard_url(organisation)).content.decode()
    assert drawn == ["Event A"] and '<strong class="ae-dash-score">4.0</strong>' in html
    drawn.clear()
    assert client.get(dashboard_url(organisation)).status_code == 200
    assert drawn == []  # nothing changed since
    # A change that belongs to no one event (the organisation's name) redraws every part.
    organisation.name = "Northfield Hospitals Renamed"
    organisation.save()
    client.get(dashboard_url(organisation))
    assert sorted(drawn) == ["Event A", "Event B"]


def test_the_facts_kept_past_a_value_posted_are_read_from_no_measurement_table(
    organisation, sponsor
):
    """`event_facts` is kept under a version that a measurement row does not move: were it to
    read a measurement table, a value posted would leave it stale."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alwaysevents.reporting.selectors.dashboard import event_facts
    from tests.reporting.data import accreditation_submission

    event = rich_event(organisation, sponsor=sponsor, title="Event A")
    accreditation_submission(event, "submitted")
    with organisation_scope(organisation), CaptureQueriesContext(connection) as queries:
        facts = event_facts(organisation=organisation, events=[event], with_accreditation=True)
    read = _domain_tables(queries)
    assert "measurement_" not in read
    assert {"coproduction_", "accreditation_"} <= set(read)  # the test sees what is read
    assert facts[event.pk].progress.latest is not None and facts[event.pk].accreditation


def test_each_person_gets_their_own_working_comment_form_from_the_cached_body(
    organisation, sponsor, viewer
):
    import re

    from django.test import Client

    event = rich_event(organisation, sponsor=sponsor, title="Plan for the day")
    pages = {}
    for person in (viewer, sponsor):  # the viewer draws the body; the sponsor's view is cached
        client = Client(enforce_csrf_checks=True)
        client.force_login(person)
        html = client.get(dashboard_url(organisation)).content.decode()
        token = re.search(
            rf'action="[^"]*/events/{event.pk}/comment/"[^>]*>\s*'
            r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
            html,
        )
        assert token, "the card has a comment form with a token"
        pages[person] = (client, token.group(1), html)
    assert pages[viewer][1] != pages[sponsor][1]
    assert "Needs your attention" in pages[sponsor][2]
    assert "Needs your attention" not in pages[viewer][2]  # from the same cached body
    client, token, _ = pages[sponsor]
    url = reverse(
        "reporting:dashboard-comment", kwargs={"org_slug": organisation.slug, "pk": event.pk}
    )
    response = client.post(url, {"text": "Thank you.", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    with organisation_scope(organisation):
        assert EventComment.objects.get(event=event).author == sponsor


def test_no_comment_form_for_someone_who_may_not_comment(rf, organisation, sponsor):
    from alwaysevents.reporting.views.dashboard_body import dashboard_body, personal_parts
    from programmes.models import Membership, Role

    rich_event(organisation, sponsor=sponsor, title="Plan for the day")
    request = rf.get(dashboard_url(organisation))
    with organisation_scope(organisation):
        body = dashboard_body(organisation=organisation, request=request)
    staff = Membership(organisation=organisation, user=sponsor, role=Role.EXECUTIVE_SPONSOR)
    partner = Membership(organisation=organisation, user=sponsor, role=Role.PARTNER)
    with_form, needing = personal_parts(body, request=request, membership=staff)
    without, _ = personal_parts(body, request=request, membership=partner)
    assert "Your comment on Plan for the day" in with_form and "Protect our time." in needing
    assert "Your comment on" not in without and "ae:comment" not in without


def test_the_body_is_drawn_again_on_a_new_day(rf, organisation, sponsor):
    import datetime as dt

    from alwaysevents.reporting.views.dashboard_body import dashboard_body

    rich_event(organisation, sponsor=sponsor, title="Plan for the day")  # a cycle 10 days late
    request = rf.get(dashboard_url(organisation))
    with organisation_scope(organisation):
        today = dashboard_body(organisation=organisation, request=request)
        earlier = dashboard_body(
            organisation=organisation,
            request=request,
            today=timezone.localdate() - dt.timedelta(days=20),
        )
    assert "has not started" in today.html and "has not started" not in earlier.html


def test_each_event_shows_its_accreditation(client_for, organisation, sponsor):
    import datetime as dt

    from tests.reporting.data import accreditation_submission

    accredited = rich_event(organisation, title="Accredited event")
    decided = dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC)
    accreditation_submission(
        accredited, "accredited", decided_at=decided, expires_on=dt.date(2029, 3, 4)
    )
    accreditation_submission(rich_event(organisation, title="Waiting event"), "under_review")
    rich_event(organisation, title="Not started event")
    response = client_for(sponsor).get(dashboard_url(organisation))
    dashboard = response.context["dashboard"]
    assert dashboard.show_accreditation
    by_title = {row.event.title: row for row in dashboard.rows}
    assert by_title["Accredited event"].accreditation.state_label == "Accredited"
    assert by_title["Not started event"].accreditation is None
    html = response.content.decode()
    assert "Accredited<span" in html and "(decided 4 Mar 2026, expires 4 Mar 2029)" in html
    assert "Under review" in html
    assert "Not started" in html
    tab = reverse(
        "accreditation:event-accreditation",
        kwargs={"org_slug": organisation.slug, "pk": accredited.pk},
    )
    assert f'href="{tab}"' in html


def test_event_details_come_20_to_a_page_under_a_table_of_every_event(
    client_for, organisation, viewer
):
    for n in range(23):
        AlwaysEventFactory(organisation=organisation, title=f"Event {n:02d}", service="Ward 7")
    client = client_for(viewer)
    first = client.get(dashboard_url(organisation, service="Ward%207"))
    dashboard = first.context["dashboard"]
    assert (len(dashboard.rows), len(dashboard.cards), dashboard.pages) == (23, 20, 2)
    html = first.content.decode()
    late = dashboard.rows[-1]
    # The table lists every event; one whose card is on page 2 links there, filters kept.
    assert f'href="?service=Ward+7&amp;page=2#event-{late.event.pk}"' in html
    assert f'id="event-{late.event.pk}"' not in html
    assert 'href="?service=Ward+7&amp;page=2" aria-label="Page 2">2</a>' in html
    second = client.get(dashboard_url(organisation, service="Ward%207", page=2))
    assert [row.event for row in second.context["dashboard"].cards] == [
        row.event for row in dashboard.rows[20:]
    ]
    assert f'id="event-{late.event.pk}"' in second.content.decode()
    for page in ("99", "nonsense", "-1"):
        response = client.get(dashboard_url(organisation, page=page))
        assert response.status_code == 200
        assert response.context["dashboard"].page in (1, 2)


def test_a_new_release_draws_the_body_afresh(rf, organisation, sponsor, monkeypatch):
    from alwaysevents.reporting.views import dashboard_body as module

    rich_event(organisation, sponsor=sponsor, title="Plan for the day")
    request = rf.get(dashboard_url(organisation))
    drawn = []
    real = module._render

    def counted(*args):
        drawn.append(args)
        return real(*args)

    monkeypatch.setattr(module, "_render", counted)
    with organisation_scope(organisation):
        module.dashboard_body(organisation=organisation, request=request)
        module.dashboard_body(organisation=organisation, request=request)
        assert len(drawn) == 1  # the same release and data: cached
        monkeypatch.setattr(module, "release_fingerprint", lambda: "the next release")
        module.dashboard_body(organisation=organisation, request=request)
    assert len(drawn) == 2


def test_the_release_fingerprint_reads_the_code_of_the_apps(settings, tmp_path):
    from alwaysevents.page_cache import CODE_PACKAGES, release_fingerprint

    for package in CODE_PACKAGES:
        (tmp_path / package).mkdir()
        (tmp_path / package / "selectors.py").write_text("VALUE = 1\n")
    settings.BASE_DIR = tmp_path
    release_fingerprint.cache_clear()
    try:
        first = release_fingerprint()
        (tmp_path / "measurement" / "selectors.py").write_text("VALUE = 2\n")
        release_fingerprint.cache_clear()
        assert release_fingerprint() != first
    finally:
        release_fingerprint.cache_clear()


@pytest.mark.parametrize("persona", ["sponsor", "viewer"])
def test_data_due_opens_a_page_everyone_on_the_dashboard_may_read(
    request, client_for, organisation, persona
):
    """It opened the data grid, which answers 403 to a sponsor (found by the persona crawl)."""
    from measurement.models import Measure

    user = request.getfixturevalue(persona)
    event = AlwaysEventFactory(organisation=organisation, stage=Stage.TESTING)
    with organisation_scope(organisation):
        measure = Measure.objects.create(
            organisation=organisation,
            event=event,
            name="Falls",
            type="balancing",
            definition="Falls",
            frequency="monthly",
        )
    backdate(Measure, measure, created_at=timezone.now() - dt.timedelta(days=120))
    client = client_for(user)
    html = client.get(dashboard_url(organisation)).content.decode()
    measure_url = reverse(
        "measurement:measure-detail",
        kwargs={"org_slug": organisation.slug, "pk": event.pk, "measure_pk": measure.pk},
    )
    assert f'<a href="{measure_url}">Data due' in html
    assert client.get(measure_url).status_code == 200
