"""A file and an API batch holding the same rows give the same verdicts (issue 14, item 5).

The same rows go through the file import's check (`data_import_check`, from a CSV written by
Python's csv module) and through the API's bulk upload (`data_points_upsert`, all or nothing),
against the real database. For every row, the columns refused, the words of each refusal and the
numbers accepted must be the same.

Two differences are by design and kept out of the generated rows: a file also reads UK dates
(02/03/2026), where the API takes ISO dates only; and a file's number followed by a cell of three
digits is refused as a number split at an unquoted comma (1,234), which JSON cannot produce.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from measurement.services import measures as services
from measurement.services.bulk import data_points_upsert
from tests.factories import AlwaysEventFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
PERIODS = [
    (MONDAY + dt.timedelta(weeks=w)).isoformat() for w in range(3)
] + [  # a month start: right for the percentage, wrong for the weekly measure; then nonsense
    "2026-04-01",
    "2026-03-03",
    "2026-02-30",
    "",
    "yesterday",
]
NUMBERS = [
    "",
    "0",
    "12",
    "81.5",
    " 7 ",
    "81,5",
    "1,234",
    "1,234.5",
    "45%",
    "-3",
    "12345678901",
    "1.23456",
    "1e3",
    "NaN",
    "Infinity",
    "lots",
    "9999999999.9999",
]
COLUMNS = ("period", "value", "numerator", "denominator", "note")
NOTES = ["", "busy week", "  padded  ", "x" * 301, "tab\there", "bell\x07", "line\u0085end"]

ROW = st.fixed_dictionaries(
    {
        "period": st.sampled_from(PERIODS),
        "value": st.sampled_from(NUMBERS),
        "numerator": st.sampled_from(NUMBERS),
        "denominator": st.sampled_from(NUMBERS),
        "note": st.sampled_from(NOTES),
    }
)


@pytest.fixture
def measures(organisation):
    event = AlwaysEventFactory(organisation=organisation)
    weekly = services.measure_create(
        event=event, by=None, name="Waiting time", type="outcome", definition="Minutes."
    )
    share = services.measure_create(
        event=event,
        by=None,
        name="Told the plan",
        type="process",
        definition="Asked at 10am.",
        value_kind="proportion",
        numerator_definition="told",
        denominator_definition="asked",
        frequency="monthly",
    )
    return event, {"weekly": weekly, "share": share}


def file_verdicts(event, measure, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["measure", *COLUMNS])
    for row in rows:
        writer.writerow([measure.name, *(row[c] for c in COLUMNS)])
    result = services.data_import_check(
        event=event, filename="rows.csv", content=out.getvalue().encode()
    )
    refused: dict[int, dict[str, list[str]]] = {}
    for error in result.errors:
        refused.setdefault(error.row - 2, {}).setdefault(error.column, []).append(error.message)
    accepted = {
        r.row - 2: (r.period, r.value, r.numerator, r.denominator, r.note) for r in result.rows
    }
    return refused, accepted


def api_verdicts(measure, rows):
    result = data_points_upsert(
        measure=measure, rows=rows, by=None, source="parity test", all_or_nothing=True
    )
    refused = {r.index: r.errors for r in result.rejected}
    return refused, {i for i in range(len(rows)) if i not in refused}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(["weekly", "share"]), rows=st.lists(ROW, min_size=1, max_size=6))
def test_a_file_and_an_api_batch_of_the_same_rows_give_the_same_verdicts(measures, kind, rows):
    event, by_kind = measures
    measure = by_kind[kind]
    file_refused, file_accepted = file_verdicts(event, measure, rows)
    api_refused, api_accepted = api_verdicts(measure, rows)
    assert file_refused == api_refused
    assert set(file_accepted) == api_accepted


def test_the_verdicts_are_those_a_person_expects(measures):
    """The parity above could hold with both ways wrong: pin the verdicts of a few rows."""
    event, by_kind = measures
    rows = [
        {"period": "2026-03-02", "value": "1,234", "note": "  padded  "},
        {"period": "2026-03-09", "value": "81,5"},
        {"period": "2026-03-16", "value": "7", "numerator": "1", "denominator": "2"},
        {"period": "2026-03-23", "value": "5"},
        {"period": "2026-03-23", "value": "6"},
    ]
    full = [{"numerator": "", "denominator": "", "note": "", **row} for row in rows]
    refused, accepted = file_verdicts(event, by_kind["weekly"], full)
    assert accepted == {0: (MONDAY, Decimal(1234), None, None, "padded")}
    assert refused == {
        1: {"value": ["81,5: use a full stop for decimals (81.5, not 81,5)."]},
        2: {"numerator": ["Waiting time takes a value, not a numerator and denominator."]},
        3: {"period": ["23/03/2026 is given 2 times: give each period once."]},
        4: {"period": ["23/03/2026 is given 2 times: give each period once."]},
    }
    api_refused, _ = api_verdicts(by_kind["weekly"], rows)
    assert api_refused == refused
