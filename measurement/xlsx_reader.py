"""A streaming reader of one sheet of an Excel (.xlsx) workbook, for imports of measure data.

openpyxl reads the workbook's parts (its sheets and their names, shared strings, number formats,
date system); the chosen sheet's XML is read here with expat, 64 KiB at a time, as
(row number, {column number: value}) with the values as a person sees them: shared and inline
strings as text, a number shown as a percentage as that percentage, a date-formatted number as
a date. openpyxl's read-only worksheet is not used: it parses a whole sheet once just to size it
when the sheet does not declare its dimension (as many programs write it), then builds each cell
through ElementTree, which took 10-17 s of CPU for a sheet of 100,000 rows.

Nothing here is trusted: a damaged file raises an error of `import_files.BROKEN_XLSX` or
`ImportFileError` (a DOCTYPE, never in an xlsx, is refused before any entity is declared).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.parsers import expat

from measurement.import_files import CANNOT_READ_XLSX, MAX_ROW, ImportFileError

CHUNK = 64 * 1024  # bytes of a sheet's XML read and parsed at a time
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
READ = frozenset(("row", "c"))  # elements whose loss would lose rows or cells unsaid
DIGITS = "0123456789"
MAX_COLUMN = 16_384  # XFD, the last column of an Excel sheet
#: Cells read from a sheet, empty ones included: 100,000 rows of six columns is 600,000. A sheet
#: of 2,000,000 cells (40,000 rows of 50 columns fit in a 4 MB file) took 5 s of CPU to read.
CELLS_MAX = 1_000_000


def _too_many_cells(most: int) -> ImportFileError:
    return ImportFileError(
        f"This Excel sheet holds more than {most:,} cells. Keep only the columns measure, "
        "period, value, numerator, denominator and note, or split the rows into smaller files."
    )


# What a cell's style makes of a number in it.
PLAIN, PERCENT, DATE, DURATION = range(4)


@dataclass(frozen=True, eq=False)
class SheetPart:
    """A worksheet of the workbook: its name, whether it is hidden, and its part in the zip."""

    title: str
    sheet_state: str  # visible, hidden or veryHidden
    path: str


@dataclass(eq=False)
class Book:
    """What a sheet's cells need of their workbook, read by openpyxl."""

    archive: zipfile.ZipFile
    worksheets: list[SheetPart]
    shared_strings: list[str]
    epoch: dt.datetime
    cell_styles: Any  # openpyxl's StyleArray per style id
    number_formats: Any  # the workbook's own number formats, from id 164
    date_formats: set[int]
    timedelta_formats: set[int]
    _kinds: dict[str | None, int] = field(default_factory=dict)

    def close(self) -> None:
        self.archive.close()

    def style_kind(self, style: str | None) -> int:
        """PLAIN, PERCENT, DATE or DURATION for a number in a cell of this style (its `s`),
        worked out once per style."""
        kind = self._kinds.get(style)
        if kind is None:
            kind = self._kinds[style] = self._style_kind(int(style) if style else 0)
        return kind

    def _style_kind(self, style_id: int) -> int:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

        if style_id in self.date_formats:  # as openpyxl's sheet reader decides
            return DURATION if style_id in self.timedelta_formats else DATE
        if style_id < 0:
            raise IndexError(f"no cell style {style_id}")
        format_id = self.cell_styles[style_id].numFmtId  # as openpyxl's ReadOnlyCell
        if format_id < BUILTIN_FORMATS_MAX_SIZE:
            number_format = BUILTIN_FORMATS.get(format_id, "General")
        else:
            number_format = self.number_formats[format_id - BUILTIN_FORMATS_MAX_SIZE]
        return PERCENT if "%" in (number_format or "") else PLAIN


