"""Legible charts (issue 15, item 4): text read on a phone, the lines named where they end, PDSA
markers that never overlap, and points a keyboard can reach on the page (measurement/svg.py).

Pure: the SVG is parsed with ElementTree and its boxes computed from its own coordinates, with
the renderer's (generous) estimate of how wide a text is drawn, which is itself checked against
a real font below.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from measurement import svg
from measurement.svg import ChartSpec, PointMark, Segment, render, render_sparkline, spread

NS = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[2]
# The compiled stylesheet (`make assets`, which `make test` runs first).
APP_CSS = ROOT / "build/static/css/app.css"

# The measure page on a 390 px phone: NHS.UK frontend's width container leaves a 16 px gutter each
# side, the gutters of .nhsuk-grid-row cancel (its negative margins equal its columns' padding),
# and the chart is not in a card (no padding of its own): the chart is drawn 358 px wide.
PHONE = 390
PHONE_GUTTER = 16
PHONE_CHART_WIDTH = PHONE - 2 * PHONE_GUTTER
SMALLEST_TEXT_PX = 12


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own SVG output


def weekly_labels(n: int, start: dt.date = dt.date(2024, 1, 1)) -> list[str]:
    days = (start + dt.timedelta(weeks=i) for i in range(n))
    return [f"{day.day} {day:%b %Y}" for day in days]


def monthly_labels(n: int) -> list[str]:
    return [f"{dt.date(2020 + (i // 12), i % 12 + 1, 1):%b %Y}" for i in range(n)]


def two_phases(**changes: object) -> ChartSpec:
    """The issue's chart: 104 weekly points, two phases, a target and six PDSA cycles on
    neighbouring weeks."""
    rng = random.Random(4)
    values: list[float | None] = [
        round(rng.gauss(52, 5) if i < 60 else rng.gauss(78, 4), 1) for i in range(104)
    ]
    marks = [PointMark("common", "Common cause variation")] * 104
    marks[20] = PointMark("excluded", "Left out of the analysis")
    marks[60:68] = [PointMark("improvement", "Improvement (higher values): a run")] * 8
    spec = ChartSpec(
        title="Told the plan by 10am: SPC chart (XmR)",
        description="SPC chart (XmR) of Told the plan by 10am, 104 weekly points.",
        labels=weekly_labels(104),
        values=values,
        marks=marks,
        segments=[
            Segment(0, 59, centre=52.3, upper=71.2, lower=33.4, upper_close=64.9, lower_close=39.7),
            Segment(60, 103, centre=78.1, upper=90.6, lower=65.6, upper_close=86.4),
        ],
        target=90.0,
        annotations=[(i, f"{n}. PDSA {n}: huddle script") for n, i in enumerate(range(58, 64), 1)],
        y_label="%",
        y_floor=0.0,
    )
    for name, value in changes.items():
        setattr(spec, name, value)
    return spec


def simple(n: int, **changes: object) -> ChartSpec:
    values = [10.0 + (i % 7) for i in range(n)]
    spec = ChartSpec(
        title="Falls",
        description="Falls a month.",
        labels=monthly_labels(n),
        values=values,
        marks=[PointMark("common", "Common cause")] * n,
        segments=[Segment(0, n - 1, centre=13.0, upper=21.0, lower=5.0)] if n else [],
    )
    for name, value in changes.items():
        setattr(spec, name, value)
    return spec


CHARTS = {
    "104 weeks, two phases, target, six PDSA cycles": two_phases(),
    "the same, not interactive": two_phases(interactive=False),
    "12 months": simple(12),
    "one point": simple(1),
    "no data": simple(0),
    "a plain chart (no phases) with a target": simple(
        30, segments=[], target=12.0, y_label="patients"
    ),
    "a long unit, long labels and big numbers": simple(
        40,
        y_label="patients seen within four hours of arrival per thousand attendances",
        labels=[f"Week commencing {label}" for label in weekly_labels(40)],
        values=[1_250_000.0 + 1000 * i for i in range(40)],
        segments=[Segment(0, 39, centre=1_270_000.0, upper=1_300_000.0, lower=1_240_000.0)],
    ),
    "forty PDSA cycles on neighbouring weeks": two_phases(
        annotations=[(40 + i, f"{i + 1}. PDSA") for i in range(40)]
    ),
}


def font_size(element: ET.Element, parents: dict[ET.Element, ET.Element]) -> float:
    """The font size an element is drawn at: its own, or the nearest ancestor's."""
    while element is not None:
        size = element.get("font-size")
        if size is not None:
            return float(size)
        element = parents.get(element)
    raise AssertionError("no font size anywhere: the renderer's default would be used")


