"""Tables as downloads: CSV or Excel (openpyxl), the same columns either way.

Each app's `exports.py` builds a `Table` from its selectors (plain data, a constant number of
queries); views hand it to `table_response` with the format from the URL. Text is written
without control characters (`input_checks.printable`): openpyxl refuses them, and rows stored
before they were refused at the forms, the API and the import may hold some.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse

from alwaysevents.input_checks import printable

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Cells that a spreadsheet would run as a formula start with one of these (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    title: str  # the sheet name and the start of the file name
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]


def neutralise_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula, with a leading apostrophe so it reads as text.

    Text that already looks neutralised (apostrophes, then a formula start) gets one more, so
    `restore_formula` gives back exactly what was written: files we hand out can come back in.
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def restore_formula(cell: str) -> str:
    """The text that `neutralise_formula` was given (any other cell is returned as it is)."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_START):
        return cell[1:]
    return cell


def _safe_text(value: str) -> str:
    return neutralise_formula(printable(value))


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return _safe_text(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    return value


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([printable(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([v.isoformat() if isinstance(v, dt.date) else _cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode()  # the BOM lets Excel read UTF-8


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    title = re.sub(r"[\[\]:*?/\\]", " ", printable(table.title))[:31]
    sheet = book.create_sheet(title=title)
    header = []
    for name in table.headers:
        cell = WriteOnlyCell(sheet, value=printable(name))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([float(v) if isinstance(v, Decimal) else _cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_response(table: Table, fmt: str, filename: str) -> HttpResponse:
    """The table as a download; 404 for a format we do not offer."""
    if fmt not in FORMATS:
        raise Http404("No such format.")
    content = to_csv(table) if fmt == "csv" else to_xlsx(table)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "export"
    response["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    return response
