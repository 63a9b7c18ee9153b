"""Partner payments in a real browser: rates, a claim with a receipt, the benefits notice.

An organisation admin sets a payment rate; the team lead starts an involvement payment claim
with a receipt and submits it (it is over their limit); the admin sees the benefits-advice
notice, confirms it was given, approves and marks the claim paid; the event's value summary
shows the total. axe-core checks every page.
"""

from __future__ import annotations

import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from coproduction.models import Consent, Partner
from programmes.models import Role
from tests.e2e.helpers import expect_problem, fill_date, open_menu_item, path_is, sign_in
from tests.factories import (
    AlwaysEventFactory,
    ConsentFactory,
    EventPartnerFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _private_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def setting(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Lee Lead")
    admin = UserFactory(email="admin@northfield.test", full_name="Ada Admin")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    MembershipFactory(organisation=organisation, user=admin, role=Role.ORGANISATION_ADMIN)
    event = AlwaysEventFactory(
        organisation=organisation, title="Plan for the day", stage="testing", team_lead=lead
    )
    partner = EventPartnerFactory(
        event=event,
        partner__display_name="Robin Fictional",
        partner__payment_preference=Partner.PaymentPreference.PAID,
    ).partner
    ConsentFactory(partner=partner, purpose=Consent.Purpose.PAYMENT)
    return organisation, lead, admin, event


def shot(page: Page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=f"/tmp/payments-{name}.png", full_page=True)  # noqa: S108


def test_claim_from_receipt_to_payment(new_page, check_a11y, setting):
    _, lead, admin, event = setting
    payments = f"/o/northfield/events/{event.pk}/payments/"

    # The organisation admin sets a rate.
    admin_page: Page = new_page()
    sign_in(admin_page, admin.email)
    open_menu_item(admin_page, "Payment rates")
    expect(admin_page).to_have_url(path_is("/o/northfield/coproduction/payments/"))
    check_a11y(admin_page)
    admin_page.get_by_label("Level of involvement").fill("Half day")
    admin_page.get_by_label("Amount (£)").fill("60")
    fill_date(admin_page, re.compile(r"^From$"), timezone.localdate())
    admin_page.get_by_role("button", name="Save rate").click()
    expect(admin_page.get_by_text("Half day: £60.00 from")).to_be_visible()
    expect(admin_page.locator("#rate-table")).to_contain_text("Current")
    check_a11y(admin_page)
    shot(admin_page, "settings")

    # The team lead starts a claim with a receipt and submits it.
    page: Page = new_page()
    sign_in(page, lead.email)
    page.goto(f"/o/northfield/events/{event.pk}/")
    page.get_by_role("link", name="Co-production", exact=True).click()
    page.get_by_role("link", name="Claims, receipts and approvals").click()
    expect(page).to_have_url(path_is(payments))
    expect(page.get_by_text("No claims yet.")).to_be_visible()
    expect(page.locator("#current-rates")).to_contain_text("Half day: £60.00")
    check_a11y(page)
    page.locator("#id_claim-partner").select_option(label="Robin Fictional")
    page.get_by_label("What the claim is for").select_option(label="Involvement payment")
    page.get_by_label("Amount (£)").fill("60")
    page.get_by_label("Details (optional)").fill("Half day at the co-design workshop")
    page.get_by_label("Receipt (optional)").set_input_files(
        files=[{"name": "timesheet.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Save claim").click()
    expect(page.get_by_text("is saved as a draft")).to_be_visible()
    expect(page.locator("#claim-state")).to_have_text("Draft")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the receipt").click()
    assert re.fullmatch(r"receipt-claim-\d+\.png", download.value.suggested_filename)
    check_a11y(page)
    shot(page, "claim-draft")
    page.get_by_role("button", name="Submit claim").click()
    expect(page.get_by_text("The claim is submitted for approval.")).to_be_visible()
    expect(page.locator("#over-limit")).to_contain_text("the organisation admin decides it")
    expect(page.locator("#benefits-notice-reminder")).to_be_visible()
    expect(page.get_by_role("button", name="Approve claim")).to_have_count(0)
    check_a11y(page)
    shot(page, "claim-submitted-lead")

    # The organisation admin sees the benefits notice, confirms it, approves and pays.
    admin_page.goto(payments)
    expect(admin_page.locator("#claim-table")).to_contain_text("Benefits notice needed first")
    check_a11y(admin_page)
    shot(admin_page, "event-payments")
    admin_page.locator("#claim-table").get_by_role("link", name=re.compile("Involvement")).click()
    notice = admin_page.locator("#benefits-notice")
    expect(notice).to_contain_text("payments can affect benefits")
    expect(notice).to_contain_text("Citizens Advice")
    check_a11y(admin_page)
    shot(admin_page, "claim-notice")
    admin_page.get_by_role("button", name="Approve claim").click()
    expect_problem(admin_page, "Tick to confirm they have been given")
    expect(admin_page.locator("#claim-state")).to_have_text("Submitted")
    check_a11y(admin_page)
    admin_page.get_by_label("Robin Fictional has been given the benefits-advice notice").check()
    admin_page.get_by_role("button", name="Approve claim").click()
    expect(admin_page.get_by_text("The claim is approved.")).to_be_visible()
    expect(admin_page.locator("#claim-state")).to_have_text("Approved")
    expect(admin_page.locator("#benefits-notice")).to_have_count(0)
    admin_page.get_by_role("button", name="Mark as paid").click()
    expect(admin_page.get_by_text("The claim is marked as paid.")).to_be_visible()
    expect(admin_page.locator("#claim-state")).to_have_text("Paid")
    check_a11y(admin_page)
    shot(admin_page, "claim-paid")

    # The value summary counts it.
    admin_page.get_by_role("link", name="Impact and value").click()
    row = admin_page.get_by_role("row", name=re.compile("Partner payments and expenses"))
    expect(row).to_contain_text("£60.00")
    check_a11y(admin_page)
    shot(admin_page, "value")

    # The audit log has the notice and the payment.
    admin_page.goto("/o/northfield/coproduction/audit/")
    expect(admin_page.get_by_text("was given the benefits-advice notice")).to_be_visible()
    check_a11y(admin_page)
