"""The stage form in a real browser asks only what the chosen move needs: moving on with
everything ready shows no reason; choosing to close shows the reason and why it is closing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from programmes import services
from programmes.models import Role
from tests.e2e.helpers import expect_problem, sign_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def event(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Amara Lead")
    sponsor = UserFactory(email="sponsor@northfield.test", full_name="Sam Sponsor")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    MembershipFactory(organisation=organisation, user=sponsor, role=Role.EXECUTIVE_SPONSOR)
    # Proposed, with its lead and sponsor named: ready for Set-up.
    return services.event_create(
        organisation=organisation,
        title="Plan for the day",
        service="Ward 7",
        by=lead,
        team_lead=lead,
        executive_sponsor=sponsor,
    )


def test_the_stage_form_asks_only_what_the_move_needs(page: Page, check_a11y, event):
    sign_in(page, "lead@northfield.test")
    page.goto(f"/o/northfield/events/{event.pk}/stage/")
    reason = page.get_by_role("textbox", name="Reason")
    closing = page.get_by_label("Why is it closing?")
    expect(page.get_by_label("Move to")).to_have_value("set_up")
    expect(reason).to_be_hidden()
    expect(closing).to_be_hidden()
    expect(page.get_by_label("Move on anyway")).to_be_hidden()
    expect(page.get_by_text("Nothing more to answer for this move.")).to_be_visible()
    check_a11y(page)

    page.get_by_label("Move to").select_option(label="Closed")
    expect(reason).to_be_visible()
    expect(closing).to_be_visible()
    expect(page.get_by_text("Nothing more to answer for this move.")).to_be_hidden()
    page.get_by_role("button", name="Change the stage").click()
    expect_problem(page, "Say why you are closing.")
    expect(
        page.get_by_text("Choose why it is closing: completed, stopped or merged.").first
    ).to_be_visible()
    check_a11y(page)

    page.get_by_label("Move to").select_option(label="Paused")
    expect(reason).to_be_visible()
    expect(closing).to_be_hidden()

    page.get_by_label("Move to").select_option(label="Set-up")
    expect(reason).to_be_hidden()
    page.get_by_role("button", name="Change the stage").click()
    expect(page.get_by_text("Plan for the day is now at Set-up.")).to_be_visible()
