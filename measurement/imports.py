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
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from alwaysevents.exports import restore_formula
from alwaysevents.input_checks import NumberLimit, text_problem
from measurement.import_files import COLUMNS, EXTRA, ImportFileError, is_workbook, read_rows
from measurement.point_rules import (
    NUMBER_COLUMNS,
    MeasureLike,
    number_text_problem,
    parse_number,
    parse_period,
    point_problems,
)

__all__ = [
    "COLUMNS",
    "ImportFileError",
    "check_rows",
    "is_workbook",
    "number_text_problem",
    "parse_number",
    "parse_period",
    "read_rows",
]

ERRORS_KEPT = 1000  # the check stops at this many problems (a file of 100,000 bad rows)
CELL_MAX = 1000  # characters in a cell: more than any measure name, date, number or note
QUOTED_MAX = 60  # characters of a cell quoted back in a message


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
    stopped_at: int | None = None  # the row where the check stopped, at ERRORS_KEPT problems

    @property
    def ok(self) -> bool:
        return not self.errors and self.total > 0

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def full(self) -> bool:
        return len(self.errors) >= ERRORS_KEPT

    def add_errors(self, errors: Iterable[RowError]) -> None:
        self.errors.extend(errors)


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


def quoted(text: str) -> str:
    """A cell quoted back in a message, shortened: a long cell is not repeated in full."""
    if len(text) > QUOTED_MAX:
        text = text[: QUOTED_MAX - 1] + "\u2026"
    return repr(text)


def measure_named(measures: Mapping[str, MeasureLike], cell: str) -> MeasureLike | None:
    """The measure a cell names (`measures` keyed by lower-case name): as our template wrote
    it first (a name a spreadsheet would run as a formula gets a leading apostrophe there,
    `exports.neutralise_formula`), else as typed."""
    name = cell.strip()
    return measures.get(restore_formula(name).strip().lower()) or measures.get(name.lower())


def check_rows(
    rows: Iterator[tuple[int, dict[str, str]]],
    measures: Mapping[str, MeasureLike],
    *,
    max_rows: int,
    limits: Mapping[str, NumberLimit],
    note_max: int,
    split_at_commas: bool = True,
) -> CheckResult:
    """Check every row against the event's measures (keyed by lower-case name) and the
    columns' `limits` (value, numerator and denominator) and `note_max` (the note's length).
    `split_at_commas`: the rows come from a CSV file, where an unquoted 1,234 spills into the
    next cell (a workbook's cells are never split: `import_files.is_workbook`)."""
    result = CheckResult()
    for number, cells in rows:
        if result.full:
            result.stopped_at = number
            break
        if result.total >= max_rows:
            result.errors.append(RowError(number, "file", f"Files are limited to {max_rows} rows."))
            break
        result.total += 1
        errors: list[RowError] = []
        long = [c for c, text in cells.items() if c != EXTRA and len(text) > CELL_MAX]
        if long:  # refused at once, and not copied, parsed or quoted back
            cells = {c: ("" if c in long else text) for c, text in cells.items()}
            errors.extend(
                RowError(number, c, f"This cell is over {CELL_MAX:,} characters long.")
                for c in long
            )
        problem = text_problem(cells.get("measure", ""))
        if problem:
            errors.append(RowError(number, "measure", problem))
        if EXTRA in cells:  # the reader says why, in the words of its kind of file
            errors.append(RowError(number, "row", cells[EXTRA]))
        split = _split_thousands(cells) if split_at_commas else None
        if split:
            errors.append(RowError(number, split[0], split[1]))
        name = cells.get("measure", "")
        measure = measure_named(measures, name)
        if measure is None and not any(e.column == "measure" for e in errors):
            errors.append(
                RowError(
                    number, "measure", f"No measure called {quoted(name)} in this Always Event."
                )
            )
        problems, point = point_problems(measure, cells, limits=limits, note_max=note_max)
        errors.extend(
            RowError(number, p.column, p.message) for p in problems if p.column not in long
        )
        if errors:
            result.add_errors(errors)
        elif point is not None and measure is not None:
            result.rows.append(
                CheckedRow(
                    number,
                    measure.pk,
                    point.period,
                    point.value,
                    point.numerator,
                    point.denominator,
                    point.note,
                )
            )
    _refuse_repeated_periods(result)
    if result.total == 0:
        result.errors.append(RowError(1, "file", "The file has a header but no data rows."))
    return result


def repeated_period_problem(period: dt.date, times: int) -> str:
    """The words for a period given more than once, by a file or by an API batch alike."""
    return f"{period:%d/%m/%Y} is given {times} times: give each period once."


def _refuse_repeated_periods(result: CheckResult) -> None:
    """A measure's period given twice is refused both times, since nobody can say which value
    was meant (as the API's bulk upload refuses it)."""
    times = Counter((r.measure_pk, r.period) for r in result.rows)
    if all(n == 1 for n in times.values()):
        return
    result.add_errors(
        RowError(r.row, "period", repeated_period_problem(r.period, times[r.measure_pk, r.period]))
        for r in result.rows
        if times[r.measure_pk, r.period] > 1
    )
    result.rows = [r for r in result.rows if times[r.measure_pk, r.period] == 1]
    result.errors.sort(key=lambda e: e.row)
