"""Reading and checking an import file of measure data (CSV or Excel), before anything is written.

Pure validation: no database. `read_rows` (`measurement.import_files`) turns a file into rows;
`check_rows` checks them against the event's measures and names every bad row and column,
including text with control characters, numbers too large for their column and notes too long
for theirs (`alwaysevents.input_checks`, with the columns' limits passed in by the service).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from alwaysevents.input_checks import NumberLimit, number_problem, text_problem
from measurement.import_files import COLUMNS, EXTRA, ImportFileError, read_rows

__all__ = ["COLUMNS", "ImportFileError", "check_rows", "read_rows"]

TEXT_COLUMNS = ("measure", "note")  # checked for control characters (the rest are parsed)
NUMBER_COLUMNS = ("value", "numerator", "denominator")


class MeasureLike(Protocol):
    pk: Any
    name: str
    frequency: str

    @property
    def is_proportion(self) -> bool: ...

    def period_matches(self, day: dt.date) -> bool: ...


@dataclass(frozen=True)
class RowError:
    row: int  # as people count in a spreadsheet: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.column}: {self.message}"


@dataclass(frozen=True)
class CheckedRow:
    row: int
    measure_pk: Any
    period: dt.date
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    note: str | None  # None: the file has no note column, so a correction keeps the note


@dataclass
class CheckResult:
    rows: list[CheckedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0
    notices: list[str] = field(default_factory=list)  # what the person should know, e.g. the sheet

    @property
    def ok(self) -> bool:
        return not self.errors and self.total > 0


def parse_period(text: str) -> dt.date | None:
    """ISO dates (2026-03-02) or UK dates (02/03/2026)."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")  # 1,234 or 12,345.6
DECIMAL_COMMA = re.compile(r"^[-+]?\d*,\d+$")  # 81,5


def parse_number(text: str) -> Decimal | None:
    """A number as people write it: 81.5, 45%, 1,234 or 1,234.5 (a comma only between groups
    of three digits). Anything else with a comma is not a number: see `number_text_problem`."""
    cleaned = text.replace("%", "").strip()
    if "," in cleaned:
        if not THOUSANDS.match(cleaned):
            return None
        cleaned = cleaned.replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


SHORT_WHOLE = re.compile(r"^[-+]?\d{1,3}$")
THREE_DIGITS = re.compile(r"^\d{3}(\.\d*)?$")


def _split_thousands(cells: Mapping[str, str]) -> tuple[str, str] | None:
    """A number column followed by a cell of three digits: 1,234 written without quotes, which a
    CSV reader splits into 1 and 234 (a value and a note, say). Refused as a guess we won't make."""
    for here, after in itertools.pairwise(cells):
        if after in NUMBER_COLUMNS:  # 12 out of 150 is a proportion, not 12,150
            continue
        if here in NUMBER_COLUMNS and SHORT_WHOLE.match(cells[here]):
            following = cells[after]
            if THREE_DIGITS.match(following):
                return here, (
                    f"{cells[here]} here and {following} in the next column look like one number "
                    f"({cells[here]},{following}) split at its comma. Write it without the comma "
                    f"({cells[here]}{following}) or put quotes around it."
                )
    return None


def number_text_problem(text: str) -> str:
    """Why `text` (which `parse_number` refused) is not a number, in words."""
    if DECIMAL_COMMA.match(text.replace("%", "").strip()):
        return f"{text}: use a full stop for decimals (81.5, not 81,5)."
    return f"{text!r} is not a number."


