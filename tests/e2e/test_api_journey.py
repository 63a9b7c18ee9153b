"""A new user makes an API token, pushes a month of data as the README shows, sees the chart.

The token is created in the browser (shown once), the requests go to the live server with it,
and the measure's page then draws the new points. axe-core checks the token page and the docs.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from programmes.models import Role
from tests.api.test_readme import example_requests
from tests.e2e.helpers import sign_in
from tests.factories import AlwaysEventFactory, MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def setting(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    nurse = UserFactory(email="nurse@northfield.test", full_name="Nia Nurse")
    MembershipFactory(organisation=organisation, user=nurse, role=Role.TEAM_MEMBER)
    event = AlwaysEventFactory(organisation=organisation, title="Plan for the day", stage="testing")
    return organisation, nurse, event


def shot(page: Page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=f"/tmp/e2e-api-{name}.png", full_page=True)  # noqa: S108


def test_new_user_pushes_data_with_a_token_and_sees_the_chart(page: Page, check_a11y, setting):
    organisation, nurse, event = setting
    sign_in(page, nurse.email)
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Nia Nurse").click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    check_a11y(page)
    page.get_by_label("Name").fill("Survey tool")
    page.get_by_label("Organisation it can reach").select_option(label="Northfield Hospitals")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("Token", exact=True).input_value()
    assert token.startswith("ae_")
    expect(page.get_by_text("It will not be shown again")).to_be_visible()
    check_a11y(page)
    shot(page, "token-created")

    _, (measure_body, data_body), _ = example_requests()
    api = page.context.request
    headers = {"Authorization": f"Bearer {token}"}
    base = f"/api/v1/organisations/{organisation.slug}/events/{event.pk}"
    created = api.post(f"{base}/measures/", data=measure_body, headers=headers)
    assert created.status == 201, created.text()
    measure = created.json()["id"]
    sent = api.post(f"{base}/measures/{measure}/data-points/", data=data_body, headers=headers)
    assert sent.status == 200 and len(sent.json()["created"]) == 5
    analysis = api.get(f"{base}/measures/{measure}/analysis/", headers=headers)
    assert len(analysis.json()["points"]) == 5

    page.goto(f"/o/{organisation.slug}/events/{event.pk}/measures/{measure}/")
    chart = page.locator("svg").filter(has_text="Told the plan for the day by 10am").first
    expect(chart).to_be_visible()
    page.get_by_text("Every period's value", exact=True).click()  # the table is folded away
    expect(page.get_by_role("cell", name="Whiteboards in bay 2").first).to_be_visible()
    shot(page, "chart")

    page.goto("/account/tokens/")
    expect(page.get_by_role("row", name="Survey tool")).to_contain_text("Active")
    expect(page.get_by_role("row", name="Survey tool")).not_to_contain_text(token)
    page.get_by_role("button", name="Revoke Survey tool").click()
    expect(page.get_by_role("row", name="Survey tool")).to_contain_text("Revoked")
    shot(page, "token-list")
    assert api.get(f"{base}/", headers=headers).status == 401

    page.goto("/api/docs/")
    expect(
        page.get_by_role("heading", name="Send many periods at once (bulk upsert)")
    ).to_be_visible()
    check_a11y(page)
    shot(page, "docs")
