"""The streaming reader of a workbook's sheet (`measurement.xlsx_reader`), through
`import_files`: what each kind of cell reads as, and what it refuses. Pure: no database."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import to_excel

from measurement import import_files, imports, xlsx_reader
from tests.measurement.test_imports import LIMITS, MEASURES, NOTE_MAX

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)


def saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_parts(content: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook zipped again with some parts replaced or added; a shared-strings part is
    declared in the content types, where openpyxl finds it."""
    source = zipfile.ZipFile(io.BytesIO(content))
    parts = dict(parts)
    if "xl/sharedStrings.xml" in parts:
        types = source.read("[Content_Types].xml").decode()
        override = (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/>'
        )
        parts["[Content_Types].xml"] = types.replace("</Types>", override + "</Types>").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, parts.pop(name, None) or source.read(name))
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def sheet_xml(rows: str, *, root: str = f'<worksheet xmlns="{MAIN_NS}">') -> bytes:
    """A sheet's XML with no <dimension> (as many programs write it): `rows` in its sheetData,
    under the `root` element given (with the namespace prefix it may give)."""
    name = root[1:].split()[0]
    prefix = name.rpartition(":")[0]
    data = f"{prefix}:sheetData" if prefix else "sheetData"
    return f"{root}<{data}>{rows}</{data}></{name}>".encode()


def workbook_with(rows: str, shared: list[str] | None = None, **options: str) -> bytes:
    parts = {SHEET: sheet_xml(rows, **options)}
    if shared is not None:
        parts["xl/sharedStrings.xml"] = (
            f'<sst xmlns="{MAIN_NS}">' + "".join(f"<si>{s}</si>" for s in shared) + "</sst>"
        ).encode()
    return with_parts(saved(Workbook()), parts)


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def cells_of(content: bytes) -> list[tuple[int, dict[int, Any]]]:
    book = import_files._open_workbook(content)
    try:
        return list(import_files._sheet_cells(book, book.worksheets[0]))
    finally:
        book.close()


def check(content: bytes, max_rows: int = 1000) -> imports.CheckResult:
    return imports.check_rows(
        imports.read_rows("x.xlsx", content),
        MEASURES,
        max_rows=max_rows,
        limits=LIMITS,
        note_max=NOTE_MAX,
        split_at_commas=False,
    )


HEADER_ROW = (
    f'<row r="1">{inline("A1", "measure")}{inline("B1", "period")}{inline("C1", "value")}</row>'
)


def test_shared_and_inline_strings_read_the_same():
    by_inline = workbook_with(
        HEADER_ROW
        + f'<row r="2">{inline("A2", "Waiting time")}{inline("B2", "2026-03-02")}'
        + '<c r="C2"><v>4</v></c></row>'
    )
    by_index = workbook_with(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c>'
        '<c r="C2"><v>4</v></c></row>',
        shared=[f"<t>{s}</t>" for s in ("measure", "period", "value", "Waiting time")]
        + ["<t>2026-03-02</t>"],
    )
    assert cells_of(by_inline) == cells_of(by_index)
    assert cells_of(by_index)[1] == (2, {1: "Waiting time", 2: "2026-03-02", 3: 4})
    assert [(r.row, r.period, r.value) for r in check(by_index).rows] == [
        (2, dt.date(2026, 3, 2), Decimal(4))
    ]


def test_rich_text_runs_are_read_as_their_text_without_the_phonetic_reading():
    runs = (
        '<r><rPr><b/></rPr><t>Waiting</t></r><r><t xml:space="preserve"> time</t></r>'
        '<rPh sb="0" eb="1"><t>ignored</t></rPh>'
    )
    content = workbook_with(
        HEADER_ROW
        + f'<row r="2"><c r="A2" t="inlineStr"><is>{runs}</is></c>{inline("B2", "2026-03-02")}'
        + '<c r="C2" t="s"><v>0</v></c></row>',
        shared=["<r><t>1</t></r><r><rPr><i/></rPr><t>2</t></r>"],
    )
    assert cells_of(content)[1] == (2, {1: "Waiting time", 2: "2026-03-02", 3: "12"})
    assert [r.value for r in check(content).rows] == [Decimal(12)]


