"""The executive sponsor reads the dashboard in a real browser, filters it and comments.

Signs in (landing on the dashboard), reads an event's measures with their icons in words,
reads it again on a phone (every column kept, nothing to scroll sideways), filters by stage,
and comments on an event from the dashboard; the comment reaches the event's timeline.
axe-core checks every page.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from programmes.models import Role, Stage
from tests.e2e.helpers import path_is, sign_in
from tests.factories import AlwaysEventFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.reporting.data import accreditation_submission, rich_event

DASHBOARD = "/o/northfield/dashboard/"


@pytest.fixture
def setting(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    sponsor = UserFactory(email="sponsor@northfield.test", full_name="Sam Sponsor")
    MembershipFactory(organisation=organisation, user=sponsor, role=Role.EXECUTIVE_SPONSOR)
    testing = rich_event(
        organisation, sponsor=sponsor, title="Plan for the day", stage=Stage.TESTING
    )
    proposed = AlwaysEventFactory(
        organisation=organisation,
        title="Tell you the wait",
        stage=Stage.PROPOSED,
        executive_sponsor=sponsor,
    )
    accreditation_submission(
        testing,
        "accredited",
        decided_at=dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC),
        expires_on=dt.date(2029, 3, 4),
    )
    return organisation, sponsor, testing, proposed


def test_sponsor_reads_filters_and_comments(page: Page, check_a11y, setting):
    _organisation, sponsor, testing, proposed = setting

    sign_in(page, sponsor.email)
    expect(page).to_have_url(path_is(DASHBOARD))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("heading", name="Needs your attention")).to_be_visible()
    expect(page.get_by_role("link", name="Dashboard", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    card = page.locator(f"#event-{testing.pk}")
    expect(card.get_by_role("heading", name="Plan for the day")).to_be_visible()
    expect(card.get_by_text("Up 0.5 since the score before")).to_be_visible()
    measures = card.get_by_role("table")
    expect(
        measures.get_by_role("img", name=re.compile(r"^Told the plan: 20 weekly points"))
    ).to_be_visible()
    expect(measures.get_by_text("Improvement (higher values)").first).to_be_visible()
    expect(card.get_by_text(re.compile("PDSA cycle 1 on .Huddle script."))).to_be_visible()
    expect(card.get_by_text(re.compile("leans on one or two people"))).to_be_visible()
    expect(page.locator(f"#event-{proposed.pk}")).to_be_visible()
    # Accreditation, in the table and on the card, links to the event's Accreditation tab.
    expect(card.get_by_text("(decided 4 Mar 2026, expires 4 Mar 2029)")).to_be_visible()
    expect(
        page.get_by_role("row", name=re.compile("Tell you the wait")).get_by_role(
            "link", name=re.compile("^Not started")
        )
    ).to_be_visible()
    check_a11y(page)

    # On a phone every table row is a block that keeps every column: the icons in words and
    # the accreditation too, each beside its column's name, and the page fits the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    chart = re.compile("^Told the plan: 20 weekly points")
    told = measures.get_by_role("row").filter(has=page.get_by_role("img", name=chart))
    expect(told.get_by_role("img", name=chart)).to_be_visible()
    for column in ("Measure", "Chart", "Latest", "Variation", "Assurance"):
        expect(told.get_by_text(column, exact=True)).to_be_visible()
    expect(told.locator(".ae-mdc-variation")).to_be_visible()
    expect(measures.get_by_text("Improvement (higher values)").first).to_be_visible()
    waiting = page.get_by_role("row", name=re.compile("Tell you the wait"))
    expect(waiting.get_by_text("Accreditation", exact=True)).to_be_visible()
    expect(waiting.get_by_role("link", name=re.compile("^Not started"))).to_be_visible()
    check_a11y(page)
    page.set_viewport_size({"width": 1366, "height": 768})

    # Only the events at Testing.
    page.get_by_label("Stage").select_option("testing")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"stage=testing"))
    expect(page.locator(f"#event-{proposed.pk}")).to_have_count(0)
    expect(card).to_be_visible()
    check_a11y(page)

    # A comment from the dashboard goes on the event's timeline.
    card.locator("summary", has_text="Comment on Plan for the day").click()
    card.get_by_label("Your comment on Plan for the day").fill(
        "Good to see the signal. Keep going."
    )
    card.get_by_role("button", name=re.compile("^Add comment")).click()
    expect(page.get_by_text("Your comment is on the timeline of Plan for the day.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/o/northfield/dashboard/\?stage=testing.*#event-"))
    check_a11y(page)
    card.get_by_role("link", name="Plan for the day", exact=True).click()
    expect(page.locator("section[aria-labelledby=timeline]")).to_contain_text(
        "Good to see the signal. Keep going."
    )
