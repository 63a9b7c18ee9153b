"""A programme admin reads the programme dashboard at desktop and phone size.

Its tables are NHS responsive tables: on a phone each row becomes a block that names every
column beside its value, so nothing is hidden and the page never scrolls sideways. axe checks
the page at both sizes.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from programmes.models import Organisation, Stage
from tests.e2e.helpers import path_is, sign_in
from tests.factories import CohortFactory, OrganisationFactory, UserFactory
from tests.reporting.data import accreditation_submission, rich_event

DASHBOARD = "/programme/dashboard/"
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


@pytest.fixture
def programme(transactional_db, settings):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = False
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    Organisation.objects.filter(pk=organisation.pk).update(cohort=CohortFactory(name="Spring"))
    accredited = rich_event(organisation, title="Plan for the day", stage=Stage.SUSTAINING)
    accreditation_submission(accredited, "accredited", decided_at=timezone.now())
    rich_event(organisation, title="Tell you the wait", stage=Stage.TESTING)
    return UserFactory(
        email="admin@programme.test", full_name="Pat Programme", is_programme_admin=True
    )


@pytest.mark.parametrize("size", SIZES)
def test_programme_admin_reads_the_dashboard(page: Page, check_a11y, programme, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, programme.email)
    page.goto(DASHBOARD)
    expect(page).to_have_url(path_is(DASHBOARD))
    expect(page.get_by_role("heading", name="Always Events by stage")).to_be_visible()
    check_a11y(page)
    table = page.get_by_role("table", name="How many Always Events are at each stage")
    expect(table).to_have_count(1)
    testing = table.get_by_role("row", name="Testing")
    expect(testing.get_by_role("cell")).to_have_count(2)
    # The page fits the screen: nothing to scroll sideways at either size.
    assert page.evaluate("document.documentElement.scrollWidth") == width
    headings = testing.locator(".nhsuk-table-responsive__heading")
    if size == "phone":
        # The row is a block; each value shows its column's name beside it.
        expect(headings).to_have_count(3)
        for heading in headings.all():
            expect(heading).to_be_visible()
    else:
        expect(table.get_by_role("columnheader", name="Always Events")).to_be_visible()
        expect(headings.first).to_be_hidden()
