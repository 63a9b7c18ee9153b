"""`seed_demo`: its sign-ins, idempotency, `--scale`, and the invariants of the demo data.

Every date in the demo is derived from today, so no test here runs on the real date: each
freezes the clock (`time_machine`, ticking, as the database takes its timestamps from Python).
The invariants are plain check functions; `test_seed_demo_holds_every_invariant_on` builds the
demo once for each of many awkward moments (month and year ends, 29 February, Mondays and
Sundays, both clock changes in Europe/London, minutes before midnight) and runs every check
against that one build, the other demo test modules' checks included.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from alwaysevents.tenancy.scope import across_organisations
from coproduction.models import (
    AccessNeed,
    Attendance,
    Consent,
    EventPartner,
    Insight,
    InvolvementActivity,
    Partner,
    PartnerSignOff,
)
from coproduction.selectors.involvement import coproduction_profile
from measurement import spc
from measurement.due import period_due
from measurement.models import ChangeIdea, DataPoint, Driver, Measure, PdsaCycle, Phase
from measurement.selectors.due import figures_due_from
from programmes import readiness
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
from tests.accreditation.test_review_demo import check_review_demo
from tests.coproduction.test_payment_demo import check_payment_demo
from tests.reporting.test_demo import check_demo_notifications
from tests.reporting.test_report_demo import check_demo_reports

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def moment(text: str, label: str) -> object:
    """A frozen moment (an ISO date and time with its offset), its test id the moment itself."""
    return pytest.param(dt.datetime.fromisoformat(text), id=f"{text[:16]}UTC-{label}")


#: The moments the demo is built on. Times are UTC; Europe/London is UTC in winter, UTC+1 in
#: summer time (from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
#: October).
MOMENTS = [
    moment("2026-12-05T10:00+00:00", "saturday-the-cycle-before-its-phase-day"),
    moment("2026-12-07T08:00+00:00", "monday-morning"),
    moment("2026-12-31T23:59:30+00:00", "seconds-before-new-year"),
    moment("2027-01-01T06:30+00:00", "new-years-day-before-the-reports-go"),
    moment("2027-01-31T15:00+00:00", "sunday-month-end"),
    moment("2027-02-28T12:00+00:00", "february-end"),
    moment("2027-03-28T00:30+00:00", "clocks-go-forward-before"),
    moment("2027-03-28T01:30+00:00", "clocks-go-forward-after"),
    moment("2027-04-30T21:00+00:00", "april-end-late-evening"),
    moment("2027-10-31T00:30+00:00", "clocks-go-back-first-0130"),
    moment("2027-10-31T01:30+00:00", "clocks-go-back-second-0130"),
    moment("2027-12-31T12:00+00:00", "year-end"),
    moment("2028-01-03T00:05+00:00", "first-monday-of-the-year-just-after-midnight"),
    moment("2028-02-29T12:00+00:00", "leap-day"),
]

#: The moment the other tests run on.
FROZEN = dt.datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _private_dir(settings, tmp_path):
    """Demo receipts go to a private folder under VAR_DIR: keep them out of the checkout."""
    settings.VAR_DIR = tmp_path


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


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
    "pat.carer@example.org": ("northfield", "partner"),
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
            "measures": sorted(
                Measure.objects.values_list(
                    "event__title",
                    "name",
                    "type",
                    "value_kind",
                    "frequency",
                    "direction",
                    "target",
                    "chart_type",
                    "created_at",
                ),
                key=str,
            ),
            "points": sorted(
                DataPoint.objects.values_list(
                    "measure__name",
                    "period",
                    "value",
                    "numerator",
                    "denominator",
                    "note",
                    "excluded",
                    "excluded_reason",
                    "updated_at",
                ),
                key=str,
            ),
            "phases": sorted(
                Phase.objects.values_list("measure__name", "start_period", "reason", "created_at"),
                key=str,
            ),
            "drivers": sorted(
                Driver.objects.values_list("event__title", "parent__text", "text", "position"),
                key=str,
            ),
            "change_ideas": sorted(
                ChangeIdea.objects.values_list("event__title", "driver__text", "text", "kind"),
                key=str,
            ),
            "cycles": sorted(
                PdsaCycle.objects.values_list(
                    "change_idea__text",
                    "number",
                    "state",
                    "decision",
                    "planned_start",
                    "previous__number",
                    "updated_at",
                ),
                key=str,
            ),
            "cycle_measures": sorted(
                PdsaCycle.measures.through.objects.values_list(
                    "pdsacycle__change_idea__text", "pdsacycle__number", "measure__name"
                ),
                key=str,
            ),
            "partners": sorted(
                Partner.objects.values_list(
                    "organisation__slug",
                    "pseudonym",
                    "display_name",
                    "email",
                    "phone",
                    "access_needs",
                    "anonymised_at",
                    "created_at",
                ),
                key=str,
            ),
            "event_partners": sorted(
                EventPartner.objects.values_list(
                    "event__title", "partner__pseudonym", "role", "joined_on"
                ),
                key=str,
            ),
            "consents": sorted(
                Consent.objects.values_list(
                    "partner__organisation__slug",
                    "partner__pseudonym",
                    "purpose",
                    "given_at",
                    "withdrawn_at",
                ),
                key=str,
            ),
            "insights": sorted(
                Insight.objects.values_list(
                    "event__title", "source", "gathered_on", "theme", "quote", "created_at"
                ),
                key=str,
            ),
            "activities": sorted(
                InvolvementActivity.objects.values_list(
                    "event__title", "title", "type", "held_on", "stage", "rung", "hours"
                ),
                key=str,
            ),
            "attendance": sorted(
                Attendance.objects.values_list("activity__title", "partner__pseudonym"),
                key=str,
            ),
            "activity_staff": sorted(
                InvolvementActivity.staff.through.objects.values_list(
                    "involvementactivity__title", "user__email"
                ),
                key=str,
            ),
            "partner_sign_offs": sorted(
                PartnerSignOff.objects.values_list(
                    "sign_off__event__title", "partner__pseudonym", "sign_off__signed_on"
                ),
                key=str,
            ),
        }


# --- the invariants: each checks the demo as seeded on `today` ------------------------------


def check_sign_ins(out: str) -> None:
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


def check_cohorts(today: dt.date) -> None:
    """The named organisations are in a cohort that has started; the third in the next one."""
    cohorts = {o.slug: o.cohort for o in Organisation.objects.select_related("cohort")}
    current, following = cohorts["northfield"], cohorts["westmoor"]
    assert cohorts["riverside"] == current
    assert current.starts_on and current.ends_on and following.starts_on
    assert current.starts_on <= today, current.name
    assert current.starts_on < current.ends_on < following.starts_on, following.name


def check_events_to_look_at(slug: str, today: dt.date) -> None:
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
        assert not TimeEntry.objects.filter(event__in=events, week_starting__gt=today).exists()


def check_pause_and_spread() -> None:
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


MAIN_EVENTS = {
    "northfield": "Plan for your day by 10am (Ward 7)",
    "riverside": "Keep the people who matter to you in touch (Willow Ward)",
}


def stored_analysis(measure):
    """The engine's analysis of a measure's stored points and phases, as the chart makes it."""
    points = list(DataPoint.objects.filter(measure=measure).order_by("period"))
    phases = list(Phase.objects.filter(measure=measure))
    starts = sorted(
        {next(i for i, p in enumerate(points) if p.period >= ph.start_period) for ph in phases}
        - {0}
    )
    return points, spc.analyse(
        [float(p.plotted) for p in points],
        direction=measure.direction,
        target=measure.target,
        phase_starts=starts,
        chart=measure.chart_type,
        excluded=[i for i, p in enumerate(points) if p.excluded],
    )


def check_measures(slug: str, today: dt.date) -> None:
    with across_organisations():
        event = AlwaysEvent.objects.get(organisation__slug=slug, title=MAIN_EVENTS[slug])
        measures = {m.type: m for m in Measure.objects.filter(event=event)}
        assert set(measures) == {"outcome", "process", "balancing"}
        assert {m.frequency for m in measures.values()} == {"weekly", "monthly"}
        assert {m.direction for m in measures.values()} == {"higher", "lower", "neutral"}
        assert {m.chart_type for m in measures.values()} == {"run", "xmr"}
        process = measures["process"]
        assert process.value_kind == "proportion" and process.target is not None
        assert any(m.value_kind == "value" for m in measures.values())
        for measure in measures.values():
            points = list(DataPoint.objects.filter(measure=measure).order_by("period"))
            # About two years of data, up to this week or this month.
            assert points[-1].period == measure.normalise_period(today)
            assert (points[-1].period - points[0].period).days >= 680, measure.name
            assert len(points) in (24, 104)
        points = DataPoint.objects.filter(measure__event=event)
        assert points.filter(excluded=True).exclude(excluded_reason="").count() == 1
        assert points.exclude(note="").count() >= 2
        phase = Phase.objects.get(measure__event=event)
        assert phase.reason
        # The phase starts at the change: the period the event moved to Testing.
        tested = StageTransition.objects.get(event=event, to_stage=Stage.TESTING).at
        assert phase.start_period == phase.measure.normalise_period(timezone.localdate(tested))

        # The driver diagram and its PDSA cycles, linked to the measures from the change on.
        drivers = Driver.objects.filter(event=event)
        assert drivers.filter(parent=None).count() == 2
        assert drivers.exclude(parent=None).count() == 3
        ideas = ChangeIdea.objects.filter(event=event)
        assert 3 <= ideas.count() <= 4
        assert set(ideas.values_list("kind", flat=True)) == {"relational", "transactional"}
        cycles = PdsaCycle.objects.filter(change_idea__event=event)
        assert cycles.count() >= 3
        for cycle in cycles:
            assert cycle.has_predictions and cycle.observations and cycle.comparison
            assert cycle.decision
            assert set(cycle.measures.all()) >= {process}
            assert phase.start_period <= cycle.planned_start <= today, cycle
        adapted = cycles.get(decision="adapt")
        assert adapted.state == "closed"
        assert cycles.get(previous=adapted).number == adapted.number + 1

        # The engine flags the improvement on the process measure, after the change.
        points, analysis = stored_analysis(process)
        signals = spc.improvement_signals(analysis)
        assert signals
        assert any(points[i].period >= phase.start_period for s in signals for i in s.indices)
        assert analysis.points[-1].variation.nature == "improvement"


def check_family_of_measures() -> None:
    with across_organisations():
        events = AlwaysEvent.objects.filter(
            organisation__slug__in=["northfield", "riverside"],
            stage__in=[Stage.TESTING, Stage.IMPLEMENTING, Stage.SUSTAINING, Stage.SPREADING],
        )
        assert events.count() >= 4
        for event in events:
            family = [
                r
                for r in readiness.evaluate(event, Stage.TESTING)
                if r.key == "measurement.family_of_measures"
            ]
            assert family and family[0].met, event.title


def check_partners(slug: str, today: dt.date) -> None:
    with across_organisations():
        partners = Partner.objects.filter(organisation__slug=slug)
        assert partners.count() >= 4
        needs = {need for p in partners for need in p.access_needs}
        assert needs & {AccessNeed.LARGE_PRINT, AccessNeed.BSL, AccessNeed.STEP_FREE}
        for partner in partners.filter(anonymised_at=None):
            # Clearly fictional: a first name and how they are connected, reserved contacts.
            assert partner.display_name.endswith(")"), partner.display_name
            assert not partner.email or partner.email.endswith("@example.org")
            assert not partner.phone or partner.phone.startswith("07700 900")
            assert Consent.objects.filter(partner=partner).exists()
        links = EventPartner.objects.filter(partner__in=partners)
        assert links.exists()
        assert not links.filter(event__stage__in=[Stage.PROPOSED, Stage.SET_UP]).exists()
        insights = Insight.objects.filter(organisation__slug=slug)
        assert insights.exclude(theme="").count() >= 5
        assert len(set(insights.values_list("theme", flat=True))) >= 3
        activities = InvolvementActivity.objects.filter(organisation__slug=slug)
        assert len(set(activities.values_list("rung", flat=True))) >= 3
        assert len(set(activities.values_list("stage", flat=True))) >= 3
        assert activities.exclude(decisions_influenced="").exists()
        assert activities.exclude(partner_feedback="").exists()
        assert Attendance.objects.filter(activity__in=activities).exists()
        assert not activities.filter(held_on__gt=today).exists()
        sign_offs = PartnerSignOff.objects.filter(partner__in=partners)
        assert sign_offs.exists()
        assert all(s.sign_off.statement for s in sign_offs)


def check_consent_withdrawn_and_partner_anonymised() -> None:
    with across_organisations():
        withdrawn = Consent.objects.exclude(withdrawn_at=None)
        assert withdrawn.exists()
        assert all(c.withdrawn_at is not None and c.withdrawn_at >= c.given_at for c in withdrawn)
        anonymised = Partner.objects.exclude(anonymised_at=None)
        assert anonymised.count() == 1
        partner = anonymised.get()
        assert partner.display_name == partner.pseudonym
        assert (partner.email, partner.phone, partner.access_needs) == ("", "", [])
        assert Attendance.objects.filter(partner=partner).exists()


def check_main_event_co_produced_and_another_misses_a_stage() -> None:
    with across_organisations():
        main = AlwaysEvent.objects.get(
            organisation__slug="northfield", title=MAIN_EVENTS["northfield"]
        )
        profile = coproduction_profile(event=main)
        assert profile.highest_rung is not None and profile.highest_rung >= 6
        assert profile.codesign_share is not None and profile.codesign_share >= Decimal("0.5")
        assert profile.partner_share is not None
        assert Decimal("0.45") <= profile.partner_share <= Decimal("0.55")
        assert profile.stages_considered and not profile.stages_without_partners
        gaps = [
            event
            for event in AlwaysEvent.objects.exclude(pk=main.pk)
            if coproduction_profile(event=event).stages_without_partners
        ]
        assert gaps


#: Dates and times that may lie ahead of today: deadlines, reviews, expiry and retention dates,
#: and the next cohort.
FUTURE_ALLOWED = {
    "programmes.cohort": {"starts_on", "ends_on"},
    "programmes.alwaysevent": {"aim_deadline"},
    "programmes.sustainplan": {"review_date"},
    "coproduction.partner": {"retention_until"},
    "accreditation.submission": {"review_deadline"},
    "accreditation.certificate": {"expires_on"},
}


DEMO_APPS = {"programmes", "measurement", "coproduction", "accreditation", "reporting"}


def models_with_rows() -> frozenset[str]:
    """The demo apps' models that have rows: before seeding, those the migrations made."""
    with across_organisations():
        return frozenset(
            model._meta.label_lower
            for model in apps.get_models()
            if model._meta.app_label in DEMO_APPS and model._default_manager.exists()
        )


