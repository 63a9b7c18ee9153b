"""The monthly report opens with a one-page summary and the key to the icons (read from the
PDF's text of page 1, as a board member would see it)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from pypdf import PdfReader

from alwaysevents.reporting import rendering
from alwaysevents.reporting.selectors.report import report_content
from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from programmes.models import Membership
from tests.reporting.conftest import PERIOD

pytestmark = pytest.mark.django_db

#: The demo is built on a frozen date: every date in it is derived from today.
FROZEN = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
KEY_WORDS = (
    "What the icons mean",
    "Common cause variation",
    "Improvement (higher values)",
    "Concern (lower values)",
    "Consistently passing the target",
    "Consistently failing the target",
    "Hit and miss against the target",
    "Not assessed",
)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text with its whitespace made single spaces (names wrap in table cells)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def test_the_demo_sponsors_report_opens_with_the_summary_and_the_key():
    with time_machine.travel(FROZEN, tick=True):
        call_command("seed_demo", verbosity=0)
        with across_organisations():
            membership = Membership.objects.select_related("organisation", "user").get(
                user__email="sponsor@northfield.example"
            )
        with organisation_scope(membership.organisation):
            content = report_content(membership=membership, period="2026-11")
        pdf = rendering.report_pdf(content, rendering.report_body_html(content))
    assert len(content.events) >= 6
    pages = pages_text(pdf)
    first = pages[0]
    assert "Summary for the sponsor" in first
    assert "What it asks of you" in first
    for event in content.events:
        assert event.title in first, event.title
        assert event.status is not None
        # The event's status, its reason and what it asks of the sponsor, on page 1.
        assert event.status.label in first
        assert event.status.reason in first, event.status.reason
        assert event.asks in first, event.asks
    # The demo holds every kind of status.
    assert {e.status.label for e in content.events if e.status} >= {"On track", "Needs you"}
    for words in KEY_WORDS:
        assert words in first, words
    # The detail follows: the key in full, then every event's own section.
    assert pages[1].startswith("The icons in detail")
    rest = " ".join(pages[1:])
    for event in content.events:
        assert event.title in rest


def test_the_summary_shows_each_measures_icons_beside_its_name(report_world):
    content = report_content(membership=report_world.membership, period=PERIOD)
    html = rendering.report_body_html(content)
    summary = html[html.index('id="summary-title"') : html.index('id="key-title"')]
    event = content.events[0]
    measure = event.measures[0]
    assert len(measure.icons) == 2
    row = summary[summary.index(event.title) :]
    assert row.count('class="mdc-icon-mark"') == 2
    for icon in measure.icons:
        assert f"{icon.label}. " in row  # the words of each icon, for screen readers
    assert measure.name in row
    assert f">{event.status.label}</strong>" in row
    assert event.asks in row


def test_a_sponsor_of_nothing_still_gets_a_first_page_with_the_key(organisation, sponsor):
    with organisation_scope(organisation):
        membership = Membership.objects.select_related("organisation", "user").get(user=sponsor)
    content = report_content(membership=membership, period=PERIOD)
    first = pages_text(rendering.report_pdf(content, rendering.report_body_html(content)))[0]
    assert "do not sponsor any open Always Events" in first
    assert "What the icons mean" in first
