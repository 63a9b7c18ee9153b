"""Signing in by keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from programmes.models import Role
from tests.e2e.helpers import LOGIN_PATH, path_is
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

MAX_TABS_TO_A_FIELD = 5


def tab_to(page: Page, target: Locator, limit: int = MAX_TABS_TO_A_FIELD) -> int:
    """Press Tab until `target` has focus; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return presses
    raise AssertionError(f"{target} was not reached in {limit} presses of Tab")


@pytest.mark.screens("desktop", "phone")
def test_sign_in_by_keyboard_alone(page: Page, check_a11y, transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    user = UserFactory(email="keyboard.user@northfield.test")
    MembershipFactory(organisation=organisation, user=user, role=Role.TEAM_MEMBER)

    page.goto(LOGIN_PATH)
    check_a11y(page)

    # The first Tab reaches the skip link, which becomes visible and jumps to the content.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()

    email = page.get_by_label("Email", exact=False).first
    password = page.get_by_label("Password", exact=True)
    tab_to(page, email)
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(path_is("/o/northfield/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Northfield Hospitals")
    check_a11y(page)
