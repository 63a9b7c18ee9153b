"""Hostile import files: a damaged, forged or lying workbook (or CSV) is read correctly or refused
as a file, never a crash, never a partial write and never rows dropped without a word.

The pure reader (`read_rows` + `check_rows`) may only raise `ImportFileError`; the services may
only raise `DomainError(field="file")` for such a file, and then write nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from alwaysevents.exceptions import DomainError
from alwaysevents.input_checks import printable
from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from measurement import import_files, imports
from measurement.models import DataImport, DataPoint
from measurement.services import measures as services
from tests.factories import AlwaysEventFactory
from tests.measurement.test_imports import LIMITS, MEASURES, NOTE_MAX

# openpyxl warns about the damaged parts it reads past: expected of these files.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:openpyxl")

MONDAY = dt.date(2026, 3, 2)
SHEET = "xl/worksheets/sheet1.xml"
MAX_ROW = 1_048_576  # Excel's last row
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def monday(week: int) -> str:
    return (MONDAY + dt.timedelta(weeks=week)).isoformat()


# --- building workbooks ---------------------------------------------------------------------------


def workbook_bytes(weeks: int = 3) -> bytes:
    """A small valid workbook as openpyxl writes it: a header and `weeks` rows of Waiting time,
    the values styled with a number format, so that cells carry a style id (s="1")."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["measure", "period", "value", "note"])
    for week in range(weeks):
        sheet.append(["Waiting time", monday(week), week + 1, f"week {week + 1}"])
        sheet.cell(row=week + 2, column=3).number_format = "0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def expected_rows(weeks: int) -> list[tuple[int, dt.date, Decimal, str]]:
    return [
        (week + 2, MONDAY + dt.timedelta(weeks=week), Decimal(week + 1), f"week {week + 1}")
        for week in range(weeks)
    ]


def rebuild(
    content: bytes,
    replace: dict[str, bytes] | None = None,
    *,
    extra: Iterable[tuple[str, bytes]] = (),
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """The same workbook zipped again, with some parts replaced and others added."""
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as target:
        for name in source.namelist():
            target.writestr(name, replace.get(name, source.read(name)))
        for name, data in extra:
            target.writestr(name, data)
    return buffer.getvalue()


INLINE = re.compile(r'<c r="([A-Z]+\d+)"( s="\d+")? t="inlineStr"><is><t>([^<]*)</t></is></c>')
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)


def with_shared_strings(content: bytes) -> bytes:
    """The workbook with its text in a shared-strings part, as Excel writes it (openpyxl writes
    text inline): a cell then holds an index into that part, which a damaged file can get wrong."""
    source = zipfile.ZipFile(io.BytesIO(content))
    strings: list[str] = []

    def shared(match: re.Match[str]) -> str:
        strings.append(match.group(3))
        return f'<c r="{match.group(1)}"{match.group(2) or ""} t="s"><v>{len(strings) - 1}</v></c>'

    sheet = INLINE.sub(shared, source.read(SHEET).decode())
    assert "inlineStr" not in sheet and strings
    table = (
        f'<sst xmlns="{MAIN_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>"
    )
    types = source.read("[Content_Types].xml").decode()
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/>'
    types = types.replace("</Types>", override + "</Types>")
    return rebuild(
        content,
        {SHEET: sheet.encode(), "[Content_Types].xml": types.encode()},
        extra=[("xl/sharedStrings.xml", table.encode())],
    )


WEEKS = 3
OPENPYXL = workbook_bytes(WEEKS)
SHARED = with_shared_strings(OPENPYXL)
SHARED_STORED = rebuild(SHARED, compression=zipfile.ZIP_STORED)  # flipped bytes hit the XML itself
BASES = (OPENPYXL, SHARED, SHARED_STORED)
SHARED_PARTS = {
    name: zipfile.ZipFile(io.BytesIO(SHARED)).read(name)
    for name in (
        SHEET,
        "xl/sharedStrings.xml",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
    )
}


# --- reading --------------------------------------------------------------------------------------


def check(content: bytes, name: str = "x.xlsx") -> imports.CheckResult:
    return imports.check_rows(
        imports.read_rows(name, content), MEASURES, max_rows=5000, limits=LIMITS, note_max=NOTE_MAX
    )


