"""Imports and charts: a 50,000-row CSV checked and applied, directly and through the import
page, a corpus of hostile import files, and a 104-point chart rendered.

Run with `make bench`. Uses a throwaway SQLite database (or DATABASE_URL if set). Prints:

- the import service: rows a second, the peak memory of a fresh process applying the 50,000-row
  CSV (target under 200 MB) and queries per batch of 1,000 rows (constant);
- the import page, as a browser uses it, in a fresh process as a web worker would run it (a team
  lead signed in, the page fetched once): the same 50,000 rows posted (the check page), then
  applied with the token the check gave. Rows a second for check and apply together (target at
  least 5,000) and the growth of the process's resident memory from just before the first post to
  its peak (target under 100 MB); the rows are counted in the database afterwards;
- hostile files, generated here (none is stored), each at most 5 MB, the upload limit: zip bombs
  and lying zips, sheets with cells at column XFD or a row at 1,048,576, a 4 MB shared string,
  5 MB CSV cells and lines of commas, too many rows, unclosed quotes. Each is checked
  (`services.data_import_check`) in a fresh process (warmed with a small CSV and workbook
  first), printing the answer (the refusal, or "checked: N rows, M problems"), the CPU seconds
  (target under 5 s) and the growth of resident memory (target under 100 MB). An answer that is
  an exception rather than a refusal is printed with its traceback; each check is stopped at 60 s
  of CPU or 4 GB of address space (the bench's own guard, reported as MISSED);
- the time to render the SVG of a 104-point chart against the whole chart page around it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import random
import resource
import signal
import string
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "VAR_DIR" not in os.environ:  # the processes started below share their parent's
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="alwaysevents-bench-")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alwaysevents.settings")

import django

django.setup()

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from measurement import charts
from measurement.models import DataPoint
from measurement.selectors.measures import measure_phases, measure_points
from measurement.services import measures as services
from programmes.models import AlwaysEvent, Organisation

ROWS = 50_000
MEASURES = 25  # 25 weekly measures x 2,000 weeks = 50,000 rows
MEASURE_NAME = "Bench measure {}"

PAGE_RATE_TARGET = 5_000  # rows a second, check and apply through the page together
MEMORY_TARGET_MB = 100  # growth of a web worker's resident memory for one import or check
CPU_TARGET_S = 5.0  # CPU seconds to check one hostile file
CPU_CAP_S = 60  # the bench stops a hostile check here (SIGXCPU)
ADDRESS_CAP = 4 * 1024**3  # and here (MemoryError), so a runaway cannot take the machine
UPLOAD_LIMIT = 5 * 1024 * 1024  # MEASUREMENT_IMPORT_MAX_BYTES's default: every hostile file fits


def _reset_peak_rss() -> None:
    """Linux: start the process's peak resident memory afresh (`/proc/self/clear_refs`, 5)."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def _peak_rss_mb() -> float:
    """The process's peak resident memory since `_reset_peak_rss` (VmHWM), in MB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _bench_points(event: AlwaysEvent) -> int:
    with organisation_scope(event.organisation):
        return DataPoint.objects.filter(
            measure__event=event, measure__name__startswith=MEASURE_NAME.format("")
        ).count()


def import_in_this_process(event_pk: int, path: Path) -> None:
    """`--import`: apply the file to the event and print speed, memory and queries."""
    settings.MEASUREMENT_IMPORT_MAX_BYTES = 50 * 1024 * 1024
    content = path.read_bytes()
    with across_organisations():
        event = AlwaysEvent.objects.select_related("organisation").get(pk=event_pk)
    _reset_peak_rss()
    before_mb = _peak_rss_mb()
    tracemalloc.start()
    began = time.perf_counter()
    with organisation_scope(event.organisation), CaptureQueriesContext(connection) as queries:
        record = services.data_import_apply(
            event=event, filename="bench.csv", content=content, by=None
        )
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = _peak_rss_mb()
    batches = -(-record.rows // services.BATCH)
    print(
        f"import: {record.rows} rows in {elapsed:.2f} s ({record.rows / elapsed:,.0f} rows a second)"
    )
    print(
        f"peak memory of a fresh process doing the import: {rss_mb:.0f} MB (target < 200 MB; "
        f"{before_mb:.0f} MB before it, with Django and the app loaded); peak Python memory of "
        f"the import itself {peak / 1e6:.0f} MB"
    )
    print(
        f"queries: {len(queries)} for {batches} batches ({(len(queries) - 3) / batches:.1f} a batch, constant)"
    )


# --- through the import page --------------------------------------------------------------------


def page_import_in_this_process(event_pk: int, path: Path) -> None:
    """`--page`: as a browser: post the file (the check page), then apply it with the token."""
    from django.test import Client
    from django.urls import reverse

    from programmes import permissions
    from programmes.models import Membership, Role

    settings.ALLOWED_HOSTS = ["*"]
    with across_organisations():
        event = AlwaysEvent.objects.select_related("organisation").get(pk=event_pk)
    with organisation_scope(event.organisation):
        membership = (
            Membership.objects.select_related("user")
            .filter(role=Role.TEAM_LEAD, is_active=True)
            .order_by("pk")
            .first()
        )
    assert membership is not None, "the demo has no team lead"
    assert permissions.can_edit_event(membership, event), "the team lead cannot edit the event"
    client = Client()
    client.force_login(membership.user)
    url = reverse(
        "measurement:data-import", kwargs={"org_slug": event.organisation.slug, "pk": event.pk}
    )
    warm = client.get(url, secure=True)  # a worker that has served the page before
    assert warm.status_code == 200, f"GET {url}: {warm.status_code}"
    points_before = _bench_points(event)
    rows = ROWS

    _reset_peak_rss()
    before_mb = _peak_rss_mb()
    began = time.perf_counter()
    with path.open("rb") as upload:
        checked = client.post(url, {"file": upload}, secure=True)
    check_s = time.perf_counter() - began
    stash = client.session.get("measurement_import") or {}
    token = stash.get("token")
    if checked.status_code != 200 or not token:
        print(
            f"through the page: FAILED, the check answered {checked.status_code} with no token "
            f"(the file was refused or had problems); nothing applied"
        )
        return
    began_apply = time.perf_counter()
    applied = client.post(url, {"action": "apply", "token": token}, secure=True)
    elapsed = time.perf_counter() - began
    apply_s = time.perf_counter() - began_apply
    growth_mb = _peak_rss_mb() - before_mb

    written = _bench_points(event) - points_before
    if applied.status_code != 302 or written != rows:
        print(
            f"through the page: FAILED, apply answered {applied.status_code} "
            f"(to {applied.get('Location')}); {written:,} points written, expected {rows:,}"
        )
        return
    rate = rows / elapsed
    print(
        f"through the page (check page, then apply): {rows:,} rows in {elapsed:.2f} s (check "
        f"{check_s:.2f} s, apply {apply_s:.2f} s): {rate:,.0f} rows a second (target >= "
        f"{PAGE_RATE_TARGET:,}) {_verdict(rate >= PAGE_RATE_TARGET)}"
    )
    print(
        f"through the page: resident memory +{growth_mb:.0f} MB from just before the first post "
        f"to the peak (target < {MEMORY_TARGET_MB} MB) {_verdict(growth_mb < MEMORY_TARGET_MB)}; "
        f"{before_mb:.0f} MB before it; {written:,} points written, as expected"
    )


# --- a hostile corpus ---------------------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="' + MAIN_NS.encode() + b'"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
)
SHARED_STRINGS_REL = (
    b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'sharedStrings" Target="sharedStrings.xml" Id="rId99" />'
)
FIRST_MONDAY = dt.date(1990, 1, 1)  # a Monday: every bench measure is weekly


def _period(week: int) -> str:
    return (FIRST_MONDAY + dt.timedelta(weeks=week)).isoformat()


def _letter(index: int) -> str:
    """The column letters of the cell at `index` (0: A)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _row(number: int, *cells: str) -> bytes:
    """A sheet row of inline strings from column A."""
    return (
        f'<row r="{number}">'
        + "".join(
            f'<c r="{_letter(i)}{number}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
            for i, text in enumerate(cells)
        )
        + "</row>"
    ).encode()


