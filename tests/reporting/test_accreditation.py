"""Accreditation in reporting: reminders (reviewers, information requests, expiry), the staff
digest's accreditation news, and the accreditation status in the monthly sponsor report."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core import mail
from django.utils import timezone

from accreditation import services as accreditation_services
from accreditation.models import Certificate, InformationRequest, Submission
from accreditation.services import review as review_services
from alwaysevents.reporting import tasks
from alwaysevents.reporting.digest import accreditation_news_lines, event_successes
from alwaysevents.reporting.models import Notification
from alwaysevents.reporting.models import NotificationKind as Kind
from alwaysevents.reporting.reminders import programme_reminders_due, reminders_due
from alwaysevents.reporting.selectors.report import report_content
from alwaysevents.reporting.services.reports import sponsor_report_generate
from alwaysevents.tenancy.scope import organisation_scope
from tests.accreditation import review_builders as rb
from tests.reporting.conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def criteria_v1(db):
    """Version 1 comes from a data migration; transactional tests flush it: seed again."""
    return accreditation_services.criteria_version_seed()


@pytest.fixture
def second_reviewer():
    return rb.make_reviewer("second@reviews.test", full_name="Second Reviewer")


@pytest.fixture
def under_review(organisation, editor, sponsor, programme_admin, reviewer):
    """A submission with `reviewer` assigned (conflicts declared): its review is due in 28 days."""
    submission = rb.submitted_submission(organisation, editor, sponsor, title="Plan for the day")
    assignment = rb.assign_and_clear(submission, programme_admin, reviewer)
    return rb.refreshed(submission), assignment


@pytest.fixture
def accredited(organisation, editor, sponsor, programme_admin, reviewer, second_reviewer):
    submission = rb.submitted_submission(organisation, editor, sponsor, title="Plan for the day")
    submission = rb.to_moderation(submission, programme_admin, [reviewer, second_reviewer])
    rb.accredit(submission, programme_admin)
    submission = rb.refreshed(submission)
    with organisation_scope(organisation):
        certificate = Certificate.objects.get(submission=submission)
    return submission, certificate


def of_kind(reminders, kind):
    return [r for r in reminders if r.kind == kind]


# --- review deadlines (programme-wide) ---------------------------------------------------------


def test_review_deadline_not_due_while_far_away(under_review):
    submission, _ = under_review
    today = submission.review_deadline - dt.timedelta(days=8)
    assert of_kind(programme_reminders_due(today=today), Kind.REVIEW_DEADLINE) == []


def test_review_deadline_near_reminds_the_reviewer_once_with_no_organisation(
    under_review, reviewer
):
    submission, _ = under_review
    due = submission.review_deadline
    today = due - dt.timedelta(days=3)
    (reminder,) = of_kind(programme_reminders_due(today=today), Kind.REVIEW_DEADLINE)
    assert reminder.recipient_id == reviewer.pk
    assert reminder.organisation_id is None
    assert reminder.subject == "Your review of Plan for the day is due in 3 days"
    assert f"/reviews/{submission.pk}/" == reminder.url
    # The next day gives the same key: the ledger sends it once.
    (next_day,) = of_kind(
        programme_reminders_due(today=today + dt.timedelta(days=1)), Kind.REVIEW_DEADLINE
    )
    assert next_day.period == reminder.period

    tasks.reminders_programme_task(today=today.isoformat())
    tasks.reminders_programme_task(today=(today + dt.timedelta(days=1)).isoformat())
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    notification = Notification.objects.get(kind=Kind.REVIEW_DEADLINE)
    assert notification.organisation is None
    assert "due on" in mail.outbox[0].body and "/reviews/" in mail.outbox[0].body


def test_review_overdue_reminds_weekly(under_review, reviewer):
    submission, _ = under_review
    late = submission.review_deadline + dt.timedelta(days=2)
    (reminder,) = of_kind(programme_reminders_due(today=late), Kind.REVIEW_DEADLINE)
    assert reminder.subject == "Your review of Plan for the day is overdue"
    assert "2 days ago" in reminder.message
    week_later = of_kind(
        programme_reminders_due(today=late + dt.timedelta(days=7)), Kind.REVIEW_DEADLINE
    )
    assert week_later[0].period != reminder.period


def test_a_paused_review_is_not_reminded(under_review, programme_admin):
    submission, _assignment = under_review
    today = submission.review_deadline - dt.timedelta(days=1)
    review_services.information_request_create(
        submission=submission, by=programme_admin, question="Which ward?"
    )
    assert of_kind(programme_reminders_due(today=today), Kind.REVIEW_DEADLINE) == []


def test_a_submitted_review_is_not_reminded(under_review, reviewer):
    submission, assignment = under_review
    today = submission.review_deadline - dt.timedelta(days=1)
    rb.submit_review(assignment, reviewer, rb.all_scores(submission))
    assert of_kind(programme_reminders_due(today=today), Kind.REVIEW_DEADLINE) == []


def test_inactive_reviewer_is_not_reminded(under_review, reviewer):
    submission, _ = under_review
    reviewer.is_active = False
    reviewer.save()
    today = submission.review_deadline
    assert of_kind(programme_reminders_due(today=today), Kind.REVIEW_DEADLINE) == []


def test_daily_task_runs_the_programme_pass(under_review, reviewer):
    submission, _ = under_review
    with organisation_scope(submission.organisation):
        Submission.objects.filter(pk=submission.pk).update(
            review_deadline=timezone.localdate() + dt.timedelta(days=2)
        )
    tasks.reminders_daily_task()
    tasks.reminders_daily_task()
    reviewer_mail = [m for m in mail.outbox if m.to == [reviewer.email]]
    assert len(reviewer_mail) == 1
    assert "is due in 2 days" in reviewer_mail[0].subject


# --- information requests -----------------------------------------------------------------------


def test_open_information_request_reminds_the_team_lead_weekly(
    organisation, under_review, editor, sponsor, programme_admin
):
    submission, _ = under_review
    today = timezone.localdate()
    assert (
        of_kind(
            reminders_due(organisation=organisation, today=today), Kind.INFORMATION_REQUEST_OPEN
        )
        == []
    )
    review_services.information_request_create(
        submission=submission, by=programme_admin, question="Which wards took part?"
    )
    (reminder,) = of_kind(
        reminders_due(organisation=organisation, today=today), Kind.INFORMATION_REQUEST_OPEN
    )
    assert reminder.recipient_id == editor.pk
    assert reminder.organisation_id == organisation.pk
    assert "“Which wards took part?”" in reminder.message
    assert reminder.url.endswith(f"/accreditation/submissions/{submission.pk}/review/")
    next_week = of_kind(
        reminders_due(organisation=organisation, today=today + dt.timedelta(days=7)),
        Kind.INFORMATION_REQUEST_OPEN,
    )
    assert next_week[0].period != reminder.period

    with organisation_scope(organisation):
        request = InformationRequest.objects.get(submission=submission)
    review_services.information_request_answer(request=request, by=editor, answer="Ward 7.")
    assert (
        of_kind(
            reminders_due(organisation=organisation, today=today), Kind.INFORMATION_REQUEST_OPEN
        )
        == []
    )


# --- accreditation expiring ---------------------------------------------------------------------


def test_expiry_not_due_more_than_sixty_days_ahead(organisation, accredited):
    _, certificate = accredited
    today = certificate.expires_on - dt.timedelta(days=61)
    assert (
        of_kind(reminders_due(organisation=organisation, today=today), Kind.ACCREDITATION_EXPIRING)
        == []
    )


def test_expiry_within_sixty_days_reminds_lead_and_sponsor_once(
    organisation, accredited, editor, sponsor
):
    _, certificate = accredited
    today = certificate.expires_on - dt.timedelta(days=30)
    found = of_kind(
        reminders_due(organisation=organisation, today=today), Kind.ACCREDITATION_EXPIRING
    )
    assert sorted(r.recipient_id for r in found) == sorted([editor.pk, sponsor.pk])
    expiry = f"{certificate.expires_on.day} {certificate.expires_on:%B %Y}"
    assert found[0].subject == f"The accreditation of Plan for the day expires on {expiry}"
    assert "30 days from now" in found[0].message
    later = of_kind(
        reminders_due(organisation=organisation, today=today + dt.timedelta(days=10)),
        Kind.ACCREDITATION_EXPIRING,
    )
    assert {r.period for r in later} == {r.period for r in found}  # the same key: sent once
    for reminder in found + later:
        tasks.reminder_send_task(**reminder.as_task_kwargs())
    assert Counter(a for m in mail.outbox for a in m.to) == Counter(
        {editor.email: 1, sponsor.email: 1}
    )


def test_no_expiry_reminder_after_it_expired(organisation, accredited):
    _, certificate = accredited
    today = certificate.expires_on + dt.timedelta(days=1)
    assert (
        of_kind(reminders_due(organisation=organisation, today=today), Kind.ACCREDITATION_EXPIRING)
        == []
    )


# --- staff digest ----------------------------------------------------------------------------


def test_digest_shares_accreditation_news_of_the_window(organisation, accredited, editor):
    submission, certificate = accredited
    now = timezone.now()
    lines = accreditation_news_lines(
        organisation, now - dt.timedelta(days=7), now + dt.timedelta(seconds=1)
    )
    (event_lines,) = lines.values()
    assert event_lines[0].startswith("Submitted for accreditation on ")
    expiry = f"{certificate.expires_on.day} {certificate.expires_on:%B %Y}"
    assert any(
        line.startswith("Accredited on ") and f"valid until {expiry}" in line
        for line in event_lines
    )
    assert not any(line.startswith("Accreditation certificate issued") for line in event_lines)

    successes = event_successes(
        organisation=organisation,
        since=now - dt.timedelta(days=7),
        until=now + dt.timedelta(seconds=1),
    )
    (item,) = [s for s in successes if s.event_id == submission.event_id]
    assert item.news == event_lines

    tasks.staff_digest_organisation_task(organisation_id=organisation.pk)
    (message,) = [m for m in mail.outbox if m.to == [editor.email]]
    assert "Accredited on " in message.body


def test_digest_leaves_out_news_outside_the_window(organisation, accredited):
    later = timezone.now() + dt.timedelta(days=8)
    assert accreditation_news_lines(organisation, later, later + dt.timedelta(days=7)) == {}


def test_digest_tells_of_information_requested(organisation, under_review, programme_admin):
    submission, _ = under_review
    review_services.information_request_create(
        submission=submission, by=programme_admin, question="Which ward?"
    )
    now = timezone.now()
    (lines,) = accreditation_news_lines(
        organisation, now - dt.timedelta(days=1), now + dt.timedelta(seconds=1)
    ).values()
    assert any("asked the team for more information" in line for line in lines)


# --- monthly sponsor report ----------------------------------------------------------------------


def test_report_shows_the_accreditation_status(report_world, accredited, django_assert_num_queries):
    submission, certificate = accredited
    with organisation_scope(report_world.organisation), django_assert_num_queries(11 + 2 * 2):
        content = report_content(membership=report_world.membership, period=PERIOD)
    sections = {e.pk: e for e in content.events}
    assert sections[report_world.event.pk].accreditation is None
    line = sections[submission.event_id].accreditation
    assert line.state == "accredited"
    assert line.decided_on == timezone.localdate()
    assert line.expires_on == certificate.expires_on
    expiry = f"{certificate.expires_on.day} {certificate.expires_on:%B %Y}"
    assert line.text.startswith("Accredited on ")
    assert f"valid until {expiry}." in line.text

    report = sponsor_report_generate(membership=report_world.membership, period=PERIOD)
    assert f"valid until {expiry}" in report.html
    assert "Not applied for yet." in report.html
    detail = {d["title"]: d for d in report.summary["detail"]}
    assert detail["Plan for the day"]["accreditation"] == line.text


def test_report_says_a_submission_awaits_the_sponsor(report_world, editor, sponsor):
    from tests.accreditation import builders as b

    event = b.make_event(report_world.organisation, editor, sponsor, title="Waiting")
    b.confirm_four_criteria(event, editor)
    submission = accreditation_services.submission_create(event=event, by=editor)
    for criterion in submission.criteria_version.criteria.all():
        accreditation_services.self_assessment_save(
            submission=submission, criterion=criterion, text="See.", by=editor
        )
    accreditation_services.submission_send_for_sign_off(submission=submission, by=editor)
    content = report_content(membership=report_world.membership, period=PERIOD)
    (section,) = [e for e in content.events if e.pk == event.pk]
    assert section.accreditation.text == (
        "The submission is waiting for the executive sponsor to sign it off."
    )


def test_report_words_for_a_submission_under_review(report_world, under_review):
    submission, _ = under_review
    content = report_content(membership=report_world.membership, period=PERIOD)
    (section,) = [e for e in content.events if e.pk == submission.event_id]
    assert section.accreditation.text == (
        "Submitted for accreditation; the reviewers are assessing it."
    )
