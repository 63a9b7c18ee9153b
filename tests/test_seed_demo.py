from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.utils import timezone

from alwaysevents.tenancy.scope import across_organisations
from programmes.models import (
    AlwaysEvent,
    Challenge,
    Cohort,
    Cost,
    Impact,
    Invitation,
    Membership,
    Organisation,
    ProgressScore,
    RoleChange,
    StaffRate,
    Stage,
    StageTransition,
    SustainPlan,
    TeamMember,
    TimeEntry,
)

pytestmark = pytest.mark.django_db

SIGN_INS = {
    "admin@programme.example": None,
    "reviewer@programme.example": None,
    **{
        f"{local}@{slug}.example": (slug, role)
        for slug in ("northfield", "riverside")
        for local, role in (
            ("lead", "team_lead"),
            ("staff", "team_member"),
            ("sponsor", "executive_sponsor"),
            ("orgadmin", "organisation_admin"),
        )
    },
}


def snapshot():
    with across_organisations():
        return {
            "users": sorted(get_user_model().objects.values_list("email", "password")),
            "organisations": sorted(
                Organisation.objects.values_list("slug", "name", "cohort__name")
            ),
            "cohorts": Cohort.objects.count(),
            "memberships": sorted(
                Membership.objects.values_list("organisation__slug", "user__email", "role")
            ),
            "role_changes": RoleChange.objects.count(),
            "emails": EmailAddress.objects.filter(verified=True).count(),
            "invitations": Invitation.objects.count(),
            "events": sorted(
                AlwaysEvent.objects.values_list(
                    "organisation__slug", "title", "stage", "parent__title", "created_at"
                )
            ),
            "team": sorted(
                TeamMember.objects.values_list(
                    "event__title", "user__email", "band", "protected_hours_per_week"
                )
            ),
            "transitions": sorted(
                StageTransition.objects.values_list(
                    "event__title", "from_stage", "to_stage", "reason", "at"
                )
            ),
            "scores": sorted(
                ProgressScore.objects.values_list("event__title", "score", "reason", "set_at")
            ),
            "time_entries": sorted(
                TimeEntry.objects.values_list(
                    "event__title", "person__email", "week_starting", "hours", "recorded_at"
                )
            ),
            "challenges": sorted(
                Challenge.objects.values_list("event__title", "text", "status", "help_needed")
            ),
            "impacts": sorted(Impact.objects.values_list("event__title", "kind", "description")),
            "costs": sorted(Cost.objects.values_list("event__title", "description", "amount")),
            "staff_rates": sorted(
                StaffRate.objects.values_list(
                    "organisation__slug", "band", "effective_from", "hourly_rate"
                )
            ),
            "sustain_plans": SustainPlan.objects.count(),
        }


def test_seed_demo_creates_the_published_sign_ins(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "demo-password-2026" in out
    assert Cohort.objects.count() == 2
    assert Organisation.objects.count() >= 3
    assert {"northfield", "riverside"} <= set(Organisation.objects.values_list("slug", flat=True))
    for email, membership in SIGN_INS.items():
        assert email in out
        user = authenticate(username=email, password="demo-password-2026")
        assert user is not None, email
        assert EmailAddress.objects.filter(user=user, email=email, verified=True).exists()
        if membership is None:
            continue
        slug, role = membership
        with across_organisations():
            assert Membership.objects.get(user=user, organisation__slug=slug).role == role
    admin = get_user_model().objects.get(email="admin@programme.example")
    reviewer = get_user_model().objects.get(email="reviewer@programme.example")
    assert admin.is_programme_admin and not admin.is_reviewer
    assert reviewer.is_reviewer and not reviewer.is_programme_admin


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first


def test_seed_demo_scale_adds_organisations_of_the_same_shape_once():
    call_command("seed_demo")
    before = Organisation.objects.count()
    call_command("seed_demo", scale=5)
    assert Organisation.objects.count() == before + 5
    with across_organisations():
        generated = Membership.objects.filter(organisation__slug__startswith="generated-")
        assert generated.count() == 5 * 4
        assert set(generated.values_list("role", flat=True)) == {
            "team_lead",
            "team_member",
            "executive_sponsor",
            "organisation_admin",
        }
    first = snapshot()
    call_command("seed_demo", scale=5)
    assert snapshot() == first
    call_command("seed_demo", scale=7)
    assert Organisation.objects.count() == before + 7


@pytest.mark.parametrize("slug", ["northfield", "riverside"])
def test_seed_demo_gives_each_organisation_with_people_events_to_look_at(slug):
    call_command("seed_demo")
    stale_before = timezone.now() - dt.timedelta(weeks=settings.PROGRESS_SCORE_STALE_WEEKS)
    with across_organisations():
        events = list(AlwaysEvent.objects.filter(organisation__slug=slug))
        assert len({event.stage for event in events}) >= 4
        transitions = StageTransition.objects.filter(event__in=events)
        assert any(t.overridden and t.reason for t in transitions)
        assert TimeEntry.objects.filter(event__in=events).exists()
        assert Challenge.objects.filter(
            event__in=events,
            kind=Challenge.Kind.CHALLENGE,
            help_needed=Challenge.Help.SPONSOR,
            status=Challenge.Status.OPEN,
        ).exists()
        latest = {}
        for score in ProgressScore.objects.filter(event__in=events).order_by("set_at", "pk"):
            latest[score.event_id] = score.set_at
        assert any(set_at < stale_before for set_at in latest.values())
        assert StaffRate.objects.filter(organisation__slug=slug).exists()
        impacts = Impact.objects.filter(event__in=events)
        assert impacts.filter(unintended=True).exists()
        assert impacts.filter(kind=Impact.Kind.EFFICIENCY).exclude(basis="").exists()
        # The work leans on one person in at least one event (the over-reliance warning).
        hours: Counter[tuple[int, int]] = Counter()
        totals: Counter[int] = Counter()
        for entry in TimeEntry.objects.filter(event__in=events):
            hours[entry.event_id, entry.person_id] += entry.hours
            totals[entry.event_id] += entry.hours
        assert any(h / totals[event_id] > Decimal("0.5") for (event_id, _), h in hours.items())
        # Every moved event has its history, and time is only ever logged up to this week.
        for event in events:
            if event.stage != Stage.PROPOSED:
                assert transitions.filter(event=event).exists(), event.title
        assert not TimeEntry.objects.filter(
            event__in=events, week_starting__gt=timezone.localdate()
        ).exists()


def test_seed_demo_pauses_one_event_and_spreads_another():
    call_command("seed_demo")
    with across_organisations():
        paused = AlwaysEvent.objects.filter(stage=Stage.PAUSED)
        assert paused.exists()
        assert all(event.paused_from for event in paused)
        spreading = AlwaysEvent.objects.filter(stage=Stage.SPREADING)
        assert spreading.exists()
        for event in spreading:
            assert AlwaysEvent.objects.filter(parent=event).exists()
            assert SustainPlan.objects.get(event=event).spread_targets
        for event in AlwaysEvent.objects.filter(stage=Stage.SUSTAINING):
            assert SustainPlan.objects.get(event=event).is_complete
