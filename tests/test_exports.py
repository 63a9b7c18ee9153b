"""Downloads as CSV and Excel: events list, challenges, data points, PDSA cycles, activities."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from alwaysevents.exports import Table, to_csv
from measurement.services import measures as measure_services
from measurement.services import testing as testing_services
from tests.factories import (
    ActivityFactory,
    AlwaysEventFactory,
    ChallengeFactory,
    EventPartnerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organisation, editor):
    event = AlwaysEventFactory(organisation=organisation, team_lead=editor, title="Plan by 10am")
    ChallengeFactory(event=event, text='=HYPERLINK("http://x")')
    measure = measure_services.measure_create(
        event=event, by=None, name="Told", type="outcome", definition="Asked."
    )
    for week in range(3):
        measure_services.data_point_save(
            measure=measure,
            period=dt.date(2026, 3, 2) + dt.timedelta(weeks=week),
            value=Decimal(10 + week),
            by=None,
        )
    idea = testing_services.change_idea_add(
        event=event, text="Whiteboards", kind="relational", by=None
    )
    testing_services.pdsa_cycle_create(
        change_idea=idea, objective="Try in bay 2", planned_start=dt.date(2026, 4, 1), by=None
    )
    link = EventPartnerFactory(event=event)
    ActivityFactory(event=event, title="Ward walk", partners=[link.partner])
    event.partner_name = link.partner.display_name
    event.measure = measure
    return event


def urls(event):
    org, pk = event.organisation.slug, event.pk
    return {
        "events": lambda fmt: reverse(
            "programmes:event-export", kwargs={"org_slug": org, "fmt": fmt}
        ),
        "challenges": lambda fmt: reverse(
            "programmes:event-challenges-export", kwargs={"org_slug": org, "pk": pk, "fmt": fmt}
        ),
        "cycles": lambda fmt: reverse(
            "measurement:pdsa-cycle-export", kwargs={"org_slug": org, "pk": pk, "fmt": fmt}
        ),
        "activities": lambda fmt: reverse(
            "coproduction:activity-export", kwargs={"org_slug": org, "pk": pk, "fmt": fmt}
        ),
    }


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("name", ["events", "challenges", "cycles", "activities"])
def test_csv_and_excel_have_the_same_rows(name, event, client_for, sponsor):
    client = client_for(sponsor)
    as_csv = client.get(urls(event)[name]("csv"))
    as_xlsx = client.get(urls(event)[name]("xlsx"))
    assert as_csv.status_code == as_xlsx.status_code == 200
    assert "attachment" in as_csv["Content-Disposition"]
    assert as_xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    rows, sheet = read_csv(as_csv), read_xlsx(as_xlsx)
    assert len(rows) == len(sheet) == 2
    assert rows[0] == sheet[0]


def test_the_events_list_keeps_the_page_filters(event, client_for, viewer, organisation):
    AlwaysEventFactory(organisation=organisation, title="Another", stage="testing")
    client = client_for(viewer)
    everything = read_csv(client.get(urls(event)["events"]("csv")))
    testing = read_csv(client.get(urls(event)["events"]("csv") + "?stage=testing"))
    assert len(everything) == 3 and [r[0] for r in testing[1:]] == ["Another"]


def test_activities_are_counts_without_partner_names(event, client_for, viewer):
    response = client_for(viewer).get(urls(event)["activities"]("csv"))
    rows = read_csv(response)
    assert rows[0][-2:] == ["Staff", "Partners"] and rows[1][-1] == "1"
    assert event.partner_name not in response.content.decode()


def test_formulas_are_neutralised(event, client_for, viewer):
    rows = read_csv(client_for(viewer).get(urls(event)["challenges"]("csv")))
    assert rows[1][2].startswith("'=")


def test_data_points_in_excel_match_the_csv(event, client_for, viewer):
    kwargs = {"org_slug": event.organisation.slug, "pk": event.pk, "measure_pk": event.measure.pk}
    client = client_for(viewer)
    as_csv = read_csv(client.get(reverse("measurement:measure-csv", kwargs=kwargs)))
    sheet = read_xlsx(client.get(reverse("measurement:measure-xlsx", kwargs=kwargs)))
    assert as_csv[0] == sheet[0] and len(as_csv) == len(sheet) == 4
    assert [r[0] for r in as_csv[1:]] == ["2026-03-02", "2026-03-09", "2026-03-16"]
    page = client.get(reverse("measurement:measure-detail", kwargs=kwargs)).content.decode()
    assert reverse("measurement:measure-xlsx", kwargs=kwargs) in page


def test_pages_link_their_downloads(event, client_for, viewer):
    client = client_for(viewer)
    org, pk = event.organisation.slug, event.pk
    pages = {
        "events": reverse("programmes:event-list", kwargs={"org_slug": org}),
        "challenges": reverse("programmes:event-challenges", kwargs={"org_slug": org, "pk": pk}),
        "cycles": reverse("measurement:driver-diagram", kwargs={"org_slug": org, "pk": pk}),
        "activities": reverse(
            "coproduction:event-coproduction", kwargs={"org_slug": org, "pk": pk}
        ),
    }
    for name, page in pages.items():
        html = client.get(page).content.decode()
        for fmt in ("csv", "xlsx"):
            assert urls(event)[name](fmt) in html, (name, fmt)


def test_unknown_format_is_404(event, client_for, viewer):
    path = urls(event)["events"]("csv").replace(".csv", ".pdf")
    assert client_for(viewer).get(path).status_code == 404


@pytest.mark.parametrize("name", ["events", "challenges", "cycles", "activities"])
def test_outsiders_get_404(name, event, client_for, outsider):
    assert client_for(outsider).get(urls(event)[name]("csv")).status_code == 404


def test_queries_do_not_grow_with_rows(
    organisation, client_for, viewer, django_assert_max_num_queries
):
    AlwaysEventFactory.create_batch(10, organisation=organisation)
    client = client_for(viewer)
    client.get(
        reverse("programmes:event-export", kwargs={"org_slug": organisation.slug, "fmt": "csv"})
    )
    with django_assert_max_num_queries(12):
        client.get(
            reverse(
                "programmes:event-export", kwargs={"org_slug": organisation.slug, "fmt": "xlsx"}
            )
        )


def test_csv_cells_keep_dates_as_iso():
    table = Table("x", ["a", "b", "c"], [(dt.date(2026, 1, 5), None, True)])
    assert to_csv(table).decode("utf-8-sig").splitlines()[1] == "2026-01-05,,Yes"
