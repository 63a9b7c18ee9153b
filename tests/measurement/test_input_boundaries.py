"""Nothing stored that the app cannot show (ADR 5), for measure data.

Every way in refuses control characters and numbers too large for their column, names the
field and writes nothing; rows stored before the rule (put in through the ORM here) still
render on every page and download.
"""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from alwaysevents.api.services import api_token_create
from alwaysevents.exceptions import DomainError
from alwaysevents.input_checks import REFUSED
from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import DataPoint, Measure
from measurement.services import measures as services
from tests.api.conftest import ApiClient, measure_url
from tests.factories import AlwaysEventFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
BELL = "Remove the invisible control character (U+0007) from this text."
TOO_LARGE = "81234567890 is too large: the largest value allowed is 9,999,999,999.9999."
# What PostgreSQL holds but openpyxl, XML (and so cairosvg) refuse: NUL it refuses itself.
STORED_NOTE = "Bell\x07 escape\x1b delete\x7f next line\x85 broken\ufffe end"


@pytest.fixture
def event(organisation, editor):
    return AlwaysEventFactory(organisation=organisation, team_lead=editor)


@pytest.fixture
def measure(event):
    return services.measure_create(
        event=event, by=None, name="Waiting time", type="outcome", definition="Minutes to be seen."
    )


def url(name, event, **kwargs):
    return reverse(
        f"measurement:{name}",
        kwargs={"org_slug": event.organisation.slug, "pk": event.pk, **kwargs},
    )


def points(measure):
    with organisation_scope(measure.organisation):
        return list(DataPoint.objects.filter(measure=measure))


# --- the measure page's point form -------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("note", "bell\x07", BELL),
        ("note", "nul\x00", "Remove the invisible control character (U+0000) from this text."),
        ("note", "delete\x7f", "Remove the invisible control character (U+007F) from this text."),
        ("value", "81234567890", TOO_LARGE),
        ("value", "1.23456", "at most 4 decimal places are allowed"),
    ],
)
def test_point_form_refuses_and_names_the_field(
    event, measure, client_for, viewer, field, value, message
):
    data = {"action": "point", "point-period": MONDAY.isoformat(), "point-value": "5"}
    data[f"point-{field}"] = value
    response = client_for(viewer).post(url("measure-detail", event, measure_pk=measure.pk), data)
    assert response.status_code == 200
    errors = response.context["forms"]["point"].errors[field]
    assert any(message in error for error in errors), errors
    assert message in response.content.decode(), "shown on the page"
    assert points(measure) == []


def test_point_form_keeps_line_breaks_and_tabs(event, measure, client_for, viewer):
    data = {
        "action": "point",
        "point-period": MONDAY.isoformat(),
        "point-value": "9999999999.9999",
        "point-note": "two lines\r\nand\ta tab",
    }
    response = client_for(viewer).post(url("measure-detail", event, measure_pk=measure.pk), data)
    assert response.status_code == 302
    [point] = points(measure)
    assert point.note == "two lines\r\nand\ta tab" and point.value == Decimal("9999999999.9999")


# --- the data grid: all or nothing -------------------------------------------------------------


