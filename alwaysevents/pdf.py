"""PDF documents printed from our own HTML (WeasyPrint): the one place that says how.

- **Nothing is fetched**: not from the network, not from disk. Only `data:` URIs are read (the
  charts are inline SVG, images are embedded): an absolute address of anything else fails
  the document rather than being fetched, and one relative to nothing is left out, so no
  content can make the server fetch a URL or read a file.
- **One font configuration per thread**, reused by every document. Left to itself WeasyPrint
  builds a new fontconfig configuration and Pango font map for each document, and the process
  does not give all of that memory back: printing monthly reports one after another grew a
  worker's memory by about 0.24 MiB a report; with the configuration reused, by about 0.03 MiB
  (measured over 400 reports; `bench/reports.py` prints the figures for 50 and 200 sponsors).
- **No control characters**: the HTML is cleaned with `input_checks.printable` first, so a note
  stored before they were refused prints like any other.
"""

from __future__ import annotations

import threading
from typing import Any

from alwaysevents.input_checks import printable

_local = threading.local()


def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def html_to_pdf(html: str) -> bytes:
    """The PDF of a complete HTML document (its own styles; A4 unless the CSS says otherwise)."""
    from weasyprint import HTML  # heavy to import (parses its stylesheets): only when needed
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    pdf: bytes = HTML(string=printable(html), base_url=None, url_fetcher=fetcher).write_pdf(
        font_config=_font_config()
    )
    return pdf
