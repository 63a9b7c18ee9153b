"""A team member measures an Always Event in a real browser.

Enters baseline data in the grid, imports a CSV with an error, fixes it, plans a PDSA cycle
linked to the measure, and sees the cycle's annotation and the improvement signal on the chart.
axe-core checks every page on the way.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import DataPoint
from measurement.services import measures as measure_services
from measurement.services import testing as testing_services
from programmes.models import Role
from tests.e2e.helpers import fill_date, path_is, sign_in
from tests.factories import AlwaysEventFactory, MembershipFactory, OrganisationFactory, UserFactory

# The first question of a plan ("Question 1 (optional)"), not its prediction.
QUESTION_1 = re.compile(r"^Question 1\b")

BASELINE = [52, 48, 50, 55, 47, 51, 49, 53, 50, 52]
AFTER = [84, 88, 85, 90, 86, 87, 89, 91]


@pytest.fixture
def setting(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    nurse = UserFactory(email="nurse@northfield.test", full_name="Nia Nurse")
    MembershipFactory(organisation=organisation, user=nurse, role=Role.TEAM_MEMBER)
    event = AlwaysEventFactory(organisation=organisation, title="Plan for the day", stage="testing")
    measure = measure_services.measure_create(
        event=event,
        by=nurse,
        name="Told the plan by 10am",
        type="process",
        definition="Patients asked at 10am whether they know the plan for their day.",
        direction="higher",
        target=80,
        unit="%",
    )
    idea = testing_services.change_idea_add(
        event=event, text="Huddle script", kind="relational", driver=None, by=nurse
    )
    return organisation, nurse, event, measure, idea


def test_team_member_measures_tests_a_change_and_sees_the_signal(page: Page, check_a11y, setting):
    organisation, nurse, event, measure, _idea = setting
    this_week = measure.normalise_period(timezone.localdate())
    weeks = [this_week - dt.timedelta(weeks=n) for n in range(len(BASELINE) + len(AFTER))][::-1]
    baseline_weeks, after_weeks = weeks[: len(BASELINE)], weeks[len(BASELINE) :]

    sign_in(page, nurse.email)
    page.goto(f"/o/northfield/events/{event.pk}/")
    page.get_by_role("link", name="Measures", exact=True).click()
    check_a11y(page)
    page.get_by_role("link", name="Told the plan by 10am").click()
    expect(page.get_by_text("No data yet. Enter the baseline")).to_be_visible()
    check_a11y(page)

    # Baseline data in the grid.
    page.get_by_role("link", name="Enter or correct data").click()
    check_a11y(page)
    for week, value in zip(baseline_weeks, BASELINE, strict=True):
        page.get_by_label(f"Value, {week.day} {week:%b %Y}", exact=True).fill(str(value))
    page.get_by_role("button", name="Save all").click()
    expect(page.get_by_text(f"Saved {len(BASELINE)} periods.")).to_be_visible()
    check_a11y(page)

    # An import with a mistake: nothing is written, the row and column are named.
    rows = [
        f"Told the plan by 10am,{w.isoformat()},{v},,,"
        for w, v in zip(after_weeks, AFTER, strict=True)
    ]
    broken = rows.copy()
    broken[2] = broken[2].replace(str(AFTER[2]), "eighty-five")
    header = "measure,period,value,numerator,denominator,note"
    page.get_by_role("link", name="Measures", exact=True).click()
    page.get_by_role("link", name="Import data").click()
    check_a11y(page)
    page.get_by_label("CSV or Excel file").set_input_files(
        files=[
            {
                "name": "after.csv",
                "mimeType": "text/csv",
                "buffer": "\n".join([header, *broken]).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Nothing has been imported.")).to_be_visible()
    expect(page.get_by_role("cell", name="'eighty-five' is not a number.")).to_be_visible()
    check_a11y(page)
    with organisation_scope(organisation):
        assert DataPoint.objects.filter(measure=measure).count() == len(BASELINE)

    # Fixed, checked, applied.
    page.get_by_label("CSV or Excel file").set_input_files(
        files=[
            {
                "name": "after.csv",
                "mimeType": "text/csv",
                "buffer": "\n".join([header, *rows]).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name=f"Import {len(AFTER)} rows").click()
    expect(page.get_by_text(f"Imported {len(AFTER)} rows from after.csv")).to_be_visible()
    check_a11y(page)

    # A PDSA cycle linked to the measure, starting the week the change started.
    page.get_by_role("link", name="Testing changes", exact=True).click()
    page.get_by_role("link", name=re.compile("PDSA cycles for “Huddle script”")).click()
    page.get_by_role("link", name="Plan a PDSA cycle").click()
    page.get_by_label("Objective").fill("Try a two-minute script at the morning huddle")
    fill_date(page, "When it starts", after_weeks[0])
    page.get_by_label("Told the plan by 10am").check()
    page.get_by_label(QUESTION_1).fill("Will every patient hear their plan by 10am?")
    page.get_by_role("button", name="Plan the cycle").click()
    expect(page.get_by_text("Cycle 1 is planned.")).to_be_visible()

    # The chart: the cycle marked on its week, and the improvement found.
    page.get_by_role("link", name="Measures", exact=True).click()
    page.get_by_role("link", name="Told the plan by 10am").click()
    chart = page.locator("figure.ae-chart svg")
    expect(chart.locator("g.annotation")).to_have_count(1)
    expect(chart.locator("g.annotation title")).to_contain_text("PDSA 1")
    expect(chart.locator("polygon.point.improvement").first).to_be_attached()
    analysis = page.locator("section[aria-labelledby=analysis-heading]")
    expect(analysis).to_contain_text("Improvement")
    # The data table, folded under the chart on the page, opened.
    table = page.locator("section[aria-labelledby=data-heading]")
    table.get_by_text("Every period's value", exact=True).click()
    expect(table.get_by_text(re.compile("PDSA 1")).first).to_be_visible()
    expect(page).to_have_url(path_is(f"/o/northfield/events/{event.pk}/measures/{measure.pk}/"))
    check_a11y(page)
