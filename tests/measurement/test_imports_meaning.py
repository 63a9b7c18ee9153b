"""An import reads what the file means, or refuses it by row and column: never a wrong number
without a word (issue 14, first part). Pure: no database."""

from __future__ import annotations

import io
import time
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from measurement import import_files, imports
from tests.measurement.test_imports import LIMITS, MEASURES, NOTE_MAX, check

HEADER = "measure,period,value,numerator,denominator,note\n"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("81.5", Decimal("81.5")),
        ("1,234", Decimal(1234)),
        ("12,345.6", Decimal("12345.6")),
        ("1,234,567", Decimal(1234567)),
        ("45%", Decimal(45)),
        ("-1,000", Decimal(-1000)),
    ],
)
def test_numbers_are_read_as_people_write_them(written, read):
    result = check(HEADER + f'Waiting time,2026-03-02,"{written}",,,\n')
    assert result.ok, result.errors
    assert result.rows[0].value == read


@pytest.mark.parametrize("written", ["81,5", "0,25", ",5", "81,50%"])
def test_a_decimal_comma_is_refused_by_row_and_column_not_read_as_a_bigger_number(written):
    result = check(HEADER + f'Waiting time,2026-03-02,"{written}",,,\n')
    assert not result.rows
    assert [str(e) for e in result.errors] == [
        f"Row 2, value: {written}: use a full stop for decimals (81.5, not 81,5)."
    ]


@pytest.mark.parametrize("written", ["1,23", "12,3456", "1,234,56", "1,,234"])
def test_commas_that_are_not_thousands_are_refused(written):
    result = check(HEADER + f'Waiting time,2026-03-02,"{written}",,,\n')
    assert not result.rows and result.errors[0].column == "value"


def test_an_unquoted_thousands_separator_is_refused_not_split_into_a_value_and_a_note():
    result = check("measure,period,value,note\nWaiting time,2026-03-02,1,234\n")
    assert not result.rows
    assert [(e.row, e.column) for e in result.errors] == [(2, "value")]
    assert "look like one number (1,234) split at its comma" in result.errors[0].message


def test_a_row_with_more_cells_than_the_header_is_refused_by_row():
    result = check("measure,period,value,note\nWaiting time,2026-03-02,12,busy, very busy\n")
    assert not result.rows
    assert [(e.row, e.column) for e in result.errors] == [(2, "row")]
    assert "has 5 cells but the first row names 4 columns" in result.errors[0].message


def test_a_proportion_split_at_a_thousands_comma_is_refused_too():
    result = check("measure,period,numerator,denominator\nTold the plan,01/03/2026,1,200,1500\n")
    assert not result.rows
    assert [(e.row, e.column) for e in result.errors] == [(2, "row")]


def test_a_small_numerator_of_a_three_digit_denominator_is_a_proportion_not_a_split_number():
    result = check(HEADER + "Told the plan,01/03/2026,,12,150,\n")
    assert result.ok, result.errors
    assert (result.rows[0].numerator, result.rows[0].denominator) == (12, 150)


def test_empty_cells_after_the_last_column_are_not_extra_cells():
    result = check("measure,period,value\nWaiting time,2026-03-02,12,,\n")
    assert result.ok, result.errors


@pytest.mark.parametrize("heading", ["note", "Notes", " NOTE ", "Comment", "comments", "Comments"])
def test_the_note_column_is_recognised_by_the_names_people_give_it(heading):
    result = check(f"measure,period,value,{heading}\nWaiting time,2026-03-02,12,busy week\n")
    assert result.ok, result.errors
    assert result.rows[0].note == "busy week"


def test_header_names_ignore_case_and_spacing():
    result = check("Measure , PERIOD,  Value\nWaiting time,2026-03-02,12\n")
    assert result.ok, result.errors


def test_a_file_without_a_note_column_says_nothing_about_notes():
    result = check("measure,period,value\nWaiting time,2026-03-02,12\n")
    assert result.rows[0].note is None


def test_an_empty_note_cell_is_an_empty_note():
    result = check(HEADER + "Waiting time,2026-03-02,12,,,\n")
    assert result.rows[0].note == ""


