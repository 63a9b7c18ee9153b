"""The rules of one period's data, in one place, whichever way it comes in.

Pure: no database. The page and its grid (`services.measures.check_point`), the file import
(`imports.check_rows`) and the API's bulk upload (`services.bulk`) all call `point_problems`, so a
row gives the same verdict, in the same words, by each way: a file and an API batch holding the
same rows accept and refuse the same rows for the same reasons.

A row comes as raw cells: text from a file, or JSON values (text, numbers) from the API, or
already-parsed dates and numbers from a form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from alwaysevents.input_checks import NumberLimit, number_problem, text_problem

NUMBER_COLUMNS = ("value", "numerator", "denominator")


class MeasureLike(Protocol):
    pk: Any
    name: str
    frequency: str

    @property
    def is_proportion(self) -> bool: ...

    def period_matches(self, day: dt.date) -> bool: ...


@dataclass(frozen=True)
class Problem:
    column: str
    message: str


@dataclass(frozen=True)
class Point:
    """A row that keeps every rule, with only the numbers its measure takes."""

    period: dt.date
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    note: str | None  # None: no note was given, so a correction keeps the note there


ISO_DATE = ("%Y-%m-%d",)
ISO_OR_UK_DATE = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y")


ISO_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_period(text: str, formats: tuple[str, ...] = ISO_OR_UK_DATE) -> dt.date | None:
    """ISO dates (2026-03-02) or UK dates (02/03/2026)."""
    text = text.strip()
    if ISO_SHAPE.fullmatch(text):  # the common case, without strptime (a third of a check)
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    for fmt in formats:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a calendar date
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


def number_text_problem(text: str) -> str:
    """Why `text` (which `parse_number` refused) is not a number, in words."""
    if DECIMAL_COMMA.match(text.replace("%", "").strip()):
        return f"{text}: use a full stop for decimals (81.5, not 81,5)."
    return f"{_quoted(text)} is not a number."


def _quoted(text: str, most: int = 60) -> str:
    """A value quoted back in a message, shortened: a long value is not repeated in full."""
    return repr(text if len(text) <= most else text[: most - 1] + "\u2026")


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _number(raw: Any) -> tuple[Decimal | None, str | None]:
    """A cell as a number, or why it is not one."""
    if isinstance(raw, Decimal):
        return (raw, None) if raw.is_finite() else (None, f"{raw} is not a number.")
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = str(raw)  # a JSON number: read as written (0.1 is 0.1)
    if not isinstance(raw, str):
        return None, "Send a number."
    parsed = parse_number(raw)
    return (parsed, None) if parsed is not None else (None, number_text_problem(raw))


def _period(raw: Any, formats: tuple[str, ...]) -> tuple[dt.date | None, str | None]:
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    text = raw if isinstance(raw, str) else ""
    period = parse_period(text, formats) if text else None
    if period is None:
        shown = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
        return None, f"{_quoted(shown)} is not a date (use 2026-03-02)."
    return period, None


def point_problems(
    measure: MeasureLike | None,
    cells: Mapping[str, Any],
    *,
    limits: Mapping[str, NumberLimit],
    note_max: int,
    date_formats: tuple[str, ...] = ISO_OR_UK_DATE,
) -> tuple[list[Problem], Point | None]:
    """Every problem of one row (period, value, numerator, denominator, note) for `measure`,
    and the row as it would be stored when there are none. `measure` is None when the row names
    a measure that does not exist: the rest of the row is still checked. A file's dates may be
    written the UK way; the API's are ISO dates only (`ISO_DATE`)."""
    problems: list[Problem] = []
    note = cells.get("note")
    if note is not None and not isinstance(note, str):
        problems.append(Problem("note", "The note is text."))
        note = None
    if note is not None:
        problem = text_problem(note)  # before stripping: U+0085 is both whitespace and control
        note = note.strip()
        if problem:
            problems.append(Problem("note", problem))
        elif len(note) > note_max:
            problems.append(
                Problem(
                    "note",
                    f"The note is {len(note)} characters long: at most {note_max} fit. Shorten it.",
                )
            )
    period, period_problem = _period(cells.get("period"), date_formats)
    if period_problem:
        problems.append(Problem("period", period_problem))
    elif measure is not None and period is not None and not measure.period_matches(period):
        expected = "a Monday" if measure.frequency == "weekly" else "the first day of a month"
        problems.append(
            Problem(
                "period",
                f"{period:%d/%m/%Y} is not {expected}, and {measure.name} is {measure.frequency}.",
            )
        )
    numbers: dict[str, Decimal | None] = {}
    for column in NUMBER_COLUMNS:
        raw = cells.get(column)
        numbers[column] = None
        if _blank(raw):
            continue
        number, problem = _number(raw)
        if problem is None and number is not None:
            problem = number_problem(number, limits[column])
        if problem:
            problems.append(Problem(column, problem))
        else:
            numbers[column] = number
    given = {c for c in NUMBER_COLUMNS if not _blank(cells.get(c))}
    if measure is not None:
        problems.extend(_value_problems(measure, numbers, given))
    if problems or measure is None or period is None:
        return problems, None
    if measure.is_proportion:
        point = Point(period, None, numbers["numerator"], numbers["denominator"], note)
    else:
        point = Point(period, numbers["value"], None, None, note)
    return [], point


def _value_problems(
    measure: MeasureLike, numbers: Mapping[str, Decimal | None], given: set[str]
) -> list[Problem]:
    """What a percentage or a number measure needs (the numbers given but unreadable are named
    already, so they are not named again here)."""
    numerator, denominator = numbers["numerator"], numbers["denominator"]
    if measure.is_proportion:
        if "value" in given:
            return [
                Problem(
                    "value",
                    f"{measure.name} is a percentage: give the numerator and denominator, "
                    "not a value.",
                )
            ]
        if not {"numerator", "denominator"} <= given:
            return [Problem("numerator", f"{measure.name} needs a numerator and a denominator.")]
        if numerator is None or denominator is None:
            return []
        problems = []
        if denominator <= 0:
            problems.append(Problem("denominator", "The denominator must be more than 0."))
        elif numerator > denominator:
            problems.append(
                Problem(
                    "numerator",
                    f"The numerator ({numerator}) is above the denominator ({denominator}).",
                )
            )
        if numerator < 0:
            problems.append(Problem("numerator", "The numerator cannot be negative."))
        return problems
    if "value" not in given:
        return [Problem("value", f"{measure.name} needs a value.")]
    if given & {"numerator", "denominator"}:
        return [
            Problem("numerator", f"{measure.name} takes a value, not a numerator and denominator.")
        ]
    return []
