"""The import refuses what the app could not show: control characters and numbers too large for
their column, named by row and column. Pure, no database."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from alwaysevents.input_checks import number_problem, printable
from measurement import imports
from tests.measurement.test_imports import LIMITS, MEASURES, NOTE_MAX

HEADER = "measure,period,value,numerator,denominator,note\n"


def check_csv(content: bytes) -> imports.CheckResult:
    return imports.check_rows(
        imports.read_rows("data.csv", content),
        MEASURES,
        max_rows=100,
        limits=LIMITS,
        note_max=NOTE_MAX,
    )


def errors(result: imports.CheckResult) -> dict[tuple[int, str], str]:
    return {(e.row, e.column): e.message for e in result.errors}


def test_control_characters_in_notes_and_names_are_named_by_row_and_column():
    result = check_csv(
        (
            HEADER
            + "Waiting time,2026-03-02,5,,,bell\x07\n"
            + "Waiting time,2026-03-09,5,,,nul\x00 byte\n"
            + "Waiting\x1b time,2026-03-16,5,,,\n"
            + "Waiting time,2026-03-23,5,,,delete\x7f and next line\x85\n"
            + "Waiting time,2026-03-30,5,,,fine\r\n"
        ).encode()
    )
    assert errors(result) == {
        (2, "note"): "Remove the invisible control character (U+0007) from this text.",
        (3, "note"): "Remove the invisible control character (U+0000) from this text.",
        (4, "measure"): "Remove the invisible control character (U+001B) from this text.",
        (5, "note"): "Remove the invisible control character (U+007F) from this text.",
    }
    assert [r.row for r in result.rows] == [6]
    assert str(result.errors[0]) == (
        "Row 2, note: Remove the invisible control character (U+0007) from this text."
    )


def test_a_binary_file_or_utf16_without_a_byte_order_mark_is_still_refused_as_a_whole():
    with pytest.raises(imports.ImportFileError, match="not a CSV text file"):
        check_csv((HEADER + "Waiting time,2026-03-02,5,,,\n").encode("utf-16-le"))
    with pytest.raises(imports.ImportFileError, match="not a CSV text file"):
        check_csv(b"\x00" * 100)


def test_a_lone_surrogate_cannot_come_in_a_csv_file():
    content = (HEADER + "Waiting time,2026-03-02,5,,,x\ud800y\n").encode("utf-8", "surrogatepass")
    with pytest.raises(imports.ImportFileError, match="UTF-8"):
        check_csv(content)


def test_numbers_too_large_or_too_precise_for_the_column_are_named():
    result = check_csv(
        (
            HEADER
            + "Waiting time,2026-03-02,81234567890,,,\n"
            + "Waiting time,2026-03-09,-81234567890,,,\n"
            + "Waiting time,2026-03-16,1.23456,,,\n"
            + "Told the plan,2026-03-01,,1e20,1e21,\n"
            + 'Waiting time,2026-03-23,"9,999,999,999.9999",,,\n'
            + "Waiting time,2026-03-30,1e400,,,\n"
        ).encode()
    )
    assert errors(result) == {
        (2, "value"): "81234567890 is too large: the largest value allowed is 9,999,999,999.9999.",
        (3, "value"): (
            "-81234567890 is too small: the smallest value allowed is -9,999,999,999.9999."
        ),
        (4, "value"): "1.23456 has too many decimal places: at most 4 decimal places are allowed.",
        (5, "numerator"): "1E+20 is too large: the largest value allowed is 9,999,999,999.9999.",
        (5, "denominator"): "1E+21 is too large: the largest value allowed is 9,999,999,999.9999.",
        (7, "value"): "1E+400 is too large: the largest value allowed is 9,999,999,999.9999.",
    }
    assert [(r.row, r.value) for r in result.rows] == [(6, Decimal("9999999999.9999"))]


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["measure", "period", "value", "note"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def check_xlsx(content: bytes) -> imports.CheckResult:
    return imports.check_rows(
        imports.read_rows("data.xlsx", content),
        MEASURES,
        max_rows=100,
        limits=LIMITS,
        note_max=NOTE_MAX,
    )


def test_excel_cells_are_checked_too():
    # XML carries DEL and the C1 controls (not the C0 ones: see the next test).
    result = check_xlsx(
        _xlsx(
            [
                ["Waiting time", "2026-03-02", 5, "delete\x7f"],
                ["Waiting\x85time", "2026-03-09", 5, ""],
                ["Waiting time", "2026-03-16", 81234567890, ""],
                ["Waiting time", "2026-03-23", 0.1 + 0.2, "fine"],
            ]
        )
    )
    assert errors(result) == {
        (2, "note"): "Remove the invisible control character (U+007F) from this text.",
        (3, "measure"): "Remove the invisible control character (U+0085) from this text.",
        (4, "value"): "81234567890 is too large: the largest value allowed is 9,999,999,999.9999.",
    }
    assert [(r.row, r.value) for r in result.rows] == [(5, Decimal("0.3"))]


@pytest.mark.parametrize("reference", [b"&#7;", b"&#0;", b"&#xD800;"])
def test_an_excel_file_whose_xml_holds_a_control_character_is_refused_not_a_crash(reference):
    original = _xlsx([["Waiting time", "2026-03-02", 5, "MARKER"]])
    source = zipfile.ZipFile(io.BytesIO(original))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, source.read(name).replace(b"MARKER", b"a" + reference + b"b"))
    with pytest.raises(imports.ImportFileError, match="cannot be read"):
        check_xlsx(out.getvalue())


# --- properties ---------------------------------------------------------------------------------

ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=40)
CELL = st.one_of(
    ANY_TEXT,
    st.sampled_from(["Waiting time", "told the plan", "Told The Plan "]),
    st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)).map(dt.date.isoformat),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
)
ROW = st.fixed_dictionaries(dict.fromkeys(imports.COLUMNS, CELL))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, max_size=8))
def test_check_rows_never_raises_and_never_accepts_what_the_app_cannot_show(rows):
    result = imports.check_rows(
        iter(enumerate(rows, start=2)), MEASURES, max_rows=5, limits=LIMITS, note_max=NOTE_MAX
    )
    assert result.ok == (not result.errors and result.total > 0)
    for row in result.rows:
        assert printable(row.note) == row.note
        for column in imports.NUMBER_COLUMNS:
            number = getattr(row, column)
            assert number is None or number_problem(number, LIMITS[column]) is None
    for error in result.errors:
        assert error.column in (*imports.COLUMNS, "file") and error.message


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | ANY_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_csv_content_is_read_or_refused_as_a_file_never_a_crash(body):
    try:
        result = check_csv(HEADER.encode() + body)
    except imports.ImportFileError:
        return
    for row in result.rows:
        assert printable(row.note) == row.note