def viewbox(root: ET.Element) -> tuple[float, float]:
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    return width, height


# --- 2. Text read on a phone ----------------------------------------------------------------------


def app_css() -> str:
    if not APP_CSS.exists():
        pytest.fail(f"{APP_CSS.relative_to(ROOT)} is missing: run `make assets` first")
    return APP_CSS.read_text()


def test_the_phone_width_is_the_measure_pages():
    """PHONE_CHART_WIDTH takes the gutters of the page around the chart: if the chart moves into
    a card, or the page out of its container, the sizes above must be worked out again."""
    page = (ROOT / "templates/measurement/measure_detail.html").read_text()
    section = page.index('<section class="ae-measure-chart" aria-labelledby="chart-heading">')
    assert section < page.index('<figure class="ae-chart') < page.index("</section>", section)
    assert "nhsuk-card" not in page[page.rindex("<div", 0, section) : section]
    assert '<div class="nhsuk-grid-column-two-thirds">' in page[:section]
    assert '<div class="nhsuk-width-container">' in (ROOT / "templates/base.html").read_text()
    css = app_css()
    gutter = re.search(r"\.nhsuk-width-container\{max-width:[^;]+;margin-right:(\d+)px", css)
    assert gutter and int(gutter.group(1)) == PHONE_GUTTER, "the container's gutter on a phone"
    assert ".nhsuk-grid-row{margin-right:-16px;margin-left:-16px}" in css
    assert re.search(r"\.nhsuk-grid-column-two-thirds\{[^}]*padding:0 16px", css)
    assert re.search(r"\.ae-measure-chart \.ae-chart\{margin:0 0 ", css), "no figure margins"
    assert PHONE_CHART_WIDTH == 358


@pytest.mark.parametrize("name", CHARTS)
def test_every_text_is_at_least_12px_on_a_390px_phone(name):
    root = parse(render(CHARTS[name]))
    width, _ = viewbox(root)
    parents = {child: parent for parent in root.iter() for child in parent}
    texts = [el for el in root.iter() if el.tag in (f"{NS}text", f"{NS}tspan")]
    assert texts
    for element in texts:
        shown = font_size(element, parents) * PHONE_CHART_WIDTH / width
        words = "".join(element.itertext())
        assert shown >= SMALLEST_TEXT_PX, f"{words!r} is drawn at {shown:.1f}px on a phone"
    # Nor may the chart's own style sheet make any of it smaller.
    for style in root.iter(f"{NS}style"):
        assert "font-size" not in (style.text or "")


def test_the_page_draws_text_smaller_only_where_the_chart_is_wide():
    """app.css may draw the text smaller where the chart is wide (it is sized for a phone), but
    never below 12 px, and never on a phone."""
    css = app_css()
    rules = re.findall(
        r"@container \(min-width: ?([\d.]+)rem\) ?\{[^{}]*\{ ?font-size: ?(\d+)px", css
    )
    assert rules, "the wide-chart rule is gone: check this test"
    width = viewbox(parse(render(simple(12))))[0]
    for rem, size in rules:
        narrowest = float(rem) * 16
        assert narrowest > PHONE_CHART_WIDTH
        assert int(size) * narrowest / width >= SMALLEST_TEXT_PX