def test_booleans_errors_formula_text_and_empty_cells():
    content = workbook_with(
        HEADER_ROW + '<row r="2"><c r="A2" t="b"><v>1</v></c><c r="B2" t="b"><v>0</v></c>'
        '<c r="C2" t="e"><v>#DIV/0!</v></c><c r="D2" t="str"><f>A1</f><v>measure</v></c>'
        '<c r="E2"><f>1/0</f></c><c r="F2" t="inlineStr"/><c r="G2" s="0"/></row>'
    )
    assert cells_of(content)[1] == (
        2,
        {1: True, 2: False, 3: "#DIV/0!", 4: "measure", 5: None, 6: None, 7: None},
    )
    result = check(content)
    assert [(e.row, e.column) for e in result.errors if e.column == "value"] == [(2, "value")]
    assert "#DIV/0!" in next(e.message for e in result.errors if e.column == "value")


def test_a_date_formatted_cell_is_read_as_its_date_and_an_iso_date_cell_too():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["measure", "period", "value"])
    sheet.append(["Waiting time", to_excel(dt.datetime(2026, 3, 2)), 4])  # noqa: DTZ001
    sheet["B2"].number_format = "dd/mm/yyyy"  # a serial number shown as a date
    sheet.append(["Waiting time", dt.datetime(2026, 3, 9), 5])  # noqa: DTZ001
    content = saved(workbook)
    assert cells_of(content)[1][1][2] == dt.datetime(2026, 3, 2)  # noqa: DTZ001
    iso = workbook_with(
        HEADER_ROW + f'<row r="2">{inline("A2", "Waiting time")}'
        '<c r="B2" t="d"><v>2026-03-16T00:00:00</v></c><c r="C2"><v>6</v></c></row>'
    )
    assert [(r.period, r.value) for r in check(content).rows + check(iso).rows] == [
        (dt.date(2026, 3, 2), Decimal(4)),
        (dt.date(2026, 3, 9), Decimal(5)),
        (dt.date(2026, 3, 16), Decimal(6)),
    ]


def test_a_number_shown_as_a_percentage_by_a_custom_format_is_read_as_that_percentage():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["measure", "period", "value"])
    for row, (shown, number_format) in enumerate(
        [(0.4567, "0.000%"), (0.5, '0.0"pts"%'), (0.25, "0.00")], start=2
    ):
        sheet.append(["Waiting time", f"2026-03-{2 + 7 * (row - 2):02d}", shown])
        sheet.cell(row=row, column=3).number_format = number_format
    content = saved(workbook)
    assert [r.value for r in check(content).rows] == [
        Decimal("45.67"),
        Decimal(50),
        Decimal("0.25"),
    ]


def test_the_number_format_of_a_style_is_worked_out_once(monkeypatch):
    calls: list[int] = []
    work_out = xlsx_reader.Book._style_kind

    def counted(book: xlsx_reader.Book, style_id: int) -> int:
        calls.append(style_id)
        return work_out(book, style_id)

    monkeypatch.setattr(xlsx_reader.Book, "_style_kind", counted)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["measure", "period", "value"])
    for week in range(50):
        sheet.append(["Waiting time", f"{dt.date(2026, 3, 2) + dt.timedelta(weeks=week)}", 0.5])
        sheet.cell(row=week + 2, column=3).number_format = "0%"
    assert [r.value for r in check(saved(workbook)).rows] == [Decimal(50)] * 50
    assert len(calls) == len(set(calls)) == 1


