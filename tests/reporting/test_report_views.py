"""Report pages: who sees what, the PDF, acknowledging in the app and by the signed link."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from alwaysevents.reporting.models import SponsorReport
from alwaysevents.reporting.services.reports import (
    acknowledge_token,
    sponsor_report_generate,
    sponsor_report_send,
)
from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from programmes.models import Membership
from tests.reporting.conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(report_world, editor):
    """The sponsor's report and the team lead's (who sponsors the other event), both sent."""
    made = []
    for user in (report_world.sponsor, editor):
        with organisation_scope(report_world.organisation):
            membership = Membership.objects.select_related("organisation", "user").get(user=user)
        report = sponsor_report_generate(membership=membership, period=PERIOD)
        report.organisation = report_world.organisation
        sponsor_report_send(report=report)
        made.append(report)
    return made


def url(name, report, **extra):
    return reverse(name, kwargs={"org_slug": "northfield", "pk": report.pk, **extra})


def list_url():
    return reverse("reporting:report-list", kwargs={"org_slug": "northfield"})


def fresh(report):
    with across_organisations():
        return SponsorReport.objects.defer("html", "pdf").get(pk=report.pk)


def test_sponsor_sees_only_own_reports(client_for, sponsor, reports):
    own, other = reports
    client = client_for(sponsor)
    page = client.get(list_url())
    assert page.status_code == 200
    assert page.templates[0].name == "reporting/report_list.html"
    assert url("reporting:report-detail", own) in page.content.decode()
    assert url("reporting:report-detail", other) not in page.content.decode()
    assert client.get(url("reporting:report-detail", own)).status_code == 200
    assert client.get(url("reporting:report-detail", other)).status_code == 404
    assert client.get(url("reporting:report-pdf", other)).status_code == 404


def test_org_admin_sees_every_sponsors_report(client_for, org_admin, reports):
    client = client_for(org_admin)
    page = client.get(list_url()).content.decode()
    for report in reports:
        assert url("reporting:report-detail", report) in page
    detail = client.get(url("reporting:report-detail", reports[0]))
    assert detail.status_code == 200
    assert b"I have read this report" not in detail.content, "only the sponsor acknowledges"


def test_team_member_is_refused(client_for, viewer, reports):
    assert client_for(viewer).get(list_url()).status_code == 403


def test_outsider_gets_404(client_for, outsider, reports):
    client = client_for(outsider)
    assert client.get(list_url()).status_code == 404
    assert client.get(url("reporting:report-detail", reports[0])).status_code == 404
    assert client.get(url("reporting:report-pdf", reports[0])).status_code == 404
    assert client.post(url("reporting:report-acknowledge", reports[0])).status_code == 404


def test_detail_shows_the_stored_report_and_pdf_downloads(client_for, sponsor, reports):
    client = client_for(sponsor)
    page = client.get(url("reporting:report-detail", reports[0])).content.decode()
    assert "Progress report for October 2026" in page
    assert "Told the plan for the day" in page
    assert "<svg" in page
    pdf = client.get(url("reporting:report-pdf", reports[0]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert "always-events-report-northfield-2026-10.pdf" in pdf["Content-Disposition"]


def test_sponsor_acknowledges_in_the_app(client_for, sponsor, reports):
    client = client_for(sponsor)
    response = client.post(url("reporting:report-acknowledge", reports[0]), follow=True)
    assert b"is acknowledged" in response.content
    report = fresh(reports[0])
    assert report.acknowledged_by == sponsor and report.acknowledged_via == "app"


def test_org_admin_cannot_acknowledge_for_the_sponsor(client_for, org_admin, reports):
    response = client_for(org_admin).post(url("reporting:report-acknowledge", reports[0]))
    assert response.status_code == 302
    assert fresh(reports[0]).acknowledged_at is None


def link(report, token=None):
    return reverse(
        "reporting:report-acknowledge-link", kwargs={"token": token or acknowledge_token(report)}
    )


def test_signed_link_acknowledges_without_signing_in_on_the_button_only(reports, sponsor):
    client = Client(enforce_csrf_checks=True)
    page = client.get(link(reports[0]))
    assert page.status_code == 200 and b"I have read this report" in page.content
    assert fresh(reports[0]).acknowledged_at is None, "opening the link changes nothing"
    csrf = page.cookies["csrftoken"].value
    done = client.post(link(reports[0]), {"csrfmiddlewaretoken": csrf})
    assert done.status_code == 200 and b"Thank you" in done.content
    report = fresh(reports[0])
    assert report.acknowledged_by == sponsor and report.acknowledged_via == "link"
    again = client.post(link(reports[0]), {"csrfmiddlewaretoken": csrf})
    assert b"Already acknowledged" in again.content
    assert fresh(reports[0]).acknowledged_at == report.acknowledged_at
    assert b"Told the plan" not in page.content, "the link reveals no report content"


def test_bad_link_says_what_is_wrong(client, reports):
    response = client.get(link(reports[0], token=acknowledge_token(reports[0])[:-3] + "abc"))
    assert response.status_code == 400
    assert b"This link is not valid" in response.content
    assert fresh(reports[0]).acknowledged_at is None


def test_expired_link_says_so(client, reports, settings, monkeypatch):
    settings.REPORT_ACKNOWLEDGE_LINK_DAYS = 60
    token = acknowledge_token(reports[0])
    later = time.time() + 61 * 86400
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.post(link(reports[0], token=token))
    assert response.status_code == 400
    assert b"This link has expired" in response.content
    assert fresh(reports[0]).acknowledged_at is None


def test_link_is_specific_to_its_report_and_sponsor(client, reports):
    own, other = reports
    forged = signing.dumps(
        {"r": own.pk, "s": other.sponsor_id}, salt="alwaysevents.reporting.report-acknowledge"
    )
    response = client.post(link(own, token=forged))
    assert response.status_code == 400
    assert fresh(own).acknowledged_at is None
    unsigned = signing.dumps({"r": own.pk, "s": own.sponsor_id})  # another salt
    assert client.post(link(own, token=unsigned)).status_code == 400


def test_link_opened_while_signed_in_as_someone_else(client_for, org_admin, reports):
    response = client_for(org_admin).post(link(reports[0]))
    assert response.status_code == 403
    assert b"another person" in response.content
    assert fresh(reports[0]).acknowledged_at is None


def test_the_sponsor_acknowledges_the_latest_report_from_the_dashboard(
    client_for, reports, report_world, editor
):
    from alwaysevents.reporting.selectors.report import period_label

    dashboard = reverse("reporting:dashboard", kwargs={"org_slug": "northfield"})
    client = client_for(report_world.sponsor)
    label = period_label(PERIOD)
    page = client.get(dashboard).content.decode()
    assert f"Your progress report for {label}" in page
    assert f'href="{url("reporting:report-detail", reports[0])}"' in page
    response = client.post(
        url("reporting:report-acknowledge", reports[0]), {"next": dashboard}, follow=True
    )
    assert response.redirect_chain[-1][0] == dashboard
    page = response.content.decode()
    assert f"the report for {label} is acknowledged" in page
    assert f"Your progress report for {label}" not in page  # nothing left waiting
    assert fresh(reports[0]).acknowledged_at is not None
    assert fresh(reports[1]).acknowledged_at is None  # the other sponsor's is theirs to do
    # The team lead sponsors the other event: their own report waits on their dashboard.
    assert f"Your progress report for {label}" in client_for(editor).get(dashboard).content.decode()


def test_only_a_sponsor_with_a_report_waiting_is_asked_on_the_dashboard(
    client_for, reports, report_world, org_admin
):
    dashboard = reverse("reporting:dashboard", kwargs={"org_slug": "northfield"})
    assert "Your progress report" not in client_for(org_admin).get(dashboard).content.decode()
    with across_organisations():
        SponsorReport.objects.filter(pk=reports[0].pk).update(sent_at=None)  # not sent yet
    page = client_for(report_world.sponsor).get(dashboard).content.decode()
    assert "Your progress report" not in page


def test_acknowledging_goes_back_only_to_the_dashboard(client_for, reports, report_world):
    response = client_for(report_world.sponsor).post(
        url("reporting:report-acknowledge", reports[0]), {"next": "https://evil.example/"}
    )
    assert response.url == url("reporting:report-detail", reports[0])