def test_the_width_estimate_is_generous_against_a_real_font():
    """Boxes are worked out from `text_width`: it must not be narrower than the text drawn in
    DejaVu Sans (what a browser or renderer without Arial uses; Arial is narrower still)."""
    font_file = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font_file.exists():
        pytest.skip("DejaVu Sans is not installed here")
    from PIL import ImageFont

    font = ImageFont.truetype(str(font_file), size=svg.FONT * 10)
    for text in (
        "Upper limit 71.2%",
        "Average 52.33",
        "Lower limit 1250000",
        "Target 90%",
        "Trial limits",
        "Median 4.5",
        "22 Dec",
        "2025",
        "Sep 2026",
        "WWW mmm %%% @@@",
        "iiiii lllll ....",
        "Ämter Øst ñandú",
    ):
        drawn = font.getlength(text) / 10
        assert svg.text_width(text) >= drawn * 0.99, text


@pytest.mark.parametrize("n", [1, 2, 5, 12, 24, 52, 104, 260, 520])
@pytest.mark.parametrize("labels", [weekly_labels, monthly_labels])
def test_period_labels_never_overlap_and_the_latest_is_always_there(n, labels):
    spec = simple(n, labels=labels(n))
    root = parse(render(spec))
    width, _ = viewbox(root)
    boxes = []
    for text in root.iter(f"{NS}text"):
        if text.get("class") != "period":
            continue
        parts = [t.text or "" for t in text.iter(f"{NS}tspan")]
        half = max(svg.text_width(part) for part in parts) / 2
        x = float(text.get("x", "0"))
        boxes.append((x - half, x + half, " ".join(parts)))
    boxes.sort()
    assert boxes[-1][2] == spec.labels[-1]
    for (_, right, words), (left, _, after) in itertools.pairwise(boxes):
        assert right + svg.GAP <= left, f"{words!r} and {after!r} overlap"
    assert boxes[0][0] >= 0 and boxes[-1][1] <= width
    if n >= 52:
        assert len(boxes) >= 3, "thinned, not emptied"


# --- 1. The lines named where they end ------------------------------------------------------------


def label_boxes(root: ET.Element) -> list[tuple[float, float, float, float, str]]:
    """The boxes of the lines' labels (left, right, top, bottom, words): right-aligned at x,
    from the baseline up by an ascent and down by a descent."""
    boxes = []
    for text in root.iter(f"{NS}text"):
        css = text.get("class") or ""
        if not (css.startswith("label ") or css == "trial"):
            continue
        assert text.get("text-anchor") == "end"
        size = float(svg.FONT)
        baseline = float(text.get("y", "0")) + float(text.get("dy", "0em")[:-2]) * size
        right = float(text.get("x", "0"))
        words = text.text or ""
        boxes.append(
            (
                right - svg.text_width(words),
                right,
                baseline - 0.8 * size,
                baseline + 0.25 * size,
                words,
            )
        )
    return boxes


def assert_apart(boxes: list[tuple[float, float, float, float, str]]) -> None:
    for a, b in itertools.combinations(boxes, 2):
        apart = a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2]
        assert apart, f"{a[4]!r} overlaps {b[4]!r}"


def line_y(root: ET.Element, css: str, nth: int = -1) -> float:
    lines = [el for el in root.iter(f"{NS}line") if el.get("class") == css]
    return float(lines[nth].get("y1", "0"))


def test_the_last_phase_names_its_lines_and_the_target_at_their_right_hand_end():
    root = parse(render(two_phases()))
    boxes = {words: box for *box, words in label_boxes(root)}
    axis = next(el for el in root.iter(f"{NS}line") if el.get("class") == "axis")
    plot_right = float(axis.get("x2", "0"))
    for words, css in (
        ("Average 78.1%", "centre"),
        ("Upper limit 90.6%", "limit upper"),
        ("Lower limit 65.6%", "limit lower"),
        ("Target 90%", "target"),
    ):
        _, right, top, bottom = boxes[words]
        assert plot_right - 2 * svg.GAP <= right <= plot_right, words
        y = line_y(root, css)
        assert min(abs(top - y), abs(bottom - y)) <= svg.LINE, f"{words} is by its line"
    # Upper and lower limits outside the band between them.
    assert boxes["Upper limit 90.6%"][3] <= line_y(root, "limit upper")
    assert boxes["Lower limit 65.6%"][2] >= line_y(root, "limit lower")


