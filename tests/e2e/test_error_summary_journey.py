"""A team member writes a vision that is refused: the page opens on "There is a problem", and
the keyboard goes from the summary's link to the box to correct (issue 16, item 3)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from programmes import services
from programmes.models import Role
from tests.e2e.helpers import sign_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


@pytest.fixture
def event(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Lee Lead")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    return services.event_create(
        organisation=organisation,
        title="Plan for the day",
        service="Ward 7",
        by=lead,
        team_lead=lead,
    )


@pytest.mark.parametrize("size", SIZES)
def test_a_refused_vision_is_corrected_from_the_error_summary(page: Page, check_a11y, event, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "lead@northfield.test")
    page.goto(f"/o/northfield/events/{event.pk}/statements/vision/")
    box = page.get_by_role("textbox", name="Vision statement")
    box.fill("Patients get a plan.")
    page.get_by_role("button", name="Save the vision").click()

    expect(page).to_have_title(
        "Error: Vision statement \u2013 Plan for the day \u2013 Always Events®"
    )
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(box).to_have_value("Patients get a plan.")  # nothing typed is lost
    check_a11y(page)
    if os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=f"/tmp/e2e-error-summary-{size}.png")  # noqa: S108

    page.keyboard.press("Tab")
    link = summary.get_by_role("link")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(box).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("We will always tell patients the plan for their day by 10am.")
    page.get_by_role("button", name="Save the vision").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_have_count(0)
    expect(page.get_by_text("The vision statement is saved.")).to_be_visible()