def test_a_sheet_without_a_dimension_is_read_in_full_without_sizing_it_first(monkeypatch):
    def never(*args: object) -> None:
        raise AssertionError("the sheet was parsed to find its size")

    monkeypatch.setattr(
        "openpyxl.worksheet._reader.WorkSheetParser.parse_dimensions", never, raising=True
    )
    workbook = Workbook(write_only=True)  # writes no <dimension>
    sheet = workbook.create_sheet()
    sheet.append(["measure", "period", "value"])
    for week in range(3000):
        sheet.append(["Waiting time", f"{dt.date(1990, 1, 1) + dt.timedelta(weeks=week)}", week])
    content = saved(workbook)
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(content)).read(SHEET)
    result = check(content, max_rows=5000)
    assert result.ok and [r.row for r in result.rows] == list(range(2, 3002))


def test_a_doctype_in_the_sheet_is_refused_even_without_entities():
    content = with_parts(
        saved(Workbook()), {SHEET: b"<!DOCTYPE worksheet>" + sheet_xml(HEADER_ROW)}
    )
    with pytest.raises(imports.ImportFileError, match="cannot be read"):
        check(content)


def test_cells_without_a_reference_follow_the_cell_before_and_rows_the_row_before():
    content = workbook_with(
        "<row>"
        + "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in ("measure", "period"))
        + '<c t="inlineStr"><is><t>value</t></is></c></row>'
        f'<row><c t="inlineStr"><is><t>Waiting time</t></is></c>{inline("B2", "2026-03-02")}'
        "<c><v>4</v></c></row>"
        f'<row r="5">{inline("A5", "Waiting time")}{inline("B5", "2026-03-09")}'
        "<c><v>5</v></c></row>"
        f'<row><c r="C6"><v>6</v></c><c><v>7</v></c>{inline("A6", "Waiting time")}' + "</row>"
    )
    assert cells_of(content) == [
        (1, {1: "measure", 2: "period", 3: "value"}),
        (2, {1: "Waiting time", 2: "2026-03-02", 3: 4}),
        (5, {1: "Waiting time", 2: "2026-03-09", 3: 5}),
        (6, {3: 6, 4: 7, 1: "Waiting time"}),
    ]
    result = check(content)
    assert [r.row for r in result.rows] == [2, 5]
    assert [(e.row, e.column) for e in result.errors] == [(6, "row"), (6, "period")]
    assert "a cell in column D but the first row names 3 columns" in result.errors[0].message


def test_a_sheet_written_with_a_namespace_prefix_is_read():
    rows = HEADER_ROW + (
        f'<row r="2">{inline("A2", "Waiting time")}{inline("B2", "2026-03-02")}'
        '<c r="C2"><v>4</v></c></row>'
    )
    prefixed = rows.replace("<", "<x:").replace("<x:/", "</x:")
    content = workbook_with(prefixed, root=f'<x:worksheet xmlns:x="{MAIN_NS}">')
    assert [(r.row, r.value) for r in check(content).rows] == [(2, Decimal(4))]


