"""Who may do what through the API: the UI's rules, per resource and role, and 404 for outsiders."""

from __future__ import annotations

import datetime as dt

import pytest

from measurement.services import testing as testing_services
from programmes.models import Role, Stage
from tests.api.conftest import base, event_url, measure_url
from tests.factories import (
    ActivityFactory,
    AlwaysEventFactory,
    EventPartnerFactory,
    MembershipFactory,
    OrganisationFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
READS = ["", "measures/", "pdsa-cycles/", "involvement/", "involvement/activities/"]
MEASURE_READS = ["", "data-points/", "analysis/"]


@pytest.fixture
def idea(event):
    return testing_services.change_idea_add(
        event=event, text="Whiteboard by each bed", kind="transactional", by=None
    )


def new_measure(name="Another"):
    return {"name": name, "type": "process", "definition": "Counted each Monday."}


def a_point(week=0):
    return {"points": [{"period": (MONDAY + dt.timedelta(weeks=week)).isoformat(), "value": 5}]}


def a_cycle(idea):
    return {
        "change_idea": idea.pk,
        "objective": "Try it on one bay.",
        "planned_start": "2026-04-01",
    }


@pytest.fixture
def personas(viewer, editor, sponsor, org_admin, outsider):
    return {
        "team_member": viewer,
        "team_lead": editor,
        "sponsor": sponsor,
        "org_admin": org_admin,
        "outsider": outsider,
    }


READ_STATUS = {
    "team_member": 200,
    "team_lead": 200,
    "sponsor": 200,
    "org_admin": 200,
    "outsider": 404,
}
WRITE_STATUS = {
    "team_member": 201,
    "team_lead": 201,
    "sponsor": 403,
    "org_admin": 201,
    "outsider": 404,
}


@pytest.mark.parametrize("persona", list(READ_STATUS))
def test_reads_per_role(persona, personas, measure, api_for):
    api = api_for(personas[persona])
    event = measure.event
    for suffix in READS:
        assert api.get(event_url(event, suffix)).status_code == READ_STATUS[persona], suffix
    for suffix in MEASURE_READS:
        assert api.get(measure_url(measure, suffix)).status_code == READ_STATUS[persona], suffix
    assert api.get(f"{base(event.organisation)}/events/").status_code == READ_STATUS[persona]


@pytest.mark.parametrize("persona", list(WRITE_STATUS))
def test_writes_per_role(persona, personas, measure, idea, api_for):
    api = api_for(personas[persona])
    expected = WRITE_STATUS[persona]
    response = api.post_json(event_url(measure.event, "measures/"), new_measure())
    assert response.status_code == expected, response.content
    response = api.post_json(measure_url(measure, "data-points/"), a_point())
    assert response.status_code == (200 if expected == 201 else expected)
    response = api.post_json(event_url(measure.event, "pdsa-cycles/"), a_cycle(idea))
    assert response.status_code == expected, response.content
    if expected != 201:
        assert response.json()["code"] in {"permission_denied", "not_found"}


def test_closed_events_take_no_writes(measure, editor, api_for):
    event = measure.event
    event.stage = Stage.CLOSED
    event.save()
    response = api_for(editor).post_json(measure_url(measure, "data-points/"), a_point())
    assert response.status_code == 403
    assert "does not include" in response.json()["message"]


def test_read_only_token_reads_and_never_writes(measure, viewer, api_for):
    api = api_for(viewer, read_only=True)
    assert api.get(measure_url(measure, "analysis/")).status_code == 200
    response = api.post_json(measure_url(measure, "data-points/"), a_point())
    assert response.status_code == 403
    assert response.json()["code"] == "read_only_token"
    assert "read-only" in response.json()["message"]


def test_token_limited_to_one_organisation(measure, organisation, other_organisation, api_for):
    person = member_of(organisation, Role.TEAM_LEAD)
    # The same person is also in the other organisation, with an event there.
    MembershipFactory(organisation=other_organisation, user=person, role=Role.TEAM_LEAD)
    theirs = AlwaysEventFactory(organisation=other_organisation)
    limited = api_for(person, organisation=organisation)
    unlimited = api_for(person)
    assert limited.get(event_url(measure.event)).status_code == 200
    assert limited.get(event_url(theirs)).status_code == 404
    assert unlimited.get(event_url(theirs)).status_code == 200
    slugs = [o["slug"] for o in limited.get("/api/v1/organisations/").json()["results"]]
    assert slugs == [organisation.slug]
    assert len(unlimited.get("/api/v1/organisations/").json()["results"]) == 2


def test_objects_of_other_organisations_are_404_even_through_our_slug(
    measure, other_organisation, viewer, api_for
):
    theirs = AlwaysEventFactory(organisation=other_organisation)
    api = api_for(viewer)
    ours = base(measure.organisation)
    assert api.get(f"{ours}/events/{theirs.pk}/").status_code == 404
    assert api.get(f"{ours}/events/{theirs.pk}/measures/").status_code == 404
    other_event = AlwaysEventFactory(organisation=measure.organisation)
    # A measure of another event of the same organisation is not found under this event.
    assert api.get(event_url(other_event, f"measures/{measure.pk}/")).status_code == 404


def test_unknown_organisation_and_non_member_look_the_same(measure, outsider, api_for):
    api = api_for(outsider)
    unknown = api.get("/api/v1/organisations/no-such-place/events/")
    hidden = api.get(f"{base(measure.organisation)}/events/")
    assert unknown.status_code == hidden.status_code == 404
    assert unknown.json() == hidden.json()


def test_programme_aggregates_only_for_programme_admins(
    measure, programme_admin, org_admin, api_for, organisation
):
    url = "/api/v1/programme/organisations/"
    response = api_for(programme_admin).get(url)
    assert response.status_code == 200
    row = next(r for r in response.json()["results"] if r["slug"] == organisation.slug)
    assert row["events"] == 1 and row["measures"] == 1
    assert api_for(org_admin).get(url).status_code == 403
    # Programme admins are not members: organisation resources stay 404 for them.
    assert api_for(programme_admin).get(event_url(measure.event)).status_code == 404


def test_programme_aggregates_refuse_a_token_limited_to_one_organisation(
    programme_admin, organisation, api_for
):
    MembershipFactory(organisation=organisation, user=programme_admin)
    api = api_for(programme_admin, organisation=organisation)
    assert api.get("/api/v1/programme/organisations/").status_code == 403


def test_programme_aggregates_use_a_constant_number_of_queries(
    programme_admin, api_for, django_assert_max_num_queries
):
    for _ in range(5):
        org = OrganisationFactory()
        AlwaysEventFactory.create_batch(3, organisation=org)
    api = api_for(programme_admin)
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/programme/organisations/")
    assert response.json()["count"] == 5


def test_involvement_gives_counts_and_no_partner_names(measure, viewer, api_for):
    link = EventPartnerFactory(event=measure.event)
    ActivityFactory(event=measure.event, partners=[link.partner])
    api = api_for(viewer)
    rows = api.get(event_url(measure.event, "involvement/activities/")).json()["results"]
    assert rows[0]["partner_count"] == 1
    body = api.get(event_url(measure.event, "involvement/activities/")).content.decode()
    assert link.partner.display_name not in body
    summary = api.get(event_url(measure.event, "involvement/")).json()
    assert summary["activities"] == 1 and summary["partner_attendances"] == 1


def test_outsider_gets_404_on_every_api_organisation_route(measure, outsider, api_for):
    """Walks every route under /api/v1/organisations/<slug>/, so a new one cannot forget it."""
    from tests.test_url_audit import API_ORG_PREFIX, our_routes

    api = api_for(outsider)
    values = {
        "<slug:org_slug>": measure.organisation.slug,
        "<int:event_id>": str(measure.event_id),
        "<int:measure_id>": str(measure.pk),
    }
    checked = 0
    for route, _entry in our_routes():
        if not route.startswith(API_ORG_PREFIX):
            continue
        path = "/" + route
        for placeholder, value in values.items():
            path = path.replace(placeholder, value)
        assert "<" not in path, f"add a value for {path}"
        assert api.get(path).status_code == 404, path
        assert api.post_json(path, {"points": []}).status_code == 404, path
        checked += 1
    assert checked >= 9


def test_a_partner_sign_in_reaches_nothing_through_the_api(measure, api_for):
    """Partners sign in to see their own pages; the API is for staff integrations."""
    partner = member_of(measure.organisation, role=Role.PARTNER)
    api = api_for(partner)
    assert api.get("/api/v1/organisations/").json()["results"] == []
    event = measure.event
    for suffix in READS:
        response = api.get(event_url(event, suffix))
        assert response.status_code == 403, suffix
        assert "partner" in response.json()["message"]
    assert api.get(f"{base(event.organisation)}/events/").status_code == 403
    assert api.post_json(measure_url(measure, "data-points/"), {"points": []}).status_code == 403
