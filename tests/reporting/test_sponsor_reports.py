"""Generating, sending exactly once, acknowledging and escalating sponsor reports."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections import Counter

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from alwaysevents.celery import app
from alwaysevents.exceptions import DomainError
from alwaysevents.reporting.models import Notification, NotificationKind, SponsorReport
from alwaysevents.reporting.selectors.reports import acknowledgement_rate, report_list_overdue
from alwaysevents.reporting.services.reports import (
    sponsor_report_acknowledge,
    sponsor_report_generate,
    sponsor_report_send,
)
from alwaysevents.reporting.tasks import (
    monthly_reports_task,
    report_escalations_task,
    sponsor_report_task,
)
from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from programmes.models import Membership, ProgressScore, Role
from tests.factories import MembershipFactory, ProgressScoreFactory, UserFactory
from tests.reporting.conftest import PERIOD, build_sponsor_month, pdf_strings

pytestmark = pytest.mark.django_db


def reports():
    with across_organisations():
        return list(SponsorReport.objects.order_by("pk"))


@pytest.fixture
def three_sponsors(report_world, editor):
    """The fixture's sponsor and two more, each sponsoring one event; and the team lead, who
    sponsors the fixture's other event and so gets a report too."""
    organisation = report_world.organisation
    sponsors = [report_world.sponsor, editor]
    for n in (2, 3):
        user = UserFactory(email=f"sponsor{n}@northfield.test")
        MembershipFactory(organisation=organisation, user=user, role=Role.EXECUTIVE_SPONSOR)
        build_sponsor_month(organisation, user, title=f"Event of sponsor {n}")
        sponsors.append(user)
    return sponsors


def test_generate_stores_the_snapshot_once(report_world):
    report = sponsor_report_generate(membership=report_world.membership, period=PERIOD)
    assert report.pdf.startswith(b"%PDF-") if isinstance(report.pdf, bytes) else True
    assert "Told the plan for the day" in report.html
    assert report.summary["titles"] == ["Told the plan for the day"]
    assert report.summary["scores"] == {str(report_world.event.pk): "2.5"}
    again = sponsor_report_generate(membership=report_world.membership, period=PERIOD)
    assert again.pk == report.pk
    assert len(reports()) == 1


def test_next_report_shows_the_change_since_the_last_one(report_world):
    sponsor_report_generate(membership=report_world.membership, period="2026-09")
    with organisation_scope(report_world.organisation):
        ProgressScoreFactory(event=report_world.event, score=ProgressScore.Score.S30)
    october = sponsor_report_generate(membership=report_world.membership, period=PERIOD)
    assert "Up 0.5 since the last report" in october.html
    assert "(was 2.5)" in october.html


def test_generate_rejects_a_bad_period(report_world):
    with pytest.raises(DomainError, match="like 2026-11"):
        sponsor_report_generate(membership=report_world.membership, period="2026/10")


def test_send_emails_html_text_pdf_and_links(report_world):
    report = sponsor_report_generate(membership=report_world.membership, period=PERIOD)
    report.organisation = report_world.organisation
    assert sponsor_report_send(report=report) is not None
    (message,) = mail.outbox
    assert message.to == [report_world.sponsor.email]
    assert message.subject.endswith("Always Events progress report for October 2026")
    assert "Told the plan for the day" in message.body
    assert "/reports/acknowledge/" in message.body
    assert "/notifications/preferences/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "I have read this report" in html
    assert "/notifications/preferences/" in html
    ((filename, content, mimetype),) = message.attachments
    assert filename == "always-events-report-northfield-2026-10.pdf"
    assert mimetype == "application/pdf" and content.startswith(b"%PDF-")
    assert any("Told the plan for the day" in s for s in pdf_strings(content))
    with across_organisations():
        assert SponsorReport.objects.get().sent_at is not None


def emails_by_recipient():
    return Counter(address for message in mail.outbox for address in message.to)


def test_monthly_task_twice_sends_each_sponsor_one_email(three_sponsors):
    assert monthly_reports_task.apply(kwargs={"period": PERIOD}).get() == 4
    monthly_reports_task.apply(kwargs={"period": PERIOD}).get()
    assert emails_by_recipient() == Counter({u.email: 1 for u in three_sponsors})
    assert len(reports()) == 4
    assert Notification.objects.filter(kind=NotificationKind.MONTHLY_REPORT).count() == 4


