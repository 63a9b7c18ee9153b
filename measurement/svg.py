"""Accessible SVG charts, drawn on the server: the same picture in the browser, emails and PDFs.

Pure rendering from a `ChartSpec`: no database, no analysis. Every point carries its meaning in
its shape and a text label as well as its colour; the chart has a title and a description, and
pages show the data table beside it as the text alternative.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from alwaysevents.input_checks import printable

WIDTH, HEIGHT = 800, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 40, 72

COLOURS = {
    "common": "#a6a6a6",
    "improvement": "#00b0f0",
    "concern": "#e46c0a",
    "neutral": "#490092",
    "excluded": "#ffffff",
}


@dataclass(frozen=True)
class Segment:
    """A phase: the indices it covers and the lines drawn across it (None: not drawn)."""

    start: int
    end: int  # inclusive
    centre: float | None
    upper: float | None = None
    lower: float | None = None
    upper_close: float | None = None
    lower_close: float | None = None
    centre_label: str = "Average"
    trial: bool = False


@dataclass(frozen=True)
class PointMark:
    kind: str  # common, improvement, concern, neutral, excluded
    label: str  # plain words, e.g. "Improvement (high)"


@dataclass
class ChartSpec:
    title: str
    description: str
    labels: list[str]
    values: Sequence[float | None]
    marks: list[PointMark]
    segments: list[Segment] = field(default_factory=list)
    target: float | None = None
    annotations: list[tuple[int, str]] = field(default_factory=list)
    y_label: str = ""
    y_floor: float | None = None  # e.g. 0 for counts; limits are drawn clipped to it
    element_id: str = "chart"  # prefix of the title and description ids: unique on the page


def _nice_range(low: float, high: float) -> tuple[float, float, float]:
    if math.isclose(low, high):
        low, high = low - 1, high + 1
    span = high - low
    raw = span / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _text(value: str) -> str:
    """Text for the SVG: escaped, and without control characters, which XML cannot hold
    (a PNG is drawn by an XML parser that fails on them; notes stored before they were
    refused may hold some)."""
    return escape(printable(value), quote=True)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render(spec: ChartSpec) -> str:
    """The chart as a self-contained, accessible SVG string."""
    n = len(spec.values)
    numbers = [v for v in spec.values if v is not None]
    for seg in spec.segments:
        numbers += [x for x in (seg.centre, seg.upper, seg.lower) if x is not None]
    if spec.target is not None:
        numbers.append(spec.target)
    low, high, step = _nice_range(min(numbers, default=0.0), max(numbers, default=1.0))
    if spec.y_floor is not None:
        low = max(low, spec.y_floor)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: float) -> float:
        return LEFT + (plot_w * (i + 0.5) / max(n, 1))

    def y(v: float) -> float:
        v = max(v, low)
        return TOP + plot_h - (v - low) / (high - low) * plot_h

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{spec.element_id}-title {spec.element_id}-desc" '
        'font-family="Arial, sans-serif" font-size="12">',
        f'<title id="{spec.element_id}-title">{_text(spec.title)}</title>',
        f'<desc id="{spec.element_id}-desc">{_text(spec.description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    # Grid and y axis.
    tick = low
    while tick <= high + step / 2:
        ty = y(tick)
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#e8edee"/>'
        )
        out.append(
            f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end" fill="#212b32">{_fmt(tick)}</text>'
        )
        tick += step
    if spec.y_label:
        out.append(
            f'<text x="14" y="{TOP + plot_h / 2:.1f}" transform="rotate(-90 14 {TOP + plot_h / 2:.1f})" '
            f'text-anchor="middle" fill="#212b32">{_text(spec.y_label)}</text>'
        )
    # Phases, their centre lines, limits and close-to-limit lines.
    for number, seg in enumerate(spec.segments):
        x1, x2 = x(seg.start) - plot_w / max(n, 1) / 2, x(seg.end) + plot_w / max(n, 1) / 2
        if number:
            out.append(
                f'<line class="phase-break" x1="{x1:.1f}" x2="{x1:.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#212b32" stroke-dasharray="2 3"/>'
            )
        lines = [
            ("centre", seg.centre, "#212b32", "", seg.centre_label),
            ("limit upper", seg.upper, "#425563", "6 4", "Upper limit"),
            ("limit lower", seg.lower, "#425563", "6 4", "Lower limit"),
            ("close upper", seg.upper_close, "#aeb7bd", "2 4", ""),
            ("close lower", seg.lower_close, "#aeb7bd", "2 4", ""),
        ]
        for css, value, colour, dash, label in lines:
            if value is None or value < low:
                continue
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<line class="{css}" x1="{x1:.1f}" x2="{x2:.1f}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                f'stroke="{colour}" stroke-width="1.5"{dash_attr}><title>{_text(label or css)}: {_fmt(value)}</title></line>'
            )
        if seg.trial:
            out.append(
                f'<text class="trial" x="{x1 + 4:.1f}" y="{TOP - 6}" fill="#212b32">Trial limits</text>'
            )
    if spec.target is not None:
        ty = y(spec.target)
        out.append(
            f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#007f3b" '
            f'stroke-width="2" stroke-dasharray="10 4"><title>Target: {_fmt(spec.target)}</title></line>'
        )
        out.append(
            f'<text x="{WIDTH - RIGHT}" y="{ty - 5:.1f}" text-anchor="end" fill="#007f3b">Target {_fmt(spec.target)}</text>'
        )
    # The data line, broken at gaps and at phase changes.
    path: list[str] = []
    starts = {seg.start for seg in spec.segments}
    for i, value in enumerate(spec.values):
        if value is None or spec.marks[i].kind == "excluded":
            continue
        command = "M" if not path or i in starts or spec.values[i - 1] is None else "L"
        path.append(f"{command}{x(i):.1f},{y(value):.1f}")
    if path:
        out.append(
            f'<path class="data" d="{" ".join(path)}" fill="none" stroke="#425563" stroke-width="1.5"/>'
        )
    # Points: colour, shape and a title each.
    for i, (value, mark) in enumerate(zip(spec.values, spec.marks, strict=True)):
        if value is None:
            continue
        px, py = x(i), y(value)
        colour = COLOURS.get(mark.kind, COLOURS["common"])
        tip = f"<title>{_text(spec.labels[i])}: {_fmt(value)}. {_text(mark.label)}</title>"
        if mark.kind in ("improvement", "concern", "neutral"):
            size = 6
            out.append(
                f'<polygon class="point {mark.kind}" points="{px:.1f},{py - size:.1f} {px + size:.1f},{py:.1f} '
                f'{px:.1f},{py + size:.1f} {px - size:.1f},{py:.1f}" fill="{colour}" stroke="#212b32">{tip}</polygon>'
            )
        elif mark.kind == "excluded":
            out.append(
                f'<circle class="point excluded" cx="{px:.1f}" cy="{py:.1f}" r="4.5" fill="#ffffff" stroke="#212b32" stroke-dasharray="2 2">{tip}</circle>'
            )
        else:
            out.append(
                f'<circle class="point common" cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{colour}" stroke="#425563">{tip}</circle>'
            )
    # Annotations: a marker on the period, numbered; the text is in the title and the table.
    for number, (index, text) in enumerate(spec.annotations, start=1):
        if not 0 <= index < n:
            continue
        ax = x(index)
        out.append(
            f'<g class="annotation"><line x1="{ax:.1f}" x2="{ax:.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#005eb8" stroke-width="1" stroke-dasharray="1 3"/>'
            f'<rect x="{ax - 8:.1f}" y="{TOP + 2}" width="16" height="16" rx="3" fill="#005eb8"/>'
            f'<text x="{ax:.1f}" y="{TOP + 14}" text-anchor="middle" fill="#ffffff" font-weight="bold">{number}</text>'
            f"<title>{_text(text)}</title></g>"
        )
    # X labels: at most about 12 of them.
    every = max(1, math.ceil(n / 12))
    for i, label in enumerate(spec.labels):
        if i % every == 0 or i == n - 1:
            lx = x(i)
            out.append(
                f'<text x="{lx:.1f}" y="{TOP + plot_h + 16}" text-anchor="end" transform="rotate(-40 {lx:.1f} {TOP + plot_h + 16})" fill="#212b32">{_text(label)}</text>'
            )
    out.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#212b32"/>'
    )
    out.append("</svg>")
    return "\n".join(out)


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 180, 48, 5


def render_sparkline(spec: ChartSpec) -> str:
    """A small chart of the same spec for dashboards: no axes or labels, the whole picture in
    its accessible name (`spec.description`). Special-cause points keep their diamond shape and
    colour, so the chart reads without colour; the text beside it carries the icons' words."""
    n = len(spec.values)
    numbers = [v for v in spec.values if v is not None]
    for seg in spec.segments:
        numbers += [x for x in (seg.centre, seg.upper, seg.lower) if x is not None]
    if spec.target is not None:
        numbers.append(spec.target)
    low, high = min(numbers, default=0.0), max(numbers, default=1.0)
    if spec.y_floor is not None:
        low = max(low, spec.y_floor)
    if math.isclose(low, high):
        low, high = low - 1, high + 1
    plot_w, plot_h = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD

    def x(i: float) -> float:
        return SPARK_PAD + plot_w * (i + 0.5) / max(n, 1)

    def y(v: float) -> float:
        v = min(max(v, low), high)
        return SPARK_PAD + plot_h - (v - low) / (high - low) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ae-sparkline" viewBox="0 0 {SPARK_WIDTH} '
        f'{SPARK_HEIGHT}" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" role="img" '
        f'aria-label="{_text(spec.description)}">',
        f'<rect width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" fill="#ffffff"/>',
    ]
    step = plot_w / max(n, 1)
    for seg in spec.segments:
        x1, x2 = x(seg.start) - step / 2, x(seg.end) + step / 2
        for value, colour, dash in (
            (seg.centre, "#212b32", ""),
            (seg.upper, "#425563", "3 2"),
            (seg.lower, "#425563", "3 2"),
        ):
            if value is None or value < low:
                continue
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                f'stroke="{colour}" stroke-width="1"{dash_attr}/>'
            )
    if spec.target is not None:
        ty = y(spec.target)
        out.append(
            f'<line class="target" x1="{SPARK_PAD}" x2="{SPARK_WIDTH - SPARK_PAD}" y1="{ty:.1f}" '
            f'y2="{ty:.1f}" stroke="#007f3b" stroke-width="1.5" stroke-dasharray="6 3"/>'
        )
    path: list[str] = []
    starts = {seg.start for seg in spec.segments}
    for i, value in enumerate(spec.values):
        if value is None or spec.marks[i].kind == "excluded":
            continue
        command = "M" if not path or i in starts or spec.values[i - 1] is None else "L"
        path.append(f"{command}{x(i):.1f},{y(value):.1f}")
    if path:
        out.append(f'<path d="{" ".join(path)}" fill="none" stroke="#425563" stroke-width="1"/>')
    for i, (value, mark) in enumerate(zip(spec.values, spec.marks, strict=True)):
        if value is None:
            continue
        px, py = x(i), y(value)
        colour = COLOURS.get(mark.kind, COLOURS["common"])
        if mark.kind in ("improvement", "concern", "neutral"):
            size = 3.5
            out.append(
                f'<polygon class="point {mark.kind}" points="{px:.1f},{py - size:.1f} '
                f'{px + size:.1f},{py:.1f} {px:.1f},{py + size:.1f} {px - size:.1f},{py:.1f}" '
                f'fill="{colour}" stroke="#212b32" stroke-width="0.5"/>'
            )
        elif mark.kind == "excluded":
            out.append(
                f'<circle class="point excluded" cx="{px:.1f}" cy="{py:.1f}" r="2" '
                f'fill="#ffffff" stroke="#212b32" stroke-width="0.5"/>'
            )
        else:
            out.append(
                f'<circle class="point common" cx="{px:.1f}" cy="{py:.1f}" r="2" fill="{colour}"/>'
            )
    out.append("</svg>")
    return "".join(out)