def check_nothing_happens_in_the_future(
    today: dt.date, *, made_before: frozenset[str] = frozenset()
) -> None:
    """What the demo records as done is dated today at the latest: no step is in the future.

    Models in `made_before` are left out: their rows come from the migrations (the criteria),
    dated when the test database was made, which may be after the frozen date.
    """
    now = timezone.now()
    found = []
    with across_organisations():
        for model in apps.get_models():
            label = model._meta.label_lower
            if model._meta.app_label not in DEMO_APPS or label in made_before:
                continue
            allowed = FUTURE_ALLOWED.get(label, set())
            for field in model._meta.concrete_fields:
                if field.name in allowed:
                    continue
                if isinstance(field, models.DateTimeField):
                    limit: dt.date = now
                elif isinstance(field, models.DateField):
                    limit = today
                else:
                    continue
                later = model._default_manager.filter(**{f"{field.name}__gt": limit})
                first = later.order_by(field.name).values_list(field.name, flat=True).first()
                if first is not None:
                    found.append(f"{model._meta.label}.{field.name} from {first}")
    assert not found, f"after {now:%Y-%m-%d %H:%M:%S%z}: " + "; ".join(found)


def check_a_figure_is_due_from_the_team_member(today: dt.date) -> None:
    """The demo team member's home page has a figure to enter: the journey the home is for."""
    organisation = Organisation.objects.get(slug="northfield")
    staff = get_user_model().objects.get(email="staff@northfield.example")
    with across_organisations():
        due = figures_due_from(organisation=organisation, user_id=staff.pk, today=today)
    assert [(d.measure.name, d.period) for d in due] == [
        ("Patients who can name the nurse looking after them", period_due("weekly", today)[0])
    ]


