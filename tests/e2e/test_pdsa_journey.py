"""A team member builds a driver diagram and runs a change idea through a PDSA cycle.

Adds a primary and a secondary driver and a relational change idea, plans a cycle with a
question, is refused Doing until the prediction is written, moves it through Doing, Studying
and Decided (adapt), starts the next cycle pre-filled and sees the ramp. axe-core checks every
page on the way.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import PdsaCycle
from programmes import services as programme_services
from programmes.models import Role
from tests.e2e.helpers import expect_problem, path_is, sign_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

# The first question of a plan ("Question 1 (optional)"), not its prediction.
QUESTION_1 = re.compile(r"^Question 1\b")


@pytest.fixture
def people(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Amara Lead")
    member = UserFactory(email="nurse@northfield.test", full_name="Nia Nurse")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    MembershipFactory(organisation=organisation, user=member, role=Role.TEAM_MEMBER)
    event = programme_services.event_create(
        organisation=organisation, title="Plan for the day", service="Ward 7", by=lead
    )
    return organisation, member, event


def test_team_member_tests_a_change_with_pdsa_cycles(page: Page, check_a11y, people):
    organisation, member, event = people
    sign_in(page, member.email)
    page.goto(f"/o/northfield/events/{event.pk}/")
    page.get_by_role("link", name="Testing changes", exact=True).click()
    expect(page).to_have_url(path_is(f"/o/northfield/events/{event.pk}/testing/"))
    expect(page.get_by_text("No aim yet.")).to_be_visible()
    check_a11y(page)

    # The driver diagram: a primary driver, a secondary one under it, a relational idea.
    page.get_by_label(re.compile(r"^\s*Primary driver")).fill("Staff know each patient's plan")
    page.get_by_role("button", name="Add primary driver").click()
    expect(
        page.get_by_text("Primary driver “Staff know each patient's plan” added.")
    ).to_be_visible()
    page.get_by_label(re.compile(r"^\s*Secondary driver")).fill("A huddle every morning")
    page.get_by_role("button", name="Add secondary driver").click()
    expect(page.get_by_text("Secondary driver “A huddle every morning” added")).to_be_visible()
    page.get_by_label(re.compile(r"^\s*Change idea")).fill("Test a huddle script")
    page.get_by_label("Relational (behaviour, communication)").check()
    page.get_by_label("Under the secondary driver").select_option(label="A huddle every morning")
    page.get_by_role("button", name="Add change idea").click()
    expect(page.get_by_text("Change idea “Test a huddle script” added.")).to_be_visible()
    diagram = page.locator(".ae-drivers")
    expect(diagram.get_by_text("Staff know each patient's plan", exact=True).first).to_be_visible()
    expect(diagram.get_by_text("A huddle every morning", exact=True).first).to_be_visible()
    expect(diagram.get_by_text("Test a huddle script", exact=True).first).to_be_visible()
    expect(page.get_by_text("Most of your change ideas are relational.")).to_be_visible()
    expect(page.get_by_text("1 of 1 (100%)")).to_be_visible()
    page.get_by_text("Change or remove").first.click()  # the inline edit forms, opened
    check_a11y(page)

    # The ramp of the change idea, empty, and planning the first cycle.
    page.get_by_role("link", name=re.compile("PDSA cycles for “Test a huddle script”")).click()
    expect(page.get_by_text("No cycles yet.")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Plan a PDSA cycle").click()
    check_a11y(page)
    page.get_by_label("Objective").fill("See whether a short script helps the huddle")
    page.get_by_label(re.compile(r"^Who\b")).fill("Day staff on Ward 7")
    page.get_by_label(QUESTION_1).fill("Will the nurse in charge use the script?")
    page.get_by_role("button", name="Plan the cycle").click()
    expect(page.get_by_text("Cycle 1 is planned.")).to_be_visible()
    check_a11y(page)

    # Refused Doing without a prediction; writes it; starts.
    page.get_by_role("button", name="Start doing it").click()
    expect_problem(page, "Write a prediction for every question")
    check_a11y(page)
    page.get_by_label("Prediction for question 1").fill("Used at 4 of 5 huddles")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("The plan is saved.")).to_be_visible()
    page.get_by_role("button", name="Start doing it").click()
    expect(page.get_by_text("Cycle 1 is under way")).to_be_visible()
    check_a11y(page)

    # Do, then Study and Act.
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("What happened: your observations").fill("Used at 3 huddles out of 5.")
    page.get_by_role("button", name="Save and study the results").click()
    expect(page.get_by_text("Now study the results")).to_be_visible()
    check_a11y(page)
    page.get_by_label("How did it compare with your predictions?").fill(
        "We predicted 4 of 5; it was 3. Busy mornings were missed."
    )
    page.get_by_label("What did you learn?").fill("A shorter script for busy mornings.")
    page.get_by_label("Adapt: change it and test again").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded: adapt.")).to_be_visible()
    check_a11y(page)

    # The next cycle, pre-filled.
    page.get_by_role("button", name="Start the next cycle").click()
    expect(page.get_by_text("Cycle 2 is planned, copied from cycle 1.")).to_be_visible()
    expect(page.get_by_label(QUESTION_1)).to_have_value("Will the nurse in charge use the script?")
    expect(page.get_by_label("Prediction for question 1")).to_have_value("Used at 4 of 5 huddles")
    expect(page.get_by_label("Objective")).to_have_value(
        "See whether a short script helps the huddle"
    )
    check_a11y(page)

    # The ramp: both cycles in order, the first decided and closed.
    page.get_by_role("link", name=re.compile("Back to the cycles of")).click()
    ramp = page.get_by_role("list", name="Cycles in order")
    items = ramp.get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Cycle 1")
    expect(items.nth(0)).to_contain_text("Decision: Adapt")
    expect(items.nth(0)).to_contain_text("A shorter script for busy mornings.")
    expect(items.nth(1)).to_contain_text("Cycle 2")
    expect(items.nth(1)).to_contain_text("Planned")
    expect(items.nth(1)).to_contain_text("follows cycle 1")
    check_a11y(page)

    with organisation_scope(organisation):
        cycles = list(PdsaCycle.objects.order_by("number"))
    assert [(c.number, c.state) for c in cycles] == [(1, "closed"), (2, "planned")]
    assert cycles[1].previous_id == cycles[0].pk
    assert {c.organisation_id for c in cycles} == {organisation.pk}