HEADER_ROW = _row(1, "measure", "period", "value")


def _template_parts() -> list[tuple[str, bytes]]:
    """The parts of an empty workbook as openpyxl writes it, but its sheet."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    with zipfile.ZipFile(buffer) as workbook:
        return [(n, workbook.read(n)) for n in workbook.namelist() if n != SHEET]


def _write_xlsx(
    target: Path | io.BytesIO,
    sheet: Iterable[bytes],
    *,
    shared_strings: bytes | None = None,
    parts: int = 0,
    level: int = 6,
) -> None:
    """A workbook whose sheet XML is `sheet`, written piece by piece (never whole in memory), with
    `shared_strings` as its shared strings and padded with empty parts to `parts` zip entries."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as workbook:
        template = _template_parts()
        for name, data in template:
            if shared_strings is not None and name == "[Content_Types].xml":
                data = data.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            if shared_strings is not None and name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", SHARED_STRINGS_REL + b"</Relationships>")
            workbook.writestr(name, data)
        if shared_strings is not None:
            workbook.writestr("xl/sharedStrings.xml", shared_strings)
        with workbook.open(SHEET, "w", force_zip64=True) as part:  # zip64: over 2 GB is fine
            for chunk in sheet:
                part.write(chunk)
        written = len(template) + 1 + (shared_strings is not None)
        for number in range(parts - written):
            workbook.writestr(f"customXml/item{number}.xml", b"<a/>")


