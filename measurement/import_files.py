"""Reading an import file of measure data (CSV or Excel) into rows of text, before any checking.

Pure: no database. `read_rows` turns a file into (row number, {column: text}) and says in
`notices` how it read it (the encoding guessed, the sheet of a workbook); a file that cannot be
read safely is refused as a whole with `ImportFileError`. `measurement.imports` checks the rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from measurement.xlsx_reader import Book, SheetPart

COLUMNS = ("measure", "period", "value", "numerator", "denominator", "note")
REQUIRED = ("measure", "period")
XLSX_MAGIC = b"PK\x03\x04"
SNIFF = 2048  # bytes read to tell a text file from a binary or UTF-16 one


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, too big, no header, unreadable."""


def read_rows(
    name: str, content: bytes, notices: list[str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, {column: text}) from a CSV or an xlsx file; say in `notices` what the
    person should know about how it was read (which sheet of a workbook)."""
    if is_workbook(name):
        if not content.startswith(XLSX_MAGIC):
            raise ImportFileError("This file is not a real Excel (.xlsx) file.")
        yield from _xlsx_rows(content, [] if notices is None else notices)
    elif name.lower().endswith(".csv"):
        notices = [] if notices is None else notices
        yield from _csv_rows(_csv_text(content, notices), notices)
    else:
        raise ImportFileError("Choose a CSV (.csv) or Excel (.xlsx) file.")


def is_workbook(name: str) -> bool:
    """Whether a file of this name is read as an Excel workbook (else as CSV, or refused)."""
    return name.lower().endswith(".xlsx")


#: What people head their columns with, for the columns we read ("Notes", "Comment", ...).
HEADER_ALIASES = {"notes": "note", "comment": "note", "comments": "note"}
EXTRA = "(extra cells)"  # the key of a CSV row's cells beyond the header's columns


def header_name(cell: Any) -> str:
    """A header cell as the column it names: any case and spacing, and the usual synonyms."""
    name = " ".join(str(cell or "").split()).lower()
    return HEADER_ALIASES.get(name, name)


MAX_COLUMNS = 50  # a header wider than this is not a measure data file


def _filled(cell: Any) -> bool:
    if isinstance(cell, str):
        return bool(cell) and not cell.isspace()
    return cell is not None


def _header(cells: list[Any]) -> list[str]:
    # Empty cells at the end of the first row (a line ending in commas) are not columns: found
    # before anything is built from the cells, so a line of a million commas costs nothing more.
    width = next((i + 1 for i in range(len(cells) - 1, -1, -1) if _filled(cells[i])), 0)
    if width > MAX_COLUMNS:
        raise ImportFileError(
            f"The first row has {width} columns; a measure data file has at most "
            f"{MAX_COLUMNS}. Keep the columns measure, period, value, numerator, denominator "
            "and note."
        )
    cells = cells[:width]
    header = [header_name(c) for c in cells]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            "The first row must name the columns: measure, period, and value or numerator and "
            f"denominator (note is optional). Missing: {', '.join(missing)}."
        )
    for column in COLUMNS:
        headed = [str(c).strip() for c, h in zip(cells, header, strict=False) if h == column]
        if len(headed) > 1:
            raise ImportFileError(
                f"{len(headed)} columns are read as the {column} column "
                f"({', '.join(headed)}): keep one."
            )
    return header


def header_notices(header: list[str], notices: list[str]) -> None:
    """Say which columns are not read, so a column headed "Comment 2" is not lost silently."""
    ignored = [h for h in header if h and h not in COLUMNS]
    if ignored:
        notices.append(
            "Not read: the column"
            + ("s " if len(ignored) > 1 else " ")
            + ", ".join(f"\u201c{h}\u201d" for h in ignored)
            + " (only measure, period, value, numerator, denominator and note are read)."
        )


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: A multi-byte UTF-8 character: in a file that is not valid UTF-8, a sign of broken UTF-8 (or of
#: two encodings mixed), not of Windows-1252 text, where such pairs are rare ("Ã©" for "é").
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
NOT_UTF8 = (
    "The CSV file is not valid UTF-8 or Windows-1252 text. Save it again as \u201cCSV UTF-8\u201d."
)


def _csv_text(content: bytes, notices: list[str]) -> str:
    """A CSV file's text: UTF-16 by its byte order mark, else UTF-8 (with or without a BOM), else
    Windows-1252 (Excel's "CSV" on a UK Windows computer), said in `notices` as a guess."""
    if content.startswith(UTF16_BOMS):
        try:
            return content.decode("utf-16")  # the BOM says which byte order, and is dropped
        except UnicodeDecodeError as exc:
            raise ImportFileError("This UTF-16 CSV file cannot be read. Save it again.") from exc
    # Binary files and UTF-16 text without a BOM are full of NUL bytes; a stray NUL in one cell
    # of a text file is read and named by its row and column instead.
    sample = content[:SNIFF]
    if content.startswith(XLSX_MAGIC) or sample.count(b"\x00") * 10 > len(sample):
        raise ImportFileError("This file is not a CSV text file.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if UTF8_SEQUENCE.search(content):
            raise ImportFileError(NOT_UTF8) from exc
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as exc1252:  # bytes Windows-1252 leaves undefined
            raise ImportFileError(NOT_UTF8) from exc1252
    notices.append("Read as Windows-1252 text (not UTF-8).")
    return text


def _csv_rows(text: str, notices: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    # The csv module reads line ends; strict: a quote left open or a stray quote is an error.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = next(reader, None)
        if first is None:
            raise ImportFileError("The file is empty.")
        header = _header(first)
        header_notices(header, notices)
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
            if len(cells) > len(header) and any(
                c.strip() for c in itertools.islice(cells, len(header), None)
            ):
                filled = len(header) + sum(1 for c in cells[len(header) :] if c.strip())
                row[EXTRA] = (
                    f"This row has {filled} cells but the first row names {len(header)} columns. "
                    "Put quotes around a note that holds a comma, and write numbers without "
                    "commas (1234, not 1,234 unquoted)."
                )
            yield number, row
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportFileError(
                f"Line {reader.line_num} holds a cell of more than {csv.field_size_limit():,} "
                "characters, far more than any measure, date, number or note. Check the file."
            ) from exc
        raise ImportFileError(
            f"This CSV file cannot be read (line {reader.line_num}). Save it again as CSV."
        ) from exc


def _sheet(workbook: Any, notices: list[str]) -> Any:
    """The first visible sheet: a hidden sheet (old figures, a lookup list) is never read.
    `workbook.worksheets` lists the sheets (`xlsx_reader.SheetPart`: title, sheet_state)."""
    visible = [s for s in workbook.worksheets if getattr(s, "sheet_state", "visible") == "visible"]
    if not visible:
        raise ImportFileError("This workbook has no visible sheet to read.")
    sheet = visible[0]
    notice = f"Read the sheet \u201c{sheet.title}\u201d"
    others = [s.title for s in workbook.worksheets if s is not sheet]
    if others:
        hidden = [s.title for s in workbook.worksheets if s not in visible]
        notice += " (the first visible sheet)"
        if hidden:
            notice += "; hidden sheets are not read: " + ", ".join(hidden)
        unread = [t for t in others if t not in hidden]
        if unread:
            notice += "; not read: " + ", ".join(unread)
    notices.append(notice + ".")
    return sheet


#: Errors openpyxl, the XML and zip readers beneath it and `xlsx_reader` raise on a damaged
#: workbook, read row by row: any of them means the file cannot be read, never a crash.
BROKEN_XLSX: tuple[type[BaseException], ...] = (
    SyntaxError,  # the XML of a part openpyxl reads (ParseError)
    ValueError,
    KeyError,
    IndexError,  # a shared string or a style the file does not hold
    TypeError,
    AttributeError,
    OverflowError,
    EOFError,
    OSError,  # reading a part of the zip
    RuntimeError,  # an encrypted part; NotImplementedError: a compression zipfile lacks
    zipfile.BadZipFile,
    zlib.error,
)
CANNOT_READ_XLSX = "This Excel file cannot be read. Save it again as .xlsx."


ZIP_MAX_ENTRIES = 1000
ZIP_MAX_TOTAL = 50 * 1024 * 1024  # bytes uncompressed, all entries together
ZIP_MAX_RATIO = 100  # uncompressed to compressed, for an entry over ZIP_RATIO_FROM bytes
ZIP_RATIO_FROM = 1024 * 1024
TOO_BIG = "This Excel file expands to far more than its size on disk and cannot be read safely. "


def _check_zip(content: bytes) -> None:
    """Refuse a workbook that would expand enormously (a zip bomb) before openpyxl opens it,
    from the sizes the zip declares; openpyxl's reads are bounded by those sizes too."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except BROKEN_XLSX as exc:  # NotImplementedError: a zip version nobody reads
        raise ImportFileError(CANNOT_READ_XLSX) from exc
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ImportFileError(f"This Excel file holds more than {ZIP_MAX_ENTRIES} parts.")
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > ZIP_MAX_TOTAL:
            raise ImportFileError(TOO_BIG + "Save the data alone in a smaller file.")
        if entry.file_size > ZIP_RATIO_FROM and entry.file_size > ZIP_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise ImportFileError(TOO_BIG + "Save it again as .xlsx.")


def _xlsx_rows(content: bytes, notices: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    _check_zip(content)
    book = _open_workbook(content)
    try:
        sheet = _sheet(book, notices)
        rows = _sheet_cells(book, sheet)
        first = next(rows, None)
        if first is None:
            raise ImportFileError("The file is empty.")
        cells = first[1]
        header = _header([cells.get(c) for c in range(1, max(cells, default=0) + 1)])
        header_notices(header, notices)
        width = len(header)  # the columns the first row names, up to its last filled cell
        columns = list(enumerate(header, start=1))
        for number, cells in rows:
            for v in cells.values():
                if _filled(v):
                    break
            else:  # no cell, or only empty ones (a cell formatted but left empty)
                continue
            row = {
                h: v.strip() if type(v := cells.get(c)) is str else _cell_text(v)
                for c, h in columns
            }
            if max(cells) > width:
                extra = [c for c, v in cells.items() if c > width and _filled(v)]
                if extra:
                    row[EXTRA] = (
                        f"This row has a cell in column {_column_letter(min(extra))} but the "
                        f"first row names {width} columns. Give its column a heading in the "
                        "first row, or empty the cell."
                    )
            yield number, row
    except ImportFileError:
        raise
    except BROKEN_XLSX as exc:
        raise ImportFileError(CANNOT_READ_XLSX) from exc
    finally:
        book.close()


def _open_workbook(content: bytes) -> Book:
    """The workbook's sheets, shared strings and styles (`xlsx_reader.Book`), read by openpyxl."""
    from measurement import xlsx_reader

    try:
        return xlsx_reader.open_book(content)
    except BROKEN_XLSX as exc:
        raise ImportFileError(CANNOT_READ_XLSX) from exc


def _sheet_cells(book: Book, sheet: SheetPart) -> Iterator[tuple[int, dict[int, Any]]]:
    """Each stored row of a sheet as (row number, {column number: value}), as the file holds it:
    every row whatever size the sheet declares, and no empty cells filled in, so a cell far to the
    right or a row far below costs nothing; a value as the person sees it (a cell shown as 45%
    holds 0.45, and means 45; a date-formatted number is a date). See `xlsx_reader`."""
    from measurement import xlsx_reader

    return xlsx_reader.sheet_cells(book, sheet)


MAX_ROW = 1_048_576  # the last row of an Excel sheet


def _column_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _cell_text(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return value.strip()
    if value is None:
        return ""
    if kind is int:
        return str(value)
    if kind is float:
        # as Excel shows it: 0.1 + 0.2 is 0.3, not 0.30000000000000004
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value).strip()
