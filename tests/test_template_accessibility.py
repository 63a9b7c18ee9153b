"""Static checks of our templates for what axe-core would flag on some page, wherever it is used."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SCROLL_WRAPPER = re.compile(r"<div\b[^>]*\bclass=\"[^\"]*\btable-responsive\b[^\"]*\"[^>]*>")


def scroll_wrappers():
    for path in sorted(TEMPLATES.rglob("*.html")):
        for match in SCROLL_WRAPPER.finditer(path.read_text()):
            yield path.relative_to(TEMPLATES), match.group(0)


def test_templates_have_scrolling_tables():
    assert len(list(scroll_wrappers())) >= 20


def test_every_scrolling_table_can_be_reached_and_named_by_keyboard():
    """axe's scrollable-region-focusable: a region that scrolls sideways on a phone must take
    the keyboard's focus (so it can be scrolled without a mouse) and say what it holds."""
    missing = [
        f"{path}: {tag}"
        for path, tag in scroll_wrappers()
        if not (
            'tabindex="0"' in tag
            and 'role="region"' in tag
            and re.search(r'aria-label(ledby)?="[^"]+"', tag)
        )
    ]
    assert missing == [], "\n".join(missing)