def _declare_size(content: bytes, name: str, size: int, *, crc_of_prefix: bool = False) -> bytes:
    """The zip with `name`'s uncompressed size declared as `size` in its local header and in the
    central directory (and, if `crc_of_prefix`, the CRC of its first `size` bytes to match)."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    info = archive.getinfo(name)
    crc = zlib.crc32(archive.read(name)[:size]) if crc_of_prefix else info.CRC
    data = bytearray(content)
    # Local file header: CRC-32 at 14, compressed size at 18, uncompressed size at 22.
    assert data[info.header_offset : info.header_offset + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, info.header_offset + 14, crc)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    # Central directory entry: CRC-32 at 16, uncompressed size at 24, the name from 46.
    encoded, found = name.encode(), 0
    at = data.find(b"PK\x01\x02")
    while at != -1:
        if data[at + 46 : at + 46 + len(encoded)] == encoded:
            struct.pack_into("<I", data, at + 16, crc)
            struct.pack_into("<I", data, at + 24, size)
            found += 1
        at = data.find(b"PK\x01\x02", at + 4)
    assert found == 1, f"{name} found {found} times in the central directory"
    return bytes(data)


def _bomb(path: Path, size: int) -> None:
    """A sheet of `size` bytes of repeated cells, deflated at level 9 (about 490 to 1)."""
    row = b"<row>" + b"<c><v>1</v></c>" * 1000 + b"</row>"
    chunk = row * 64

    def sheet() -> Iterator[bytes]:
        yield SHEET_HEAD + HEADER_ROW
        for _ in range(size // len(chunk)):
            yield chunk
        yield SHEET_TAIL

    _write_xlsx(path, sheet(), level=9)


def _valid_workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["measure", "period", "value"])
    for number in range(rows):
        sheet.append([MEASURE_NAME.format(number % MEASURES), _period(number // MEASURES), 5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _lying(path: Path, declared: int, *, crc_of_prefix: bool = False) -> None:
    """20,000 valid rows (3.4 MB of sheet XML) declared as `declared` bytes."""
    path.write_bytes(
        _declare_size(_valid_workbook(20_000), SHEET, declared, crc_of_prefix=crc_of_prefix)
    )


def _xfd(path: Path, rows: int) -> None:
    def sheet() -> Iterator[bytes]:
        yield SHEET_HEAD + HEADER_ROW
        for start in range(2, rows + 2, 1_000):
            yield b"".join(
                f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
                for n in range(start, min(start + 1_000, rows + 2))
            )
        yield SHEET_TAIL

    _write_xlsx(path, sheet())


def _wide(path: Path, rows: int, columns: int) -> None:
    """A sheet of `rows` rows of `columns` filled cells: a measure, a period, a value, then
    numbers (as a survey tool's export with many questions)."""
    numbers = random.Random(14)

    header = ["measure", "period", "value", *(f"question {n}" for n in range(1, columns - 2))]

    def sheet() -> Iterator[bytes]:
        yield SHEET_HEAD + _row(1, *header)
        for number in range(2, rows + 2):
            extra = "".join(f"<c><v>{numbers.randrange(1000)}</v></c>" for _ in range(columns - 3))
            yield (
                _row(number, MEASURE_NAME.format(0), _period(number), str(number % 100))[:-6]
                + extra.encode()
                + b"</row>"
            )
        yield SHEET_TAIL

    _write_xlsx(path, sheet(), level=9)


def _empty_cells(path: Path, rows: int) -> None:
    """`rows` rows of 1,000 empty cells, each with a reference and a style that vary, so the
    sheet compresses about 6 to 1 (a zip of one repeated cell would be refused unread)."""
    styles = random.Random(15)
    letters = [_letter(index) for index in range(1_000)]

    def sheet() -> Iterator[bytes]:
        yield SHEET_HEAD + HEADER_ROW
        for number in range(2, rows + 2):
            yield (
                f'<row r="{number}">'.encode()
                + b"".join(
                    f'<c r="{letter}{number}" s="{styles.randrange(1_000)}"/>'.encode()
                    for letter in letters
                )
                + b"</row>"
            )
        yield SHEET_TAIL

    _write_xlsx(path, sheet(), level=9)


def _shared_string(path: Path, size: int, cells: int) -> None:
    """One shared string of `size` random letters (it hardly compresses, so no zip rule refuses
    it), used as the measure name of `cells` rows."""
    text = "".join(random.Random(7).choices(string.ascii_letters, k=size))
    strings = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN_NS}" '
        f'count="{cells}" uniqueCount="1"><si><t>{text}</t></si></sst>'
    ).encode()
    rows = b"".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c><c r="B{n}" t="inlineStr"><is><t>'
        f'{_period(n)}</t></is></c><c r="C{n}"><v>5</v></c></row>'.encode()
        for n in range(2, cells + 2)
    )
    _write_xlsx(path, [SHEET_HEAD + HEADER_ROW + rows + SHEET_TAIL], shared_strings=strings)


