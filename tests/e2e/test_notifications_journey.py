"""A team lead reads their notifications, marks them read and changes their preferences."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from alwaysevents.reporting.models import Channel, Notification, NotificationKind
from alwaysevents.reporting.models import NotificationPreference as Preference
from programmes.models import Role
from tests.e2e.helpers import path_is, sign_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def shot(page: Page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=f"/tmp/e2e-{name}.png", full_page=True)  # noqa: S108


@pytest.fixture
def lead(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Lee Lead")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    for kind, period, subject, body in (
        (
            NotificationKind.PDSA_OVERDUE,
            "pdsa-1:2026-11-20",
            "PDSA cycle 2 was planned to start on 20 November 2026",
            "Cycle 2 testing “Huddle script” (Plan for the day) was planned to start on "
            "20 November 2026 and has not been started.",
        ),
        (
            NotificationKind.MEASURE_DATA_DUE,
            "measure-1:2026-11-16",
            "Data due: Patients who know the plan",
            "The figure for week beginning 16 November 2026 has not been entered yet.",
        ),
    ):
        Notification.objects.create(
            recipient=lead,
            organisation=organisation,
            kind=kind,
            period=period,
            subject=subject,
            body=body,
            url="/o/northfield/",
        )
    Notification.objects.create(
        recipient=lead,
        organisation=organisation,
        kind=NotificationKind.STAFF_DIGEST,
        period="2026-W47",
        subject="Successes in Northfield Hospitals: 9 November to 15 November 2026",
        body="Plan for the day: 1 change adopted, 2 new partners.",
        read_at="2026-11-16T09:00:00Z",
    )
    return lead


def test_lead_reads_notifications_and_changes_preferences(new_page, check_a11y, lead):
    page: Page = new_page()
    sign_in(page, lead.email)
    nav = page.get_by_role("navigation", name="Account")  # the header's account links
    link = nav.get_by_role("link", name=re.compile(r"Notifications\s+2 unread"))
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(path_is("/notifications/"))
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    # Each notification says in words whether it has been read.
    notifications = page.get_by_role("listitem").filter(has=page.get_by_role("heading", level=2))
    expect(notifications).to_have_count(3)
    expect(notifications.filter(has_text="Unread")).to_have_count(2)
    expect(
        notifications.filter(has_text="Successes in Northfield Hospitals").get_by_text(
            "Read", exact=True
        )
    ).to_be_visible()
    check_a11y(page)
    shot(page, "notification-list")

    page.get_by_role("button", name=re.compile(r"Mark as read\W+Data due")).click()
    expect(nav.get_by_role("link", name=re.compile(r"Notifications\s+1 unread"))).to_be_visible()
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("Marked 1 notification as read.")).to_be_visible()
    expect(nav.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(notifications.filter(has_text="Unread")).to_have_count(0)

    page.get_by_role("link", name="Change your notification preferences").click()
    expect(page).to_have_url(path_is("/notifications/preferences/"))
    check_a11y(page)
    page.get_by_label("PDSA cycle past its planned date").select_option(Channel.IN_APP)
    page.get_by_label("How often should the staff digest come?").select_option("monthly")
    shot(page, "notification-preferences")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your notification preferences are saved.")).to_be_visible()
    check_a11y(page)
    assert (
        Preference.objects.get(user=lead, kind=NotificationKind.PDSA_OVERDUE).channel
        == Channel.IN_APP
    )