def check_rows(
    rows: Iterator[tuple[int, dict[str, str]]],
    measures: Mapping[str, MeasureLike],
    *,
    max_rows: int,
    limits: Mapping[str, NumberLimit],
    note_max: int,
) -> CheckResult:
    """Check every row against the event's measures (keyed by lower-case name) and the
    columns' `limits` (value, numerator and denominator) and `note_max` (the note's length)."""
    result = CheckResult()
    seen: dict[tuple[Any, dt.date], int] = {}
    for number, cells in rows:
        result.total += 1
        if result.total > max_rows:
            result.errors.append(RowError(number, "file", f"Files are limited to {max_rows} rows."))
            break
        errors: list[RowError] = []
        for column in TEXT_COLUMNS:
            problem = text_problem(cells.get(column, ""))
            if problem:
                errors.append(RowError(number, column, problem))
        if EXTRA in cells:
            errors.append(
                RowError(
                    number,
                    "row",
                    f"{cells[EXTRA]} Put quotes around a note that holds a comma, and write "
                    "numbers without commas (1234, not 1,234 unquoted).",
                )
            )
        split = _split_thousands(cells)
        if split:
            errors.append(RowError(number, split[0], split[1]))
        note = cells.get("note")
        if note is not None and len(note) > note_max:
            errors.append(
                RowError(
                    number,
                    "note",
                    f"The note is {len(note)} characters long: at most {note_max} fit. Shorten it.",
                )
            )
        name = cells.get("measure", "")
        measure = measures.get(name.strip().lower())
        if measure is None and not any(e.column == "measure" for e in errors):
            errors.append(
                RowError(number, "measure", f"No measure called {name!r} in this Always Event.")
            )
        period = parse_period(cells.get("period", ""))
        if period is None:
            errors.append(
                RowError(
                    number, "period", f"{cells.get('period', '')!r} is not a date (use 2026-03-02)."
                )
            )
        elif measure is not None and not measure.period_matches(period):
            expected = "a Monday" if measure.frequency == "weekly" else "the first day of a month"
            errors.append(
                RowError(
                    number,
                    "period",
                    f"{period:%d/%m/%Y} is not {expected}, "
                    f"and {measure.name} is {measure.frequency}.",
                )
            )
        numbers: dict[str, Decimal | None] = {}
        for column in NUMBER_COLUMNS:
            text = cells.get(column, "")
            numbers[column] = None
            if text:
                parsed = parse_number(text)
                if parsed is None:
                    errors.append(RowError(number, column, number_text_problem(text)))
                else:
                    problem = number_problem(parsed, limits[column])
                    if problem:
                        errors.append(RowError(number, column, problem))
                        parsed = None
                numbers[column] = parsed
        if measure is not None:
            errors.extend(_check_values(number, measure, numbers, cells))
        if measure is not None and period is not None:
            key = (measure.pk, period)
            if key in seen:
                errors.append(
                    RowError(number, "period", f"Same measure and period as row {seen[key]}.")
                )
            else:
                seen[key] = number
        if errors:
            result.errors.extend(errors)
        elif measure is not None and period is not None:
            result.rows.append(
                CheckedRow(
                    number,
                    measure.pk,
                    period,
                    numbers["value"],
                    numbers["numerator"],
                    numbers["denominator"],
                    note,
                )
            )
    if result.total == 0:
        result.errors.append(RowError(1, "file", "The file has a header but no data rows."))
    return result


def _check_values(
    number: int, measure: MeasureLike, numbers: dict[str, Decimal | None], cells: Mapping[str, str]
) -> list[RowError]:
    errors = []
    value, numerator, denominator = numbers["value"], numbers["numerator"], numbers["denominator"]
    if measure.is_proportion:
        if not cells.get("numerator") or not cells.get("denominator"):
            errors.append(
                RowError(
                    number, "numerator", f"{measure.name} needs a numerator and a denominator."
                )
            )
        elif numerator is not None and denominator is not None:
            if denominator <= 0:
                errors.append(
                    RowError(number, "denominator", "The denominator must be more than 0.")
                )
            elif numerator > denominator:
                errors.append(
                    RowError(
                        number,
                        "numerator",
                        f"The numerator ({numerator}) is above the denominator ({denominator}).",
                    )
                )
            if numerator < 0:
                errors.append(RowError(number, "numerator", "The numerator cannot be negative."))
    elif not cells.get("value"):
        errors.append(RowError(number, "value", f"{measure.name} needs a value."))
    elif value is not None and (numerator is not None or denominator is not None):
        errors.append(
            RowError(
                number,
                "numerator",
                f"{measure.name} takes a value, not a numerator and denominator.",
            )
        )
    return errors