def _entities(path: Path) -> None:
    """Billion laughs: ten levels of entities, each ten of the one below (10^10 characters)."""
    entities = '<!ENTITY a0 "lollollollol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        + f"<!DOCTYPE worksheet [{entities}]>".encode()
        + b'<worksheet xmlns="'
        + MAIN_NS.encode()
        + b'"><sheetData>'
        + HEADER_ROW
        + b'<row r="2"><c r="A2" t="inlineStr"><is><t>&a9;</t></is></c></row>'
        + SHEET_TAIL
    )
    _write_xlsx(path, [sheet])


def _csv_filling(first: bytes, fill: bytes, last: bytes = b"") -> bytes:
    """`first`, then `fill` repeated to make the file exactly the upload limit, then `last`."""
    return first + fill * ((UPLOAD_LIMIT - len(first) - len(last)) // len(fill)) + last


def _csv_rows(rows: int, row: Callable[[int], str]) -> bytes:
    return ("measure,period,value\n" + "".join(row(n) + "\n" for n in range(rows))).encode()


def hostile_corpus(directory: Path, valid_csv: bytes) -> list[tuple[str, Path]]:
    """Write the hostile files into `directory`: (what each is, its path)."""
    directory.mkdir(parents=True, exist_ok=True)
    corpus: list[tuple[str, Path]] = []

    def add(label: str, name: str, write: Callable[[Path], None]) -> None:
        path = directory / name
        write(path)
        size = path.stat().st_size
        assert size <= UPLOAD_LIMIT, f"{name} is {size:,} bytes, over the upload limit"
        corpus.append((label, path))

    def content(data: bytes) -> Callable[[Path], None]:
        def write(path: Path) -> None:
            path.write_bytes(data)

        return write

    add(
        "zip bomb: a sheet of 2 GB of repeated cells, deflated at level 9",
        "bomb.xlsx",
        lambda path: _bomb(path, 2 * 1024**3),
    )
    add(
        "lying zip: a 3.4 MB sheet declared as 1,000 bytes (its CRC left as it was)",
        "lying-size.xlsx",
        lambda path: _lying(path, 1_000),
    )
    add(
        "lying zip: a 3.4 MB sheet declared as 100,000 bytes (its CRC left as it was)",
        "lying-size-100k.xlsx",
        lambda path: _lying(path, 100_000),
    )
    add(
        "lying zip: a 3.4 MB sheet declared as 1,000 bytes, with the CRC of those 1,000 bytes",
        "lying-size-and-crc.xlsx",
        lambda path: _lying(path, 1_000, crc_of_prefix=True),
    )
    add(
        "1,001 zip entries",
        "parts.xlsx",
        lambda path: _write_xlsx(path, [SHEET_HEAD + HEADER_ROW + SHEET_TAIL], parts=1_001),
    )
    add(
        "one cell at column XFD (16,384) on each of 1,000 rows",
        "xfd-1k.xlsx",
        lambda path: _xfd(path, 1_000),
    )
    add(
        "one cell at column XFD (16,384) on each of 100,000 rows (the row limit)",
        "xfd-100k.xlsx",
        lambda path: _xfd(path, 100_000),
    )
    add(
        "a header, then one row at r=1048576 (the last row Excel has)",
        "last-row.xlsx",
        lambda path: _write_xlsx(
            path,
            [
                SHEET_HEAD
                + HEADER_ROW
                + _row(1_048_576, MEASURE_NAME.format(0), _period(0), "5")
                + SHEET_TAIL
            ],
        ),
    )
    add(
        "a wide sheet: a header and 40,000 rows of 50 filled columns (2,000,000 cells, 4.6 MB)",
        "wide-50.xlsx",
        lambda path: _wide(path, 40_000, 50),
    )
    add(
        "1,100,000 empty cells, each with its own reference and style",
        "empty-cells.xlsx",
        lambda path: _empty_cells(path, 1_100),
    )
    add(
        "a 4 MB shared string (random letters), as one row's measure",
        "shared-string.xlsx",
        lambda path: _shared_string(path, 4 * 1024 * 1024, 1),
    )
    add(
        "the same 4 MB shared string as the measure of 200 rows",
        "shared-string-200.xlsx",
        lambda path: _shared_string(path, 4 * 1024 * 1024, 200),
    )
    add(
        "entities expanding to 10 GB in the sheet (billion laughs)",
        "entities.xlsx",
        _entities,
    )
    add(
        "CSV: one 5 MB cell (the measure)",
        "one-cell.csv",
        content(_csv_filling(b"measure,period,value\n", b"x", b",1990-01-01,5\n")),
    )
    add(
        "CSV: a header, then 5 MB of commas on one line",
        "commas.csv",
        content(_csv_filling(b"measure,period,value\n", b",", b"\n")),
    )
    add(
        "CSV: 5 MB of commas on one line as the header",
        "commas-header.csv",
        content(_csv_filling(b"", b",", b"\n")),
    )
    add(
        "CSV: 150,000 short bad rows (over the 100,000-row limit)",
        "rows-150k.csv",
        content(_csv_rows(150_000, lambda n: "x,y,z")),
    )
    add(
        "CSV: 100,000 rows, each with an unknown measure",
        "unknown-100k.csv",
        content(_csv_rows(100_000, lambda n: f"No such measure,{_period(n % 2000)},5")),
    )
    add(
        'CSV: an unclosed quote at the start of the 50,000-row file ("measure,...)',
        "unclosed-quote.csv",
        content(b'"' + valid_csv),
    )
    return corpus


def _warm_up(event: AlwaysEvent) -> None:
    """A small CSV and a small workbook checked first: openpyxl imported, the database open."""
    workbook = io.BytesIO()
    _write_xlsx(workbook, [SHEET_HEAD + HEADER_ROW + _row(2, "x", _period(0), "1") + SHEET_TAIL])
    for name, data in (
        ("warm.csv", b"measure,period,value\nx,1990-01-01,1\n"),
        ("warm.xlsx", workbook.getvalue()),
    ):
        services.data_import_check(event=event, filename=name, content=data)


def check_in_this_process(event_pk: int, path: Path) -> None:
    """`--check`: check one hostile file; print its answer, CPU and memory as JSON."""
    content = path.read_bytes()
    with across_organisations():
        event = AlwaysEvent.objects.select_related("organisation").get(pk=event_pk)
    _warm_up(event)
    # The bench's guard: a runaway check is stopped (SIGXCPU, or MemoryError), not the machine.
    cap = int(_cpu_s()) + CPU_CAP_S
    resource.setrlimit(resource.RLIMIT_CPU, (cap, cap + 10))
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_CAP, ADDRESS_CAP))
    _reset_peak_rss()
    before_mb = _peak_rss_mb()
    began = _cpu_s()
    answer: dict[str, Any] = {"exception": None}
    try:
        result = services.data_import_check(event=event, filename=path.name, content=content)
    except DomainError as error:
        answer["verdict"] = f"refused: {error.message}"
    except BaseException as error:  # MemoryError included: a traceback is a bug to report
        answer["verdict"] = f"EXCEPTION {type(error).__name__}: {str(error)[:200]}"
        answer["exception"] = traceback.format_exc(limit=12)
    else:
        first = f" (the first: {str(result.errors[0])[:120]})" if result.errors else ""
        answer["verdict"] = (
            f"checked: {_count(result.total, 'row')}, {_count(len(result.errors), 'problem')}"
            + first
        )
    answer["cpu"] = _cpu_s() - began
    answer["growth"] = _peak_rss_mb() - before_mb
    print(json.dumps(answer))