@pytest.mark.parametrize(
    "sheet",
    [
        # a row in a namespace the root does not give the sheet's: never skipped unsaid
        sheet_xml(HEADER_ROW + '<y:row xmlns:y="urn:other" r="2"/>'),
        # not a worksheet's namespace at all (strict OOXML, or another kind of part)
        f'<worksheet xmlns="urn:other"><sheetData>{HEADER_ROW}</sheetData></worksheet>'.encode(),
        # a cell past column XFD, by its reference or by counting
        sheet_xml(HEADER_ROW + '<row r="2"><c r="XFE2"><v>1</v></c></row>'),
        sheet_xml(HEADER_ROW + '<row r="2"><c r="XFD2"><v>1</v></c><c><v>1</v></c></row>'),
        sheet_xml(HEADER_ROW + '<row r="2"><c r="2"><v>1</v></c></row>'),
        # a shared string the file does not hold
        sheet_xml(HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>-1</v></c></row>'),
        # a cell inside a cell, a row inside a row: which would be meant?
        sheet_xml(HEADER_ROW + '<row r="2"><c r="A2"><v>1</v><c r="B2"><v>2</v></c></c></row>'),
        sheet_xml(HEADER_ROW + '<row r="2"><row r="3"/></row>'),
        # rows out of order
        sheet_xml(HEADER_ROW + '<row r="3"/><row r="2"><c r="A2"><v>1</v></c></row>'),
    ],
    ids=[
        "other namespace",
        "not a worksheet",
        "XFE",
        "XFD and one more",
        "no column",
        "sst -1",
        "cell in a cell",
        "row in a row",
        "order",
    ],
)
def test_what_no_sheet_holds_is_refused_as_a_file(sheet):
    with pytest.raises(imports.ImportFileError, match="cannot be read"):
        check(with_parts(saved(Workbook()), {SHEET: sheet}))


def test_rows_are_read_as_the_sheet_is_decompressed_not_after_it_is_all_read():
    """The sheet is parsed as it is read, 64 KiB at a time: the rows before damage near its end
    come out before the damage is found."""
    rows = "".join(
        f'<row r="{n}">{inline(f"A{n}", "Waiting time")}<c r="C{n}"><v>{n}</v></c></row>'
        for n in range(2, 20_000)
    )
    content = with_parts(
        saved(Workbook()), {SHEET: sheet_xml(HEADER_ROW + rows)[:-40] + b"<broken"}
    )
    assert len(zipfile.ZipFile(io.BytesIO(content)).read(SHEET)) > 10 * xlsx_reader.CHUNK
    read = import_files.read_rows("x.xlsx", content)
    assert next(read)[0] == 2
    with pytest.raises(imports.ImportFileError, match="cannot be read"):
        list(read)


def test_a_sheet_of_more_cells_than_any_measure_file_holds_is_refused_by_name(monkeypatch):
    """Cells cost CPU even when empty or far to the right: a sheet holding more than
    `CELLS_MAX` of them (empty ones too) is refused with what to do, and up to it is read."""
    monkeypatch.setattr(xlsx_reader, "CELLS_MAX", 30)
    row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Waiting time</t></is></c><c/><c/></row>'
    up_to = with_parts(
        saved(Workbook()),
        {SHEET: sheet_xml(HEADER_ROW + "".join(row.format(n=n) for n in range(2, 11)))},
    )
    assert [number for number, _ in cells_of(up_to)] == list(range(1, 11))  # 3 + 9 * 3 = 30
    beyond = with_parts(
        saved(Workbook()),
        {SHEET: sheet_xml(HEADER_ROW + "".join(row.format(n=n) for n in range(2, 12)))},
    )
    with pytest.raises(imports.ImportFileError) as refused:
        check(beyond)
    assert str(refused.value) == (
        "This Excel sheet holds more than 30 cells. Keep only the columns measure, period, "
        "value, numerator, denominator and note, or split the rows into smaller files."
    )


def test_a_workbooks_cells_are_never_taken_for_a_number_split_at_its_comma():
    """A value of 2 beside a column of 109 is two cells in a workbook, never 2,109 split at its
    comma as in a CSV file; a cell beyond the header is refused with advice for a workbook."""
    header = f'<row r="1">{inline("A1", "measure")}{inline("B1", "period")}'
    header += f"{inline('C1', 'value')}{inline('D1', 'beds')}</row>"
    row = f'<row r="2">{inline("A2", "Waiting time")}{inline("B2", "2026-03-02")}'
    row += '<c r="C2"><v>2</v></c><c r="D2"><v>109</v></c></row>'
    result = check(workbook_with(header + row))
    assert result.ok, result.errors
    assert result.rows[0].value == Decimal(2)
    beyond = row.replace("</row>", '<c r="E2"><v>5</v></c></row>').replace('r="2"', 'r="3"')
    beyond = beyond.replace("A2", "A3").replace("B2", "B3").replace("C2", "C3")
    beyond = beyond.replace("D2", "D3").replace("E2", "E3")
    result = check(workbook_with(header + row + beyond))
    assert [str(e) for e in result.errors] == [
        "Row 3, row: This row has a cell in column E but the first row names 4 columns. Give "
        "its column a heading in the first row, or empty the cell."
    ]