def test_monthly_task_reports_on_last_month_by_default(report_world, monkeypatch):
    monkeypatch.setattr(
        "alwaysevents.reporting.selectors.report.timezone.localdate", lambda: dt.date(2026, 11, 1)
    )
    monthly_reports_task.apply().get()
    assert {r.period for r in reports()} == {PERIOD}


class CrashingBackend(EmailBackend):
    """Delivers the first message, then fails the way `crash` says."""

    crash: type[BaseException] = RuntimeError
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls == 2:
            raise self.crash("the worker died here")
        return super().send_messages(messages)


@pytest.fixture
def crashing(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.reporting.test_sponsor_reports.CrashingBackend"
    monkeypatch.setattr(CrashingBackend, "calls", 0)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)
    return CrashingBackend


def test_failure_mid_batch_then_rerun_sends_each_sponsor_exactly_once(
    three_sponsors, crashing, settings
):
    with pytest.raises(RuntimeError, match="worker died"):
        monthly_reports_task.apply(kwargs={"period": PERIOD}, throw=True).get()
    assert len(mail.outbox) == 1, "the batch stopped at the second sponsor"
    monthly_reports_task.apply(kwargs={"period": PERIOD}).get()
    assert emails_by_recipient() == Counter({u.email: 1 for u in three_sponsors})


def test_worker_killed_mid_send_resumes_after_the_lease(
    three_sponsors, crashing, settings, monkeypatch
):
    monkeypatch.setattr(CrashingBackend, "crash", SystemExit)
    with pytest.raises(SystemExit):
        monthly_reports_task.apply(kwargs={"period": PERIOD}, throw=True).get()
    assert len(mail.outbox) == 1
    settings.NOTIFICATION_SEND_LEASE_SECONDS = 0  # the dead worker's hold has run out
    monthly_reports_task.apply(kwargs={"period": PERIOD}).get()
    assert emails_by_recipient() == Counter({u.email: 1 for u in three_sponsors})


