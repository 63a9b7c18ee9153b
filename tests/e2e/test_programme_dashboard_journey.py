"""A programme admin reads the programme dashboard at desktop and phone size, by keyboard too.

Its tables scroll sideways on a phone, so each scrolling table is a named region that takes the
keyboard's focus (axe-core's scrollable-region-focusable); axe checks the page at both sizes.
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
    regions = page.get_by_role("region", name="How many Always Events are at each stage")
    expect(regions).to_have_count(1)

    # The keyboard reaches the table and scrolls it sideways where it is wider than the screen.
    table = regions.first
    table.focus()
    expect(table).to_be_focused()
    before = table.evaluate("el => el.scrollLeft")
    page.keyboard.press("ArrowRight")
    overflows = table.evaluate("el => el.scrollWidth > el.clientWidth")
    if overflows:
        page.wait_for_function("el => el.scrollLeft > 0", arg=table.element_handle())
    else:
        assert table.evaluate("el => el.scrollLeft") == before
