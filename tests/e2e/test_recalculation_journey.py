"""A team lead sees that a ward's process has changed and recalculates the chart's limits.

The issue's ward (issue 15): "told the plan by 10am" moved from about 50% to about 90% after a
change, target 90%. The page says so in one headline, suggests new limits from the change and
never calls the ward failing; the team lead recalculates by keyboard alone, at desktop and phone
size, and the new phase is judged against the target. axe checks every page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import Phase
from measurement.services import measures as measure_services
from programmes.models import Role
from tests.e2e.helpers import sign_in
from tests.factories import AlwaysEventFactory, MembershipFactory, OrganisationFactory, UserFactory

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
FIRST = dt.date(2026, 7, 27)
VALUES = [50, 52, 48, 51, 49, 50, 53, 47, 89, 91, 90, 88, 92, 90, 89, 91]


@pytest.fixture
def ward(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Lee Lead")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    event = AlwaysEventFactory(
        organisation=organisation, title="Plan for the day", stage="testing", team_lead=lead
    )
    measure = measure_services.measure_create(
        event=event,
        by=lead,
        name="Told the plan by 10am",
        type="process",
        definition="Patients asked at 10am whether they know the plan for their day.",
        direction="higher",
        target=Decimal(90),
        unit="%",
    )
    for week, value in enumerate(VALUES):
        measure_services.data_point_save(
            measure=measure,
            period=FIRST + dt.timedelta(weeks=week),
            value=Decimal(value),
            by=lead,
        )
    return organisation, lead, event, measure


@pytest.mark.parametrize("size", SIZES)
def test_team_lead_recalculates_the_limits_from_the_change(page: Page, check_a11y, ward, size):
    organisation, lead, event, measure = ward
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, lead.email)
    page.goto(f"/o/northfield/events/{event.pk}/measures/{measure.pk}/")

    expect(page.locator("#headline")).to_have_text(
        "Getting better since 21 Sep 2026; now around 90%, at the target of 90%."
    )
    suggestion = page.locator("#suggestion")
    expect(suggestion).to_contain_text("The process has changed")
    expect(suggestion).to_contain_text("from 21 Sep 2026 to 9 Nov 2026, are all above")
    expect(page.get_by_text("Not assessed: the process has changed").first).to_be_visible()
    # (the folded key names every icon; what is shown never says failing)
    expect(page.get_by_text("Consistently failing the target").filter(visible=True)).to_have_count(
        0
    )
    check_a11y(page)

    # By keyboard alone: to the reason (prefilled, editable), then the one action.
    reason = page.get_by_label("What changed in the process?").first
    reason.focus()
    expect(reason).to_have_value(
        "The process changed from 21 Sep 2026: 8 points in a row above the average."
    )
    page.keyboard.press("Control+End")
    page.keyboard.type(" Plan card at every bedside.")
    button = page.get_by_role("button", name="Recalculate limits from 21 Sep 2026")
    button.focus()
    expect(button).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_text("A new phase starts at 21 Sep 2026")).to_be_visible()
    expect(page.locator("#suggestion")).to_have_count(0)
    expect(page.get_by_text("Hit and miss against the target").first).to_be_visible()
    expect(
        page.get_by_text("Not assessed: the process has changed").filter(visible=True)
    ).to_have_count(0)
    check_a11y(page)
    with organisation_scope(organisation):
        phase = Phase.objects.get(measure=measure)
    assert phase.decided_by == lead
    assert phase.reason.endswith("above the average. Plan card at every bedside.")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