def test_mail_errors_are_retried_and_still_send_once(report_world, settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.reporting.test_sponsor_reports.CrashingBackend"
    monkeypatch.setattr(CrashingBackend, "calls", 1)  # the next call fails
    monkeypatch.setattr(CrashingBackend, "crash", smtplib.SMTPServerDisconnected)
    result = sponsor_report_task.apply(
        kwargs={
            "organisation_id": report_world.organisation.pk,
            "membership_id": report_world.membership.pk,
            "period": PERIOD,
        }
    )
    assert result.successful(), result.traceback
    assert emails_by_recipient() == Counter({report_world.sponsor.email: 1})
    assert sponsor_report_task.acks_late and sponsor_report_task.max_retries == 8


def test_inactive_sponsors_and_team_members_get_no_report(report_world, viewer):
    with organisation_scope(report_world.organisation):
        Membership.objects.filter(user=report_world.sponsor).update(is_active=False)
    assert monthly_reports_task.apply(kwargs={"period": PERIOD}).get() == 1, "the editor's event"
    assert [r.sponsor_id for r in reports()] == [report_world.other_event.executive_sponsor_id]


# --- acknowledging --------------------------------------------------------------------------------


@pytest.fixture
def sent_report(report_world):
    report = sponsor_report_generate(membership=report_world.membership, period=PERIOD)
    report.organisation = report_world.organisation
    sponsor_report_send(report=report)
    mail.outbox.clear()
    return report


def test_sponsor_acknowledges_once(sent_report, report_world):
    sponsor_report_acknowledge(report=sent_report, by=report_world.sponsor, via="app")
    first = sent_report.acknowledged_at
    assert first is not None
    sponsor_report_acknowledge(report=sent_report, by=report_world.sponsor, via="link")
    assert sent_report.acknowledged_at == first and sent_report.acknowledged_via == "app"


def test_only_the_sponsor_can_acknowledge(sent_report, org_admin):
    with pytest.raises(DomainError, match="Only the sponsor"):
        sponsor_report_acknowledge(report=sent_report, by=org_admin, via="app")


# --- escalating -----------------------------------------------------------------------------------


def age(report, days):
    with across_organisations():
        SponsorReport.objects.filter(pk=report.pk).update(
            sent_at=timezone.now() - dt.timedelta(days=days)
        )


def test_unacknowledged_report_is_escalated_to_admins_once(sent_report, org_admin, settings):
    settings.REPORT_ACKNOWLEDGE_DAYS = 14
    second_admin = UserFactory(email="admin2@northfield.test")
    MembershipFactory(
        organisation=sent_report.organisation, user=second_admin, role=Role.ORGANISATION_ADMIN
    )
    age(sent_report, 13)
    assert report_escalations_task.apply().get() == 0
    age(sent_report, 15)
    assert report_escalations_task.apply().get() == 1
    assert report_escalations_task.apply().get() == 0
    assert emails_by_recipient() == Counter({org_admin.email: 1, second_admin.email: 1})
    assert "has not acknowledged the October 2026 progress report" in mail.outbox[0].subject
    with across_organisations():
        assert SponsorReport.objects.get().escalated_at is not None


def test_acknowledged_report_is_not_escalated(sent_report, report_world, org_admin):
    sponsor_report_acknowledge(report=sent_report, by=report_world.sponsor, via="app")
    age(sent_report, 30)
    assert report_list_overdue() == []
    report_escalations_task.apply().get()
    assert mail.outbox == []


def test_acknowledge_days_come_from_the_environment(monkeypatch):
    from alwaysevents.settings import env_int

    monkeypatch.setenv("REPORT_ACKNOWLEDGE_DAYS", "21")
    assert env_int("REPORT_ACKNOWLEDGE_DAYS", 14) == 21


# --- the acknowledgement rate ------------------------------------------------------------------


def test_acknowledgement_rate_per_organisation_and_overall(
    three_sponsors, report_world, other_organisation, settings
):
    settings.REPORT_ACKNOWLEDGE_DAYS = 14
    monthly_reports_task.apply(kwargs={"period": PERIOD}).get()
    first, second, *_others = reports()
    sponsor_report_acknowledge(report=first, by=first.sponsor, via="app")  # on time
    with across_organisations():
        SponsorReport.objects.filter(pk=second.pk).update(
            sent_at=timezone.now() - dt.timedelta(days=20), acknowledged_at=timezone.now()
        )
    rates = acknowledgement_rate()
    (northfield,) = rates.organisations
    assert (northfield.sent, northfield.acknowledged, northfield.on_time) == (4, 2, 1)
    assert northfield.rate == pytest.approx(2 / 4) and northfield.percent == "50%"
    assert rates.overall.sent == 4 and rates.overall.on_time_rate == pytest.approx(1 / 4)
    assert acknowledgement_rate(since="2026-11").overall.rate is None
    assert acknowledgement_rate(since="2026-11").overall.percent == "No reports yet"


def test_acknowledgement_rate_is_one_query(report_world, django_assert_num_queries):
    with django_assert_num_queries(1):
        acknowledgement_rate()


def test_a_sponsor_who_turned_the_email_off_still_gets_the_report_in_the_app(
    report_world, client_for, org_admin, settings
):
    from alwaysevents.reporting.models import Channel, NotificationPreference

    sponsor = report_world.sponsor
    # Stored before the choice was taken away, or written by hand: read as "in the app only".
    NotificationPreference.objects.create(
        user=sponsor, kind=NotificationKind.MONTHLY_REPORT, channel=Channel.NONE
    )
    monthly_reports_task.delay(period=PERIOD)
    assert sponsor.email not in emails_by_recipient()
    notification = Notification.objects.get(recipient=sponsor, kind=NotificationKind.MONTHLY_REPORT)
    assert notification.channel == Channel.IN_APP  # in their list of notifications
    (report,) = [r for r in reports() if r.sponsor_id == sponsor.pk]
    assert report.sent_at is not None  # delivered, so the acknowledgement clock runs
    page = client_for(org_admin).get(f"/o/{report_world.organisation.slug}/reports/")
    assert "In the app only (the sponsor turned the email off)" in page.content.decode()
    detail = client_for(sponsor).get(f"/o/{report_world.organisation.slug}/reports/{report.pk}/")
    assert ", in the app only (the sponsor turned the email off)." in detail.content.decode()
    # Unacknowledged past the deadline, it is escalated as any other report.
    with across_organisations():
        SponsorReport.objects.filter(pk=report.pk).update(
            sent_at=timezone.now() - dt.timedelta(days=settings.REPORT_ACKNOWLEDGE_DAYS + 1)
        )
    mail.outbox.clear()
    report_escalations_task.delay()
    assert [m.to for m in mail.outbox] == [[org_admin.email]]


def test_an_emailed_report_says_so(report_world, client_for):
    monthly_reports_task.delay(period=PERIOD)
    (report,) = [r for r in reports() if r.sponsor_id == report_world.sponsor.pk]
    detail = client_for(report_world.sponsor).get(
        f"/o/{report_world.organisation.slug}/reports/{report.pk}/"
    )
    assert ", by email." in detail.content.decode()