def test_an_earlier_phase_is_named_where_there_is_room_and_never_over_the_last():
    root = parse(render(two_phases()))
    boxes = {words: box for *box, words in label_boxes(root)}
    phase_break = next(el for el in root.iter(f"{NS}line") if el.get("class") == "phase-break")
    end = float(phase_break.get("x1", "0"))
    for words in ("Average 52.3%", "Upper limit 71.2%", "Lower limit 33.4%"):
        assert end - 2 * svg.GAP <= boxes[words][1] <= end, words
    assert_apart(label_boxes(root))

    narrow = two_phases(
        segments=[
            Segment(0, 3, centre=52.3, upper=71.2, lower=33.4),
            Segment(4, 103, centre=60.1, upper=80.6, lower=39.6),
        ],
        annotations=[],
    )
    words = [box[4] for box in label_boxes(parse(render(narrow)))]
    assert "Average 52.3%" not in words, "four weeks leave no room: the line keeps its title"
    assert {"Average 60.1%", "Upper limit 80.6%", "Lower limit 39.6%"} <= set(words)


@pytest.mark.parametrize(
    "segment,target",
    [
        (Segment(0, 23, centre=50.0, upper=50.8, lower=49.2, trial=True), 50.4),
        (Segment(0, 23, centre=50.0, upper=50.0, lower=50.0), 50.0),
        (Segment(0, 23, centre=0.0, upper=1.0, lower=0.0, centre_label="Median"), 0.5),
        (Segment(0, 23, centre=99.0, upper=100.0, lower=98.0), 100.0),
    ],
)
def test_labels_of_lines_close_together_are_moved_apart(segment, target):
    spec = simple(24, segments=[segment], target=target, values=[50.0] * 24, y_label="%")
    root = parse(render(spec))
    boxes = label_boxes(root)
    assert len(boxes) == 4 + segment.trial
    assert_apart(boxes)
    axis = next(el for el in root.iter(f"{NS}line") if el.get("class") == "axis")
    plot_bottom = float(axis.get("y1", "0"))
    for _, _, top, bottom, words in boxes:
        assert top >= 0 and bottom <= plot_bottom + svg.GAP, f"{words} is inside the plot"


def test_a_chart_without_phases_names_its_target():
    root = parse(render(simple(30, segments=[], target=12.0)))
    assert [box[4] for box in label_boxes(root)] == ["Target 12"]


# --- 3. PDSA markers that stack rather than overlap -----------------------------------------------


def marker_boxes(root: ET.Element) -> list[tuple[float, float, float, float, str, float, float]]:
    """Each marker's box (left, right, top, bottom), its number, the x of its period and where
    its joining line ends."""
    found = []
    for group in root.iter(f"{NS}g"):
        if group.get("class") != "annotation":
            continue
        rect = group.find(f"{NS}rect")
        number = group.find(f"{NS}text")
        period, joint = group.findall(f"{NS}line")
        left, top = float(rect.get("x")), float(rect.get("y"))
        found.append(
            (
                left,
                left + float(rect.get("width")),
                top,
                top + float(rect.get("height")),
                number.text or "",
                float(period.get("x1")),
                float(joint.get("x2")),
            )
        )
    return found