def open_book(content: bytes) -> Book:
    """The workbook's parts as openpyxl's `load_workbook` reads them, without its worksheets:
    the list of sheets (not chart sheets) with their parts, as its `read_worksheets` finds them."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        workbook = reader.wb
        apply_stylesheet(reader.archive, workbook)
        sheets = [
            SheetPart(sheet.name, sheet.state, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
    except BaseException:
        reader.archive.close()
        raise
    return Book(
        archive=reader.archive,
        worksheets=sheets,
        shared_strings=reader.shared_strings,
        epoch=workbook.epoch,
        cell_styles=workbook._cell_styles,
        number_formats=workbook._number_formats,
        date_formats=set(workbook._date_formats),
        timedelta_formats=set(workbook._timedelta_formats),
    )


def _refuse_doctype(*_: Any) -> None:
    raise ImportFileError(CANNOT_READ_XLSX)  # an xlsx part never has one: an entity bomb


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)  # "2.0", as openpyxl reads it
        if not number.is_integer():
            raise ValueError(f"{text!r} is not a row number") from None
        return int(number)


_COLUMNS: dict[str, int] = {}  # column letters, in either case, to their number: A to XFD


def _column(reference: str) -> int:
    """The column of a cell reference ("B12"): its row is the row it is written in."""
    letters = reference.rstrip(DIGITS)
    if (
        not (0 < len(letters) <= 3 and len(letters) < len(reference) and letters.isascii())
        or not letters.isalpha()
    ):
        raise ValueError(f"{reference!r} is not a cell reference")
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    if column > MAX_COLUMN:
        raise ValueError(f"{reference!r} is beyond the last column of a sheet")
    _COLUMNS[letters] = column
    return column


def sheet_cells(book: Book, sheet: SheetPart) -> Iterator[tuple[int, dict[int, Any]]]:
    """Each row the sheet's XML holds as (row number, {column number: value}): every row
    whatever size the sheet declares and no empty cells or rows filled in, so a cell far to the
    right or a row far below costs only what it holds. Row numbers are checked to rise and to
    stay within a sheet, columns to stay within XFD; a cell without a reference follows the one
    before, a row without a number the row before. A cell inside a cell, or a row inside a row,
    is refused: no program writes one, and which would be meant is a guess.

    The XML is parsed without namespace processing (it costs a third of the time): the
    spreadsheet namespace is found on the root element, as the default one or a prefix
    (<x:worksheet xmlns:x=...>), and the elements read are named with it; a row or a cell
    under another name is refused, never skipped."""
    from openpyxl.utils.datetime import from_ISO8601

    strings = book.shared_strings
    kinds = book._kinds
    style_kind = book.style_kind
    epoch = book.epoch
    columns = _COLUMNS
    most = CELLS_MAX
    done: list[tuple[int, dict[int, Any]]] = []  # rows read from the last chunk
    # The names of the elements read, with the root's prefix for the spreadsheet namespace.
    row_tag = cell_tag = value_tag = inline_tag = text_tag = phonetic_tag = "\0"
    cells: dict[int, Any] | None = None  # the row being read
    number = column = read = 0
    kind: str | None = None  # the type (t) of the cell being read, None outside a cell
    style: str | None = None  # its style (s)
    pieces: list[str] | None = None  # the text of its <v>, or of its <is>: None if it has none
    collecting = False  # in a <v> or in a <t> of an <is>: its text is the cell's
    phonetic = 0  # inside a <rPh>: a reading aid, not the cell's text

    def root(name: str, attributes: dict[str, str]) -> None:
        nonlocal row_tag, cell_tag, value_tag, inline_tag, text_tag, phonetic_tag
        prefix = name.rpartition(":")[0]
        if attributes.get(f"xmlns:{prefix}" if prefix else "xmlns") != MAIN:
            raise ImportFileError(CANNOT_READ_XLSX)  # not a worksheet (or strict OOXML)
        prefix += ":" if prefix else ""
        row_tag, cell_tag, value_tag, inline_tag, text_tag, phonetic_tag = (
            prefix + local for local in ("row", "c", "v", "is", "t", "rPh")
        )
        parser.StartElementHandler = start

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal cells, number, column, kind, style, pieces, collecting, phonetic, read
        if name == cell_tag:
            read += 1
            if read > most:
                raise _too_many_cells(most)
            if cells is not None:
                if kind is not None:
                    raise ValueError("a cell inside a cell")
                reference = attributes.get("r")
                if reference:
                    letters = reference.rstrip(DIGITS)
                    found = columns.get(letters) if len(letters) < len(reference) else None
                    column = found or _column(reference)
                else:
                    column += 1
                    if column > MAX_COLUMN:
                        raise ValueError("a cell beyond the last column of a sheet")
                kind = attributes.get("t", "n")
                style = attributes.get("s")
                pieces = None
        elif name == value_tag:
            if kind is not None and kind != "inlineStr":
                pieces = []
                collecting = True
        elif name == text_tag:
            if kind == "inlineStr" and pieces is not None and not phonetic:
                collecting = True
        elif name == inline_tag:
            if kind == "inlineStr":
                pieces = []
        elif name == row_tag:
            if cells is not None:
                raise ValueError("a row inside a row")
            reference = attributes.get("r")
            number = _row_number(reference) if reference else number + 1
            cells = {}
            column = 0
        elif name == phonetic_tag:
            phonetic += 1
        elif name.rpartition(":")[2] in READ:  # a row or a cell in another namespace
            raise ImportFileError(CANNOT_READ_XLSX)

    def end(name: str) -> None:
        nonlocal cells, kind, collecting, phonetic
        if name == value_tag:
            collecting = False
        elif name == cell_tag:
            if kind is not None and cells is not None:
                if pieces is None:
                    cells[column] = None
                else:
                    text = "".join(pieces)
                    if kind == "n" and text:
                        how = kinds.get(style)
                        if how is None:
                            how = style_kind(style)
                        if how != PLAIN:
                            cells[column] = _typed(text, how, epoch)
                        elif "." in text or "e" in text or "E" in text:
                            cells[column] = float(text)
                        else:
                            cells[column] = int(text)
                    elif kind == "inlineStr":
                        cells[column] = text
                    elif not text:
                        cells[column] = None
                    elif kind == "s":
                        index = int(text)
                        if index < 0:
                            raise IndexError(f"no shared string {index}")
                        cells[column] = strings[index]
                    elif kind == "b":
                        cells[column] = bool(int(text))
                    elif kind == "d":
                        cells[column] = from_ISO8601(text)
                    else:  # str (a formula's text), e (an error such as #DIV/0!), or unknown
                        cells[column] = text
                kind = None
                collecting = False
        elif name == text_tag:
            collecting = False
        elif name == row_tag:
            if cells is not None:
                done.append((number, cells))
                cells = kind = None
                collecting = False
        elif name == phonetic_tag:
            phonetic -= 1

    def characters(data: str) -> None:
        if collecting:
            pieces.append(data)  # type: ignore[union-attr] # collecting: pieces is a list

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.StartElementHandler = root
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters

    last = 0
    with book.archive.open(sheet.path) as source:
        while True:
            chunk = source.read(CHUNK)
            try:
                parser.Parse(chunk, not chunk)
            except expat.ExpatError as exc:
                raise ImportFileError(CANNOT_READ_XLSX) from exc
            for row_number, row in done:
                if not last < row_number <= MAX_ROW:  # a damaged sheet: rows nobody could find
                    raise ImportFileError(
                        f"This Excel file cannot be read: its rows are out of order (row "
                        f"{row_number} after row {last}). Save it again as .xlsx."
                    )
                last = row_number
                yield row_number, row
            done.clear()
            if not chunk:
                return


def _typed(text: str, kind: int, epoch: dt.datetime) -> Any:
    """A number in a cell styled as a percentage or a date: the percentage or the date shown."""
    from openpyxl.utils.datetime import from_excel

    value = float(text) if "." in text or "e" in text or "E" in text else int(text)
    if kind == PERCENT:
        return Decimal(format(value, ".15g")) * 100  # as Excel shows it, then as a percentage
    try:
        return from_excel(value, epoch, timedelta=kind == DURATION)
    except (OverflowError, ValueError):
        return "#VALUE!"  # a date no calendar has, as openpyxl reads it