def read_or_refuse(content: bytes, name: str = "x.xlsx") -> imports.CheckResult | None:
    """The check of a file, or None if it is refused as a file; any other exception fails."""
    try:
        result = check(content, name)
    except imports.ImportFileError as error:
        assert str(error).strip(), "a refusal must say why"
        return None
    assert result.ok == (not result.errors and result.total > 0)
    for row in result.rows:
        assert row.measure_pk in {m.pk for m in MEASURES.values()}
        assert row.note is None or printable(row.note) == row.note
    # Every row is named by a row a sheet can have, below the header, in the order of the sheet,
    # and once: a person must be able to find the row a message names.
    accepted = [r.row for r in result.rows]
    assert all(2 <= n <= MAX_ROW for n in accepted), accepted
    assert accepted == sorted(set(accepted)), accepted
    named = [e.row for e in result.errors if (e.row, e.column) != (1, "file")]
    assert all(2 <= n <= MAX_ROW for n in named), named
    assert named == sorted(named) and not set(named) & set(accepted), named
    assert all(e.message for e in result.errors)
    return result


MEMORY_LIMIT = 50 * 1024 * 1024


@contextmanager
def bounded_memory() -> Iterator[None]:
    """Fails if the block's peak of Python memory is over MEMORY_LIMIT (tracemalloc): a
    deterministic bound, unlike time."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        yield
    finally:
        _, peak = tracemalloc.get_traced_memory()
        if not was_tracing:
            tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"peak memory {peak / 2**20:.0f} MB"


def rows_of(result: imports.CheckResult) -> list[tuple[int, dt.date, Decimal | None, str | None]]:
    return [(r.row, r.period, r.value, r.note) for r in result.rows]


@pytest.mark.parametrize("base", BASES, ids=["openpyxl", "shared strings", "stored"])
def test_the_workbooks_that_are_mutated_below_are_read_in_full_when_intact(base):
    result = check(base)
    assert result.ok, result.errors
    assert rows_of(result) == expected_rows(WEEKS)


# --- 1. any bytes, mutated workbooks and mutated XML: read or refused, never a crash --------------


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000) | st.binary(max_size=2000).map(import_files.XLSX_MAGIC.__add__))
def test_any_bytes_as_an_excel_file_are_read_or_refused_never_a_crash(content):
    read_or_refuse(content)


ZIP_SIGNATURES = re.compile(b"PK\x03\x04|PK\x01\x02|PK\x05\x06")
NASTY = st.sampled_from(
    [b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x00\x00\x00\x80", b"\xff\xff", b"\x00\x00"]
)


@st.composite
def mutated_workbooks(draw: st.DrawFn) -> bytes:
    """A valid workbook with bytes flipped, overwritten, inserted, deleted or cut off, often in
    the zip's headers (where the sizes, flags and compression method are) as well as anywhere."""
    content = bytearray(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        headers = [m.start() for m in ZIP_SIGNATURES.finditer(content)]
        anywhere = st.integers(4, max(len(content), 4))  # the magic bytes: see the test above
        in_a_header = (
            st.builds(int.__add__, st.sampled_from(headers), st.integers(4, 46))
            if headers
            else anywhere
        )
        position = min(draw(anywhere | in_a_header), len(content))
        kind = draw(st.sampled_from(["flip", "overwrite", "insert", "delete", "truncate"]))
        if kind == "flip" and position < len(content):
            content[position] ^= draw(st.integers(1, 255))
        elif kind in ("overwrite", "insert"):
            data = draw(NASTY | st.binary(min_size=1, max_size=8))
            end = position + (len(data) if kind == "overwrite" else 0)
            content[position:end] = data
        elif kind == "delete":
            del content[position : position + draw(st.integers(1, 64))]
        elif kind == "truncate":
            del content[position:]
    return bytes(content)


@settings(max_examples=150, deadline=None)
@given(mutated_workbooks())
def test_a_mutated_workbook_is_read_or_refused_never_a_crash(content):
    read_or_refuse(content)


#: Well-formed fragments that mean nothing good: cells and rows in odd places, shared-string and
#: style indices the file does not hold, types that do not fit their values.
ELEMENTS = st.sampled_from(
    [
        '<c r="E2" t="s"><v>99</v></c>',
        '<c r="E2" t="s"><v>-1</v></c>',
        '<c r="C2" s="99"><v>1</v></c>',
        '<c r="C2" s="-1"><v>1</v></c>',
        '<c r="B2" t="d"><v>not a date</v></c>',
        '<c r="B2" s="1"><v>1e308</v></c>',
        '<c r="E2" t="b"><v>2</v></c>',
        '<c r="E2" t="e"><v>#REF!</v></c>',
        '<c r="E2" t="n"><v>nan</v></c>',
        '<c r="E2" t="inlineStr"><is><r><t>rich</t></r></is></c>',
        '<c r="E2" t="inlineStr"/>',
        '<c r="C2"><f>1/0</f></c>',
        '<c r="A0"><v>1</v></c>',
        '<c r="XFE1"><v>1</v></c>',
        '<c r="A1048577"><v>1</v></c>',
        "<c><v>1</v></c>",
        '<row r="0"><c r="A0"><v>1</v></c></row>',
        '<row r="1048577"/>',
        '<row r="x"/>',
        "<row/>",
        "<si/>",
        "<si><t>x</t></si>",
        '<xf numFmtId="9999" applyNumberFormat="1"/>',
        '<numFmt numFmtId="164" formatCode="0%"/>',
        '<sheet name="x" sheetId="9" state="hidden" r:id="rId99" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>',
        '<Relationship Id="rId99" Type="x" Target="/missing.xml"/>',
        '<Override PartName="/xl/missing.xml" ContentType="x"/>',
        "<!-- x -->",
        "<![CDATA[<c>]]>",
    ]
)
#: Attribute values and element texts to put in place of the real ones.
VALUES = st.sampled_from(
    [
        "",
        "0",
        "-1",
        "1",
        "2",
        "99",
        "4294967296",
        "1e999",
        "nan",
        "x",
        "A0",
        "XFD1048576",
        "XFE1",
        "ZZZZZZZZ1",
        "1A",
        "A1:XFD1048576",
        "s",
        "d",
        "b",
        "e",
        "str",
        "inlineStr",
        "hidden",
        "veryHidden",
        "/missing.xml",
        "&amp;",
    ]
) | st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=12).map(
    lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
)
#: What breaks the XML itself: a stray bracket, a character XML cannot hold, a tag left open.
RAW = st.sampled_from(
    [
        "<",
        ">",
        '"',
        "&",
        "&#0;",
        "&#xD800;",
        "&undefined;",
        "</row>",
        "</sheetData>",
        '<!DOCTYPE x [<!ENTITY a "b">]>',
    ]
)
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=12)
XML_PARTS = st.sampled_from([SHEET] * 4 + list(SHARED_PARTS))
ATTRIBUTE_VALUE = re.compile(r' (?!xmlns)[\w:]+="([^"]*)"')  # not a namespace: nothing read
ELEMENT_TEXT = re.compile(r"(?<=>)[^<]+(?=<)")