@pytest.mark.parametrize(
    "annotations",
    [
        [(i, f"PDSA {i}") for i in range(58, 64)],  # six neighbouring weeks
        [(i, f"PDSA {i}") for i in range(20, 60)],  # forty: more than a row holds
        [(100, f"Note {k}") for k in range(12)],  # twelve on the same week, at the edge
        [(0, "first"), (1, "second"), (103, "last"), (102, "last but one")],
        [(63, "out of order"), (58, "first"), (60, "middle")],
    ],
)
def test_markers_on_the_same_or_neighbouring_periods_never_overlap(annotations):
    root = parse(render(two_phases(annotations=annotations)))
    width, _ = viewbox(root)
    boxes = marker_boxes(root)
    assert sorted(int(box[4]) for box in boxes) == list(range(1, len(annotations) + 1))
    for a, b in itertools.combinations(boxes, 2):
        apart = a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2]
        assert apart, f"markers {a[4]} and {b[4]} overlap"
    axis = next(el for el in root.iter(f"{NS}line") if el.get("class") == "axis")
    for left, right, top, bottom, number, period_x, joint_x in boxes:
        assert left >= 0 and right <= width and top >= 0, f"marker {number} is in the picture"
        assert bottom <= float(axis.get("y1")) and joint_x == period_x, f"{number} joins its week"
    # Numbered as given, on their periods: marker k belongs to the k-th annotation.
    by_number = {int(box[4]): box for box in boxes}
    ordered = sorted(by_number)
    for k in ordered:
        index = annotations[k - 1][0]
        assert by_number[k][5] == pytest.approx(period_x_of(root, index), abs=0.1)


def period_x_of(root: ET.Element, index: int) -> float:
    points = [el for el in root.iter() if (el.get("class") or "").startswith("point ")]
    point = points[index]
    if point.tag == f"{NS}circle":
        return float(point.get("cx"))
    return float(point.get("points").split()[0].split(",")[0])


def test_markers_in_one_row_keep_the_order_of_their_periods():
    root = parse(render(two_phases()))
    boxes = sorted(marker_boxes(root))
    assert len({box[2] for box in boxes}) == 1, "six fit in one row"
    assert [box[4] for box in boxes] == ["1", "2", "3", "4", "5", "6"]


@pytest.mark.parametrize(
    "ideals,sizes",
    [
        ([0, 0, 0, 0], [10, 10, 10, 10]),
        ([50, 51, 52], [20, 20, 20]),
        ([0, 30, 60], [20, 20, 20]),
        ([95, 96, 97], [10, 10, 10]),
        ([-5, 40, 41, 42, 90], [10, 10, 10, 10, 10]),
    ],
)
def test_spread_moves_boxes_apart_within_bounds_keeping_their_order(ideals, sizes):
    starts = spread(ideals, sizes, 0, 100, gap=2)
    for start, size, after in zip(starts, sizes, starts[1:], strict=False):
        assert start + size + 2 <= after + 1e-9
    assert starts[0] >= 0 and starts[-1] + sizes[-1] <= 100 + 1e-9
    if all(a + s + 2 <= b for a, s, b in zip(ideals, sizes, ideals[1:], strict=False)):
        assert starts == [max(0, min(i, 100 - s)) for i, s in zip(ideals, sizes, strict=True)]


# --- 4. The value of a point by hover and keyboard ------------------------------------------------


def points_of(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if (el.get("class") or "").startswith("point ")]


def test_every_point_is_a_tab_stop_named_by_its_period_value_and_meaning():
    spec = two_phases()
    root = parse(render(spec))
    # A group, not an image: an image's parts are hidden from assistive technology.
    assert root.get("role") == "group"
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    points = points_of(root)
    assert len(points) == 104
    for i, point in enumerate(points):
        words = point.find(f"{NS}title").text
        assert point.get("tabindex") == "0" and point.get("role") == "img"
        assert point.get("aria-label") == words
        assert words.startswith(f"{spec.labels[i]}: {svg._fmt(spec.values[i])}%. ")
        assert words.endswith(spec.marks[i].label)
    focusable = [el for el in root.iter() if el.get("tabindex") is not None]
    assert focusable == points, "nothing else takes a tab stop"