def test_a_note_over_the_limit_is_refused_with_its_row_never_cut():
    long = "x" * (NOTE_MAX + 1)
    result = check(
        HEADER + f"Waiting time,2026-03-02,12,,,ok\nWaiting time,2026-03-09,13,,,{long}\n"
    )
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "note")]
    assert f"at most {NOTE_MAX}" in result.errors[0].message
    exactly = check(HEADER + f"Waiting time,2026-03-02,12,,,{'x' * NOTE_MAX}\n")
    assert exactly.ok and exactly.rows[0].note == "x" * NOTE_MAX


def workbook_bytes(build) -> bytes:
    workbook = Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def check_xlsx(content: bytes) -> tuple[imports.CheckResult, list[str]]:
    notices: list[str] = []
    rows = imports.read_rows("data.xlsx", content, notices)
    return imports.check_rows(
        rows, MEASURES, max_rows=1000, limits=LIMITS, note_max=NOTE_MAX
    ), notices


def test_excel_cells_shown_as_percentages_are_read_as_the_percentage_people_see():
    def build(workbook):
        sheet = workbook.active
        sheet.append(["measure", "period", "value"])
        for row, (shown, fmt) in enumerate([(0.45, "0%"), (0.875, "0.0%"), (45, "0")], start=2):
            sheet.append(["Waiting time", f"2026-03-{2 + 7 * (row - 2):02d}", shown])
            sheet.cell(row=row, column=3).number_format = fmt

    result, _ = check_xlsx(workbook_bytes(build))
    assert result.ok, result.errors
    assert [r.value for r in result.rows] == [Decimal(45), Decimal("87.5"), Decimal(45)]


def test_a_hidden_sheet_is_never_read_and_the_check_says_which_sheet_was():
    def build(workbook):
        old = workbook.active
        old.title = "Old figures"
        old.sheet_state = "hidden"
        old.append(["measure", "period", "value"])
        old.append(["Waiting time", "2026-03-02", 999])
        data = workbook.create_sheet("March")
        data.append(["measure", "period", "value"])
        data.append(["Waiting time", "2026-03-02", 12])
        workbook.create_sheet("Lookups")

    result, notices = check_xlsx(workbook_bytes(build))
    assert result.ok, result.errors
    assert [r.value for r in result.rows] == [Decimal(12)]
    assert notices == [
        "Read the sheet \u201cMarch\u201d (the first visible sheet); hidden sheets are not read: "
        "Old figures; not read: Lookups."
    ]


def test_a_workbook_with_one_sheet_names_it():
    def build(workbook):
        workbook.active.title = "Data"
        workbook.active.append(["measure", "period", "value"])
        workbook.active.append(["Waiting time", "2026-03-02", 12])

    _, notices = check_xlsx(workbook_bytes(build))
    assert notices == ["Read the sheet \u201cData\u201d."]


def test_a_workbook_with_only_hidden_sheets_is_refused_by_name():
    """openpyxl will not write such a workbook, but other programs do: a stand-in here."""
    hidden = SimpleNamespace(title="Old", sheet_state="hidden")
    with pytest.raises(imports.ImportFileError, match="no visible sheet"):
        import_files._sheet(SimpleNamespace(worksheets=[hidden]), [])


# Encodings and line ends (item 4): every file below is built by code from the same rows.
ROWS = [
    ("Waiting time", "2026-03-02", "12", "Caf\u00e9 open, \u00a35 a day"),
    ("Waiting time", "2026-03-09", "14", "line one\nline two"),
    ("Waiting time", "2026-03-16", "9", ""),
]


def csv_text(line_end: str) -> str:
    lines = ["measure,period,value,note"]
    lines += [f'{m},{p},{v},"{n.replace(chr(10), line_end)}"' for m, p, v, n in ROWS]
    return line_end.join(lines) + line_end


def check_csv_bytes(content: bytes) -> tuple[imports.CheckResult, list[str]]:
    notices: list[str] = []
    rows = imports.read_rows("data.csv", content, notices)
    return imports.check_rows(
        rows, MEASURES, max_rows=1000, limits=LIMITS, note_max=NOTE_MAX
    ), notices


