"""A partner signs in: invited by their team lead, they see their Always Event and its chart,
sign off the vision, tell the team what they would change, leave feedback on a workshop and
withdraw a consent; the team reads what they would change on the Co-production tab. axe-core
checks every page. With E2E_SCREENSHOTS=1 the partner pages are saved to /tmp/partner-*.png.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import AuditEntry, Consent, PartnerSignOff, PartnerSuggestion
from measurement.services import measures as measure_services
from programmes.models import Membership, Role
from tests.e2e.helpers import expect_problem, open_menu_item, path_is, sign_in
from tests.e2e.test_invitation import (
    NEW_PASSWORD,
    PASSWORD_AGAIN_LABEL,
    PASSWORD_LABEL,
    SIGN_UP_BUTTON,
    emailed_invitation_link,
)
from tests.factories import (
    ActivityFactory,
    AlwaysEventFactory,
    ConsentFactory,
    EventPartnerFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

VISION = "We will always tell you the plan for your day by 10am."
CHANGE = "Please write the plan on the board before visiting starts, so families can read it."


def screenshot(page: Page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=f"/tmp/partner-{name}.png", full_page=True)  # noqa: S108


@pytest.fixture
def setting(transactional_db, settings, live_server):
    settings.SITE_URL = live_server.url
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Lee Lead")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    event = AlwaysEventFactory(
        organisation=organisation,
        title="Plan for the day",
        stage="testing",
        team_lead=lead,
        vision_statement=VISION,
    )
    pat = EventPartnerFactory(
        event=event, partner__display_name="Pat Fictional", partner__email="pat@example.org"
    ).partner
    robin = EventPartnerFactory(
        event=event, partner__display_name="Robin Otherperson", partner__email="robin@example.org"
    ).partner
    ConsentFactory(partner=pat, purpose=Consent.Purpose.CONTACT)
    ConsentFactory(partner=pat, purpose=Consent.Purpose.QUOTING)
    ActivityFactory(event=event, title="Co-design workshop", partners=[pat, robin])
    measure = measure_services.measure_create(
        event=event,
        by=lead,
        name="Patients told the plan by 10am",
        type="process",
        definition="Asked at 10am on the ward each week",
        unit="patients",
        direction="higher",
        target=Decimal(80),
    )
    monday = dt.date(2026, 1, 5)
    for week in range(16):
        measure_services.data_point_save(
            measure=measure,
            period=monday + dt.timedelta(weeks=week),
            value=Decimal(40 + (week % 3) if week < 8 else 85 + (week % 2)),
            by=lead,
        )
    return organisation, lead, event, pat


def test_team_lead_invites_a_partner_who_signs_off_gives_feedback_and_withdraws_consent(
    new_page, check_a11y, setting, mailoutbox
):
    organisation, lead, event, pat = setting

    # The team lead invites Pat from Pat's page.
    staff = new_page()
    sign_in(staff, lead.email)
    staff.goto(f"/o/northfield/events/{event.pk}/partners/{pat.pk}/")
    expect(staff.get_by_role("heading", name="Signing in")).to_be_visible()
    check_a11y(staff)
    staff.get_by_role("button", name="Invite them to sign in").click()
    expect(staff.get_by_text("Pat Fictional is invited to sign in.")).to_be_visible()
    expect(staff.locator("#partner-sign-in-status")).to_contain_text("pat@example.org")
    check_a11y(staff)
    screenshot(staff, "staff-invited")

    # Pat opens the emailed link, creates an account and accepts.
    link = emailed_invitation_link(mailoutbox, "pat@example.org")
    page = new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Northfield Hospitals")
    expect(page.get_by_text("You will not see anyone else's details.")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Create your account").click()
    page.get_by_label("Your full name").fill("Pat Fictional")
    page.get_by_label(PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label(PASSWORD_AGAIN_LABEL).fill(NEW_PASSWORD)
    page.get_by_role("button", name=SIGN_UP_BUTTON).click()
    expect(page).to_have_url(link)
    page.get_by_role("button", name="Accept the invitation").click()

    # Their home: their event, its statement, where it is and the chart in plain words.
    expect(page).to_have_url(path_is("/o/northfield/me/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Pat Fictional")
    expect(page.get_by_text(VISION).first).to_be_visible()
    expect(page.get_by_text("Trying out changes on a small scale")).to_be_visible()
    expect(page.get_by_text("Getting better").first).to_be_visible()
    # One chart, named by its title and description (a group: its points can be reached).
    expect(page.locator("figure.ae-chart svg[role='group'][aria-labelledby]")).to_have_count(1)
    expect(page.get_by_text("Robin")).to_have_count(0)
    expect(page.get_by_text("lead@northfield.test")).to_have_count(0)
    check_a11y(page)
    screenshot(page, "home")

    # Staff pages are not theirs.
    response = page.goto(f"/o/northfield/events/{event.pk}/")
    assert response is not None and response.status == 403
    page.goto("/o/northfield/me/")

    # They sign off the vision statement.
    page.get_by_role("link", name="Open Plan for the day").click()
    expect(page).to_have_url(path_is(f"/o/northfield/me/events/{event.pk}/"))
    check_a11y(page)
    page.get_by_label("I agree: this statement says what matters to me").check()
    page.get_by_role("button", name="Sign off the statement").click()
    expect(page.get_by_text("Your sign-off of the vision statement is recorded.")).to_be_visible()
    expect(page.locator("#signed-off")).to_contain_text("You signed off this statement on")

    # They tell the team what they would change: sent empty first, then in their words.
    page.get_by_role("button", name="Send to the team").click()
    expect_problem(page, "Write what you would change in the box.")
    check_a11y(page)
    page.get_by_label("Tell the team in your own words").fill(CHANGE)
    page.get_by_role("button", name="Send to the team").click()
    expect(page.get_by_text("The team can now read what you would change.")).to_be_visible()
    expect(page.locator("#own-suggestions")).to_contain_text(CHANGE)
    check_a11y(page)

    # They leave feedback on the workshop they attended.
    page.get_by_label("Your feedback").fill("Good to be asked first. More breaks, please.")
    page.get_by_role("button", name="Send your feedback on Co-design workshop").click()
    expect(page.get_by_text("The team can now read your feedback.")).to_be_visible()
    expect(page.get_by_text("Good to be asked first. More breaks, please.").first).to_be_visible()
    check_a11y(page)
    screenshot(page, "event")

    # They withdraw their consent to being quoted.
    open_menu_item(page, "My details and consent")
    expect(page).to_have_url(path_is("/o/northfield/me/details/"))
    check_a11y(page)
    page.get_by_role("link", name="Withdraw your consent to: quoting your words").click()
    expect(page.locator("#confirm-withdraw")).to_contain_text("Are you sure?")
    check_a11y(page)
    screenshot(page, "confirm")
    page.get_by_role("button", name="Yes, withdraw my consent").click()
    expect(
        page.get_by_text("You have withdrawn your consent to: quoting your words.")
    ).to_be_visible()
    expect(page.locator("#own-consents")).to_contain_text("You withdrew this on")
    check_a11y(page)
    screenshot(page, "details")

    # The team sees the feedback on the activity.
    staff.goto(f"/o/northfield/events/{event.pk}/coproduction/")
    expect(staff.get_by_text("More breaks, please.")).to_be_visible()
    # ... and what Pat would change, with Pat's name, under "What partners would change".
    suggestions = staff.locator("#partner-suggestions")
    expect(suggestions.get_by_role("heading")).to_have_text("What partners would change")
    expect(suggestions).to_contain_text(CHANGE)
    expect(suggestions).to_contain_text("Pat Fictional")
    check_a11y(staff)

    with organisation_scope(organisation):
        user = Membership.objects.get(role=Role.PARTNER).user
        assert user.email == "pat@example.org"
        quoting = Consent.objects.get(partner=pat, purpose="quoting")
        assert quoting.withdrawn_at is not None and quoting.withdrawn_by == user
        assert AuditEntry.objects.filter(action="consent_withdrawn", actor=user).exists()
        assert PartnerSignOff.objects.filter(partner=pat).count() == 1
        assert list(PartnerSuggestion.objects.values_list("partner_id", "text")) == [
            (pat.pk, CHANGE)
        ]