@st.composite
def mutated_xml(draw: st.DrawFn, parts: st.SearchStrategy[str] = XML_PARTS) -> bytes:
    """The shared-strings workbook zipped again with one part's XML text mutated: an attribute's
    value or an element's text replaced, an element put in before a tag (all still well-formed
    XML, so that openpyxl reads what it means), or anything put in anywhere (mostly not)."""
    part = draw(parts)
    text = SHARED_PARTS[part].decode()
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(["attribute"] * 3 + ["text"] * 3 + ["element"] * 3 + ["anything"])
        )
        spans = {
            "attribute": [m.span(1) for m in ATTRIBUTE_VALUE.finditer(text)],
            "text": [m.span() for m in ELEMENT_TEXT.finditer(text)],
            "element": [(m.start(), m.start()) for m in re.finditer("<", text)],
        }.get(kind)
        if spans:
            start, end = draw(st.sampled_from(spans))
            insert = draw(ELEMENTS if kind == "element" else VALUES)
        else:
            start = draw(st.integers(0, len(text)))
            end = start + draw(st.integers(0, 8))
            insert = draw(RAW | ELEMENTS | ANY_TEXT)
        text = text[:start] + insert + text[end:]
    return rebuild(SHARED, {part: text.encode("utf-8", "surrogatepass")})


@settings(max_examples=150, deadline=None)
@given(mutated_xml(parts=st.just(SHEET)))
def test_a_workbook_whose_sheet_xml_is_mutated_is_read_or_refused_never_a_crash(content):
    read_or_refuse(content)


