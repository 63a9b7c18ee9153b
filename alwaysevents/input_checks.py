"""What we store must be something we can show again: the one rule for text and numbers.

Pure: no Django, no database. Forms, the API and the file import all ask these functions (the
Django glue is `alwaysevents.validators`), so the rule cannot differ between the ways in.

- **Text** may hold any character except those that the renderers downstream refuse or that
  nobody can see: C0 controls other than tab, newline and carriage return (browsers send CRLF
  from a textarea), NUL, DEL, C1 controls (U+0080 to U+009F), lone surrogates (JSON can carry
  them; PostgreSQL cannot store them) and U+FFFE/U+FFFF (not allowed in XML, so an SVG chart
  holding one cannot be drawn). openpyxl raises IllegalCharacterError on C0 controls and
  cairosvg's XML parser fails on them, which is how a note once broke a measure's downloads.
- **Numbers** must fit their column: at most `max_digits` digits, `decimal_places` of them
  after the point. Limits are read from the model field (`NumberLimit.of`), never copied.
- **Rows already stored** are cleaned on the way out with `printable`.

`text_problem(text) is None` exactly when `printable(text) == text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

#: Every character we refuse in stored text (and remove on output).
REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BROKEN = re.compile("[\ud800-\udfff\ufffe\uffff]")  # not control characters: broken text
_SHOWN_MAX = 30  # characters of a refused number quoted back in the message


def text_problem(text: str) -> str | None:
    """Why this text cannot be stored, in words for the person who typed it; None if it can."""
    found = REFUSED.search(text)
    if found is None:
        return None
    char = found.group()
    code = f"U+{ord(char):04X}"
    if _BROKEN.match(char):
        return f"Remove the broken character ({code}) from this text."
    return f"Remove the invisible control character ({code}) from this text."


def printable(text: str) -> str:
    """The text without the characters `text_problem` refuses: for rows stored before the rule."""
    return REFUSED.sub("", text)


@dataclass(frozen=True)
class NumberLimit:
    """What a DECIMAL(max_digits, decimal_places) column holds."""

    max_digits: int
    decimal_places: int

    @classmethod
    def of(cls, column: Any) -> NumberLimit:
        """The limit of a model's DecimalField (or anything with the same two attributes)."""
        return cls(int(column.max_digits), int(column.decimal_places))

    @property
    def largest(self) -> Decimal:
        whole = self.max_digits - self.decimal_places
        return Decimal(10) ** whole - Decimal(10) ** -self.decimal_places


def _shown(number: Decimal) -> str:
    text = str(number)
    return text if len(text) <= _SHOWN_MAX else f"{number:.6E}"


def _decimal_places(number: Decimal) -> int:
    """How many places after the point the number really needs (1.500 needs 1)."""
    if number.is_zero():
        return 0
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # noqa: S101 - finite numbers only
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing))


def number_problem(number: Decimal, limit: NumberLimit) -> str | None:
    """Why this number cannot be stored in a column of `limit`, in words; None if it can."""
    if not number.is_finite():
        return "Enter an ordinary number."
    largest = limit.largest
    if number > largest:
        return f"{_shown(number)} is too large: the largest value allowed is {largest:,}."
    if number < -largest:
        return f"{_shown(number)} is too small: the smallest value allowed is {-largest:,}."
    if _decimal_places(number) > limit.decimal_places:
        if limit.decimal_places == 0:
            return f"{_shown(number)} is not a whole number: use a whole number."
        places = (
            "1 decimal place is"
            if limit.decimal_places == 1
            else f"{limit.decimal_places} decimal places are"
        )
        return f"{_shown(number)} has too many decimal places: at most {places} allowed."
    return None