def _grid_data(client, event, measure, rows):
    formset = client.get(url("measure-grid", event, measure_pk=measure.pk)).context["formset"]
    data = {
        "grid-TOTAL_FORMS": str(len(formset.forms)),
        "grid-INITIAL_FORMS": str(len(formset.forms)),
    }
    for i, form in enumerate(formset.forms):
        value, note = rows.get(i, ("", ""))
        data[f"grid-{i}-period"] = form.initial["period"].isoformat()
        data[f"grid-{i}-value"] = value
        data[f"grid-{i}-note"] = note
    return data


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (("5", "bell\x07"), "note", BELL),
        (("81234567890", ""), "value", TOO_LARGE),
    ],
)
def test_grid_refuses_a_bad_row_and_writes_none(
    event, measure, client_for, viewer, row, field, message
):
    client = client_for(viewer)
    data = _grid_data(client, event, measure, {0: ("10", "fine"), 1: row, 2: ("12", "")})
    response = client.post(url("measure-grid", event, measure_pk=measure.pk), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    # Named by its cell, as the error summary lists the grid's problems together.
    form = response.context["formset"].forms[1]
    day = f"{form.initial['period'].day} {form.initial['period']:%b %Y}"
    assert form.errors[field] == [f"{field.capitalize()} for {day}: {message}"]
    assert points(measure) == [], "nothing is written when one row is refused"


# --- the file import ------------------------------------------------------------------------------


def _upload(client, event, name, content):
    return client.post(url("data-import", event), {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("cell", "column", "message"),
    [
        ("5,bell\x07", "note", BELL),
        (
            "5,nul\x00 byte",
            "note",
            "Remove the invisible control character (U+0000) from this text.",
        ),
        ("81234567890,", "value", TOO_LARGE),
    ],
)
def test_csv_import_names_row_and_column_and_writes_nothing(
    event, measure, client_for, viewer, cell, column, message
):
    content = (
        f"measure,period,value,note\nWaiting time,2026-03-02,5,\nWaiting time,2026-03-09,{cell}\n"
    )
    response = _upload(client_for(viewer), event, "data.csv", content.encode())
    assert response.status_code == 200
    result = response.context["result"]
    assert [(e.row, e.column, e.message) for e in result.errors] == [(3, column, message)]
    assert "token" not in response.context, "a file with problems cannot be applied"
    page = response.content.decode()
    assert "Nothing has been imported." in page and message.split(" (")[0].split(":")[0] in page
    assert points(measure) == []


def test_excel_import_names_row_and_column_and_writes_nothing(event, measure, client_for, viewer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["measure", "period", "value", "note"])
    sheet.append(["Waiting time", "2026-03-02", 5, "next\x85line"])
    sheet.append(["Waiting time", "2026-03-09", 81234567890, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(client_for(viewer), event, "data.xlsx", buffer.getvalue())
    result = response.context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(2, "note"), (3, "value")]
    assert points(measure) == []


def test_import_apply_checks_every_row_again(event, measure, viewer, monkeypatch):
    """The last line of defence: were `check_rows` to let a row through, `check_point` stops it
    and the whole file is left out."""
    from measurement import imports

    real = imports.check_rows

    def lenient(*args, **kwargs):
        result = real(*args, **kwargs)
        rows = [r.__class__(**{**r.__dict__, "value": Decimal("81234567890")}) for r in result.rows]
        result.rows = rows
        return result

    monkeypatch.setattr(imports, "check_rows", lenient)
    content = b"measure,period,value\nWaiting time,2026-03-02,5\nWaiting time,2026-03-09,6\n"
    with pytest.raises(DomainError) as caught:
        services.data_import_apply(event=event, filename="w.csv", content=content, by=viewer)
    assert caught.value.message == f"Row 2, value: {TOO_LARGE} Nothing was imported."
    assert points(measure) == []


# --- the service: the last line of defence --------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"value": Decimal("81234567890")}, "value"),
        ({"value": Decimal("-1E+20")}, "value"),
        ({"value": Decimal("1.000001")}, "value"),
        ({"value": Decimal(5), "note": "bell\x07"}, "note"),
        ({"value": Decimal(5), "note": "half\ud800"}, "note"),
    ],
)
def test_data_point_save_refuses_what_the_columns_cannot_hold(measure, kwargs, field):
    with pytest.raises(DomainError) as caught:
        services.data_point_save(measure=measure, period=MONDAY, by=None, **kwargs)
    assert caught.value.field == field
    assert points(measure) == []


def test_proportions_are_checked_against_their_columns(event):
    measure = services.measure_create(
        event=event,
        by=None,
        name="Told the plan",
        type="process",
        definition="Patients told",
        value_kind=Measure.ValueKind.PROPORTION,
        numerator_definition="told",
        denominator_definition="asked",
        frequency=Measure.Frequency.MONTHLY,
    )
    with pytest.raises(DomainError) as caught:
        services.data_point_save(
            measure=measure,
            period=dt.date(2026, 3, 1),
            by=None,
            numerator=Decimal(1),
            denominator=Decimal("1E+10"),
        )
    assert caught.value.field == "denominator"
    assert "9,999,999,999.9999" in caught.value.message


# --- rows stored before the rule still render --------------------------------------------------


@pytest.fixture
def stored(measure):
    """A measure whose name and notes hold control characters, written straight to the table."""
    with organisation_scope(measure.organisation):
        Measure.objects.filter(pk=measure.pk).update(name="Waiting\x07 time\x1b")
        for week, note in enumerate([STORED_NOTE, "", "=1+1 \x07 formula-like"]):
            DataPoint.objects.create(
                organisation=measure.organisation,
                measure=measure,
                period=MONDAY + dt.timedelta(weeks=week),
                value=Decimal(5 + week),
                note=note,
                excluded=week == 1,
                excluded_reason="ward\x07 closed" if week == 1 else "",
            )
    measure.refresh_from_db()
    return measure


def test_stored_control_characters_still_render_everywhere(event, stored, client_for, sponsor):
    client = client_for(sponsor)

    def get(name):
        response = client.get(url(name, event, measure_pk=stored.pk))
        assert response.status_code == 200, name
        return response

    assert "Bell" in get("measure-detail").content.decode()

    svg = get("measure-svg").content.decode()
    ET.fromstring(svg)  # noqa: S314 - our own output; well-formed, as cairosvg needs
    assert "Bell escape delete next line broken end" in svg
    assert not REFUSED.search(svg)

    png = get("measure-png").content
    assert png.startswith(b"\x89PNG")

    csv_text = get("measure-csv").content.decode("utf-8-sig")
    assert "Bell escape delete next line broken end" in csv_text
    assert "'=1+1  formula-like" in csv_text, "formula-like text still neutralised"
    assert not REFUSED.search(csv_text)

    workbook = load_workbook(io.BytesIO(get("measure-xlsx").content))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Waiting time"
    notes = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Bell escape delete next line broken end" in notes
    assert "ward closed" in [row[7] for row in sheet.iter_rows(min_row=2, values_only=True)]

    api = ApiClient(api_token_create(user=sponsor, name="test", expires_in_days=30)[1])
    response = api.get(measure_url(stored, "data-points/"))
    assert response.status_code == 200
    assert STORED_NOTE in [p["note"] for p in response.json()["results"]]
    assert api.get(measure_url(stored, "analysis/")).status_code == 200


def test_the_event_pdsa_and_measure_lists_render_with_stored_control_characters(
    event, stored, client_for, sponsor
):
    client = client_for(sponsor)
    assert client.get(url("measure-list", event)).status_code == 200
    for fmt in ("csv", "xlsx"):
        assert client.get(url("pdsa-cycle-export", event, fmt=fmt)).status_code == 200
