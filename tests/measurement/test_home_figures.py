"""The home page's "Figures due from you": what is listed for whom, and the one-step entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from measurement.models import DataPoint, Measure
from programmes.models import AlwaysEvent, Stage
from tests.factories import AlwaysEventFactory, TeamMemberFactory
from tests.reporting.conftest import add_point, backdate, make_measure

pytestmark = pytest.mark.django_db

# The suite's frozen Monday, 16 November 2026: the week due is 2 to 8 November (a week's figure
# is due from the Wednesday after it ends).
DUE_WEEK = dt.date(2026, 11, 2)


def home_url(organisation):
    return reverse("programmes:organisation-home", kwargs={"org_slug": organisation.slug})


@pytest.fixture
def event(organisation, editor, viewer, sponsor):
    event = AlwaysEventFactory(
        organisation=organisation,
        title="Plan for the day",
        team_lead=editor,
        executive_sponsor=sponsor,
        stage=Stage.TESTING,
    )
    TeamMemberFactory(organisation=organisation, event=event, user=viewer)
    return backdate(AlwaysEvent, event, created_at=timezone.now() - dt.timedelta(days=365))


@pytest.fixture
def owned(event, viewer):
    """A weekly measure the team member collects, its last figure three weeks before."""
    measure = make_measure(event, owner=viewer, unit="patients")
    add_point(measure, DUE_WEEK - dt.timedelta(weeks=3), 5)
    return measure


def points(measure):
    return list(
        DataPoint.objects.with_scope(organisation=measure.organisation_id)
        .filter(measure=measure)
        .order_by("period")
    )


def figure_post(measure, **fields):
    prefix = f"figure-{measure.pk}"
    return {
        "action": "figure",
        "measure": str(measure.pk),
        f"{prefix}-period": DUE_WEEK.isoformat(),
        **{f"{prefix}-{name}": value for name, value in fields.items()},
    }


def test_the_collector_sees_the_figure_due_and_the_team_lead_does_not(
    organisation, owned, viewer, editor, client_for
):
    page = client_for(viewer).get(home_url(organisation)).content.decode()
    assert "Figures due from you" in page
    assert f"{owned.name}: week beginning 2 November 2026" in page
    assert 'name="figure-' in page
    assert "Your Always Events" in page and "Plan for the day" in page

    lead_page = client_for(editor).get(home_url(organisation)).content.decode()
    assert "No figures are due from you now." in lead_page


def test_a_measure_nobody_collects_is_due_from_the_team_lead(
    organisation, event, editor, viewer, client_for
):
    measure = make_measure(event, name="Nobody named")
    lead_page = client_for(editor).get(home_url(organisation)).content.decode()
    assert f"{measure.name}: week beginning 2 November 2026" in lead_page
    assert measure.name not in client_for(viewer).get(home_url(organisation)).content.decode()


def test_nothing_is_due_once_the_figure_is_in_or_before_the_measure_existed(
    organisation, event, owned, viewer, client_for
):
    add_point(owned, DUE_WEEK, 7)
    make_measure(event, name="Made today", owner=viewer, age_days=0)
    page = client_for(viewer).get(home_url(organisation)).content.decode()
    assert "No figures are due from you now." in page


def test_entering_the_figure_in_one_step_saves_it_and_shows_the_chart(
    organisation, owned, viewer, client_for
):
    client = client_for(viewer)
    response = client.post(home_url(organisation), figure_post(owned, value="18", note="Ward 7"))
    assert response.status_code == 302
    assert response["Location"] == f"{home_url(organisation)}?saved={owned.pk}#saved"
    [_, point] = points(owned)
    assert (point.period, point.value, point.note, point.recorded_by) == (
        DUE_WEEK,
        Decimal(18),
        "Ward 7",
        viewer,
    )

    page = client.get(response["Location"]).content.decode()
    assert "Saved 18 for week beginning 2 November 2026: " in page
    svg = reverse(
        "measurement:measure-svg",
        kwargs={"org_slug": organisation.slug, "pk": owned.event_id, "measure_pk": owned.pk},
    )
    assert f'src="{svg}"' in page
    assert "No figures are due from you now." in page


def test_a_percentage_takes_its_numerator_and_denominator(organisation, event, viewer, client_for):
    measure = make_measure(
        event,
        name="Told their plan",
        owner=viewer,
        value_kind=Measure.ValueKind.PROPORTION,
        numerator_definition="Patients told their plan by 10am",
        denominator_definition="patients on the ward at 10am",
    )
    client = client_for(viewer)
    refused = client.post(home_url(organisation), figure_post(measure)).content.decode()
    assert "Enter how many: patients told their plan by 10am" in refused
    assert "Enter how many in all: patients on the ward at 10am" in refused
    page = client.get(home_url(organisation)).content.decode()
    assert "Patients told their plan by 10am" in page
    assert "Out of: patients on the ward at 10am" in page
    response = client.post(
        home_url(organisation), figure_post(measure, numerator="9", denominator="12")
    )
    assert response.status_code == 302
    [point] = points(measure)
    assert (point.numerator, point.denominator, point.value) == (Decimal(9), Decimal(12), None)
    assert (
        "Saved 9 out of 12 for week beginning" in client.get(response["Location"]).content.decode()
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": ""}, "Enter the figure"),
        ({"value": "lots"}, "Figure (patients) must be a number"),
        ({"value": "5", "note": "x" * 301}, "Note must be 300 characters or fewer"),
    ],
)
def test_a_refused_figure_says_why_keeps_what_was_typed_and_saves_nothing(
    organisation, owned, viewer, client_for, fields, message
):
    response = client_for(viewer).post(home_url(organisation), figure_post(owned, **fields))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert f'href="#id_figure-{owned.pk}-' in page  # the summary links to the field
    if fields.get("value"):
        assert f'value="{fields["value"]}"' in page
    assert len(points(owned)) == 1


def test_who_may_enter_a_figure_from_the_home_page(
    organisation, other_organisation, owned, sponsor, outsider, org_admin, client_for
):
    data = figure_post(owned, value="18")
    assert client_for(sponsor).post(home_url(organisation), data).status_code == 403
    assert client_for(outsider).post(home_url(organisation), data).status_code == 404
    # A measure of another organisation is not found here, whoever asks.
    assert client_for(outsider).post(home_url(other_organisation), data).status_code == 404
    assert (
        client_for(org_admin).post(home_url(organisation), {"action": "nothing"}).status_code == 400
    )
    assert (
        client_for(org_admin).post(home_url(organisation), {"action": "figure"}).status_code == 404
    )
    assert len(points(owned)) == 1
    assert client_for(org_admin).post(home_url(organisation), data).status_code == 302
    assert len(points(owned)) == 2


def test_a_closed_event_takes_no_figure(organisation, event, owned, viewer, client_for):
    AlwaysEvent.objects.with_scope(organisation=organisation.pk).filter(pk=event.pk).update(
        stage=Stage.CLOSED
    )
    client = client_for(viewer)
    assert "No figures are due from you now." in client.get(home_url(organisation)).content.decode()
    assert client.post(home_url(organisation), figure_post(owned, value="3")).status_code == 403


def test_every_staff_role_opens_the_home_page(
    organisation, owned, org_admin, editor, viewer, sponsor, client_for
):
    for user in (org_admin, editor, viewer, sponsor):
        page = client_for(user).get(home_url(organisation)).content.decode()
        assert ("Figures due from you" in page) is (user != sponsor)


def test_the_home_page_reads_in_a_fixed_number_of_queries(
    organisation, event, viewer, client_for, django_assert_max_num_queries
):
    client = client_for(viewer)
    for number in range(3):
        make_measure(event, name=f"Measure {number}", owner=viewer)
    with django_assert_max_num_queries(20) as few:
        client.get(home_url(organisation))
    for number in range(3, 12):
        make_measure(event, name=f"Measure {number}", owner=viewer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(home_url(organisation))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    value=st.text(max_size=30),
    note=st.text(max_size=320),
    measure_id=st.one_of(st.just(None), st.text(max_size=8)),
)
def test_any_posted_figure_is_saved_whole_or_refused_whole(
    organisation, owned, viewer, client_for, value, note, measure_id
):
    data = figure_post(owned, value=value, note=note)
    if measure_id is not None:
        data["measure"] = measure_id
    before = [(p.period, p.value, p.note) for p in points(owned)]
    response = client_for(viewer).post(home_url(organisation), data)
    after = [(p.period, p.value, p.note) for p in points(owned)]
    assert response.status_code in (200, 302, 404)
    if response.status_code != 302:
        assert after == before
    else:
        assert len(after) == len(before) + (0 if DUE_WEEK in [p for p, *_ in before] else 1)