def check_corpus(event: AlwaysEvent, corpus: list[tuple[str, Path]]) -> None:
    """Check each hostile file in a fresh process and print what it answered and cost."""
    print(
        f"hostile files, each checked in a fresh process (targets: CPU < {CPU_TARGET_S:.0f} s, "
        f"resident memory growth < {MEMORY_TARGET_MB} MB):",
        flush=True,
    )
    costs: list[tuple[float, float, str]] = []
    bad: list[str] = []
    for label, path in corpus:
        command = [sys.executable, __file__, "--check", str(event.pk), str(path)]
        try:
            done = subprocess.run(  # noqa: S603 - this very script, our own arguments
                command, capture_output=True, text=True, timeout=CPU_CAP_S * 3, check=False
            )
        except subprocess.TimeoutExpired:
            answer: dict[str, Any] = {"verdict": f"STOPPED after {CPU_CAP_S * 3} s (wall clock)"}
        else:
            lines = done.stdout.strip().splitlines()
            try:
                answer = json.loads(lines[-1])
            except (IndexError, ValueError):
                ended = (
                    f"killed by {signal.Signals(-done.returncode).name}"
                    if done.returncode < 0
                    else f"exit status {done.returncode}"
                )
                if done.returncode == -signal.SIGXCPU:
                    ended += f" at the bench's cap of {CPU_CAP_S} s of CPU"
                answer = {"verdict": f"STOPPED: {ended}", "cpu": None, "growth": None}
                if done.stderr.strip():
                    answer["exception"] = done.stderr.strip()[-3000:]
        cpu, growth = answer.get("cpu"), answer.get("growth")
        cpu_text = (
            f"CPU {cpu:.2f} s {_verdict(cpu < CPU_TARGET_S)}"
            if cpu is not None
            else "CPU over the cap MISSED"
        )
        growth_text = (
            f"memory +{growth:.0f} MB {_verdict(growth < MEMORY_TARGET_MB)}"
            if growth is not None
            else "memory unknown MISSED"
        )
        size = path.stat().st_size
        print(f"- {label} ({path.name}, {size / 1e6:.2f} MB): {cpu_text}; {growth_text}")
        print(f"    -> {answer['verdict']}", flush=True)
        if answer.get("exception"):
            print("    " + answer["exception"].rstrip().replace("\n", "\n    "))
        missed = cpu is None or growth is None or cpu >= CPU_TARGET_S or growth >= MEMORY_TARGET_MB
        if missed or answer.get("exception") or answer["verdict"].startswith("STOPPED"):
            bad.append(path.name)
        costs.append((cpu if cpu is not None else float(CPU_CAP_S), growth or 0.0, path.name))
    by_cpu = ", ".join(f"{n} {c:.1f} s" for c, _, n in sorted(costs, reverse=True)[:3])
    by_memory = ", ".join(f"{n} +{g:.0f} MB" for _, g, n in sorted(costs, key=lambda c: -c[1])[:3])
    print(f"hostile files, the most CPU: {by_cpu}; the most memory: {by_memory}")
    print(
        "hostile files that MISSED a target or answered with an exception: "
        + (", ".join(bad) if bad else "none")
    )


