"""Reading and checking import files: pure, no database."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from openpyxl import Workbook

from alwaysevents.input_checks import NumberLimit
from measurement import imports


@dataclass
class FakeMeasure:
    pk: int
    name: str
    frequency: str
    kind: str = "value"

    @property
    def is_proportion(self) -> bool:
        return self.kind == "proportion"

    def period_matches(self, day: dt.date) -> bool:
        return day.weekday() == 0 if self.frequency == "weekly" else day.day == 1


LIMITS = dict.fromkeys(imports.NUMBER_COLUMNS, NumberLimit(14, 4))  # DataPoint's columns
NOTE_MAX = 300  # DataPoint.note
MEASURES = {
    "waiting time": FakeMeasure(1, "Waiting time", "weekly"),
    "told the plan": FakeMeasure(2, "Told the plan", "monthly", "proportion"),
}


def check(text: str, max_rows: int = 1000) -> imports.CheckResult:
    return imports.check_rows(
        imports.read_rows("data.csv", text.encode()),
        MEASURES,
        max_rows=max_rows,
        limits=LIMITS,
        note_max=NOTE_MAX,
    )


def test_good_rows_are_checked_and_kept():
    result = check(
        "measure,period,value,numerator,denominator,note\n"
        "Waiting time,2026-03-02,12.5,,,busy week\n"
        "told the plan,01/03/2026,,45,50,\n"
    )
    assert result.ok
    assert [(r.row, r.measure_pk, r.period) for r in result.rows] == [
        (2, 1, dt.date(2026, 3, 2)),
        (3, 2, dt.date(2026, 3, 1)),
    ]
    assert result.rows[0].value == Decimal("12.5") and result.rows[0].note == "busy week"
    assert (result.rows[1].numerator, result.rows[1].denominator) == (Decimal(45), Decimal(50))


def test_every_kind_of_bad_row_is_named_by_row_and_column():
    result = check(
        "measure,period,value,numerator,denominator\n"
        "Unknown thing,2026-03-02,1,,\n"  # 2: unknown measure
        "Waiting time,2026-03-03,1,,\n"  # 3: not a Monday
        "Waiting time,2026-03-09,lots,,\n"  # 4: not a number
        "Told the plan,2026-03-01,,60,50\n"  # 5: numerator above denominator
        "Waiting time,2026-03-16,4,,\n"  # 6: its period is given again below
        "Waiting time,2026-03-16,5,,\n"  # 7: duplicate period
        "Told the plan,2026-04-15,,1,2\n"  # 8: not the first of a month
        "Waiting time,yesterday,1,,\n"  # 9: not a date
    )
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (2, "measure"),
        (3, "period"),
        (4, "value"),
        (5, "numerator"),
        (6, "period"),
        (7, "period"),
        (8, "period"),
        (9, "period"),
    }
    messages = {e.row: e.message for e in result.errors}
    assert "No measure called 'Unknown thing'" in messages[2]
    assert "is not a Monday" in messages[3]
    assert "'lots' is not a number" in messages[4]
    assert "above the denominator" in messages[5]
    # neither is kept, as the API refuses both
    assert messages[6] == messages[7] == "16/03/2026 is given 2 times: give each period once."
    assert "first day of a month" in messages[8]
    assert not result.ok


def test_proportions_need_both_parts_and_values_need_a_value():
    result = check(
        "measure,period,value,numerator,denominator\n"
        "Told the plan,2026-03-01,,5,\nWaiting time,2026-03-02,,,\n"
    )
    assert {(e.row, e.column) for e in result.errors} == {(2, "numerator"), (3, "value")}


def test_header_is_required():
    with pytest.raises(imports.ImportFileError, match="Missing: period"):
        list(imports.read_rows("x.csv", b"measure,value\nA,1\n"))


def test_empty_file_and_header_only():
    with pytest.raises(imports.ImportFileError, match="empty"):
        list(imports.read_rows("x.csv", b""))
    result = check("measure,period,value\n")
    assert not result.ok
    assert result.errors[0].column == "file"


def test_wrong_file_types_are_refused():
    with pytest.raises(imports.ImportFileError, match="CSV"):
        list(imports.read_rows("data.txt", b"measure,period\n"))
    with pytest.raises(imports.ImportFileError, match="not a real Excel"):
        list(imports.read_rows("data.xlsx", b"measure,period\n"))
    with pytest.raises(imports.ImportFileError, match="not a CSV text file"):
        list(imports.read_rows("data.csv", b"PK\x03\x04rest-of-a-zip"))
    with pytest.raises(imports.ImportFileError, match="UTF-8"):
        list(imports.read_rows("data.csv", b"measure,period\nCaf\x81,2026-03-02\n"))


def test_row_limit():
    rows = "".join(f"Waiting time,2026-03-{d:02d},1,,\n" for d in (2, 9, 16, 23, 30))
    result = check("measure,period,value,numerator,denominator\n" + rows, max_rows=3)
    assert any("limited to 3 rows" in e.message for e in result.errors)


def test_excel_files_are_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Measure", "Period", "Value"])
    sheet.append(["Waiting time", dt.datetime(2026, 3, 2), 7])  # noqa: DTZ001 - Excel has no zones
    sheet.append([None, None, None])
    sheet.append(["Waiting time", "2026-03-09", 8.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = imports.check_rows(
        imports.read_rows("data.xlsx", buffer.getvalue()),
        MEASURES,
        max_rows=10,
        limits=LIMITS,
        note_max=NOTE_MAX,
    )
    assert result.ok
    assert [(r.period, r.value) for r in result.rows] == [
        (dt.date(2026, 3, 2), Decimal(7)),
        (dt.date(2026, 3, 9), Decimal("8.5")),
    ]


def test_broken_excel_is_refused():
    with pytest.raises(imports.ImportFileError, match="cannot be read"):
        list(imports.read_rows("data.xlsx", b"PK\x03\x04not really a zip"))
