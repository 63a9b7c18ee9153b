"""The front end is NHS.UK frontend: no Bootstrap class, file or script is left anywhere.

A template's `class="..."` attributes are read token by token (template tags inside them are
skipped), so "card" is found in `class="card p-4"` but not in `nhsuk-card`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [
    ROOT / "templates",
    *sorted(ROOT.glob("*/templates")),
    *sorted(ROOT.glob("*/*/templates")),
]

BOOTSTRAP = re.compile(
    r"^(btn(-[a-z-]+)?|card(-[a-z-]+)?|row|col(-[a-z0-9-]+)?|g-\d|gx-\d|gy-\d|d-[a-z-]+|"
    r"flex-[a-z-]+|gap-\d|justify-content-[a-z]+|align-(items|self|middle|top|bottom)[a-z-]*|"
    r"[mp][tbsexy]?-(\d|auto)|[mp][tbsexy]?-[a-z]+-\d|text-(secondary|end|start|center|muted|"
    r"nowrap|bg-[a-z]+|danger|success|warning|body|white)|small|h[1-6]|fw-[a-z]+|fs-\d|"
    r"badge(-[a-z]+)?|rounded(-[a-z]+)?|alert(-[a-z]+)?|table(-[a-z]+)?|list-unstyled|"
    r"list-inline(-item)?|visually-hidden(-focusable)?|form-(control|label|select|check"
    r"(-[a-z]+)?|text|floating|range)|is-(invalid|valid)|(in)?valid-feedback|nav(-[a-z]+)?|"
    r"navbar(-[a-z]+)?|breadcrumb(-item)?|page-(link|item)|pagination|dropdown(-[a-z]+)?|"
    r"container(-[a-z]+)?|lead|border(-[a-z0-9]+)?|shadow(-[a-z]+)?|bg-[a-z]+|w-\d+|h-\d+|"
    r"mw-\d+|vh-\d+|min-vh-\d+|stretched-link|ratio(-[a-z0-9]+)?|collapse|collapsed|"
    r"accordion(-[a-z]+)?|input-group(-[a-z]+)?|display-\d|modal(-[a-z]+)?|tooltip|"
    r"position-[a-z]+|top-\d+|start-\d+|end-\d+|translate-middle|text-truncate|"
    r"float-(start|end)|overflow-[a-z]+|vr|hstack|vstack|placeholder|spinner-[a-z]+)$"
)
CLASS_ATTR = re.compile(r"""class\s*=\s*(["'])(.*?)\1""", re.DOTALL)
TEMPLATE_TAG = re.compile(r"\{[%{#].*?[%}#]\}", re.DOTALL)


def _templates() -> list[Path]:
    return sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html"))


def bootstrap_classes(html: str) -> list[str]:
    found: list[str] = []
    for _quote, value in CLASS_ATTR.findall(TEMPLATE_TAG.sub(" ", html)):
        for token in value.split():
            if BOOTSTRAP.match(token):
                found.append(token)
    return found


def test_the_check_finds_bootstrap_and_passes_nhs_markup():
    assert bootstrap_classes('<div class="card p-4"><a class="btn btn-primary">') == [
        "card",
        "p-4",
        "btn",
        "btn-primary",
    ]
    tagged = '<span class="{% if x == "card" %}badge{% endif %} visually-hidden">'
    assert bootstrap_classes(tagged) == ["badge", "visually-hidden"]
    nhs = '<div class="nhsuk-card nhsuk-u-margin-bottom-4"><table class="nhsuk-table-responsive">'
    assert bootstrap_classes(nhs) == []


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_uses_a_bootstrap_class(path: Path):
    assert bootstrap_classes(path.read_text()) == [], f"{path}: Bootstrap classes left"


def test_no_bootstrap_package_file_or_script():
    package = json.loads((ROOT / "package.json").read_text())
    assert "bootstrap" not in package.get("dependencies", {})
    assert "nhsuk-frontend" in package["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert not any("bootstrap" in name for name in lock["packages"])
    for path in _templates():
        text = path.read_text()
        assert "bootstrap" not in text.lower() or "crispy" in text.lower(), path
        assert "data-bs-" not in text, path


def test_the_stylesheet_is_built_without_fetching_fonts():
    source = (ROOT / "frontend" / "app.scss").read_text()
    assert "$nhsuk-include-font-face: false" in source
    built = ROOT / "build" / "static" / "css" / "app.css"
    if built.exists():  # `make assets`, which `make test` runs first
        css = built.read_text()
        assert "Frutiger" not in css and "assets.nhs.uk" not in css
        assert "nhsuk-header" in css
