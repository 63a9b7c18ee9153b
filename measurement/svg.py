"""Accessible SVG charts, drawn on the server: the same picture in the browser, emails and PDFs.

Pure rendering from a `ChartSpec`: no database, no analysis. Every point carries its meaning in
its shape and a text label as well as its colour; the chart has a title and a description, and
pages show the data table beside it as the text alternative. Lines are named in words where they
end, text is large enough to read on a phone, and on the page each point can be reached with the
keyboard (none of which needs colour, CSS or JavaScript to be read).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from alwaysevents.input_checks import printable

# The drawing's own size. Pages scale it to their width: on a 390 px phone the measure page
# draws it 358 px wide (390 less the NHS width container's 16 px gutters), so a font size of
# FONT in a WIDTH-wide drawing shows at FONT * 358 / WIDTH = 13.1 px there; PDFs and emails use
# the same sizes. Everything else (margins, label boxes, rows of markers) follows from FONT.
WIDTH, HEIGHT = 600, 400
FONT = 22
LINE = 26  # the height of a line of text, and of a label's box
ROW = 30  # a row of numbered markers above the plot (a box of LINE and a gap)
PAD, RIGHT, GAP = 8, 12, 4

COLOURS = {
    "common": "#a6a6a6",
    "improvement": "#00b0f0",
    "concern": "#e46c0a",
    "neutral": "#490092",
    "excluded": "#ffffff",
}
TEXT, LIMIT, TARGET = "#212b32", "#425563", "#007f3b"

# The page's view of a point for keyboard and mouse, on focus or hover (a ring round the point
# and its words in a box above the plot), is drawn by the site's stylesheet (`.ae-svg-chart` in
# frontend/app/_components.scss): not by a <style> of the SVG's own, which the pages'
# Content-Security-Policy would refuse. A readout is display="none" until that sheet applies, so
# PDFs and images, where nothing is focused and the sheet is absent, never show one.


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
    # Points a keyboard can reach (a tab stop each, the value shown on focus) in `render`.
    # `render_sparkline` never makes them: a dashboard holds many charts.
    interactive: bool = True


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


# Advance widths (in ems) of DejaVu Sans, what browsers and renderers without Arial fall back
# to and wider than Arial: estimates from them err on the side of room.
_EMS: dict[str, float] = {}
for _chars, _em in (
    ("'ijlIJ", 0.29),
    (" ,.:;/\\|", 0.34),
    ("f-()[]t!r", 0.41),
    ('"*_`', 0.5),
    ("szc?L", 0.56),
    ("FkvxyPTYaoe", 0.62),
    ("ESbdghnpqu0123456789${}", 0.64),
    ("KAVBRXZC", 0.7),
    ("UHNDG&OQ", 0.79),
    ("w#+<=>^~M", 0.86),
    ("%mW@", 1.0),
):
    _EMS.update(dict.fromkeys(_chars, _em))


@lru_cache(maxsize=2048)
def text_width(text: str, size: float = FONT, *, bold: bool = False) -> float:
    """About how wide `text` is drawn at `size` (generously: wide fonts, wide characters)."""
    ems = sum(_EMS.get(ch, 1.0 if ord(ch) >= 0x1100 else 0.7) for ch in text)
    return ems * size * (1.12 if bold else 1.0)


@lru_cache(maxsize=512)
def _fit(text: str, room: float, *, bold: bool = False) -> str:
    """`text`, shortened with an ellipsis if it would be wider than `room`."""
    if text_width(text, bold=bold) <= room:
        return text
    room -= text_width("…", bold=bold)
    used = 0.0
    for end, ch in enumerate(text):
        used += text_width(ch, bold=bold)
        if used > room:
            return text[:end].rstrip() + "…"
    return text


def spread(
    ideals: Sequence[float], sizes: Sequence[float], low: float, high: float, gap: float = GAP
) -> list[float]:
    """Starts for boxes of `sizes` along one axis, wanted at `ideals` (their starts, in order),
    that do not overlap (`gap` apart) and stay within low..high where they fit: boxes that
    would collide are moved apart as a block, centred where its members wanted to be."""
    # Blocks of neighbouring boxes: their first and last members, and where the block starts.
    firsts: list[int] = []
    lasts: list[int] = []
    begins: list[float] = []

    def length(first: int, last: int) -> float:
        return sum(sizes[first : last + 1]) + gap * (last - first)

    for i in range(len(ideals)):
        firsts.append(i)
        lasts.append(i)
        begins.append(ideals[i])
        while True:
            size = length(firsts[-1], lasts[-1])
            begins[-1] = min(max(begins[-1], low), max(low, high - size))
            if len(begins) < 2 or begins[-2] + length(firsts[-2], lasts[-2]) + gap <= begins[-1]:
                break
            # Merge the last two blocks, placed where its members want it on average.
            first, last = firsts[-2], lasts[-1]
            del firsts[-1], lasts[-2], begins[-1]
            offset, wishes = 0.0, 0.0
            for j in range(first, last + 1):
                wishes += ideals[j] - offset
                offset += sizes[j] + gap
            begins[-1] = wishes / (last - first + 1)
    starts: list[float] = []
    for first, last, begin in zip(firsts, lasts, begins, strict=True):
        at = begin
        for j in range(first, last + 1):
            starts.append(at)
            at += sizes[j] + gap
    return starts


@dataclass
class _Label:
    css: str
    text: str
    colour: str
    line_y: float
    below: bool
    top: float = 0.0


_Box = tuple[float, float, float, float, _Label]  # a label's left, right, top and bottom


def render(spec: ChartSpec) -> str:
    """The chart as a self-contained, accessible SVG string.

    Text is sized to be read on a phone (see WIDTH and FONT); the centre line, the process limits
    and the target are labelled in words at the right-hand end of their lines; numbered markers
    of PDSA cycles and notes never overlap; with `spec.interactive`, each point is a tab stop
    named by its period, value and meaning, which are also shown above the plot on focus.
    """
    n = len(spec.values)
    numbers = [v for v in spec.values if v is not None]
    for seg in spec.segments:
        numbers += [x for x in (seg.centre, seg.upper, seg.lower) if x is not None]
    if spec.target is not None:
        numbers.append(spec.target)
    low, high, step = _nice_range(min(numbers, default=0.0), max(numbers, default=1.0))
    if spec.y_floor is not None:
        low = max(low, spec.y_floor)
    unit = "%" if spec.y_label.strip() == "%" else ""
    interactive = spec.interactive

    # Left margin: the unit, turned, then the widest tick label.
    ticks: list[float] = []
    tick = low
    while tick <= high + step / 2:
        ticks.append(tick)
        tick += step
    tick_width = max((text_width(_fmt(t)) for t in ticks), default=0.0)
    left = PAD + (LINE if spec.y_label else 0) + tick_width + 2 * PAD
    plot_w = WIDTH - left - RIGHT
    pitch = plot_w / max(n, 1)

    def x(i: float) -> float:
        return left + pitch * (i + 0.5)

    # Period labels on up to two lines ("6 Jan" over "2025"), never overlapping.
    split = [label.rsplit(" ", 1) if " " in label.strip() else [label] for label in spec.labels]
    x_lines = max((len(parts) for parts in split), default=1)
    bottom = PAD + x_lines * LINE + PAD
    # Numbered markers above the plot, in as many rows as they need (at least one: the row where
    # a focused point's value is shown).
    numbered = sorted(
        (
            (number, i, text)
            for number, (i, text) in enumerate(spec.annotations, start=1)
            if 0 <= i < n
        ),
        key=lambda marker: (marker[1], marker[0]),
    )
    box_w = [max(LINE, text_width(str(number), bold=True) + 2 * PAD) for number, _, _ in numbered]
    rows = 1
    while any(
        sum(box_w[k] + GAP for k in range(row, len(box_w), rows)) > WIDTH - GAP - left
        for row in range(rows)
    ):
        rows += 1
    top = PAD + rows * ROW
    height = HEIGHT + (rows - 1) * ROW
    plot_h = height - top - bottom
    plot_bottom = top + plot_h

    def y(v: float) -> float:
        v = max(v, low)
        return top + plot_h - (v - low) / (high - low) * plot_h

    # An image's parts are hidden from assistive technology: points to be reached need a group.
    root_role = 'role="group"' if interactive else 'role="img"'
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ae-svg-chart" viewBox="0 0 {WIDTH} {height}" {root_role} '
        f'aria-labelledby="{spec.element_id}-title {spec.element_id}-desc" '
        f'font-family="Arial, sans-serif" font-size="{FONT}">',
        f'<title id="{spec.element_id}-title">{_text(spec.title)}</title>',
        f'<desc id="{spec.element_id}-desc">{_text(spec.description)}</desc>',
    ]
    # The frame of the chart: said in words by the description, the labels and the points.
    out += [
        '<g aria-hidden="true">' if interactive else "<g>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for t in ticks:
        ty = y(t)
        out.append(
            f'<line class="grid" x1="{left}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#e8edee"/>'
        )
        out.append(
            f'<text x="{left - PAD:.1f}" y="{ty:.1f}" dy="0.35em" text-anchor="end" fill="{TEXT}">{_fmt(t)}</text>'
        )
    if spec.y_label:
        mid, ux = top + plot_h / 2, PAD + FONT * 0.8
        out.append(
            f'<text x="{ux:.1f}" y="{mid:.1f}" transform="rotate(-90 {ux:.1f} {mid:.1f})" '
            f'text-anchor="middle" fill="{TEXT}">{_text(_fit(spec.y_label, plot_h))}</text>'
        )
    # Phases, their centre lines, limits and close-to-limit lines.
    for number, seg in enumerate(spec.segments):
        x1, x2 = x(seg.start) - pitch / 2, x(seg.end) + pitch / 2
        if number:
            out.append(
                f'<line class="phase-break" x1="{x1:.1f}" x2="{x1:.1f}" y1="{top}" y2="{plot_bottom}" stroke="{TEXT}" stroke-width="1.5" stroke-dasharray="3 4"/>'
            )
        lines = [
            ("centre", seg.centre, TEXT, "", seg.centre_label),
            ("limit upper", seg.upper, LIMIT, "8 5", "Upper limit"),
            ("limit lower", seg.lower, LIMIT, "8 5", "Lower limit"),
            ("close upper", seg.upper_close, "#aeb7bd", "2 5", ""),
            ("close lower", seg.lower_close, "#aeb7bd", "2 5", ""),
        ]
        for css, value, colour, dash, label in lines:
            if value is None or value < low:
                continue
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<line class="{css}" x1="{x1:.1f}" x2="{x2:.1f}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                f'stroke="{colour}" stroke-width="2"{dash_attr}><title>{_text(label or css)}: {_fmt(value)}{unit}</title></line>'
            )
    if spec.target is not None and spec.target >= low:
        ty = y(spec.target)
        out.append(
            f'<line class="target" x1="{left}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{TARGET}" '
            f'stroke-width="2.5" stroke-dasharray="12 5"><title>Target: {_fmt(spec.target)}{unit}</title></line>'
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
            f'<path class="data" d="{" ".join(path)}" fill="none" stroke="{LIMIT}" stroke-width="2"/>'
        )
    out += _period_labels(split, x, left, plot_bottom, pitch)
    out.append(
        f'<line class="axis" x1="{left}" x2="{WIDTH - RIGHT}" y1="{plot_bottom}" y2="{plot_bottom}" stroke="{TEXT}"/>'
    )
    out.append("</g>")
    out += _annotations(numbered, box_w, rows, x, left, top, plot_bottom)
    out += _points(spec, x, y, pitch, top, unit)
    out += _line_labels(spec, x, y, low, top, plot_bottom, pitch, unit)
    out.append("</svg>")
    return "\n".join(out)


def _period_labels(
    split: list[list[str]], x: Callable[[float], float], left: float, base: float, pitch: float
) -> list[str]:
    """The periods' labels under the axis, as many as fit side by side: always the latest, then
    every so many points back from it, each with a tick on the axis."""
    n = len(split)
    if not n:
        return []
    widths = [max(text_width(part) for part in parts) for parts in split]
    every = max(1, math.ceil((max(widths) + 3 * PAD) / pitch))
    out: list[str] = []
    limit = math.inf  # the left edge of the label placed before (to the right)
    i = n - 1
    while i >= 0:
        half = widths[i] / 2
        cx = min(max(x(i), GAP + half), WIDTH - GAP - half)
        if cx + half + 2 * PAD > limit:
            i -= 1  # too close to the one after it (moved in from the edge): try the one before
            continue
        limit = cx - half
        parts = split[i]
        tspans = "".join(
            f'<tspan x="{cx:.1f}" dy="{0.8 if k == 0 else 1.2}em">{_text(part)}</tspan>'
            for k, part in enumerate(parts)
        )
        out.append(
            f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{base}" y2="{base + 6}" stroke="{TEXT}"/>'
            f'<text class="period" x="{cx:.1f}" y="{base + PAD:.1f}" text-anchor="middle" fill="{TEXT}">{tspans}</text>'
        )
        i -= every
    return out


def _annotations(
    numbered: list[tuple[int, int, str]],
    box_w: list[float],
    rows: int,
    x: Callable[[float], float],
    left: float,
    top: float,
    plot_bottom: float,
) -> list[str]:
    """Numbered markers of PDSA cycles and notes in rows above the plot, moved apart along their
    row so that no two overlap, each joined to its period by a line (the words are in its title
    and in the data table). Neighbours go to different rows when there is more than one."""
    placed: list[tuple[int, str]] = []
    for row in range(rows):
        members = list(range(row, len(numbered), rows))
        lefts = spread(
            [x(numbered[k][1]) - box_w[k] / 2 for k in members],
            [box_w[k] for k in members],
            left,
            WIDTH - GAP,
        )
        box_y = top - GAP - LINE - row * ROW
        for k, bx in zip(members, lefts, strict=True):
            number, index, text = numbered[k]
            ax, cx = x(index), bx + box_w[k] / 2
            placed.append(
                (
                    row,
                    f'<g class="annotation"><line x1="{ax:.1f}" x2="{ax:.1f}" y1="{top}" y2="{plot_bottom}" stroke="#005eb8" stroke-width="1.5" stroke-dasharray="2 4"/>'
                    f'<line x1="{cx:.1f}" x2="{ax:.1f}" y1="{box_y + LINE:.1f}" y2="{top}" stroke="#005eb8" stroke-width="1.5"/>'
                    f'<rect x="{bx:.1f}" y="{box_y:.1f}" width="{box_w[k]:.1f}" height="{LINE}" rx="4" fill="#005eb8"/>'
                    f'<text x="{cx:.1f}" y="{box_y + LINE / 2:.1f}" dy="0.35em" text-anchor="middle" fill="#ffffff" font-weight="bold">{number}</text>'
                    f"<title>{_text(text)}</title></g>",
                )
            )
    # The rows furthest from the plot first, so that their joining lines pass under the boxes.
    return [markup for _, markup in sorted(placed, key=lambda p: -p[0])]


def _line_labels(
    spec: ChartSpec,
    x: Callable[[float], float],
    y: Callable[[float], float],
    low: float,
    top: float,
    plot_bottom: float,
    pitch: float,
    unit: str,
) -> list[str]:
    """The centre line, limits and target named in words at the right-hand end of their lines:
    in the last phase always, in the others where they fit (within the phase, near their lines
    and clear of the labels already placed). Labels never overlap: one that would is moved up
    or down to the nearest free place."""
    placed: list[_Box] = []
    segments = spec.segments
    for number in range(len(segments) - 1, -1, -1):
        seg = segments[number]
        last = number == len(segments) - 1
        labels = [
            _Label(css, f"{name} {_fmt(value)}{unit}", colour, y(value), below)
            for css, name, value, colour, below in (
                ("label upper", "Upper limit", seg.upper, LIMIT, False),
                ("label centre", seg.centre_label, seg.centre, TEXT, False),
                ("label lower", "Lower limit", seg.lower, LIMIT, True),
            )
            if value is not None and value >= low
        ]
        if last and spec.target is not None and spec.target >= low:
            labels.append(_target_label(spec.target, unit, y))
        if seg.trial and labels:
            above = min(label.line_y for label in labels)
            labels.append(_Label("trial", "Trial limits", TEXT, above - LINE, False))
        x1, x2 = x(seg.start) - pitch / 2, x(seg.end) + pitch / 2
        boxes = _stack(labels, x2, spec.values, x, y, pitch, top, plot_bottom, placed, last)
        if boxes is not None and (last or min(box[0] for box in boxes) >= x1):
            placed += boxes
    if not segments and spec.target is not None and spec.target >= low:
        right = x(len(spec.values) - 0.5)
        label = _target_label(spec.target, unit, y)
        placed += _stack([label], right, spec.values, x, y, pitch, top, plot_bottom, [], True) or []
    # Each label over a white outline of itself (drawn first: not every renderer knows
    # paint-order), so that it reads over the points and lines while hiding little of them.
    out = []
    for _, right, box_top, box_bottom, label in placed:
        # The baseline from the side of the box nearer its line, in ems: where the page draws
        # the text smaller, it stays by its line.
        if box_top >= label.line_y:
            edge, shift = box_top, "0.8em"
        else:
            edge, shift = box_bottom, "-0.25em"
        where = f'x="{right - GAP:.1f}" y="{edge:.1f}" dy="{shift}" text-anchor="end"'
        words = _text(label.text)
        out.append(
            f'<text class="halo" {where} fill="#ffffff" stroke="#ffffff" stroke-width="6" stroke-linejoin="round" aria-hidden="true">{words}</text>'
            f'<text class="{label.css}" {where} fill="{label.colour}">{words}</text>'
        )
    return out


def _target_label(target: float, unit: str, y: Callable[[float], float]) -> _Label:
    return _Label("label target", f"Target {_fmt(target)}{unit}", TARGET, y(target), False)


def _stack(
    labels: list[_Label],
    right: float,
    values: Sequence[float | None],
    x: Callable[[float], float],
    y: Callable[[float], float],
    pitch: float,
    top: float,
    plot_bottom: float,
    placed: list[_Box],
    always: bool,
) -> list[_Box] | None:
    """Boxes for labels ending at `right`, each just above or below its line or else at the
    nearest place clear of `placed` and of each other; None if one would be more than a line
    from where it belongs (unless `always`: the last phase is labelled however crowded).
    The limits' labels go outside the band between them; the centre line's and the target's
    on the side of their line with fewer points under them."""
    for label in labels:
        width = text_width(label.text) + 2 * GAP
        if label.css in ("label centre", "label target"):
            above = below = 0
            for i in range(max(0, math.floor((right - width - x(0)) / pitch)), len(values)):
                v = values[i]
                if v is None or not right - width <= x(i) <= right:
                    continue
                distance = y(v) - label.line_y
                if -LINE - GAP <= distance <= 0:
                    above += 1
                elif 0 < distance <= LINE + GAP:
                    below += 1
            label.below = below < above
        wanted = label.line_y + GAP if label.below else label.line_y - GAP - LINE
        if wanted < top:
            wanted = label.line_y + GAP
        elif wanted + LINE > plot_bottom:
            wanted = label.line_y - GAP - LINE
        label.top = wanted
    boxes: list[_Box] = []
    for label in sorted(labels, key=lambda label: label.top):
        left = right - text_width(label.text) - 2 * GAP
        near = [box for box in placed + boxes if box[0] < right + GAP and left < box[1] + GAP]
        # Where it wants to be, either side of its line, or just clear of a neighbour; never
        # across its own line.
        own = label.css != "trial"
        candidates = [label.top, label.line_y + GAP, label.line_y - GAP - LINE]
        for box in near:
            candidates += [box[2] - LINE - GAP, box[3] + GAP]
        free = [
            c
            for c in candidates
            if top <= c <= plot_bottom - LINE
            and not (own and c - GAP < label.line_y < c + LINE + GAP)
            and not any(c < box[3] + GAP and box[2] < c + LINE + GAP for box in near)
        ]
        if free:
            at = min(free, key=lambda c: abs(c - label.top))
        elif always:
            at = min(max(label.top, top), plot_bottom - LINE)
        else:
            return None
        if own and not always and min(abs(at - label.line_y), abs(at + LINE - label.line_y)) > LINE:
            return None  # too far from its line to be read as its label
        boxes.append((left, right, at, at + LINE, label))
    return boxes


def _points(
    spec: ChartSpec,
    x: Callable[[float], float],
    y: Callable[[float], float],
    pitch: float,
    top: float,
    unit: str,
) -> list[str]:
    """Points: colour, shape and words each. Interactive: a tab stop each, named by the same
    words, followed by its readout (the words above the plot, shown on focus or hover)."""
    out: list[str] = []
    r = min(6.0, max(3.5, pitch * 0.35))
    for i, (value, mark) in enumerate(zip(spec.values, spec.marks, strict=True)):
        if value is None:
            continue
        px, py = x(i), y(value)
        colour = COLOURS.get(mark.kind, COLOURS["common"])
        head = f"{spec.labels[i]}: {_fmt(value)}{unit}"
        words = _text(f"{head}. {mark.label}")
        focus = f' tabindex="0" role="img" aria-label="{words}"' if spec.interactive else ""
        tip = f"<title>{words}</title>"
        if mark.kind in ("improvement", "concern", "neutral"):
            size = r * 1.5
            out.append(
                f'<polygon class="point {mark.kind}" points="{px:.1f},{py - size:.1f} {px + size:.1f},{py:.1f} '
                f'{px:.1f},{py + size:.1f} {px - size:.1f},{py:.1f}" fill="{colour}" stroke="{TEXT}"{focus}>{tip}</polygon>'
            )
        elif mark.kind == "excluded":
            out.append(
                f'<circle class="point excluded" cx="{px:.1f}" cy="{py:.1f}" r="{r + 0.5:.1f}" fill="#ffffff" stroke="{TEXT}" stroke-dasharray="2 2"{focus}>{tip}</circle>'
            )
        else:
            out.append(
                f'<circle class="point common" cx="{px:.1f}" cy="{py:.1f}" r="{r:.1f}" fill="{colour}" stroke="{LIMIT}"{focus}>{tip}</circle>'
            )
        if spec.interactive:
            out.append(_readout(head, mark.label, px, py, r * 1.5 + 4, top))
    return out


def _readout(head: str, meaning: str, px: float, py: float, ring: float, top: float) -> str:
    """What the page shows of a focused point (by the rules for `.readout` in the site's
    stylesheet): a ring of radius `ring` round it and its words in a box in the row above the
    plot, joined to it by a line."""
    room = WIDTH - 2 * GAP - 2 * PAD
    head = _fit(head, room, bold=True)
    head_w = text_width(head, bold=True)
    rest = _fit(" " + meaning, room - head_w) if room - head_w > 2 * FONT else ""
    width = head_w + text_width(rest) + 2 * PAD
    bx = min(max(px - width / 2, GAP), WIDTH - GAP - width)
    by = top - GAP - LINE
    return (
        f'<g class="readout" display="none" aria-hidden="true">'
        f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{by + LINE:.1f}" y2="{py - ring - 1.5:.1f}"/>'
        f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{ring + 1.5:.1f}"/><circle cx="{px:.1f}" cy="{py:.1f}" r="{ring - 1.5:.1f}"/>'
        f'<rect x="{bx:.1f}" y="{by:.1f}" width="{width:.1f}" height="{LINE}"/>'
        f'<text x="{bx + width / 2:.1f}" y="{by + LINE / 2:.1f}" dy="0.35em" text-anchor="middle"><tspan>{_text(head)}</tspan>{_text(rest)}</text></g>'
    )


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
