"""The API's JSON parser: DRF's, with a size limit and a nesting limit checked before parsing.

Python's `json` decoder recurses once per level of nesting, so a body of a few thousand `[`
raised RecursionError (a 500) inside `json.loads`, and a body just under that depth would make
every later walk over it (serializers, our checks) recurse as deeply. Here the body is read up
to `API_MAX_BODY_BYTES` (larger: 413) and decoded, then one linear scan measures how deeply
its arrays and objects nest outside strings; deeper than `API_JSON_MAX_DEPTH` answers 400
before `json.loads` sees it. Numbers that overflow to infinity (`1e999`) and `NaN`/`Infinity`
are refused too: no column can hold them. Every refusal is a `ParseError` or `PayloadTooLarge`,
so the client gets the usual error shape.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from itertools import accumulate
from typing import IO, Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding  # type: ignore[attr-defined]

# A JSON string, brackets inside which nest nothing. It always matches from an opening quote, to
# the closing one or, unterminated, to the end (a backslash takes the next character, if any),
# and its quantifiers are possessive: one pass over the text, whatever the text, never a retry
# from each later quote (that would be quadratic in a body of `\"` repeated).
_STRING = re.compile(r'"[^"\\]*+(?:\\[\s\S]?[^"\\]*+)*+(?:"|\Z)')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in `text` (0 for a scalar), counted outside strings.

    Linear in the length and without recursion, so it is safe on any input; on text that is
    not JSON the answer is only an estimate, and `json.loads` then refuses the text anyway.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub('""', text))
    if not brackets:
        return 0
    return max(0, max(accumulate(_STEP[c] for c in brackets)))


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"the number {text[:30]} is too large")
    return number


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


class SafeJSONParser(JSONParser):
    """`application/json` with limits: larger than API_MAX_BODY_BYTES is 413, nested deeper
    than API_JSON_MAX_DEPTH is 400, both before the body is parsed."""

    def parse(
        self,
        stream: IO[bytes] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        # Imported here: errors imports DRF's views, whose settings import this module.
        from alwaysevents.api.errors import PayloadTooLarge

        encoding = get_encoding(parser_context or {})
        limit = int(settings.API_MAX_BODY_BYTES)
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(
                f"The request is larger than {limit} bytes. Send the rows in several requests."
            )
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(f"The body is not valid {encoding} text.") from exc
        max_depth = int(settings.API_JSON_MAX_DEPTH)
        if nesting_depth(text) > max_depth:
            raise ParseError(f"The JSON nests lists and objects more than {max_depth} levels deep.")
        try:
            return json.loads(text, parse_float=_finite, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:  # RecursionError: belt and braces
            raise ParseError(f"JSON parse error - {exc}") from exc
