"""The Making Data Count icons, drawn once: the symbol of every icon on every page and report.

NHS England's "Making Data Count" gives each measure two icons: *variation* (what the latest point
shows) and *assurance* (whether the process will meet its target). `measurement.spc` and
`measurement.reading` decide which icon a measure has (`spc.Icon`: kind, code, label,
description, colour, symbol); this module only draws them, in one place, so that the measure
page, the dashboard, the partner page, the report and its PDF give the same markup for the same
icon:

- `symbol_svg(icon)`: the symbol as inline SVG, a ring in the icon's colour with the letter in
  it (H or L for variation, with dots rising or falling; P, F, ? or a dash for assurance,
  over a dashed target line). Decorative (`aria-hidden`): the words beside it carry the meaning.
  Used by the partial `templates/measurement/_mdc_icon.html`, which adds the words.
- `email_badge(icon)`: the same letter and colour as a bordered span for emails, whose clients
  strip SVG.
- `KEY`: every icon, in order, for the key (`templates/measurement/_mdc_key.html`).
- `stored` / `from_stored`: an icon as kept in a report's JSON summary, and back.

Pure Python (Django's `format_html` for escaping); no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from measurement import spc
from measurement.reading import NOT_ASSESSED

FIELDS = ("kind", "code", "label", "description", "colour", "symbol")

#: The ink of the letters and the target line: dark enough on white for anyone to read.
INK = "#212b32"
SIZE = 28  # pixels: the viewBox is 32 units square

_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")


class IconLike(Protocol):
    """What an icon needs to be drawn: `spc.Icon`, the report's `IconView` or anything alike."""

    @property
    def kind(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def colour(self) -> str: ...
    @property
    def symbol(self) -> str: ...


@dataclass(frozen=True)
class KeyGroup:
    kind: str
    title: str
    intro: str
    icons: tuple[spc.Icon, ...]


def _variation_icons() -> tuple[spc.Icon, ...]:
    drawn = (spc.variation_icon([variation]) for variation in spc.Variation)
    return tuple(icon for icon in drawn if icon is not None)


def _assurance_icons() -> tuple[spc.Icon, ...]:
    drawn = (spc.assurance_icon(value) for value in spc.Assurance)
    # "Not assessed" is chosen by the reading of a chart, not by the engine: a changed process.
    return (*(icon for icon in drawn if icon is not None), NOT_ASSESSED)


#: Every icon a measure can show, as the engine makes it, in the key's order.
KEY = (
    KeyGroup(
        "variation",
        "Variation",
        "what the latest point shows",
        _variation_icons(),
    ),
    KeyGroup(
        "assurance",
        "Assurance",
        "whether the process will meet its target (only with a target and process limits)",
        _assurance_icons(),
    ),
)
BY_CODE: dict[str, spc.Icon] = {icon.code: icon for group in KEY for icon in group.icons}
_BY_LABEL: dict[str, spc.Icon] = {icon.label: icon for icon in BY_CODE.values()}


def colour_of(icon: IconLike) -> str:
    """The icon's colour if it is a plain hex colour, otherwise common-cause grey."""
    colour = str(icon.colour or "")
    return colour if _COLOUR.fullmatch(colour) else spc.COLOURS["common_cause"]


def _dots(points: Iterable[tuple[float, float, str]]) -> str:
    return "".join(
        f'<circle cx="{x:g}" cy="{y:g}" r="1.8" fill="{fill}"/>' for x, y, fill in points
    )


_XS = (8.5, 12.25, 16.0, 19.75, 23.5)


def _pattern(icon: IconLike, colour: str) -> str:
    """The marks under the letter: the points of a little chart, or the target line."""
    grey = spc.COLOURS["common_cause"]
    code = str(icon.code or "")
    if icon.kind == "assurance":
        return (
            f'<line x1="7" y1="23" x2="25" y2="23" stroke="{INK}" stroke-width="1.5"'
            ' stroke-dasharray="2.5 1.5"/>'
        )
    if code.endswith("_high"):  # the latest points unusually high: the last two rise
        ys = (24.0, 23.0, 24.0, 20.5, 18.5)
    elif code.endswith("_low"):  # unusually low: the last two fall
        ys = (18.5, 19.5, 18.5, 22.0, 24.0)
    else:  # common cause: the points wander about the middle, all grey
        return _dots(zip(_XS, (17.0, 14.5, 17.5, 15.0, 17.0), [grey] * 5, strict=True))
    fills = (grey, grey, grey, colour, colour)
    return _dots(zip(_XS, ys, fills, strict=True))


def symbol_svg(icon: IconLike) -> SafeString:
    """The icon's symbol as inline SVG, class `mdc-icon-mark` (the stylesheets size it). No
    `xmlns`: it is HTML's, and the report's PDF keeps it inline rather than turning it into an
    image like the charts (`reporting.rendering`)."""
    colour = colour_of(icon)
    symbol = str(icon.symbol or "")
    letter_y, size = ("19", "13") if icon.kind == "assurance" else ("15", "11")
    letter = (
        format_html(
            '<text x="16" y="{}" text-anchor="middle" font-family="Arial, sans-serif"'
            ' font-size="{}" font-weight="700" fill="{}">{}</text>',
            letter_y,
            size,
            INK,
            symbol,
        )
        if symbol
        else ""
    )
    return format_html(
        '<svg class="mdc-icon-mark" viewBox="0 0 32 32" width="{}" height="{}"'
        ' aria-hidden="true" focusable="false">'
        '<circle cx="16" cy="16" r="14.5" fill="#ffffff" stroke="{}" stroke-width="3"/>'
        "{}{}</svg>",
        SIZE,
        SIZE,
        colour,
        mark_safe(_pattern(icon, colour)),  # noqa: S308 - numbers and a checked colour only
        letter,
    )


def email_badge(icon: IconLike) -> SafeString:
    """The symbol for an email (no SVG: mail clients strip it): the same letter in a ring of the
    same colour, as a styled span. Hidden from screen readers: the words follow it."""
    return format_html(
        '<span aria-hidden="true" style="display: inline-block; min-width: 16px; height: 16px;'
        " padding: 0 2px; border: 2px solid {}; border-radius: 10px; background: #ffffff;"
        " color: {}; font-family: Arial, sans-serif; font-size: 12px; font-weight: bold;"
        ' line-height: 16px; text-align: center; vertical-align: middle;">{}</span>',
        colour_of(icon),
        INK,
        str(icon.symbol or "") or "\u00a0",
    )


def stored(icon: Any) -> dict[str, str]:
    """An icon as plain JSON, for a report's stored summary."""
    return {name: str(getattr(icon, name, "") or "") for name in FIELDS}


def from_stored(value: Any) -> spc.Icon | None:
    """An icon back from a stored summary: the fields written by `stored`, or a (label,
    colour) pair as reports stored them before (found again by its label when it is one of
    ours). None for anything else."""
    if isinstance(value, spc.Icon):
        return value
    if isinstance(value, Mapping):
        known = BY_CODE.get(str(value.get("code") or ""))
        fields = {
            name: str(value.get(name) or (getattr(known, name) if known else "") or "")
            for name in FIELDS
        }
        return spc.Icon(**fields) if fields["label"] else None
    if isinstance(value, list | tuple) and value and isinstance(value[0], str):
        label = value[0]
        if label in _BY_LABEL:
            return _BY_LABEL[label]
        colour = str(value[1]) if len(value) > 1 else ""
        return spc.Icon("", "", label, "", colour, "")
    return None
