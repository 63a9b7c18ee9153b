"""Static checks of our templates for what axe-core, or a phone, would catch on some page."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Drawn outside a browser page: the PDF report and certificate, and emails.
NOT_PAGES = ("reporting/report/", "reporting/email/", "accreditation/certificate_pdf.html")
TABLE = re.compile(r"<table\b[^>]*>")
SCROLL_WRAPPER = re.compile(r"<div\b[^>]*\bclass=\"[^\"]*\bae-scroll\b[^\"]*\"[^>]*>")
# `{% include "x" %}`, or `{# rows: "x" ... #}` where a view draws the rows with template x.
INCLUDE = re.compile(r"""\{[%#]\s*(?:include|rows:)\s+["']([^"']+)["']""")


def with_includes(text: str, seen: frozenset[str] = frozenset()) -> str:
    """The template's text followed by that of the templates it includes (a table's rows are
    often drawn by an included template)."""
    parts = [text]
    for name in INCLUDE.findall(text):
        path = TEMPLATES / name
        if name not in seen and path.exists():
            parts.append(with_includes(path.read_text(), seen | {name}))
    return "\n".join(parts)


def page_templates() -> list[tuple[str, str]]:
    return [
        (str(path.relative_to(TEMPLATES)), path.read_text())
        for path in sorted(TEMPLATES.rglob("*.html"))
        if not str(path.relative_to(TEMPLATES)).startswith(NOT_PAGES)
    ]


def test_every_table_on_a_page_is_an_nhs_table():
    """Tables are NHS tables; a wide one is responsive: on a phone each row becomes a block that
    keeps every column, each value under its column's name, so nothing scrolls sideways. (Narrow
    tables of two or three short columns stay tables; the browser journeys measure the width.)"""
    problems = []
    for name, text in page_templates():
        for tag in TABLE.findall(text):
            if "nhsuk-table-responsive" not in tag and "nhsuk-table" not in tag:
                problems.append(f"{name}: {tag}")
        if (
            "nhsuk-table-responsive" in text
            and "nhsuk-table-responsive__heading" not in with_includes(text)
        ):
            problems.append(f"{name}: a responsive table without its cells' headings")
    assert problems == [], "\n".join(problems)


def test_tables_exist_to_be_checked():
    assert sum("nhsuk-table-responsive" in text for _name, text in page_templates()) >= 20


def test_every_scrolling_region_can_be_reached_and_named_by_keyboard():
    """axe's scrollable-region-focusable: a region that scrolls sideways must take the
    keyboard's focus (so it can be scrolled without a mouse) and say what it holds."""
    missing = [
        f"{name}: {tag}"
        for name, text in page_templates()
        for tag in SCROLL_WRAPPER.findall(text)
        if not (
            'tabindex="0"' in tag
            and 'role="region"' in tag
            and re.search(r'aria-label(ledby)?="[^"]+"', tag)
        )
    ]
    assert missing == [], "\n".join(missing)
