"""What an import reads is bounded, and what it leaves out is said (issue 14, items 2 and 3).
Pure: no database. The hostile files themselves are in test_imports_hostile.py."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from measurement import import_files, imports
from tests.measurement.test_imports import LIMITS, MEASURES, NOTE_MAX, check
from tests.measurement.test_imports_meaning import check_xlsx

HEADER = "measure,period,value,numerator,denominator,note\n"


def test_columns_that_are_not_read_are_named_on_the_check_page():
    notices: list[str] = []
    rows = imports.read_rows(
        "x.csv", b"Ward,measure,period,value,Comment 2\nA,Waiting time,2026-03-02,4,hi\n", notices
    )
    result = imports.check_rows(rows, MEASURES, max_rows=10, limits=LIMITS, note_max=NOTE_MAX)
    assert result.ok
    assert notices == [
        "Not read: the columns \u201cward\u201d, \u201ccomment 2\u201d (only measure, period, "
        "value, numerator, denominator and note are read)."
    ]


def test_two_columns_read_as_the_note_are_refused_naming_both():
    with pytest.raises(imports.ImportFileError, match=r"2 columns are read as the note column"):
        check("measure,period,value,Notes,Comment\nWaiting time,2026-03-02,4,a,b\n")


def test_a_header_too_wide_to_be_a_data_file_is_refused():
    wide = "measure,period,value," + ",".join(f"c{i}" for i in range(48)) + "\n"
    with pytest.raises(imports.ImportFileError, match="The first row has 51 columns"):
        check(wide + "Waiting time,2026-03-02,4\n")
    # empty cells at the end of the header (a line ending in commas) are not columns
    assert check("measure,period,value" + "," * 200 + "\nWaiting time,2026-03-02,4\n").ok


def workbook_with_sheet_xml(rows_xml: str) -> bytes:
    """A real workbook whose first sheet's XML is replaced by `rows_xml` (inside sheetData)."""
    buffer = io.BytesIO()
    Workbook().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    f'<dimension ref="A1:C2"/><sheetData>{rows_xml}</sheetData></worksheet>'
                ).encode()
            target.writestr(item, data)
    return out.getvalue()


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    return f'<row r="1">{cell("A1", "measure")}{cell("B1", "period")}{cell("C1", "value")}</row>'


def data_row(r: int, period: str, value: str) -> str:
    cells = cell(f"A{r}", "Waiting time") + cell(f"B{r}", period) + cell(f"C{r}", value)
    return f'<row r="{r}">{cells}</row>'


def test_an_excel_cell_beyond_the_header_is_refused_naming_the_row_and_the_column():
    content = workbook_with_sheet_xml(
        header_row()
        + f'<row r="2">{cell("A2", "Waiting time")}{cell("B2", "2026-03-02")}{cell("C2", "4")}'
        + f"{cell('XFD2', 'stray')}</row>"
    )
    result, _ = check_xlsx(content)
    assert not result.rows
    assert [(e.row, e.column) for e in result.errors] == [(2, "row")]
    assert "a cell in column XFD but the first row names 3 columns" in result.errors[0].message


def test_cells_far_right_and_rows_far_below_cost_what_the_file_holds_not_what_it_spans():
    """1,000 rows each with a cell at column XFD, then a row at 1,048,576: openpyxl's iter_rows
    would fill in 16 million empty cells and a million empty rows; this reads what is there."""
    stray = "".join(
        f'<row r="{r}">{cell(f"A{r}", "Waiting time")}{cell(f"XFD{r}", "x")}</row>'
        for r in range(2, 1002)
    )
    last = f'<row r="1048576">{cell("A1048576", "Waiting time")}</row>'
    content = workbook_with_sheet_xml(header_row() + stray + last)
    book = import_files._open_workbook(content)
    read = list(import_files._sheet_cells(book, book.worksheets[0]))
    book.close()
    assert len(read) == 1 + 1000 + 1  # the rows stored, not the 1,048,576 they span
    assert sum(len(cells) for _, cells in read) == 3 + 2000 + 1  # the cells stored
    assert read[-1][0] == 1048576
    result, _ = check_xlsx(content)
    assert result.error_count >= 1001 and not result.rows
    assert {e.column for e in result.errors} >= {"row", "period", "value"}


def test_the_check_stops_at_a_thousand_problems_and_says_where():
    body = HEADER + "".join(f"Nothing,2026-03-02,{i},,,\n" for i in range(1500))
    rows = imports.read_rows("x.csv", body.encode())
    result = imports.check_rows(rows, MEASURES, max_rows=2000, limits=LIMITS, note_max=NOTE_MAX)
    assert len(result.errors) == result.error_count == imports.ERRORS_KEPT == 1000
    assert result.stopped_at == 1002 and not result.ok


def test_a_cell_too_long_for_any_column_is_refused_at_once_and_not_quoted_back():
    huge = "x" * 5000
    result = check(HEADER + f"{huge},{huge},{huge},,,{huge}\n")
    assert [(e.column, e.message) for e in result.errors] == [
        (column, "This cell is over 1,000 characters long.")
        for column in ("measure", "period", "value", "note")
    ]
    named = check(HEADER + f"{'y' * 900},2026-03-02,4,,,\n")
    assert named.errors[0].message == f"No measure called '{'y' * 59}\u2026' in this Always Event."


def test_the_row_limit_counts_the_rows_checked():
    body = HEADER + "".join("Waiting time,2026-03-02,1,,,\n" for _ in range(5))
    result = imports.check_rows(
        imports.read_rows("x.csv", body.encode()),
        MEASURES,
        max_rows=3,
        limits=LIMITS,
        note_max=NOTE_MAX,
    )
    assert result.total == 3
    assert str(result.errors[-1]) == "Row 5, file: Files are limited to 3 rows."


def test_a_cell_over_the_csv_limit_is_named_as_too_long():
    with pytest.raises(imports.ImportFileError, match="Line 2 holds a cell of more than 131,072"):
        check(HEADER + "x" * 200_000 + ",2026-03-02,1\n")


def test_the_sheet_is_read_gap_free_with_the_row_numbers_people_see():
    content = workbook_with_sheet_xml(
        header_row() + data_row(7, "2026-03-02", "4") + data_row(9, "2026-03-09", "x")
    )
    result, _ = check_xlsx(content)
    assert [r.row for r in result.rows] == [7]
    assert [(e.row, e.column) for e in result.errors] == [(9, "value")]
    assert import_files.MAX_COLUMNS == 50


@pytest.mark.parametrize(
    "body",
    [
        'Waiting time,2026-03-02,"2\n',  # a quote left open on the last line
        'Waiting time,2026-03-02,"4"5\n',  # text after a closing quote
    ],
)
def test_a_quoting_error_is_refused_not_read_as_something_else(body):
    with pytest.raises(imports.ImportFileError, match="cannot be read"):
        check("measure,period,value\n" + body)
