"""The scheduled tasks: exactly once, failures mid-batch, preferences, the digest, the beat."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core import mail
from django.utils import timezone

from alwaysevents.celery import app
from alwaysevents.reporting import tasks
from alwaysevents.reporting.models import Channel, Notification, NotificationKind
from alwaysevents.reporting.services.preferences import notification_preferences_set
from measurement.models import DataPoint, PdsaCycle
from programmes.models import Role, Stage
from tests.factories import (
    AlwaysEventFactory,
    EventPartnerFactory,
    TeamMemberFactory,
    member_of,
)
from tests.reporting.conftest import add_point, backdate, make_cycle, make_measure
from tests.reporting.mail_backends import FlakyBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_leads(organisation):
    """Five events, each led by a different person, each with a PDSA cycle past its date."""
    leads = []
    for n in range(5):
        lead = member_of(organisation, Role.TEAM_LEAD, email=f"lead{n}@northfield.test")
        event = AlwaysEventFactory(
            organisation=organisation, team_lead=lead, stage=Stage.TESTING, title=f"Event {n}"
        )
        # Scored recently, so only the PDSA reminder is due for these events.
        from tests.factories import ProgressScoreFactory

        ProgressScoreFactory(event=event)
        make_cycle(event, timezone.localdate() - dt.timedelta(days=2))
        leads.append(lead)
    return leads


def emails_per_address():
    return Counter(address for message in mail.outbox for address in message.to)


def test_daily_task_twice_sends_each_recipient_exactly_one_email(five_leads):
    tasks.reminders_daily_task()
    tasks.reminders_daily_task()
    assert emails_per_address() == Counter({lead.email: 1 for lead in five_leads})
    assert Notification.objects.filter(kind=NotificationKind.PDSA_OVERDUE).count() == 5


def test_a_failure_mid_batch_then_a_rerun_sends_everyone_exactly_once(five_leads, settings):
    settings.EMAIL_BACKEND = "tests.reporting.mail_backends.FlakyBackend"
    third = sorted(five_leads, key=lambda u: u.pk)[2]
    FlakyBackend.failing = {third.email}
    try:
        tasks.reminders_daily_task()  # the third's send fails (and its retries too)
    finally:
        FlakyBackend.failing = set()
    assert third.email not in emails_per_address()
    assert len(mail.outbox) == 4
    pending = Notification.objects.get(recipient=third)
    assert pending.emailed_at is None and pending.email_claimed_at is None

    tasks.reminders_daily_task()
    assert emails_per_address() == Counter({lead.email: 1 for lead in five_leads})


def test_a_worker_crash_after_claiming_resumes_once_the_lease_expires(five_leads):
    lead = five_leads[0]
    # A crashed worker left its row claimed and unsent.
    tasks.reminders_daily_task()
    row = Notification.objects.get(recipient=lead)
    mail.outbox.clear()
    Notification.objects.filter(pk=row.pk).update(
        emailed_at=None, email_claimed_at=timezone.now() - dt.timedelta(hours=1)
    )
    tasks.reminders_daily_task()
    assert emails_per_address() == Counter({lead.email: 1})


def test_in_app_only_gets_no_email_but_a_notification(five_leads):
    lead = five_leads[0]
    notification_preferences_set(
        user=lead,
        channels={NotificationKind.PDSA_OVERDUE: Channel.IN_APP},
        digest_frequency="weekly",
    )
    tasks.reminders_daily_task()
    assert lead.email not in emails_per_address()
    assert len(mail.outbox) == 4
    row = Notification.objects.get(recipient=lead)
    assert row.shows_in_app and row.emailed_at is None


def test_none_gets_neither_email_nor_a_listed_notification(five_leads):
    from alwaysevents.reporting.selectors import notification_list_for_user

    lead = five_leads[0]
    notification_preferences_set(
        user=lead, channels={NotificationKind.PDSA_OVERDUE: Channel.NONE}, digest_frequency="weekly"
    )
    tasks.reminders_daily_task()
    assert lead.email not in emails_per_address()
    assert not notification_list_for_user(user=lead).exists()


def test_every_reminder_email_has_a_text_part_and_the_preferences_link(five_leads):
    tasks.reminders_daily_task()
    assert mail.outbox
    for message in mail.outbox:
        assert message.body.strip()
        assert "/notifications/preferences/" in message.body
        [(html, mimetype)] = message.alternatives
        assert mimetype == "text/html" and "/notifications/preferences/" in html


def test_an_inactive_organisation_gets_no_reminders(five_leads, organisation):
    type(organisation).objects.filter(pk=organisation.pk).update(is_active=False)
    tasks.reminders_daily_task()
    assert mail.outbox == []


def test_beat_runs_the_daily_reminders_and_the_weekly_digest():
    schedule = app.conf.beat_schedule
    mornings = schedule["reporting.mornings"]
    assert mornings["task"] == tasks.mornings_task.name
    assert mornings["schedule"].minute == {0} and len(mornings["schedule"].hour) == 24
    for task in (
        tasks.mornings_task,
        tasks.reminders_daily_task,
        tasks.reminders_organisation_task,
        tasks.reminders_programme_task,
        tasks.reminder_send_task,
        tasks.staff_digest_weekly_task,
        tasks.staff_digest_organisation_task,
        tasks.staff_digest_send_task,
    ):
        assert task.name in app.tasks
        assert task.acks_late


def test_send_tasks_retry_on_mail_errors():
    from smtplib import SMTPException

    for task in (tasks.reminder_send_task, tasks.staff_digest_send_task):
        assert SMTPException in task.autoretry_for and OSError in task.autoretry_for
        assert task.retry_backoff


# --- the staff digest ---------------------------------------------------------------------------


@pytest.fixture
def successful_event(organisation, editor, viewer, sponsor):
    event = AlwaysEventFactory(
        organisation=organisation,
        title="Plan for the day",
        team_lead=editor,
        executive_sponsor=sponsor,
        stage=Stage.TESTING,
    )
    TeamMemberFactory(event=event, user=viewer)
    today = timezone.localdate()
    # Twelve weeks below, then eight above the centre line: a shift (an improvement).
    measure = make_measure(event)
    start = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=21)
    for week in range(20):
        add_point(
            measure,
            start + dt.timedelta(weeks=week),
            40 + (week % 3) if week < 12 else 70 + (week % 3),
        )
    DataPoint.objects.with_scopes_disabled().filter(measure=measure).update(
        updated_at=timezone.now() - dt.timedelta(days=30)
    )
    DataPoint.objects.with_scopes_disabled().filter(measure=measure).order_by("-period").filter(
        pk__in=DataPoint.objects.with_scopes_disabled()
        .filter(measure=measure)
        .order_by("-period")
        .values("pk")[:1]
    ).update(updated_at=timezone.now() - dt.timedelta(days=1))
    cycle = make_cycle(
        event,
        today - dt.timedelta(days=20),
        state=PdsaCycle.State.DECIDED,
        decision=PdsaCycle.Decision.ADOPT,
    )
    backdate(PdsaCycle, cycle, updated_at=timezone.now() - dt.timedelta(days=2))
    EventPartnerFactory(event=event, joined_on=today - dt.timedelta(days=2))
    return event


def test_weekly_digest_shares_successes_with_the_team_once(
    successful_event, editor, viewer, sponsor
):
    tasks.staff_digest_weekly_task()
    tasks.staff_digest_weekly_task()
    assert emails_per_address() == Counter({editor.email: 1, viewer.email: 1})
    message = next(m for m in mail.outbox if m.to == [viewer.email])
    assert "Plan for the day" in message.body
    assert "signal of improvement" in message.body
    assert "was adopted after PDSA cycle 1" in message.body
    assert "1 new co-production partner joined" in message.body
    assert "/notifications/preferences/" in message.body
    assert "/notifications/preferences/" in message.alternatives[0][0]


def test_no_successes_no_digest(organisation, editor):
    AlwaysEventFactory(organisation=organisation, team_lead=editor, stage=Stage.TESTING)
    tasks.staff_digest_weekly_task()
    assert mail.outbox == []


def test_monthly_digest_comes_only_in_the_first_week_of_the_month(organisation, editor, viewer):
    event = AlwaysEventFactory(organisation=organisation, team_lead=editor, stage=Stage.TESTING)
    TeamMemberFactory(event=event, user=viewer)
    EventPartnerFactory(event=event, joined_on=dt.date(2026, 10, 15))
    notification_preferences_set(
        user=viewer,
        channels={NotificationKind.STAFF_DIGEST: Channel.BOTH},
        digest_frequency="monthly",
    )
    tasks.staff_digest_organisation_task(organisation_id=organisation.pk, today="2026-11-09")
    assert viewer.email not in emails_per_address()
    tasks.staff_digest_organisation_task(organisation_id=organisation.pk, today="2026-11-02")
    assert emails_per_address()[viewer.email] == 1
    row = Notification.objects.get(recipient=viewer, kind=NotificationKind.STAFF_DIGEST)
    assert row.period == f"2026-10:org-{organisation.pk}"
    assert "1 October to 31 October 2026" in row.subject
    # The team lead kept the weekly default: October is outside that week, so nothing for them.
    assert editor.email not in emails_per_address()


def test_digest_window_keys():
    tz = dt.UTC
    key, since, until = tasks.digest_window("weekly", dt.date(2026, 11, 30), tz)
    assert key == "2026-W49" and (until - since) == dt.timedelta(days=7)
    assert tasks.digest_window("monthly", dt.date(2026, 11, 30), tz) is None
    key, since, until = tasks.digest_window("monthly", dt.date(2026, 12, 7), tz)
    assert key == "2026-11" and since.date() == dt.date(2026, 11, 1)
    assert until.date() == dt.date(2026, 12, 1)


def test_send_notifications_command_sends_now_and_never_twice(five_leads, monkeypatch):
    from django.core.management import call_command

    from alwaysevents.celery import app

    # Celery reads its configuration once: change it on the app, restored after the test.
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    call_command("send_notifications", "--digest", stdout=None)
    call_command("send_notifications")
    assert emails_per_address() == Counter({lead.email: 1 for lead in five_leads})


@pytest.fixture
def mornings(monkeypatch):
    """What `mornings_task` queues: (task name, kwargs) in order, run nowhere."""
    queued = []
    for task in (
        tasks.reminders_organisation_task,
        tasks.staff_digest_organisation_task,
        tasks.sponsor_report_task,
        tasks.reminders_programme_task,
    ):
        monkeypatch.setattr(
            task, "delay", lambda _name=task.name, **kwargs: queued.append((_name, kwargs))
        )
    return queued


def test_each_organisation_gets_its_morning_at_7_in_its_own_timezone(
    mornings, organisation, other_organisation, sponsor
):
    other_organisation.timezone = "America/New_York"
    other_organisation.save()
    names = {
        tasks.reminders_organisation_task.name: "reminders",
        tasks.staff_digest_organisation_task.name: "digest",
        tasks.sponsor_report_task.name: "report",
        tasks.reminders_programme_task.name: "programme",
    }

    def morning(now):
        mornings.clear()
        tasks.mornings_task(now=now)
        return [
            (names[name], kwargs.get("organisation_id"), kwargs.get("today", kwargs.get("period")))
            for name, kwargs in mornings
        ]

    # Monday 30 November 2026: 07:00 in London (GMT) is 02:00 in New York.
    assert morning("2026-11-30T07:00:00+00:00") == [
        ("reminders", organisation.pk, "2026-11-30"),
        ("digest", organisation.pk, "2026-11-30"),
        ("programme", None, "2026-11-30"),
    ]
    assert morning("2026-11-30T08:00:00+00:00") == []
    assert morning("2026-11-30T12:00:00+00:00") == [  # 07:00 in New York
        ("reminders", other_organisation.pk, "2026-11-30"),
        ("digest", other_organisation.pk, "2026-11-30"),
    ]
    # Tuesday 1 December: last month's reports for the sponsor, no digest.
    assert morning("2026-12-01T07:00:00+00:00") == [
        ("reminders", organisation.pk, "2026-12-01"),
        ("report", organisation.pk, "2026-11"),
        ("programme", None, "2026-12-01"),
    ]
    # British Summer Time: 07:00 in London is 06:00 UTC.
    assert morning("2026-07-01T06:00:00+00:00")[:2] == [
        ("reminders", organisation.pk, "2026-07-01"),
        ("report", organisation.pk, "2026-06"),
    ]


def test_an_inactive_organisation_has_no_morning(mornings, organisation):
    type(organisation).objects.filter(pk=organisation.pk).update(is_active=False)
    tasks.mornings_task(now="2026-11-30T07:00:00+00:00")
    assert [name for name, _ in mornings] == [tasks.reminders_programme_task.name]


def test_the_london_only_beat_entries_are_retired_and_the_hourly_one_kept():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    migration = importlib.import_module(
        "alwaysevents.reporting.migrations.0005_retire_london_only_beat_entries"
    )
    crontab = CrontabSchedule.objects.create(minute="0", hour="7")
    for name in (*migration.RETIRED, "reporting.mornings"):
        PeriodicTask.objects.create(name=name, task="x", crontab=crontab)
    migration.retire(apps, None)
    assert list(PeriodicTask.objects.values_list("name", flat=True)) == ["reporting.mornings"]