ENCODINGS = {
    "UTF-8": lambda t: t.encode("utf-8"),
    "UTF-8 with BOM": lambda t: t.encode("utf-8-sig"),
    "UTF-16 LE with BOM": lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
    "UTF-16 BE with BOM": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    "Windows-1252": lambda t: t.encode("cp1252"),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_every_common_encoding_and_line_end_reads_the_same_rows(encoding, line_end):
    text = csv_text(line_end)
    result, notices = check_csv_bytes(ENCODINGS[encoding](text))
    assert result.ok, result.errors
    assert [(r.row, r.value) for r in result.rows] == [(2, 12), (3, 14), (4, 9)]
    # A line end inside a quoted note is kept as the file has it.
    notes = [r.note for r in result.rows]
    assert notes == [ROWS[0][3], f"line one{line_end}line two", ""]
    assert notices == (
        ["Read as Windows-1252 text (not UTF-8)."] if encoding == "Windows-1252" else []
    )


def test_windows_1252_bytes_for_pound_and_e_acute_are_read_as_those_letters():
    content = b"measure,period,value,note\r\nWaiting time,2026-03-02,12,\xa35 caf\xe9\r\n"
    result, notices = check_csv_bytes(content)
    assert result.ok and result.rows[0].note == "\u00a35 caf\u00e9"
    assert notices == ["Read as Windows-1252 text (not UTF-8)."]


def test_broken_utf8_is_refused_not_guessed_as_windows_1252():
    # "é" in UTF-8 next to a lone byte 0xA3: two encodings in one file, not Windows-1252.
    text = "measure,period,value,note\nWaiting time,2026-03-02,12,caf\u00e9 "
    content = text.encode() + b"\xa3\n"
    with pytest.raises(imports.ImportFileError, match="not valid UTF-8 or Windows-1252"):
        check_csv_bytes(content)


def test_a_utf16_file_cut_mid_character_is_refused_as_a_file():
    content = b"\xff\xfe" + "measure,period\n".encode("utf-16-le") + b"\x00"
    with pytest.raises(imports.ImportFileError, match="UTF-16"):
        check_csv_bytes(content)


def test_every_row_of_a_sheet_is_read_whatever_size_the_workbook_declares():
    def build(workbook):
        workbook.active.append(["measure", "period", "value"])
        for day in (2, 9, 16, 23, 30):
            workbook.active.append(["Waiting time", f"2026-03-{day:02d}", day])

    original = zipfile.ZipFile(io.BytesIO(workbook_bytes(build)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as edited:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:C6"' in data
                data = data.replace(b'<dimension ref="A1:C6"', b'<dimension ref="A1:C2"')
            edited.writestr(item, data)

    result, _ = check_xlsx(buffer.getvalue())
    assert result.ok, result.errors
    assert [r.row for r in result.rows] == [2, 3, 4, 5, 6]


def _bomb(sheet_xml: bytes, entries: int = 1) -> bytes:
    base = zipfile.ZipFile(io.BytesIO(workbook_bytes(lambda w: w.active.append(["measure"]))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in base.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else base.read(item)
            bomb.writestr(item.filename, data)
        for n in range(entries - 1):
            bomb.writestr(f"extra/{n}.xml", b"")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # 60 MB of one repeated row, a few hundred kB zipped: over the total and the ratio.
        (lambda: _bomb(b"<row><c><v>1</v></c></row>" * 2_400_000), "expands to far more"),
        # 5 MB of spaces: under the total, far over the ratio.
        (lambda: _bomb(b" " * 5_000_000), "expands to far more"),
        (lambda: _bomb(b"", entries=1_500), "more than 1000 parts"),
    ],
    ids=["total", "ratio", "entries"],
)
def test_a_workbook_that_expands_enormously_is_refused_quickly_before_it_is_opened(
    content, message
):
    bomb = content()
    assert len(bomb) < 1_000_000
    started = time.process_time()
    with pytest.raises(imports.ImportFileError, match=message):
        check_xlsx(bomb)
    assert time.process_time() - started < 1