@settings(max_examples=150, deadline=None)
@given(mutated_xml())
def test_a_workbook_whose_other_parts_are_mutated_is_read_or_refused_never_a_crash(content):
    read_or_refuse(content)


def test_an_entity_expansion_bomb_in_the_sheet_is_refused_without_expanding():
    laughs = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    ]
    sheet = SHARED_PARTS[SHEET].decode()
    sheet = f"<!DOCTYPE worksheet [{''.join(laughs)}]>" + sheet.replace("<v>1</v>", "<v>&l9;</v>")
    assert "&l9;" in sheet
    with bounded_memory(), pytest.raises(imports.ImportFileError, match="cannot be read"):
        check(rebuild(SHARED, {SHEET: sheet.encode()}))


# --- 2. at the service level: refused as a file, and nothing written ------------------------------


@pytest.fixture
def event(organisation):
    return AlwaysEventFactory(organisation=organisation)


@pytest.fixture
def measure(event):
    return services.measure_create(
        event=event,
        by=None,
        name="Waiting time",
        type="outcome",
        definition="Minutes from arrival to being seen.",
    )


def counts() -> tuple[int, int]:
    """Every data point and import record in the database, in every organisation."""
    with across_organisations():
        return DataPoint.objects.count(), DataImport.objects.count()


def stored_points(measure) -> list[tuple[dt.date, Decimal | None, str]]:
    with organisation_scope(measure.organisation):
        return [
            (p.period, p.value, p.note)
            for p in DataPoint.objects.filter(measure=measure).order_by("period")
        ]


def apply_or_refuse(event, filename: str, content: bytes) -> DataImport | None:
    """Apply a file; if it is refused, check that it is refused as a file and wrote nothing."""
    before = counts()
    try:
        record = services.data_import_apply(
            event=event, filename=filename, content=content, by=None
        )
    except DomainError as error:
        assert error.field == "file" and error.message
        assert counts() == before, "a refused file wrote rows"
        return None
    points, records = counts()
    assert (points - before[0], records - before[1]) == (record.created, 1)
    assert record.created + record.updated == record.rows > 0
    return record


