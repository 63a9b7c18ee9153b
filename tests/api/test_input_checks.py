"""The API refuses what the app could not show (ADR 5): control characters, lone surrogates and
numbers too large for their column, as 400 (or a rejected row) naming the field; nothing written.

Bodies are sent as JSON with `\\uXXXX` escapes, so a lone surrogate arrives as it would from
any client.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import DataPoint, Measure, PdsaCycle
from measurement.services import testing as testing_services
from tests.api.conftest import event_url, measure_url

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
BELL = "Remove the invisible control character (U+0007) from this text."
NUL = "Remove the invisible control character (U+0000) from this text."
SURROGATE = "Remove the broken character (U+D800) from this text."
TOO_LARGE = "81234567890 is too large: the largest value allowed is 9,999,999,999.9999."


def post(api, path, body):
    """JSON with every non-ASCII character escaped: lone surrogates travel as `\\ud800`."""
    return api.post(path, data=json.dumps(body), content_type="application/json")


def stored(measure):
    with organisation_scope(measure.organisation):
        return list(DataPoint.objects.filter(measure=measure))


# --- bulk data points ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"value": 5, "note": "bell\u0007"}, "note", BELL),
        ({"value": 5, "note": "nul\u0000"}, "note", NUL),
        ({"value": 5, "note": "half\ud800"}, "note", SURROGATE),
        (
            {"value": 5, "note": "next line\u0085"},
            "note",
            "Remove the invisible control character (U+0085) from this text.",
        ),
        ({"value": 81234567890}, "value", TOO_LARGE),
        ({"value": "81234567890"}, "value", TOO_LARGE),
        (
            {"value": 1e20},
            "value",
            "is too large: the largest value allowed is 9,999,999,999.9999.",
        ),
        ({"value": "1.23456"}, "value", "at most 4 decimal places are allowed"),
    ],
)
def test_bulk_rejects_the_row_naming_the_field(measure, viewer, api_for, row, field, message):
    body = {"points": [{"period": MONDAY.isoformat(), **row}], "all_or_nothing": True}
    response = post(api_for(viewer), measure_url(measure, "data-points/"), body)
    assert response.status_code == 422
    [rejection] = response.json()["rejected"]
    assert rejection["index"] == 0
    assert message in rejection["errors"][field][0]
    assert stored(measure) == []


def test_bulk_with_good_rows_applies_only_those(measure, viewer, api_for):
    body = {
        "points": [
            {"period": MONDAY.isoformat(), "value": 9999999999.9999, "note": "a\r\nb\tc"},
            {"period": (MONDAY + dt.timedelta(weeks=1)).isoformat(), "value": 5, "note": "\u0007"},
        ]
    }
    response = post(api_for(viewer), measure_url(measure, "data-points/"), body)
    assert response.status_code == 200
    assert response.json()["created"] == [MONDAY.isoformat()]
    assert [p.note for p in stored(measure)] == ["a\r\nb\tc"]


def test_bulk_echoes_nothing_it_cannot_encode(measure, viewer, api_for):
    """A lone surrogate in a field name or a period is quoted back cleaned, not a 500."""
    body = {
        "points": [{"period": "2026\ud800", "value": 5}, {"period": "2026-03-02", "x\ud800": 1}]
    }
    response = post(api_for(viewer), measure_url(measure, "data-points/"), body)
    assert response.status_code == 200
    rejected = response.json()["rejected"]
    assert rejected[0]["period"] == "2026" and "not a date" in rejected[0]["errors"]["period"][0]
    assert rejected[1]["errors"] == {"x": ["Unknown field: x."]}


# --- measure create ------------------------------------------------------------------------------


def new_measure(**fields):
    return {"name": "Falls", "type": "balancing", "definition": "Falls on the ward", **fields}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "Falls\u0007"}, "name", BELL),
        ({"definition": "Falls\u0000"}, "definition", NUL),
        ({"unit": "min\ud800"}, "unit", SURROGATE),
        (
            {"target": 81234567890},
            "target",
            "81234567890 is too large: the largest value allowed is 9,999,999,999.99.",
        ),
        ({"target": "1.234"}, "target", "at most 2 decimal places are allowed"),
    ],
)
def test_measure_create_is_400_naming_the_field(event, viewer, api_for, fields, field, message):
    response = post(api_for(viewer), event_url(event, "measures/"), new_measure(**fields))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert any(message in m for m in body["field_errors"][field]), body
    with organisation_scope(event.organisation):
        assert not Measure.objects.filter(event=event).exists()


def test_a_bad_choice_holding_a_lone_surrogate_is_400_not_500(event, viewer, api_for):
    response = post(api_for(viewer), event_url(event, "measures/"), new_measure(type="x\ud800"))
    assert response.status_code == 400
    assert "type" in response.json()["field_errors"]


# --- PDSA create --------------------------------------------------------------------------------


@pytest.fixture
def idea(event):
    return testing_services.change_idea_add(
        event=event, text="Whiteboard by each bed", kind="transactional", by=None
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"objective": "Try it\u0007"}, "objective", BELL),
        ({"plan_who": "Nurses\u0000"}, "plan_who", NUL),
        ({"data_collection_plan": "Tally\ud800"}, "data_collection_plan", SURROGATE),
        (
            {"questions": [{"question": "Will it help?", "prediction": "Yes\u001b"}]},
            "questions.0.prediction",
            "Remove the invisible control character (U+001B) from this text.",
        ),
    ],
)
def test_pdsa_create_is_400_naming_the_field(event, idea, viewer, api_for, fields, field, message):
    body = {"change_idea": idea.pk, "objective": "Try it.", "planned_start": "2026-04-01", **fields}
    response = post(api_for(viewer), event_url(event, "pdsa-cycles/"), body)
    assert response.status_code == 400
    assert message in response.json()["field_errors"][field]
    with organisation_scope(event.organisation):
        assert not PdsaCycle.objects.exists()
