"""The programme dashboard: who may see it, what it counts, its CSV files and query counts."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from alwaysevents.reporting.selectors.programme import programme_dashboard
from programmes.models import Organisation, Stage
from tests.factories import AlwaysEventFactory, CohortFactory, OrganisationFactory
from tests.reporting.data import rich_event

pytestmark = pytest.mark.django_db

URL = "/programme/dashboard/"


def csv_url(table):
    return reverse("reporting:programme-dashboard-csv", kwargs={"table": table})


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_programme_admin_sees_the_dashboard(client_for, programme_admin, organisation):
    rich_event(organisation)
    response = client_for(programme_admin).get(URL)
    assert response.status_code == 200
    assert response.templates[0].name == "reporting/programme_dashboard.html"
    html = response.content.decode()
    for title in (
        "Participation by cohort",
        "Participation by region",
        "Always Events by stage",
        "Progress score distribution",
        "Co-production depth",
        "Challenges and facilitators by area",
        "Staff time",
        "Accreditation funnel",
    ):
        assert title in html
    assert f'href="{csv_url("stages")}"' in html
    assert f'href="{csv_url("accreditation")}"' in html


def test_accreditation_funnel_and_rate_by_cohort(organisation, editor, sponsor, programme_admin):
    from accreditation import services as accreditation_services
    from alwaysevents.reporting.selectors.programme import programme_dashboard
    from tests.accreditation import review_builders as rb

    accreditation_services.criteria_version_seed()
    rb.submitted_submission(organisation, editor, sponsor, title="Waiting for review")
    table = programme_dashboard().table("accreditation")
    assert table.headers[0] == "Cohort" and table.headers[-1] == "Accreditation rate"
    total = table.rows[-1]
    assert total[0] == "All cohorts"
    assert total[table.headers.index("Submitted")] == 1
    assert total[-1] == "No decisions yet"


@pytest.mark.parametrize("persona", ["org_admin", "sponsor", "editor", "viewer", "reviewer"])
def test_everyone_else_gets_403(request, client_for, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(URL).status_code == 403
    assert client_for(user).get(csv_url("stages")).status_code == 403


def test_outsider_gets_403(client_for, outsider):
    assert client_for(outsider).get(URL).status_code == 403


def test_programme_dashboard_is_in_the_navigation(client_for, programme_admin):
    html = client_for(programme_admin).get("/programme/").content.decode()
    assert f'href="{URL}"' in html


def test_counts_across_organisations(organisation, other_organisation):
    spring = CohortFactory(name="Spring")
    Organisation.objects.filter(pk=organisation.pk).update(cohort=spring, region="midlands")
    Organisation.objects.filter(pk=other_organisation.pk).update(cohort=None, region="london")
    OrganisationFactory(cohort=spring, region="midlands")  # not taking part yet
    rich_event(organisation, stage=Stage.TESTING)
    AlwaysEventFactory(organisation=organisation, stage=Stage.CLOSED)
    rich_event(other_organisation, stage=Stage.TESTING)
    dashboard = programme_dashboard()

    assert dashboard.organisations == 3 and dashboard.organisations_taking_part == 2
    assert dashboard.events == 3
    cohorts = {row[0]: row for row in dashboard.table("cohorts").rows}
    assert cohorts["Spring"][1:5] == [2, 1, 2, 1]
    assert cohorts["No cohort"][1:5] == [1, 1, 1, 1]
    assert cohorts["Spring"][5] == "11.0"
    regions = {row[0]: row for row in dashboard.table("regions").rows}
    assert set(regions) == {"Midlands", "London"}
    stages = {row[0]: row[1] for row in dashboard.table("stages").rows}
    assert stages["Testing"] == 2 and stages["Closed"] == 1
    scores = {row[0]: row[1] for row in dashboard.table("scores").rows}
    assert scores["2.5: changes tested, but no improvement"] == 2
    assert scores["Not set yet"] == 1
    rungs = {row[0]: row for row in dashboard.table("coproduction").rows}
    assert rungs["6. Co-design"][1:] == [2, "50%", 2]
    assert dashboard.codesign_share == pytest.approx(0.5)
    # Partners 3 and staff 3 attendances per event.
    assert dashboard.partner_share == pytest.approx(0.5)
    areas = {row[0]: row for row in dashboard.table("challenges").rows}
    assert areas["Staff time"][1:] == [2, 0, 0, 2]
    assert areas["Staff engagement and buy-in"][1:] == [0, 0, 2, 2]
    assert dashboard.common_challenges == [("Staff time", 2)]
    assert dashboard.common_facilitators == [("Staff engagement and buy-in", 2)]
    staff = {row[0]: row for row in dashboard.table("staff-time").rows}
    assert staff["Spring"][1:] == [1, "11.0", "6.0", 1]
    assert dashboard.over_reliance_events == 2


def test_csv_has_the_same_rows_as_the_page(client_for, programme_admin, organisation):
    rich_event(organisation, stage=Stage.TESTING)
    client = client_for(programme_admin)
    for slug, table in programme_dashboard().tables.items():
        rows = read_csv(client.get(csv_url(slug)))
        assert rows[0] == table.headers
        assert rows[1:] == [[str(cell) for cell in row] for row in table.rows]
    response = client.get(csv_url("stages"))
    assert "attachment" in response["Content-Disposition"]
    assert client.get(csv_url("nonsense")).status_code == 404


def test_no_partner_or_staff_details_anywhere(client_for, programme_admin, organisation):
    from coproduction.models import Partner

    rich_event(organisation)
    client = client_for(programme_admin)
    pages = [client.get(URL).content.decode()]
    pages += [client.get(csv_url(slug)).content.decode() for slug in programme_dashboard().tables]
    with_names = Partner.objects.with_scope(organisation=organisation.pk).all()
    for partner in with_names:
        for page in pages:
            assert partner.display_name not in page
            assert partner.pseudonym not in page
            assert partner.email not in page


def test_query_count_is_the_same_for_1_and_10_organisations(
    client_for, programme_admin, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rich_event(OrganisationFactory())
    client = client_for(programme_admin)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as one_csv:
        assert client.get(csv_url("cohorts")).status_code == 200
    for _ in range(9):
        organisation = OrganisationFactory(cohort=CohortFactory())
        rich_event(organisation)
        rich_event(organisation, stage=Stage.CLOSED)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(URL)
    assert response.context["dashboard"].organisations == 10
    with django_assert_num_queries(len(one_csv.captured_queries)):
        client.get(csv_url("cohorts"))
