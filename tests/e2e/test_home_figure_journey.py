"""A team member records this week's figure from the home page (issue 17's staff minute).

Signing in lands on "Your work"; the figure due from them is there with its own small form;
one submit saves it and the home page shows the chart with the new point. At most three page
loads (the sign-in page, the home page, the home page after saving) and one submit of the
figure, on every screen (desktop, phone, keyboard alone), with axe-core on each page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from measurement.due import period_due, period_words
from measurement.models import DataPoint, Measure
from measurement.services import measures as measure_services
from programmes.models import AlwaysEvent, Role
from tests.e2e.helpers import LOGIN_PATH, fill_sign_in_form, path_is
from tests.factories import (
    AlwaysEventFactory,
    MembershipFactory,
    OrganisationFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.reporting.conftest import backdate

MAX_PAGE_LOADS = 3


@pytest.fixture
def measure(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Lee Lead")
    nurse = UserFactory(email="nurse@northfield.test", full_name="Nia Nurse")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    MembershipFactory(organisation=organisation, user=nurse, role=Role.TEAM_MEMBER)
    event = AlwaysEventFactory(
        organisation=organisation, title="Plan for the day", stage="testing", team_lead=lead
    )
    TeamMemberFactory(organisation=organisation, event=event, user=nurse)
    measure = measure_services.measure_create(
        event=event,
        by=lead,
        owner=nurse,
        name="Patients who know their plan",
        type=Measure.Type.PROCESS,
        definition="Asked at 11am on the ward round.",
        unit="patients",
    )
    backdate(AlwaysEvent, event, created_at=timezone.now() - dt.timedelta(days=200))
    return backdate(Measure, measure, created_at=timezone.now() - dt.timedelta(days=200))


def test_a_team_member_records_the_figure_due_from_the_home_page(
    page: Page, measure: Measure, check_a11y
):
    loads: list[str] = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    due_start, _ = period_due(measure.frequency, timezone.localdate())
    legend = f"{measure.name}: {period_words(measure.frequency, due_start)}"

    page.goto(LOGIN_PATH)
    fill_sign_in_form(page, "nurse@northfield.test")
    expect(page).to_have_url(path_is("/o/northfield/"))
    check_a11y(page)
    expect(page.get_by_role("heading", name="Your Always Events")).to_be_visible()

    form = page.get_by_role("group", name=legend)
    form.get_by_label("Figure (patients)").fill("18")
    form.get_by_label("Note").fill("Two patients asleep")
    form.get_by_role("button", name="Save").click()

    expect(
        page.get_by_text(f"Saved 18 for {period_words(measure.frequency, due_start)}")
    ).to_be_visible()
    chart = page.get_by_role("img", name=f"Chart of {measure.name}")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0"), "the chart did not load"
    expect(page.get_by_text("No figures are due from you now.")).to_be_visible()
    check_a11y(page)

    assert 1 < len(loads) <= MAX_PAGE_LOADS, loads
    point = DataPoint.objects.with_scope(organisation=measure.organisation_id).get(
        measure=measure, period=due_start
    )
    assert (point.value, point.note) == (18, "Two patients asleep")
