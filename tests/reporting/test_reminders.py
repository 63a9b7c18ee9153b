"""Each reminder rule, due and not due, on fixtures (the rules read through the selectors)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alwaysevents.reporting.models import NotificationKind as Kind
from alwaysevents.reporting.reminders import (
    organisation_today,
    registered_programme_rules,
    registered_rules,
    reminders_due,
)
from coproduction.models import Partner
from measurement.due import period_due
from measurement.models import Measure, PdsaCycle
from programmes.models import Challenge, Membership, ProgressScore, Role, Stage
from tests.factories import (
    ChallengeFactory,
    ConsentFactory,
    MembershipFactory,
    PartnerFactory,
    ProgressScoreFactory,
)
from tests.reporting.conftest import add_point, backdate, make_cycle, make_measure

pytestmark = pytest.mark.django_db


def due(organisation, kind, today=None):
    return [r for r in reminders_due(organisation=organisation, today=today) if r.kind == kind]


def monday(day):
    return day - dt.timedelta(days=day.weekday())


# --- dates ------------------------------------------------------------------------------------


def test_period_due_weekly_is_last_week_from_wednesday():
    assert period_due("weekly", dt.date(2026, 11, 25))[0] == dt.date(2026, 11, 16)  # Wednesday
    assert period_due("weekly", dt.date(2026, 11, 24))[0] == dt.date(2026, 11, 9)  # Tuesday


def test_period_due_monthly_is_last_month_from_the_fifth():
    assert period_due("monthly", dt.date(2026, 12, 5)) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
    )
    assert period_due("monthly", dt.date(2026, 12, 4))[0] == dt.date(2026, 10, 1)


def test_today_is_the_organisation_date_in_london(organisation):
    late_june_utc = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    assert organisation_today(organisation, late_june_utc) == dt.date(2026, 7, 1)
    late_november_utc = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    assert organisation_today(organisation, late_november_utc) == dt.date(2026, 11, 30)


def test_every_kind_with_a_rule_is_a_notification_kind():
    rules = registered_rules()
    assert set(rules) == {
        Kind.MEASURE_DATA_DUE,
        Kind.PDSA_OVERDUE,
        Kind.LIMITS_CHANGED,
        Kind.PROGRESS_SCORE_STALE,
        Kind.CHALLENGE_UNANSWERED,
        Kind.CONSENT_REVIEW_DUE,
        Kind.PARTNER_RETENTION_PASSED,
        Kind.INFORMATION_REQUEST_OPEN,
        Kind.ACCREDITATION_EXPIRING,
    }
    assert set(registered_programme_rules()) == {Kind.REVIEW_DEADLINE}


# --- data due ----------------------------------------------------------------------------------


def test_data_due_for_a_weekly_measure_without_last_weeks_figure(event, editor):
    today = timezone.localdate()
    measure = make_measure(event)
    add_point(measure, monday(today) - dt.timedelta(weeks=8), 5)

    [reminder] = due(event.organisation, Kind.MEASURE_DATA_DUE, today)
    start, _ = period_due("weekly", today)
    assert reminder.recipient_id == editor.pk
    assert reminder.period == f"measure-{measure.pk}:{start.isoformat()}"
    assert measure.name in reminder.subject
    assert f"/measures/{measure.pk}/data/" in reminder.url


def test_data_due_goes_to_the_person_who_collects_it(event, editor):
    today = timezone.localdate()
    collector = MembershipFactory(organisation=event.organisation, role=Role.TEAM_MEMBER).user
    measure = make_measure(event, owner=collector)
    make_measure(event, name="Nobody named")

    reminders = due(event.organisation, Kind.MEASURE_DATA_DUE, today)
    by_measure = {r.period.split(":")[0]: r.recipient_id for r in reminders}
    assert by_measure[f"measure-{measure.pk}"] == collector.pk
    assert sorted(by_measure.values()) == sorted([collector.pk, editor.pk])


def test_data_due_goes_to_the_team_lead_once_the_collector_has_left(event, editor):
    collector = MembershipFactory(organisation=event.organisation, role=Role.TEAM_MEMBER)
    make_measure(event, owner=collector.user)
    Membership.objects.with_scope(organisation=event.organisation_id).filter(
        pk=collector.pk
    ).update(is_active=False)

    [reminder] = due(event.organisation, Kind.MEASURE_DATA_DUE)
    assert reminder.recipient_id == editor.pk


def test_data_not_due_when_the_figure_is_in(event):
    today = timezone.localdate()
    measure = make_measure(event, frequency=Measure.Frequency.MONTHLY)
    add_point(measure, period_due("monthly", today)[0], 5)
    assert due(event.organisation, Kind.MEASURE_DATA_DUE, today) == []


def test_data_not_due_for_a_measure_created_after_the_period(event):
    make_measure(event, age_days=0)
    assert due(event.organisation, Kind.MEASURE_DATA_DUE) == []


def test_data_not_due_for_a_closed_event(event):
    make_measure(event)
    AlwaysEventModel = type(event)
    backdate(AlwaysEventModel, event, stage=Stage.CLOSED)
    assert due(event.organisation, Kind.MEASURE_DATA_DUE) == []


# --- PDSA --------------------------------------------------------------------------------------


def test_pdsa_cycle_past_its_planned_start_reminds_the_lead(event, editor):
    today = timezone.localdate()
    cycle = make_cycle(event, today - dt.timedelta(days=3))
    [reminder] = due(event.organisation, Kind.PDSA_OVERDUE, today)
    assert reminder.recipient_id == editor.pk
    assert reminder.period == f"pdsa-{cycle.pk}:{cycle.planned_start.isoformat()}"


def test_pdsa_cycle_started_or_not_yet_due_does_not_remind(event):
    today = timezone.localdate()
    make_cycle(event, today - dt.timedelta(days=3), state=PdsaCycle.State.DOING)
    make_cycle(event, today, number=2)
    make_cycle(event, today + dt.timedelta(days=5), number=3)
    assert due(event.organisation, Kind.PDSA_OVERDUE, today) == []


# --- progress score -------------------------------------------------------------------------------


def test_stale_score_reminds_lead_and_sponsor(event, editor, sponsor, settings):
    score = ProgressScoreFactory(event=event)
    old = timezone.now() - dt.timedelta(weeks=settings.PROGRESS_SCORE_STALE_WEEKS + 1)
    backdate(ProgressScore, score, set_at=old)
    reminders = due(event.organisation, Kind.PROGRESS_SCORE_STALE)
    assert sorted(r.recipient_id for r in reminders) == sorted([editor.pk, sponsor.pk])
    assert {r.period for r in reminders} == {f"event-{event.pk}:score-{old.date().isoformat()}"}


def test_recent_score_is_not_stale(event):
    ProgressScoreFactory(event=event)
    assert due(event.organisation, Kind.PROGRESS_SCORE_STALE) == []


def test_a_new_event_without_a_score_is_not_stale_yet(event):
    from programmes.models import AlwaysEvent

    backdate(AlwaysEvent, event, created_at=timezone.now() - dt.timedelta(days=3))
    assert due(event.organisation, Kind.PROGRESS_SCORE_STALE) == []


def test_an_old_event_never_scored_is_stale(event):
    reminders = due(event.organisation, Kind.PROGRESS_SCORE_STALE)
    assert {r.period for r in reminders} == {f"event-{event.pk}:score-never"}


# --- challenges ---------------------------------------------------------------------------------


def test_challenge_needing_the_sponsor_unanswered_for_a_week(event, sponsor):
    today = timezone.localdate()
    challenge = ChallengeFactory(
        event=event, help_needed=Challenge.Help.SPONSOR, noted_on=today - dt.timedelta(days=8)
    )
    [reminder] = due(event.organisation, Kind.CHALLENGE_UNANSWERED, today)
    assert reminder.recipient_id == sponsor.pk
    assert reminder.period == f"challenge-{challenge.pk}"
    assert challenge.text in reminder.message


def test_challenge_recent_addressed_or_not_for_the_sponsor_does_not_remind(event):
    today = timezone.localdate()
    week_ago = today - dt.timedelta(days=8)
    ChallengeFactory(event=event, help_needed=Challenge.Help.SPONSOR, noted_on=today)
    ChallengeFactory(
        event=event,
        help_needed=Challenge.Help.SPONSOR,
        noted_on=week_ago,
        status=Challenge.Status.ADDRESSED,
    )
    ChallengeFactory(event=event, help_needed=Challenge.Help.QI_SUPPORT, noted_on=week_ago)
    assert due(event.organisation, Kind.CHALLENGE_UNANSWERED, today) == []


# --- co-production ----------------------------------------------------------------------------


def test_partner_retention_passed_reminds_the_organisation_admin(organisation, org_admin):
    today = timezone.localdate()
    partner = PartnerFactory(
        organisation=organisation, retention_until=today - dt.timedelta(days=1)
    )
    [reminder] = due(organisation, Kind.PARTNER_RETENTION_PASSED, today)
    assert reminder.recipient_id == org_admin.pk
    assert partner.pseudonym in reminder.message
    assert partner.display_name not in reminder.message  # pseudonyms only
    year, week, _ = today.isocalendar()
    assert reminder.period == f"retention:{year}-W{week:02d}"


def test_retention_in_the_future_or_anonymised_does_not_remind(organisation, org_admin):
    today = timezone.localdate()
    PartnerFactory(organisation=organisation, retention_until=today + dt.timedelta(days=1))
    PartnerFactory(
        organisation=organisation,
        retention_until=today - dt.timedelta(days=10),
        anonymised_at=timezone.now(),
    )
    assert due(organisation, Kind.PARTNER_RETENTION_PASSED, today) == []


def test_consent_given_over_a_year_ago_is_due_for_review(organisation, org_admin):
    partner = PartnerFactory(organisation=organisation)
    ConsentFactory(partner=partner, given_at=timezone.now() - dt.timedelta(days=400))
    [reminder] = due(organisation, Kind.CONSENT_REVIEW_DUE)
    assert reminder.recipient_id == org_admin.pk
    assert partner.pseudonym in reminder.message


def test_recent_or_withdrawn_consent_is_not_due(organisation, org_admin):
    partner = PartnerFactory(organisation=organisation)
    ConsentFactory(partner=partner, given_at=timezone.now() - dt.timedelta(days=30))
    ConsentFactory(
        partner=partner,
        purpose="photographs",
        given_at=timezone.now() - dt.timedelta(days=400),
        withdrawn_at=timezone.now(),
    )
    assert due(organisation, Kind.CONSENT_REVIEW_DUE) == []


# --- who -----------------------------------------------------------------------------------------


def test_a_deactivated_lead_is_not_reminded(event, editor):
    make_cycle(event, timezone.localdate() - dt.timedelta(days=3))
    Membership.objects.with_scopes_disabled().filter(user=editor).update(is_active=False)
    assert due(event.organisation, Kind.PDSA_OVERDUE) == []


def test_other_organisations_are_not_mixed_in(event, other_organisation, outsider):
    PartnerFactory(
        organisation=other_organisation,
        retention_until=timezone.localdate() - dt.timedelta(days=3),
    )
    assert due(event.organisation, Kind.PARTNER_RETENTION_PASSED) == []
    [reminder] = due(other_organisation, Kind.PARTNER_RETENTION_PASSED)
    assert reminder.recipient_id == outsider.pk
    assert Partner.objects.with_scopes_disabled().count() == 1


def test_reminders_due_runs_a_constant_number_of_queries(
    event, organisation, org_admin, django_assert_max_num_queries
):
    today = timezone.localdate()
    make_measure(event)
    make_cycle(event, today - dt.timedelta(days=3))
    with django_assert_max_num_queries(16) as few:
        reminders_due(organisation=organisation, today=today)
    for n in range(5):
        make_measure(event, name=f"Measure {n}")
        make_cycle(event, today - dt.timedelta(days=3), number=n + 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        reminders_due(organisation=organisation, today=today)
