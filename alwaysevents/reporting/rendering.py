"""Turning a report's content into what is stored and sent: the HTML, the PDF and the email.

Pure rendering: no queries. The HTML body is what the app shows and what the PDF is printed
from (WeasyPrint, A4), with the measures' SVG charts inline; the email is a short summary with a
plain-text part, the PDF attached and links to read, acknowledge and change preferences.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from alwaysevents.reporting.selectors.report import ReportContent

_CSS_UNSAFE = re.compile(r"[\"\\<>\n\r]")


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


def report_pdf(content: ReportContent, body_html: str) -> bytes:
    """The board report as PDF bytes. No network: nothing in the document is fetched."""
    from weasyprint import HTML

    document = report_document_html(content, body_html)
    pdf: bytes = HTML(string=document, base_url=None, url_fetcher=_no_fetch).write_pdf()
    return pdf


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"The report does not fetch anything ({url}).")


def report_filename(content: ReportContent) -> str:
    return f"always-events-report-{content.organisation_slug}-{content.period}.pdf"