# --- all of it ------------------------------------------------------------------------------------


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.MEASUREMENT_IMPORT_MAX_BYTES = 50 * 1024 * 1024
    organisation = Organisation.objects.get(slug="northfield")
    with organisation_scope(organisation):
        events = list(AlwaysEvent.objects.order_by("pk")[:2])
    event, page_event = events  # the page imports the same rows into a second event
    names = [MEASURE_NAME.format(i) for i in range(MEASURES)]
    for target in (event, page_event):
        for name in names:
            services.measure_create(
                event=target, by=None, name=name, type="outcome", definition="Bench"
            )
    start = FIRST_MONDAY
    rng = random.Random(7)
    lines = ["measure,period,value"]
    for name in names:
        for week in range(ROWS // MEASURES):
            lines.append(f"{name},{start + dt.timedelta(weeks=week)},{rng.randint(0, 100)}")
    content = "\n".join(lines).encode()
    print(f"file: {len(lines) - 1} rows, {len(content) / 1e6:.1f} MB", flush=True)
    csv_path = Path(os.environ["VAR_DIR"]) / "bench-import.csv"
    csv_path.write_bytes(content)
    # In a fresh process, as a worker would run it: the peak memory is the import's, not the
    # seeding's above (which leaves this process at about 210 MB).
    command = [sys.executable, __file__, "--import", str(event.pk), str(csv_path)]
    subprocess.run(command, check=True)  # noqa: S603 - this very script, our own arguments
    command = [sys.executable, __file__, "--page", str(page_event.pk), str(csv_path)]
    subprocess.run(command, check=True)  # noqa: S603 - this very script, our own arguments

    began = time.perf_counter()
    corpus = hostile_corpus(Path(os.environ["VAR_DIR"]) / "hostile", content)
    print(f"hostile files: {len(corpus)} written in {time.perf_counter() - began:.0f} s")
    check_corpus(event, corpus)

    with organisation_scope(organisation):
        measure = services.measure_create(
            event=event, by=None, name="Chart bench", type="process", definition="Bench"
        )
        for week in range(104):
            services.data_point_save(
                measure=measure,
                period=start + dt.timedelta(weeks=week),
                value=Decimal(rng.randint(40, 60)),
                by=None,
            )
        points, phases = measure_points(measure=measure), measure_phases(measure=measure)
    began = time.perf_counter()
    for _ in range(20):
        context = charts.measure_chart_context(measure, points, phases)
    per_chart = (time.perf_counter() - began) / 20
    from django.test import Client
    from django.urls import reverse

    from programmes.models import Membership

    with organisation_scope(organisation):
        user = Membership.objects.filter(role="team_member").first().user  # type: ignore[union-attr]
    client = Client()
    client.force_login(user)
    path = reverse(
        "measurement:measure-detail",
        kwargs={"org_slug": "northfield", "pk": event.pk, "measure_pk": measure.pk},
    )
    settings.ALLOWED_HOSTS = ["*"]
    # secure: over plain HTTP the page is a redirect to HTTPS (SECURE_SSL_REDIRECT), not the page
    response = client.get(path, secure=True)
    assert response.status_code == 200, f"GET {path}: {response.status_code}"
    began = time.perf_counter()
    for _ in range(20):
        client.get(path, secure=True)
    per_page = (time.perf_counter() - began) / 20
    print(
        f"chart of 104 points (analysis and SVG): {per_chart * 1000:.1f} ms; the whole page: {per_page * 1000:.1f} ms "
        f"(chart share {per_chart / per_page:.0%}); SVG {len(context['chart'].svg) / 1000:.0f} kB"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--import"]:
        import_in_this_process(int(sys.argv[2]), Path(sys.argv[3]))
    elif sys.argv[1:2] == ["--page"]:
        page_import_in_this_process(int(sys.argv[2]), Path(sys.argv[3]))
    elif sys.argv[1:2] == ["--check"]:
        check_in_this_process(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