SERVICE_FILES = (
    st.binary(max_size=1000).map(lambda b: ("x.xlsx", b))
    | mutated_workbooks().map(lambda b: ("x.xlsx", b))
    | mutated_xml().map(lambda b: ("x.xlsx", b))
    | st.binary(max_size=500).map(lambda b: ("x.csv", b"measure,period,value\n" + b))
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(file=SERVICE_FILES)
def test_the_services_read_or_refuse_any_file_as_a_file_and_apply_all_or_nothing(
    measure, event, file
):
    filename, content = file
    try:
        checked = services.data_import_check(event=event, filename=filename, content=content)
    except DomainError as error:
        assert error.field == "file" and error.message
        checked = None
    record = apply_or_refuse(event, filename, content)
    if checked is None or not checked.ok:
        assert record is None, "the check refused the file, the import took it"
    else:
        assert record is not None and record.rows == len(checked.rows)


def _flip_in_sheet_data(content: bytes) -> bytes:
    """A byte flipped in the middle of the sheet's compressed data: the zip's CRC no longer
    matches (the reader learns it only when it has read the sheet to its end)."""
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(SHEET)
    name_length, extra_length = struct.unpack_from("<HH", content, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    data = bytearray(content)
    data[start + info.compress_size // 2] ^= 0x55
    return bytes(data)


def _sheet_of(content: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(content)).read(SHEET)


REFUSED_FILES = {
    "workbook cut in half": ("x.xlsx", OPENPYXL[: len(OPENPYXL) // 2]),
    "workbook with a flipped byte": ("x.xlsx", _flip_in_sheet_data(workbook_bytes(200))),
    "workbook with broken sheet XML": (
        "x.xlsx",
        rebuild(OPENPYXL, {SHEET: _sheet_of(OPENPYXL).replace(b"</row>", b"</rw>", 1)}),
    ),
    "garbage as a CSV": ("x.csv", bytes(range(256)) * 8),
    "garbage after a CSV header": ("x.csv", b"measure,period,value\n" + bytes(range(256)) * 8),
    "an Excel file named as a CSV": ("x.csv", OPENPYXL),
}


@pytest.mark.django_db
@pytest.mark.parametrize("filename,content", REFUSED_FILES.values(), ids=REFUSED_FILES)
def test_a_refused_file_writes_nothing_and_leaves_the_data_as_it_was(
    measure, event, filename, content
):
    services.data_point_save(measure=measure, period=MONDAY, value=Decimal(99), by=None)
    before = counts()
    with pytest.raises(DomainError) as refused:
        services.data_import_apply(event=event, filename=filename, content=content, by=None)
    assert refused.value.field == "file"
    assert counts() == before
    assert stored_points(measure) == [(MONDAY, Decimal(99), "")]


MANY = 1500  # more than one batch of writes (services.BATCH)


def _csv_weeks(weeks: int) -> str:
    return "measure,period,value\n" + "".join(
        f"Waiting time,{monday(week)},{week + 1}\n" for week in range(weeks)
    )


def _xlsx_weeks(weeks: int, last: list[Any]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["measure", "period", "value"])
    for week in range(weeks):
        sheet.append(["Waiting time", monday(week), week + 1])
    sheet.append(last)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cut_after_the_good_rows() -> bytes:
    """Every good row, then a last row whose XML breaks off: the reader has yielded all the good
    rows before it meets the damage."""
    content = _xlsx_weeks(MANY, ["Waiting time", monday(MANY), 1])
    sheet = _sheet_of(content)
    last = sheet.rindex(b"<row ")
    return rebuild(content, {SHEET: sheet[: last + 20] + b"</sheetData></worksheet>"})


LAST_ROW_BAD = {
    "CSV, a bad date": ("x.csv", (_csv_weeks(MANY) + "Waiting time,31/02/2026,1\n").encode()),
    "CSV, not a Monday": ("x.csv", (_csv_weeks(MANY) + "Waiting time,2026-03-03,1\n").encode()),
    "CSV, a control character": (
        "x.csv",
        (_csv_weeks(MANY) + f"Waiting time,{monday(MANY)},\x07\n").encode(),
    ),
    "Excel, not a number": ("x.xlsx", _xlsx_weeks(MANY, ["Waiting time", monday(MANY), "lots"])),
    "Excel, a measure it does not have": (
        "x.xlsx",
        _xlsx_weeks(MANY, ["Waiting times", monday(MANY), 1]),
    ),
    "Excel, the XML breaks off": ("x.xlsx", _xlsx_cut_after_the_good_rows()),
}


@pytest.mark.django_db
@pytest.mark.parametrize("filename,content", LAST_ROW_BAD.values(), ids=LAST_ROW_BAD)
def test_a_bad_last_row_after_many_good_rows_writes_nothing(measure, event, filename, content):
    services.data_point_save(measure=measure, period=MONDAY, value=Decimal(99), by=None)
    before = counts()
    with pytest.raises(DomainError) as refused:
        services.data_import_apply(event=event, filename=filename, content=content, by=None)
    assert refused.value.field == "file"
    assert counts() == before
    assert stored_points(measure) == [(MONDAY, Decimal(99), "")]


@pytest.mark.django_db
def test_the_same_rows_without_the_bad_last_row_are_all_written(measure, event):
    """The counterpart of the test above: the good rows alone are imported, every one."""
    before = counts()
    record = services.data_import_apply(
        event=event, filename="x.csv", content=_csv_weeks(MANY).encode(), by=None
    )
    assert (record.rows, record.created) == (MANY, MANY)
    assert counts() == (before[0] + MANY, before[1] + 1)


# --- 3. a zip that lies about its sizes, or asks for what no reader has ---------------------------


#: Fields of a zip entry, as offsets in its central directory record and its local header.
ZIP_FIELDS = {
    "version": ("<H", 6, 4),  # the version needed to extract it
    "flags": ("<H", 8, 6),
    "method": ("<H", 10, 8),  # of compression
    "compress_size": ("<I", 20, 18),
    "file_size": ("<I", 24, 22),
}


def patch_entry(content: bytes, name: str, **fields: int) -> bytes:
    """The zip with fields of one entry changed in its local header and in the central directory,
    its data left as it is: a zip that lies about its sizes, or asks for what no reader has."""
    data = bytearray(content)
    end = data.rindex(b"PK\x05\x06")
    (entries,) = struct.unpack_from("<H", data, end + 10)
    (position,) = struct.unpack_from("<I", data, end + 16)
    for _ in range(entries):
        assert data[position : position + 4] == b"PK\x01\x02"
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        (local,) = struct.unpack_from("<I", data, position + 42)
        if data[position + 46 : position + 46 + name_length].decode() == name:
            assert data[local : local + 4] == b"PK\x03\x04"
            for field, value in fields.items():
                layout, in_central, in_local = ZIP_FIELDS[field]
                struct.pack_into(layout, data, position + in_central, value)
                struct.pack_into(layout, data, local + in_local, value)
            return bytes(data)
        position += 46 + name_length + extra_length + comment_length
    raise AssertionError(f"{name} is not in the zip")


SIZE_WEEKS = 300  # a sheet of ~40 kB: read in several pieces, so rows come before the end
SIZED = workbook_bytes(SIZE_WEEKS)
SIZED_STORED = rebuild(SIZED, compression=zipfile.ZIP_STORED)
LIES: dict[str, Callable[[int], int]] = {
    "none": lambda size: 0,
    "one byte": lambda size: 1,
    "half": lambda size: size // 2,
    "one less": lambda size: size - 1,
    "one more": lambda size: size + 1,
    "a kB more": lambda size: size + 1000,
    "far more": lambda size: size * 20,
}


@pytest.mark.parametrize("lie", LIES)
@pytest.mark.parametrize("field", ["file_size", "compress_size"])
@pytest.mark.parametrize("base", [SIZED, SIZED_STORED], ids=["deflated", "stored"])
def test_a_sheet_whose_declared_size_is_wrong_is_read_in_full_or_refused(base, field, lie):
    info = zipfile.ZipFile(io.BytesIO(base)).getinfo(SHEET)
    declared = LIES[lie](getattr(info, field))
    content = patch_entry(base, SHEET, **{field: declared})
    assert getattr(zipfile.ZipFile(io.BytesIO(content)).getinfo(SHEET), field) == declared
    result = read_or_refuse(content)
    if result is not None:
        assert not result.errors, result.errors[:3]
        assert rows_of(result) == expected_rows(SIZE_WEEKS), "rows dropped without a word"


@pytest.mark.parametrize("name", [SHEET, "docProps/core.xml"])
def test_an_entry_declaring_3_gb_is_refused_before_it_is_opened(name):
    content = patch_entry(OPENPYXL, name, file_size=3 * 1024**3)
    with pytest.raises(imports.ImportFileError, match=re.escape(import_files.TOO_BIG)):
        check(content)


UNREADABLE_ENTRIES = {
    "needs zip version 9.9": lambda info: {"version": 99},
    "encrypted": lambda info: {"flags": info.flag_bits | 0x01},
    "patched data": lambda info: {"flags": info.flag_bits | 0x20},
    "strong encryption": lambda info: {"flags": info.flag_bits | 0x40},
    "unknown compression": lambda info: {"method": 99},
}


@pytest.mark.parametrize("defect", UNREADABLE_ENTRIES)
@pytest.mark.parametrize("name", [SHEET, "xl/workbook.xml"])
def test_a_zip_entry_no_reader_can_open_is_refused_as_a_file(name, defect):
    """Excel's password protection, another program's zip features: the file is refused with
    a reason, not a NotImplementedError or a RuntimeError from the zip reader."""
    info = zipfile.ZipFile(io.BytesIO(OPENPYXL)).getinfo(name)
    content = patch_entry(OPENPYXL, name, **UNREADABLE_ENTRIES[defect](info))
    with pytest.raises(imports.ImportFileError):
        check(content)


def _with_entries(total: int) -> bytes:
    parts = len(zipfile.ZipFile(io.BytesIO(OPENPYXL)).namelist())
    return rebuild(OPENPYXL, extra=[(f"customXml/item{n}.xml", b"") for n in range(total - parts)])


def test_a_workbook_of_more_than_1000_parts_is_refused_and_of_1000_is_read():
    limit = import_files.ZIP_MAX_ENTRIES
    assert limit == 1000
    over = _with_entries(limit + 1)
    assert len(zipfile.ZipFile(io.BytesIO(over)).namelist()) == limit + 1
    with pytest.raises(imports.ImportFileError, match=f"holds more than {limit} parts"):
        check(over)
    result = check(_with_entries(limit))
    assert result.ok and rows_of(result) == expected_rows(WEEKS)


# --- 4. a cell at column XFD and a row at 1,048,576 -----------------------------------------------


def _cell(reference: str, value: str | int) -> str:
    if isinstance(value, int):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>'


Cells = dict[str, str | int]


def hand_written_sheet(rows: Iterable[tuple[int, Cells]], *, empty: str = "") -> bytes:
    """A sheet written by hand: (row number, cells by column letter) in the order given, and
    `empty` (a column) holding an empty cell in every row."""
    xml = []
    for number, cells in rows:
        row = "".join(_cell(f"{col}{number}", value) for col, value in cells.items())
        if empty:
            row += f'<c r="{empty}{number}"/>'
        xml.append(f'<row r="{number}">{row}</row>')
    return (
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>{"".join(xml)}</sheetData></worksheet>'.encode()
    )


HEADER = {"A": "measure", "B": "period", "C": "value"}


def good(week: int) -> Cells:
    return {"A": "Waiting time", "B": monday(week), "C": week + 1}


def with_sheet(sheet: bytes) -> bytes:
    return rebuild(OPENPYXL, {SHEET: sheet})


XFD_ROWS = 1000


def test_every_row_with_a_cell_at_column_xfd_is_refused_by_its_row_without_a_dense_grid():
    rows = {1: HEADER} | {n: good(n - 2) | {"XFD": "stray"} for n in range(2, XFD_ROWS + 2)}
    content = with_sheet(hand_written_sheet(rows.items()))
    with bounded_memory():
        result = read_or_refuse(content)
    assert result is not None, "a stray cell is a row's problem, not the file's"
    assert result.rows == []
    assert [(e.row, e.column) for e in result.errors] == [
        (n, "row") for n in range(2, XFD_ROWS + 2)
    ]
    assert str(result.errors[0]).startswith("Row 2, row: ")


def test_an_empty_cell_at_column_xfd_is_not_a_stray_cell():
    rows = {1: HEADER} | {n: good(n - 2) for n in range(2, 12)}
    with bounded_memory():
        result = read_or_refuse(with_sheet(hand_written_sheet(rows.items(), empty="XFD")))
    assert result is not None and result.ok, result and result.errors
    assert [r.row for r in result.rows] == list(range(2, 12))


def test_a_row_at_1048576_is_read_by_its_number_and_refused_if_it_has_a_stray_cell():
    last = MAX_ROW
    rows = {1: HEADER, 2: good(0), 3: good(1), last: good(2)}
    with bounded_memory():
        result = read_or_refuse(with_sheet(hand_written_sheet(rows.items())))
    assert result is not None and result.ok, result and result.errors
    assert [(r.row, r.value) for r in result.rows] == [(2, 1), (3, 2), (last, 3)]

    rows[last] = good(2) | {"XFD": 7}
    with bounded_memory():
        result = read_or_refuse(with_sheet(hand_written_sheet(rows.items())))
    assert result is not None
    assert [r.row for r in result.rows] == [2, 3]
    assert [(e.row, e.column) for e in result.errors] == [(last, "row")]


def test_a_header_reaching_column_xfd_is_read_or_refused_without_a_dense_grid():
    rows = {1: HEADER | {"XFD": "stray"}} | {n: good(n - 2) for n in range(2, 202)}
    with bounded_memory():
        result = read_or_refuse(with_sheet(hand_written_sheet(rows.items())))
    if result is not None:
        assert [r.row for r in result.rows] == list(range(2, 202))


ODD_ROW_NUMBERS = {
    "row 0": [2, 0],
    "row -1": [2, -1],
    "row 1, the header's": [2, 1],
    "row 2 twice": [2, 3, 2],
    "row 1,048,577": [2, MAX_ROW + 1],
}


@pytest.mark.parametrize("numbers", ODD_ROW_NUMBERS.values(), ids=ODD_ROW_NUMBERS)
def test_a_row_numbered_where_no_sheet_has_one_is_refused_or_named_truly(numbers):
    """Excel numbers rows 1 to 1,048,576, each once, in order; a sheet that says otherwise was
    damaged or forged, and its rows must not be named by numbers no one can find."""
    rows = [(1, HEADER)] + [(number, good(week)) for week, number in enumerate(numbers)]
    result = read_or_refuse(with_sheet(hand_written_sheet(rows)))  # checks the numbers
    if result is not None:
        assert len(result.rows) + len({e.row for e in result.errors}) == len(numbers)