def invariants(
    out: str, today: dt.date, made_before: frozenset[str] = frozenset()
) -> dict[str, Callable[[], None]]:
    """Every check of the demo seeded on `today` (`out` its output), by name."""
    checks: dict[str, Callable[[], None]] = {
        "sign-ins": lambda: check_sign_ins(out),
        "cohorts": lambda: check_cohorts(today),
        "pause and spread": check_pause_and_spread,
        "family of measures": check_family_of_measures,
        "consent withdrawn, partner anonymised": check_consent_withdrawn_and_partner_anonymised,
        "co-produced": check_main_event_co_produced_and_another_misses_a_stage,
        "nothing in the future": lambda: check_nothing_happens_in_the_future(
            today, made_before=made_before
        ),
        "notifications": check_demo_notifications,
        "sponsor reports": check_demo_reports,
        "accreditation review": check_review_demo,
        "payments": check_payment_demo,
        "a figure due": lambda: check_a_figure_is_due_from_the_team_member(today),
    }
    for slug in ("northfield", "riverside"):
        checks[f"events to look at [{slug}]"] = lambda s=slug: check_events_to_look_at(s, today)
        checks[f"measures [{slug}]"] = lambda s=slug: check_measures(s, today)
        checks[f"partners [{slug}]"] = lambda s=slug: check_partners(s, today)
    return checks


# --- the tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("frozen", MOMENTS)
def test_seed_demo_holds_every_invariant_on(frozen):
    with time_machine.travel(frozen, tick=True):
        today = timezone.localdate()
        made_before = models_with_rows()
        out = seed()
        failed = []
        for name, check in invariants(out, today, made_before).items():
            try:
                check()
            except Exception as error:  # one build, every broken invariant reported
                failed.append(f"{name}: {type(error).__name__}: {error}")
        assert mail.outbox == []  # nothing is emailed
    assert not failed, f"seeded on {today}:\n" + "\n\n".join(failed)


def test_seed_demo_twice_changes_nothing():
    with time_machine.travel(FROZEN, tick=True):
        seed()
        first = snapshot()
        seed()
        assert snapshot() == first


def test_seed_demo_scale_adds_organisations_of_the_same_shape_once():
    with time_machine.travel(FROZEN, tick=True):
        seed()
        before = Organisation.objects.count()
        seed(scale=5)
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
        seed(scale=5)
        assert snapshot() == first
        seed(scale=7)
        assert Organisation.objects.count() == before + 7
