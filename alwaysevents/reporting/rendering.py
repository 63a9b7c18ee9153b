"""Turning a report's content into what is stored and sent: the HTML, the PDF and the email.

Pure rendering: no queries. The HTML body is what the app shows and what the PDF is printed
from (WeasyPrint, A4), with the measures' SVG charts inline; the email is a short summary with a
plain-text part, the PDF attached and links to read, acknowledge and change preferences.
"""

from __future__ import annotations

import base64
import re
from html import escape, unescape

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from alwaysevents.input_checks import printable
from alwaysevents.pdf import html_to_pdf
from alwaysevents.reporting.selectors.report import ReportContent

_CSS_UNSAFE = re.compile(r"[\"\\<>\n\r]")
_CHART_SVG = re.compile(r"<svg xmlns=\"http://www.w3.org/2000/svg\".*?</svg>", re.S)
_SVG_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)


def report_body_html(content: ReportContent) -> str:
    """The report as an HTML fragment (an <article>): stored as the snapshot, shown in the app."""
    return render_to_string("reporting/report/_body.html", {"report": content})


def report_document_html(content: ReportContent, body_html: str) -> str:
    """A standalone HTML document of the report with the print styles (A4)."""
    footer = _CSS_UNSAFE.sub(
        " ", f"{content.organisation_name}: progress report for {content.period_label}"
    )
    return render_to_string(
        "reporting/report/document.html",
        {"report": content, "body": mark_safe(body_html), "footer": footer},  # noqa: S308 - ours
    )


def _svg_as_image(match: re.Match[str]) -> str:
    """An inline chart as an embedded image (a data: URI, still vector): WeasyPrint draws it
    with its SVG renderer without running the page's CSS cascade over every point and line,
    which is most of the cost of a report. The figure's caption stays the text alternative."""
    svg = match.group(0)
    title = _SVG_TITLE.search(svg)
    alt = unescape(title.group(1)) if title else "Chart"
    data = base64.b64encode(svg.encode()).decode("ascii")
    return f'<img class="chart-image" alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}">'


def pdf_document_html(content: ReportContent, body_html: str) -> str:
    """The print document: the charts of the stored body embedded as SVG images (cleaned of
    control characters first: a body stored before they were refused may hold some, and an
    SVG image holding one is not well-formed XML)."""
    return report_document_html(content, _CHART_SVG.sub(_svg_as_image, printable(body_html)))


def report_pdf(content: ReportContent, body_html: str) -> bytes:
    """The board report as PDF bytes (A4); nothing is fetched (`alwaysevents.pdf`)."""
    return html_to_pdf(pdf_document_html(content, body_html))


def report_filename(content: ReportContent) -> str:
    return f"always-events-report-{content.organisation_slug}-{content.period}.pdf"
