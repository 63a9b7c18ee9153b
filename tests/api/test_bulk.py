"""Bulk upsert of data points: row by row, one transaction, constant queries, size limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import DataImport, DataPoint
from measurement.services import measures as services
from tests.api.conftest import measure_url

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 1, 5)


def weeks(n, start=MONDAY, value=10):
    return [
        {"period": (start + dt.timedelta(weeks=i)).isoformat(), "value": value + i}
        for i in range(n)
    ]


def stored(measure):
    with organisation_scope(measure.organisation):
        return {p.period: p for p in DataPoint.objects.filter(measure=measure)}


def post(api, measure, points, **extra):
    return api.post_json(measure_url(measure, "data-points/"), {"points": points, **extra})


def test_creates_and_updates_in_one_request(measure, viewer, api_for):
    services.data_point_save(measure=measure, period=MONDAY, value=Decimal(1), by=None)
    response = post(api_for(viewer), measure, weeks(3))
    assert response.status_code == 200
    body = response.json()
    assert body["created"] == ["2026-01-12", "2026-01-19"]
    assert body["updated"] == ["2026-01-05"]
    assert body["rejected"] == [] and body["applied"] is True
    points = stored(measure)
    assert points[MONDAY].value == Decimal(10)
    assert points[MONDAY].recorded_by == viewer


def test_a_correction_without_a_note_keeps_the_note_and_one_with_a_note_replaces_it(
    measure, viewer, api_for
):
    for week, note in enumerate(["first note", "second note"]):
        day = MONDAY + dt.timedelta(weeks=week)
        services.data_point_save(measure=measure, period=day, value=Decimal(1), note=note, by=None)
    rows = weeks(3)
    rows[1]["note"] = "  corrected  "
    body = post(api_for(viewer), measure, rows).json()
    assert body["rejected"] == [] and body["updated"] == ["2026-01-05", "2026-01-12"]
    points = stored(measure)
    assert [(points[p].value, points[p].note) for p in sorted(points)] == [
        (Decimal(10), "first note"),  # no note sent: kept, as a file without a note column
        (Decimal(11), "corrected"),
        (Decimal(12), ""),
    ]


def test_bad_rows_are_rejected_with_reasons_and_good_rows_applied(measure, viewer, api_for):
    rows = [
        {"period": "2026-01-05", "value": 1},
        {"period": "2026-01-06", "value": 2},  # a Tuesday
        {"period": "05/01/2026", "value": 3},  # not ISO
        {"period": "2026-02-30", "value": 3},  # no such day
        {"period": "2026-01-12"},  # no value
        {"period": "2026-01-19", "value": "lots"},
        {"period": "2026-01-26", "value": 1.23456},  # too precise
        {"period": "2026-02-02", "value": 5, "colour": "red"},
        "not an object",
        {"period": "2026-02-09", "value": 12345678901},
        {"period": "2026-02-16", "value": True},
        {"period": "2026-02-23", "value": 4, "note": "x" * 301},
    ]
    body = post(api_for(viewer), measure, rows).json()
    assert body["created"] == ["2026-01-05"]
    rejected = {r["index"]: r for r in body["rejected"]}
    assert sorted(rejected) == list(range(1, len(rows)))
    assert "Monday" in rejected[1]["errors"]["period"][0]
    assert "not a date" in rejected[2]["errors"]["period"][0]
    assert "not a date" in rejected[3]["errors"]["period"][0]
    assert rejected[4]["errors"] == {"value": ["Told the plan needs a value."]}
    assert "not a number" in rejected[5]["errors"]["value"][0]
    assert "4 decimal places" in rejected[6]["errors"]["value"][0]
    assert "colour" in rejected[7]["errors"]["colour"][0]
    assert rejected[8]["period"] is None and "non_field_errors" in rejected[8]["errors"]
    assert "too large" in rejected[9]["errors"]["value"][0]
    assert "number" in rejected[10]["errors"]["value"][0]
    assert "300" in rejected[11]["errors"]["note"][0]
    assert set(stored(measure)) == {MONDAY}


def test_a_period_sent_twice_is_rejected_both_times(measure, viewer, api_for):
    rows = [*weeks(2), {"period": MONDAY.isoformat(), "value": 99}]
    body = post(api_for(viewer), measure, rows).json()
    assert body["created"] == ["2026-01-12"]
    assert [r["index"] for r in body["rejected"]] == [0, 2]
    assert "is given 2 times: give each period once" in body["rejected"][0]["errors"]["period"][0]
    assert MONDAY not in stored(measure)


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(measure, viewer, api_for):
    rows = [*weeks(2), {"period": "2026-01-20", "value": 1}]
    response = post(api_for(viewer), measure, rows, all_or_nothing=True)
    assert response.status_code == 422
    assert response.json()["applied"] is False
    assert stored(measure) == {}


def test_proportions_take_numerator_and_denominator(event, viewer, api_for):
    measure = services.measure_create(
        event=event,
        by=None,
        name="Told the plan (%)",
        type="outcome",
        definition="Asked at 10am.",
        value_kind="proportion",
        numerator_definition="Told",
        denominator_definition="Asked",
        frequency="monthly",
    )
    rows = [
        {"period": "2026-01-01", "numerator": 8, "denominator": 10},
        {"period": "2026-02-01", "numerator": 11, "denominator": 10},
        {"period": "2026-03-01", "value": 80},
        {"period": "2026-04-15", "numerator": 1, "denominator": 2},
    ]
    body = post(api_for(viewer), measure, rows).json()
    assert body["created"] == ["2026-01-01"]
    errors = {r["index"]: r["errors"] for r in body["rejected"]}
    assert errors[1]["numerator"] == ["The numerator (11) is above the denominator (10)."]
    assert "is a percentage: give the numerator and denominator" in errors[2]["value"][0]
    assert "is not the first day of a month" in errors[3]["period"][0]
    assert stored(measure)[dt.date(2026, 1, 1)].plotted == Decimal(80)


def test_the_import_is_recorded_with_the_token_name(measure, viewer, api_for):
    post(api_for(viewer, name="Survey tool"), measure, weeks(4))
    with organisation_scope(measure.organisation):
        record = DataImport.objects.get()
    assert record.filename == "API: token Survey tool"
    assert (record.rows, record.created, record.updated) == (4, 4, 0)


@pytest.mark.parametrize("rows", [10, 400])
def test_queries_do_not_grow_with_rows(rows, measure, viewer, api_for, django_assert_num_queries):
    api = api_for(viewer)
    post(api, measure, weeks(3))  # some updates too; and the token's first use is noted
    # Two of them move the organisation's data version on (the points, the import record).
    with django_assert_num_queries(11):
        response = post(api, measure, weeks(rows))
    assert len(response.json()["created"]) == rows - 3


def test_too_many_rows_is_413(measure, viewer, api_for, settings):
    settings.API_BULK_MAX_ROWS = 5
    response = post(api_for(viewer), measure, weeks(6))
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert "At most 5 rows" in response.json()["message"]
    assert stored(measure) == {}


def test_too_many_bytes_is_413_before_reading(measure, viewer, api_for, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = post(api_for(viewer), measure, weeks(40))
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


@pytest.mark.parametrize("body", [[], {"rows": []}, {"points": "2026-01-05"}, {"points": {}}])
def test_a_body_without_a_list_of_points_is_400(body, measure, viewer, api_for):
    response = api_for(viewer).post_json(measure_url(measure, "data-points/"), body)
    assert response.status_code == 400
    assert "points" in response.json()["field_errors"]


def test_broken_json_is_400(measure, viewer, api_for):
    response = api_for(viewer).post(
        measure_url(measure, "data-points/"), data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_an_empty_list_changes_nothing(measure, viewer, api_for):
    body = post(api_for(viewer), measure, []).json()
    assert body == {"applied": True, "created": [], "updated": [], "rejected": []}


def test_data_point_list_is_paginated(measure, viewer, api_for):
    api = api_for(viewer)
    post(api, measure, weeks(7))
    page = api.get(measure_url(measure, "data-points/") + "?page_size=5").json()
    assert page["count"] == 7 and len(page["results"]) == 5 and page["next"]
    assert page["results"][0]["period"] == "2026-01-05"


def test_analysis_follows_the_data(measure, viewer, api_for):
    api = api_for(viewer)
    post(api, measure, [{**row, "value": 10 + (i % 3)} for i, row in enumerate(weeks(15))])
    post(
        api,
        measure,
        [{**row, "value": 40} for row in weeks(8, start=MONDAY + dt.timedelta(weeks=15))],
    )
    analysis = api.get(measure_url(measure, "analysis/")).json()
    assert analysis["variation_icon"]["code"] == "improvement_high"
    assert analysis["signals"] and analysis["signals"][-1]["periods"]
    assert len(analysis["points"]) == 23
    assert analysis["phases"][0]["start_period"] == "2026-01-05"
