"""The sponsor's ten-second test: signed in on the demo at 1366x768, the first screen shows every
event's status in words and its measures' icons without scrolling. On a phone the same rows
are there, one block an event. axe-core checks the page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from alwaysevents.tenancy.scope import across_organisations
from programmes.demo import DEMO_PASSWORD
from programmes.models import AlwaysEvent
from tests.e2e.helpers import path_is, sign_in

DASHBOARD = "/o/northfield/dashboard/"
SPONSOR = "sponsor@northfield.example"
STATUS = re.compile(r"^(On track|Needs you|Stalled)$")


def demo_titles() -> list[str]:
    with across_organisations():
        return list(
            AlwaysEvent.objects.with_scopes_disabled()
            .filter(organisation__slug="northfield")
            .order_by("title")
            .values_list("title", flat=True)
        )


def status_rows(page: Page):
    return page.locator("table.ae-status-table tbody tr")


@pytest.mark.screens("desktop")
def test_sponsor_sees_every_event_status_and_icons_without_scrolling(page: Page, check_a11y, demo):
    titles = demo_titles()
    assert len(titles) >= 6
    sign_in(page, SPONSOR, DEMO_PASSWORD)
    expect(page).to_have_url(path_is(DASHBOARD))
    assert page.viewport_size == {"width": 1366, "height": 768}
    assert page.evaluate("window.scrollY") == 0
    rows = status_rows(page)
    expect(rows).to_have_count(len(titles))
    icons = 0
    for title in titles:
        row = rows.filter(has=page.get_by_role("link", name=title, exact=True))
        expect(row).to_have_count(1)
        tag = row.locator(".ae-status-tag")
        expect(tag).to_have_text(STATUS)
        # Everything that tells the sponsor how the event is doing lies inside the first screen.
        parts = [
            row.get_by_role("link", name=title, exact=True),
            tag,
            row.locator(".ae-status-reason"),
        ]
        marks = row.locator(".ae-status-measure")
        parts += [marks.nth(i) for i in range(marks.count())]
        icons += row.locator("svg.mdc-icon-mark").count()
        for part in parts:
            expect(part).to_be_visible()
            box = part.bounding_box()
            assert box is not None, title
            assert box["y"] >= 0 and box["y"] + box["height"] <= 768, (title, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1366, (title, box)
    # The demo's measures show their icons, each with its words for screen readers.
    assert icons >= 4
    first_icon = rows.locator(".ae-status-measure").first
    expect(first_icon.locator(".nhsuk-u-visually-hidden").first).to_have_text(re.compile(":"))
    check_a11y(page)


@pytest.mark.screens("phone", "keyboard")
def test_the_status_rows_are_there_on_every_screen(page: Page, check_a11y, demo):
    titles = demo_titles()
    sign_in(page, SPONSOR, DEMO_PASSWORD)
    expect(page).to_have_url(path_is(DASHBOARD))
    rows = status_rows(page)
    expect(rows).to_have_count(len(titles))
    for title in titles:
        row = rows.filter(has=page.get_by_role("link", name=title, exact=True))
        row.scroll_into_view_if_needed()
        expect(row.locator(".ae-status-tag")).to_have_text(STATUS)
        expect(row.locator(".ae-status-reason")).to_be_visible()
    # The key to the icons opens from under the table.
    key = page.locator("#status-key summary")
    key.scroll_into_view_if_needed()
    key.click()
    expect(page.locator("#status-key").get_by_text("Common cause variation")).to_be_visible()
    # Nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check_a11y(page)
