"""The Making Data Count icons drawn once (measurement/icons.py, measurement/_mdc_icon.html): every
icon with its words, the key listing them all, the email's letter, and icons kept in a summary."""

from __future__ import annotations

import re
from html import escape

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from alwaysevents.reporting.selectors.report import IconView
from measurement import icons, spc
from measurement.reading import NOT_ASSESSED

VARIATION_CODES = [
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
]
ASSURANCE_CODES = ["consistently_pass", "consistently_fail", "hit_and_miss", "not_assessed"]
SYMBOLS = {
    "common_cause": "",
    "improvement_high": "H",
    "improvement_low": "L",
    "concern_high": "H",
    "concern_low": "L",
    "neutral_high": "H",
    "neutral_low": "L",
    "consistently_pass": "P",
    "consistently_fail": "F",
    "hit_and_miss": "?",
    "not_assessed": "\u2013",
}
ALL_ICONS = [icon for group in icons.KEY for icon in group.icons]


def draw(icon) -> str:
    return render_to_string("measurement/_mdc_icon.html", {"icon": icon})


def test_the_key_holds_the_7_variation_and_4_assurance_icons_in_order():
    variation, assurance = icons.KEY
    assert (variation.kind, assurance.kind) == ("variation", "assurance")
    assert [i.code for i in variation.icons] == VARIATION_CODES
    assert [i.code for i in assurance.icons] == ASSURANCE_CODES
    assert {i.kind for i in variation.icons} == {"variation"}
    assert {i.kind for i in assurance.icons} == {"assurance"}
    # The engine's icons and the reading's "Not assessed", not copies of them.
    assert variation.icons[1] == spc.variation_icon([spc.Variation.IMPROVEMENT_HIGH])
    assert assurance.icons[-1] is NOT_ASSESSED


@pytest.mark.parametrize("icon", ALL_ICONS, ids=[i.code for i in ALL_ICONS])
def test_every_icon_draws_its_symbol_and_always_its_words(icon):
    html = draw(icon).strip()
    svg, rest = html.split("</svg>")
    # The symbol: decorative, a ring in the icon's colour with its letter.
    assert '<svg class="mdc-icon-mark"' in svg and 'aria-hidden="true"' in svg
    assert 'focusable="false"' in svg
    assert f'<circle cx="16" cy="16" r="14.5" fill="#ffffff" stroke="{icon.colour}"' in svg
    letters = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert letters == ([SYMBOLS[icon.code]] if SYMBOLS[icon.code] else [])
    assert icon.label not in svg
    # The words, outside the hidden symbol, with what kind of icon it is for screen readers.
    prefix = "Assurance" if icon.kind == "assurance" else "Variation"
    assert rest == (
        f'<span class="ae-mdc-label"><span class="nhsuk-u-visually-hidden">{prefix}: </span>'
        f"{escape(icon.label)}</span></span>"
    )
    assert html.startswith(f'<span class="ae-mdc ae-mdc-{icon.kind}">')


def test_not_assessed_is_a_grey_ring_with_a_dash_over_the_target_line():
    svg = str(icons.symbol_svg(NOT_ASSESSED))
    assert 'stroke="#a6a6a6" stroke-width="3"' in svg
    assert ">\u2013</text>" in svg
    assert "stroke-dasharray" in svg  # the target line of every assurance icon
    html = draw(NOT_ASSESSED)
    assert "Not assessed: the process has changed since the limits were set" in html


def test_high_and_low_are_drawn_rising_and_falling():
    high, low = (str(icons.symbol_svg(icons.BY_CODE[c])) for c in ("concern_high", "concern_low"))
    last_ys = [
        [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)" r="1.8"', svg)][-2:]
        for svg in (high, low)
    ]
    assert last_ys[0][1] < last_ys[0][0], "rising: the last point is highest (smaller y)"
    assert last_ys[1][1] > last_ys[1][0], "falling"


def test_the_same_icon_draws_the_same_markup_whatever_holds_it():
    """The engine's Icon, the report's IconView and a summary's dict: byte for byte the same."""
    icon = icons.BY_CODE["improvement_low"]
    view = IconView(icon.kind, icon.code, icon.label, icon.description, icon.colour, icon.symbol)
    from_summary = icons.from_stored(icons.stored(icon))
    assert draw(icon) == draw(view) == draw(from_summary)
    assert draw(icon) != draw(icons.BY_CODE["improvement_high"])


def test_text_and_colour_from_elsewhere_cannot_break_out():
    icon = spc.Icon("variation", "x_high", "<b>Loud</b>", "", 'red" onload="x()', "<i>")
    html = draw(icon)
    assert "<b>" not in html and "&lt;b&gt;Loud&lt;/b&gt;" in html
    assert "onload" not in html and 'stroke="#a6a6a6"' in html
    assert "<i>" not in html and "&lt;i&gt;</text>" in html


@pytest.mark.parametrize("folded", [True, False])
def test_the_key_lists_every_icon_with_its_words_and_meaning(folded):
    key = render_to_string("measurement/_mdc_key.html", {"folded": folded})
    assert ("<details" in key) is folded
    assert ("<summary>What the icons mean</summary>" in key) is folded
    positions = []
    for icon in ALL_ICONS:
        drawn = draw(icon).strip()
        assert key.count(drawn) == 1, icon.code
        entry = re.search(
            f"<dt>{re.escape(drawn)}\\s*</dt><dd>{re.escape(escape(icon.description))}</dd>", key
        )
        assert entry, icon.code
        positions.append(entry.start())
    assert positions == sorted(positions), "variation first, each in the key's order"
    assert key.count("<dt>") == 11


def test_the_email_badge_is_the_same_letter_and_colour_without_svg():
    for icon in ALL_ICONS:
        badge = str(icons.email_badge(icon))
        assert "<svg" not in badge and 'aria-hidden="true"' in badge
        assert f"border: 2px solid {icon.colour};" in badge
        assert badge.endswith(f">{SYMBOLS[icon.code] or chr(0xA0)}</span>")
    hostile = spc.Icon("variation", "", "x", "", "url(javascript:x)", "<b>")
    badge = str(icons.email_badge(hostile))
    assert "javascript" not in badge and "&lt;b&gt;" in badge


def test_icons_kept_in_a_summary_come_back_as_icons():
    for icon in ALL_ICONS:
        assert icons.from_stored(icons.stored(icon)) == icon
    # A summary written before this change kept (label, colour): found again by its label.
    assert icons.from_stored(["Concern (lower values)", "#e46c0a"]) == icons.BY_CODE["concern_low"]
    unknown = icons.from_stored(["Something new", "#123456"])
    assert unknown is not None and (unknown.label, unknown.colour) == ("Something new", "#123456")
    # A dict with only its code is completed from the key; nothing usable is dropped.
    assert icons.from_stored({"code": "hit_and_miss"}) == icons.BY_CODE["hit_and_miss"]
    assert icons.from_stored({"colour": "#fff"}) is None
    assert icons.from_stored(None) is None and icons.from_stored([]) is None
    template = Template(
        "{% load mdc %}{% for i in values|mdc_icons %}{{ i.symbol }}:{{ i.label }};{% endfor %}"
    )
    values = [icons.stored(icons.BY_CODE["consistently_pass"]), ["Improvement (higher values)"], 7]
    assert template.render(Context({"values": values})) == (
        "P:Consistently passing the target;H:Improvement (higher values);"
    )
