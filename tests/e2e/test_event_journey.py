"""A team lead runs an Always Event through its first stages in a real browser.

Creates it, records set-up readiness, is stopped by an unmet check, moves on with a reason,
writes the vision and aim, sets a progress score, logs time and a challenge, and sees it all on
the timeline. axe-core checks every page on the way.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import AlwaysEvent, Role, StageTransition
from tests.e2e.helpers import expect_problem, fill_date, path_is, sign_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def people(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Amara Lead")
    sponsor = UserFactory(email="sponsor@northfield.test", full_name="Sam Sponsor")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    MembershipFactory(organisation=organisation, user=sponsor, role=Role.EXECUTIVE_SPONSOR)
    return organisation, lead, sponsor


def tab(page: Page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()


def test_team_lead_runs_an_always_event_through_its_first_stages(page: Page, check_a11y, people):
    organisation, lead, _sponsor = people
    sign_in(page, lead.email)
    expect(page).to_have_url(path_is("/o/northfield/"))
    check_a11y(page)

    # Start the event.
    page.get_by_role("link", name="Start an Always Event").first.click()
    check_a11y(page)
    page.get_by_label("Title").fill("Plan for the day")
    page.get_by_label("Service or team").fill("Ward 7")
    page.get_by_label("Executive sponsor").select_option(label="Sam Sponsor")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan for the day")
    expect(page.get_by_text("Stage: Proposed")).to_be_visible()
    check_a11y(page)
    with organisation_scope(organisation):
        event = AlwaysEvent.objects.get(title="Plan for the day")

    # Proposed to Set-up: lead and sponsor are named, so it is ready.
    page.get_by_role("link", name="Move to Set-up").click()
    check_a11y(page)
    page.get_by_role("button", name="Change the stage").click()
    expect(page.get_by_text("Plan for the day is now at Set-up.")).to_be_visible()

    # Record some of the set-up readiness.
    page.get_by_role("link", name="Edit details and set-up").click()
    check_a11y(page)
    page.get_by_label("Oversight group").fill("Patient Experience Group")
    page.get_by_label("QI support contact").fill("Jo Improvement, QI team")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The details are saved.")).to_be_visible()
    checklist = page.locator(".nhsuk-task-list")
    done = checklist.locator(".nhsuk-task-list__item", has_text="Oversight group named")
    expect(done.locator(".nhsuk-task-list__status")).to_have_text("Done")
    to_do = checklist.locator(".nhsuk-task-list__item", has_text="Protected time agreed")
    expect(to_do.locator(".nhsuk-task-list__status")).to_have_text("To do")

    # Stopped by the unmet checks...
    page.get_by_role("link", name="Move to Discovering").click()
    page.get_by_role("button", name="Change the stage").click()
    expect_problem(page, "Not ready for Discovering yet.")
    check_a11y(page)
    # ...and moving on anyway needs a reason.
    page.get_by_label("Move on anyway").check()
    page.get_by_role("button", name="Change the stage").click()
    expect_problem(page, "Say why you are moving on before these are done.")
    page.get_by_role("textbox", name=re.compile(r"^Reason")).fill(
        "Protected time is agreed at next week's rota meeting."
    )
    page.get_by_label("Move on anyway").check()
    page.get_by_role("button", name="Change the stage").click()
    expect(page.get_by_text("Plan for the day is now at Discovering.")).to_be_visible()
    check_a11y(page)
    with organisation_scope(organisation):
        transition = StageTransition.objects.filter(event=event).latest("at")
    assert "Protected time agreed for every team member" in transition.overridden

    # The vision and the aim, each on its own page, back to the statements page after each.
    tab(page, "Vision and aim")
    check_a11y(page)
    page.get_by_role("link", name="Write the vision statement").click()
    check_a11y(page)
    page.get_by_label("Vision statement").fill(
        "We will always tell you the plan for your day by 10am."
    )
    page.get_by_role("button", name="Save the vision").click()
    expect(page.get_by_text("The vision statement is saved.")).to_be_visible()
    expect(page).to_have_url(path_is(f"/o/northfield/events/{event.pk}/statements/"))
    expect(
        page.get_by_text("We will always tell you the plan for your day by 10am.")
    ).to_be_visible()
    page.get_by_role("link", name="Change for whom").click()
    check_a11y(page)
    page.get_by_label("For whom").fill("patients on Ward 7")
    page.get_by_label("What will happen").fill("are told the plan for their day by 10am")
    page.get_by_label("Target (per cent)").fill("90")
    fill_date(page, "By when", datetime.date(2027, 3, 31))
    page.get_by_label("How often you will review it").select_option(label="every month")
    page.get_by_role("button", name="Save the aim").click()
    expect(page.get_by_text("The aim is saved.")).to_be_visible()
    expect(
        page.get_by_text(
            "By 31 March 2027, 90% of patients on Ward 7 are told the plan for their day by 10am. "
            "We will review this every month."
        )
    ).to_be_visible()
    check_a11y(page)

    # A progress score, from the overview.
    tab(page, "Overview")
    page.get_by_role("link", name="Review the score").click()
    check_a11y(page)
    page.get_by_role("combobox", name="Progress score").select_option("1.5")
    page.get_by_label("Why this score?").fill("Team formed; we have started listening to patients.")
    page.get_by_role("button", name="Record the score").click()
    expect(page.get_by_text("Progress score 1.5 recorded.")).to_be_visible()

    # Time and a challenge.
    tab(page, "Team and time")
    check_a11y(page)
    page.locator("#id_time-hours").fill("3.5")
    page.get_by_role("button", name="Log time").click()
    expect(page.get_by_text("3.5 hours recorded for Amara Lead")).to_be_visible()
    tab(page, "Challenges")
    check_a11y(page)
    page.get_by_label("Area").select_option(label="Staff time")
    page.get_by_label("What happened").fill("Night staff cannot join the daytime huddle.")
    page.get_by_label("Who can help?").select_option(label="Needs the executive sponsor")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_text("Challenge recorded.")).to_be_visible()

    # Everything is on the timeline: milestones first, then the rest; time is one line a week.
    tab(page, "Overview")
    timeline = page.locator("section[aria-labelledby=timeline]")
    expect(timeline).to_contain_text("Moved from Proposed to Set-up")
    expect(timeline).to_contain_text("Moved from Set-up to Discovering")
    expect(timeline).to_contain_text("Protected time is agreed at next week's rota meeting.")
    expect(timeline).to_contain_text("Moved on before: Protected time agreed for every team member")
    expect(timeline).to_contain_text("Progress score set to 1.5")
    expect(timeline).to_contain_text("3.5 hours logged for the week of")
    expect(timeline).to_contain_text("Night staff cannot join the daytime huddle.")
    milestones = page.get_by_role("list", name="Milestones")
    expect(milestones).to_contain_text("Moved from Set-up to Discovering")
    expect(milestones).not_to_contain_text("Progress score set to 1.5")
    check_a11y(page)
    # A filter shows one kind, without JavaScript: a link with the filter in its address.
    timeline.get_by_role("link", name="Time", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?show=time#timeline$"))
    expect(timeline).to_contain_text("Showing time only")
    expect(timeline).to_contain_text("3.5 hours logged for the week of")
    expect(timeline).not_to_contain_text("Moved from Set-up to Discovering")
    check_a11y(page)
    timeline.get_by_role("link", name="Show everything").click()
    expect(timeline).to_contain_text("Moved from Set-up to Discovering")


def test_sponsor_sees_the_challenge_that_needs_them_and_comments(page: Page, check_a11y, people):
    from programmes import services

    organisation, lead, sponsor = people
    event = services.event_create(
        organisation=organisation,
        title="Introduce ourselves",
        service="Outpatients",
        by=lead,
        team_lead=lead,
        executive_sponsor=sponsor,
    )
    services.challenge_record(
        event=event,
        area="senior_support",
        text="We need a slot at the board's quality committee.",
        help_needed="sponsor",
        by=lead,
    )
    sign_in(page, sponsor.email)
    expect(page.get_by_role("heading", name="Needs your attention")).to_be_visible()
    expect(
        page.get_by_text("We need a slot at the board's quality committee.").first
    ).to_be_visible()
    check_a11y(page)
    # The status table names the event too (linked to its overview); the callout links to
    # the challenges that need the sponsor.
    page.locator("section[aria-labelledby=attention-heading]").get_by_role(
        "link", name="Introduce ourselves"
    ).click()
    expect(page).to_have_url(path_is(f"/o/northfield/events/{event.pk}/challenges/"))
    check_a11y(page)
    page.get_by_role("link", name="Overview", exact=True).click()
    expect(page.get_by_role("link", name="Move to Set-up")).to_have_count(0)
    page.get_by_label("Add a comment").fill("I will raise it at the next committee.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator("section[aria-labelledby=timeline]")).to_contain_text(
        "I will raise it at the next committee."
    )
    check_a11y(page)