def test_a_focused_point_shows_a_ring_and_its_words_only_with_the_pages_style():
    root = parse(render(two_phases()))
    # The rules are the site's stylesheet's: a <style> in the SVG would break the pages' CSP.
    assert not list(root.iter(f"{NS}style"))
    css = APP_CSS.read_text()
    rules = dict(re.findall(r"([^{}]*\.readout[^{}]*)\{([^{}]*)\}", css))
    shown = [body for rule, body in rules.items() if ".point:focus+.readout" in rule]
    assert shown and "display:inline" in shown[0]
    assert any(".point:hover+.readout" in rule for rule in rules)
    assert re.search(r"\.readout circle\+circle\{stroke:#ffeb3b", css), "NHS focus yellow"
    selectors = [part for rule in rules for part in rule.split(",")]
    assert selectors and all(part.startswith(".ae-svg-chart ") for part in selectors), "scoped"
    parents = {child: parent for parent in root.iter() for child in parent}
    for point in points_of(root):
        siblings = list(parents[point])
        readout = siblings[siblings.index(point) + 1]
        assert readout.get("class") == "readout" and readout.get("display") == "none"
        assert readout.get("aria-hidden") == "true"
        words = point.get("aria-label")
        shown = "".join(readout.find(f"{NS}text").itertext())
        period_and_value = words.split(". ")[0]
        assert shown.startswith(period_and_value)
        assert len(readout.findall(f"{NS}circle")) == 2, "the ring round the point"


def test_readouts_are_never_drawn_without_the_page():
    """A PNG of the chart (the download, drawn by cairosvg, which knows no :focus) is the same
    picture whether the points are interactive or not."""
    cairosvg = pytest.importorskip("cairosvg")
    pictures = [
        cairosvg.svg2png(bytestring=render(two_phases(interactive=i)).encode(), output_width=600)
        for i in (True, False)
    ]
    assert pictures[0] == pictures[1]


def test_not_interactive_means_an_image_without_tab_stops():
    root = parse(render(two_phases(interactive=False)))
    assert root.get("role") == "img"
    assert not [el for el in root.iter() if el.get("tabindex") is not None]
    assert not list(root.iter(f"{NS}style"))
    assert not [el for el in root.iter() if el.get("class") == "readout"]
    assert all(p.find(f"{NS}title") is not None for p in points_of(root)), "hover keeps its words"


def test_a_sparkline_never_takes_tab_stops():
    for interactive in (True, False):
        markup = render_sparkline(two_phases(interactive=interactive))
        root = parse(markup)
        assert root.get("role") == "img"
        assert "tabindex" not in markup and "<style" not in markup
        assert not [el for el in root.iter() if el.get("class") == "readout"]


def test_the_frame_is_hidden_from_assistive_technology_but_not_the_words():
    """The points speak for the data; tick labels would be noise. The lines' labels and the
    markers stay readable."""
    root = parse(render(two_phases()))
    frame = [g for g in root.findall(f"{NS}g") if g.get("aria-hidden") and not g.get("class")]
    assert len(frame) == 1
    assert any(el.get("class") == "period" for el in frame[0].iter())
    assert not [el for el in frame[0].iter() if el.get("tabindex")]
    visible_labels = [
        el for el in root.findall(f"{NS}text") if (el.get("class") or "").startswith("label ")
    ]
    assert len(visible_labels) == 7
    assert all(el.get("aria-hidden") is None for el in visible_labels)


# --- The whole ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_valid_xml_with_a_title_a_description_and_unique_ids(name):
    markup = render(CHARTS[name])
    root = parse(markup)
    assert root.find(f"{NS}title").text and root.find(f"{NS}desc") is not None
    ids = re.findall(r'\bid="([^"]+)"', markup)
    assert sorted(ids) == ["chart-desc", "chart-title"], "other charts share the page"


def test_the_104_point_chart_is_drawn_quickly():
    spec = two_phases()
    render(spec)
    began = time.perf_counter()
    for _ in range(10):
        render(spec)
    per_chart = (time.perf_counter() - began) / 10
    assert per_chart < 0.05, f"{per_chart * 1000:.1f} ms"
