"""Services of one Always Event (programmes.services.events and .evidence), on the real database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from programmes import services
from programmes.models import (
    AlwaysEvent,
    Challenge,
    Cost,
    Criterion,
    EventComment,
    Impact,
    Membership,
    ProgressScore,
    StaffRate,
    Stage,
    SustainPlan,
    TeamMember,
    TimeEntry,
    VisionSignOff,
)
from tests.factories import CohortFactory, MembershipFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
MONDAY = dt.date(2026, 3, 2)  # a Monday in the past


@pytest.fixture
def stranger(other_organisation):
    """An active member of another organisation only."""
    return member_of(other_organisation, full_name="Riley Stranger")


def fresh(event: AlwaysEvent) -> AlwaysEvent:
    return AlwaysEvent.objects.with_scope(organisation=event.organisation_id).get(pk=event.pk)


def rows(model, event):
    with organisation_scope(event.organisation):
        return list(model.objects.filter(event=event))


def team(event) -> dict:
    with organisation_scope(event.organisation):
        return {m.user: m for m in TeamMember.objects.filter(event=event).select_related("user")}


def deactivate(organisation, user) -> None:
    with organisation_scope(organisation):
        Membership.objects.filter(user=user).update(is_active=False)


# --- event_create ----------------------------------------------------------------------------


def test_event_create(organisation, editor, sponsor, viewer):
    event = services.event_create(
        organisation=organisation,
        title="  Plan for the day ",
        service=" Ward 7 ",
        by=viewer,
        team_lead=editor,
        executive_sponsor=sponsor,
        position="Medicine",
        oversight_group="Patient Experience Group",
    )
    event = fresh(event)
    assert (event.title, event.service, event.stage) == ("Plan for the day", "Ward 7", "proposed")
    assert (event.team_lead, event.executive_sponsor) == (editor, sponsor)
    assert (event.position, event.oversight_group) == ("Medicine", "Patient Experience Group")
    assert event.organisation == organisation
    assert event.parent is None


def test_event_create_the_creator_and_the_lead_join_the_team(organisation, editor, viewer):
    event = services.event_create(
        organisation=organisation, title="T", service="S", by=viewer, team_lead=editor
    )
    members = team(event)
    assert set(members) == {viewer, editor}
    for member in members.values():
        assert member.protected_hours_per_week == 0
        assert member.band == TeamMember.Band.OTHER
        assert member.organisation_id == organisation.pk


def test_event_create_by_the_lead_adds_them_once(organisation, editor):
    event = services.event_create(
        organisation=organisation, title="T", service="S", by=editor, team_lead=editor
    )
    assert list(team(event)) == [editor]


def test_event_create_without_anyone_has_no_team(organisation):
    event = services.event_create(organisation=organisation, title="T", service="S", by=None)
    assert team(event) == {}


def test_event_create_makes_the_four_criteria(event, organisation):
    criteria = rows(Criterion, event)
    assert sorted(c.kind for c in criteria) == sorted(Criterion.Kind.values)
    assert len(criteria) == 4
    assert not any(c.confirmed or c.evidence for c in criteria)
    assert {c.organisation_id for c in criteria} == {organisation.pk}


def test_event_create_cohort_defaults_to_the_organisations(organisation):
    assert organisation.cohort is not None
    event = services.event_create(organisation=organisation, title="T", service="S", by=None)
    assert fresh(event).cohort == organisation.cohort
    chosen = CohortFactory()
    event = services.event_create(
        organisation=organisation, title="T2", service="S", by=None, cohort=chosen
    )
    assert fresh(event).cohort == chosen


def test_event_create_with_no_cohort_anywhere(organisation):
    organisation.cohort = None
    organisation.save()
    event = services.event_create(organisation=organisation, title="T", service="S", by=None)
    assert fresh(event).cohort is None


@pytest.mark.parametrize("role", ["team_lead", "executive_sponsor"])
def test_event_create_refuses_a_lead_or_sponsor_from_another_organisation(
    organisation, stranger, role
):
    with pytest.raises(DomainError, match="must be an active member of Northfield Hospitals") as e:
        services.event_create(
            organisation=organisation, title="T", service="S", by=None, **{role: stranger}
        )
    assert e.value.field == role
    with organisation_scope(organisation):
        assert AlwaysEvent.objects.count() == 0


@pytest.mark.parametrize("role", ["team_lead", "executive_sponsor"])
def test_event_create_refuses_a_former_member_or_nobody(organisation, editor, role):
    deactivate(organisation, editor)
    for person in (editor, UserFactory()):
        with pytest.raises(DomainError, match="active member") as e:
            services.event_create(
                organisation=organisation, title="T", service="S", by=None, **{role: person}
            )
        assert e.value.field == role


@pytest.mark.parametrize(
    ("title", "service", "field"), [(" ", "S", "title"), ("T", "  ", "service")]
)
def test_event_create_needs_a_title_and_a_service(organisation, title, service, field):
    with pytest.raises(DomainError) as e:
        services.event_create(organisation=organisation, title=title, service=service, by=None)
    assert e.value.field == field
    with organisation_scope(organisation):
        assert AlwaysEvent.objects.count() == 0


def test_event_create_refuses_unknown_details(organisation):
    with pytest.raises(TypeError, match="stage"):
        services.event_create(
            organisation=organisation, title="T", service="S", by=None, stage=Stage.TESTING
        )


def test_event_create_in_each_organisation_is_its_own(organisation, other_organisation, stranger):
    mine = services.event_create(organisation=organisation, title="T", service="S", by=None)
    theirs = services.event_create(
        organisation=other_organisation, title="T", service="S", by=stranger, team_lead=stranger
    )
    with organisation_scope(organisation):
        assert list(AlwaysEvent.objects.all()) == [mine]
        assert Criterion.objects.count() == 4
        assert TeamMember.objects.count() == 0
    with organisation_scope(other_organisation):
        assert list(AlwaysEvent.objects.all()) == [theirs]
        assert TeamMember.objects.get().organisation == other_organisation


# --- event_update_details --------------------------------------------------------------------


def test_event_update_details(event, editor):
    cohort = CohortFactory()
    services.event_update_details(
        event=event,
        by=editor,
        title=" Plan for the day, every day ",
        focus_population=" older people ",
        qi_support_contact="Sam QI",
        cohort=cohort,
    )
    event = fresh(event)
    assert (event.title, event.focus_population, event.qi_support_contact, event.cohort) == (
        "Plan for the day, every day",
        "older people",
        "Sam QI",
        cohort,
    )
    assert event.service == "Ward 7"  # untouched


@pytest.mark.parametrize("field", ["title", "service"])
def test_event_update_details_refuses_a_blank_title_or_service(event, field):
    with pytest.raises(DomainError) as e:
        services.event_update_details(event=event, by=None, **{field: "  "})
    assert e.value.field == field
    assert fresh(event).title == "Plan for the day"


@pytest.mark.parametrize(
    "field", ["stage", "team_lead", "executive_sponsor", "organisation", "parent"]
)
def test_event_update_details_cannot_change_stage_people_or_ownership(event, field):
    with pytest.raises(TypeError):
        services.event_update_details(event=event, by=None, **{field: None})


def test_event_update_details_validates_the_fields(event):
    with pytest.raises(ValidationError):
        services.event_update_details(event=event, by=None, position="x" * 201)


# --- event_set_leadership ----------------------------------------------------------------------


def test_event_set_leadership(event, organisation, editor, viewer):
    new_sponsor = member_of(organisation, role="executive_sponsor")
    services.event_set_leadership(
        event=event, team_lead=viewer, executive_sponsor=new_sponsor, by=editor
    )
    event = fresh(event)
    assert (event.team_lead, event.executive_sponsor) == (viewer, new_sponsor)
    # The new lead joins the team; the old one stays; the sponsor does not join.
    assert set(team(event)) == {editor, viewer}


def test_event_set_leadership_adds_the_lead_once(event, editor, sponsor):
    services.event_set_leadership(event=event, team_lead=editor, executive_sponsor=None, by=None)
    assert list(team(event)) == [editor]
    assert fresh(event).executive_sponsor is None
    assert fresh(event).team_lead == editor


@pytest.mark.parametrize("role", ["team_lead", "executive_sponsor"])
def test_event_set_leadership_refuses_another_organisations_person(event, editor, stranger, role):
    people = {"team_lead": editor, "executive_sponsor": None, role: stranger}
    with pytest.raises(DomainError, match="active member of Northfield") as e:
        services.event_set_leadership(event=event, by=None, **people)
    assert e.value.field == role
    event = fresh(event)
    assert stranger not in (event.team_lead, event.executive_sponsor)
    assert stranger not in team(event)


# --- team --------------------------------------------------------------------------------------


def test_team_member_save_adds_and_updates(event, editor, viewer):
    member = services.team_member_save(
        event=event,
        user=viewer,
        protected_hours_per_week=Decimal("3.5"),
        band="5",
        role_in_team=" Staff nurse ",
        by=editor,
    )
    assert (member.protected_hours_per_week, member.band, member.role_in_team) == (
        Decimal("3.5"),
        "5",
        "Staff nurse",
    )
    assert member.organisation_id == event.organisation_id
    again = services.team_member_save(
        event=event, user=viewer, protected_hours_per_week=Decimal("2"), band="6", by=editor
    )
    assert again.pk == member.pk
    stored = team(event)[viewer]
    assert (stored.protected_hours_per_week, stored.band, stored.role_in_team) == (
        Decimal("2"),
        "6",
        "",
    )
    assert len(team(event)) == 2


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("40"), Decimal("0.5"), 7])
def test_team_member_save_accepts_0_to_40_hours(event, viewer, hours):
    member = services.team_member_save(
        event=event, user=viewer, protected_hours_per_week=hours, by=None
    )
    assert team(event)[viewer].protected_hours_per_week == Decimal(hours)
    assert member.pk


@pytest.mark.parametrize("hours", [Decimal("-0.5"), Decimal("40.5"), 41, -1])
def test_team_member_save_refuses_hours_out_of_bounds(event, viewer, hours):
    with pytest.raises(DomainError, match="between 0 and 40 hours") as e:
        services.team_member_save(event=event, user=viewer, protected_hours_per_week=hours, by=None)
    assert e.value.field == "protected_hours_per_week"
    assert viewer not in team(event)


def test_team_member_save_refuses_an_unknown_band(event, viewer):
    with pytest.raises(DomainError, match="not a pay band") as e:
        services.team_member_save(
            event=event, user=viewer, protected_hours_per_week=1, band="99", by=None
        )
    assert e.value.field == "band"


def test_team_member_save_refuses_non_members(event, organisation, viewer, stranger):
    deactivate(organisation, viewer)
    for person in (stranger, viewer, UserFactory()):
        with pytest.raises(DomainError, match="team member must be an active member") as e:
            services.team_member_save(event=event, user=person, protected_hours_per_week=1, by=None)
        assert e.value.field == "user"
        assert person not in team(event)


def test_team_member_remove(event, viewer):
    member = services.team_member_save(
        event=event, user=viewer, protected_hours_per_week=1, by=None
    )
    services.team_member_remove(member=member, by=None)
    assert viewer not in team(event)


def test_the_team_lead_cannot_be_removed(event, editor):
    member = team(event)[editor]
    with pytest.raises(DomainError, match="The team lead stays on the team"):
        services.team_member_remove(member=member, by=editor)
    assert editor in team(event)


# --- vision ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "vision",
    [
        "I will always know the plan for my day.",
        "We will always be told who is looking after us.",
        "I/We will always be listened to.",
        "we will always be asked.",
    ],
)
def test_event_set_vision_accepts_patients_words(event, vision):
    services.event_set_vision(event=event, vision_statement=vision, by=None)
    assert fresh(event).vision_statement == vision


@pytest.mark.parametrize(
    "vision",
    [
        "Always tell patients the plan.",
        "Patients will always know the plan.",
        "I always will know.",
        "We shall always be told.",
        "I will alwaysly know.",
        "They will always know.",
    ],
)
def test_event_set_vision_refuses_other_words(event, vision):
    services.event_set_vision(event=event, vision_statement="I will always be heard.", by=None)
    with pytest.raises(DomainError, match='starting "I will always" or "We will always"') as e:
        services.event_set_vision(event=event, vision_statement=vision, by=None)
    assert e.value.field == "vision_statement"
    assert fresh(event).vision_statement == "I will always be heard."


def test_event_set_vision_normalises_whitespace(event):
    services.event_set_vision(
        event=event, vision_statement="  We   will\nalways\tbe  told the plan.  ", by=None
    )
    assert fresh(event).vision_statement == "We will always be told the plan."


@pytest.mark.parametrize("vision", ["", "   \n "])
def test_event_set_vision_may_be_emptied(event, vision):
    services.event_set_vision(event=event, vision_statement="I will always be heard.", by=None)
    services.event_set_vision(event=event, vision_statement=vision, by=None)
    assert fresh(event).vision_statement == ""


def test_vision_sign_off_record_stores_the_wording(event, editor):
    services.event_set_vision(event=event, vision_statement="I will always be heard.", by=editor)
    day = TODAY() - dt.timedelta(days=2)
    sign_off = services.vision_sign_off_record(
        event=event, signed_by_name="  Asha  ", signed_on=day, by=editor
    )
    assert (sign_off.signed_by_name, sign_off.statement, sign_off.signed_on) == (
        "Asha",
        "I will always be heard.",
        day,
    )
    assert (sign_off.recorded_by, sign_off.organisation_id) == (editor, event.organisation_id)
    services.event_set_vision(event=event, vision_statement="I will always be asked.", by=editor)
    [stored] = rows(VisionSignOff, event)
    assert stored.statement == "I will always be heard."  # what Asha signed, kept


def test_vision_sign_off_needs_a_vision(event):
    with pytest.raises(DomainError, match="Write the vision statement before"):
        services.vision_sign_off_record(
            event=event, signed_by_name="Asha", signed_on=TODAY(), by=None
        )
    assert rows(VisionSignOff, event) == []


def test_vision_sign_off_cannot_be_in_the_future_or_nameless(event):
    services.event_set_vision(event=event, vision_statement="I will always be heard.", by=None)
    with pytest.raises(DomainError, match="cannot be in the future") as e:
        services.vision_sign_off_record(
            event=event,
            signed_by_name="Asha",
            signed_on=TODAY() + dt.timedelta(days=1),
            by=None,
        )
    assert e.value.field == "signed_on"
    with pytest.raises(DomainError, match="Say who signed it off") as e:
        services.vision_sign_off_record(event=event, signed_by_name=" ", signed_on=TODAY(), by=None)
    assert e.value.field == "signed_by_name"
    assert rows(VisionSignOff, event) == []
    services.vision_sign_off_record(event=event, signed_by_name="Asha", signed_on=TODAY(), by=None)
    assert len(rows(VisionSignOff, event)) == 1


# --- aim ----------------------------------------------------------------------------------------

AIM = {
    "aim_measure": "are told the plan for their day by 10am.",
    "aim_target_percent": Decimal("90"),
    "aim_deadline": dt.date(2027, 3, 31),
    "aim_population": " patients on Ward 7 ",
    "aim_review_frequency": "monthly",
}


def test_event_set_aim_and_its_sentence(event, editor):
    services.event_set_aim(event=event, by=editor, **AIM)
    event = fresh(event)
    assert event.aim_population == "patients on Ward 7"
    assert event.aim_is_complete
    assert event.aim_sentence == (
        "By 31 March 2027, 90% of patients on Ward 7 are told the plan for their day by 10am. "
        "We will review this every month."
    )


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        (
            {"aim_target_percent": Decimal("92.5"), "aim_deadline": dt.date(2027, 1, 5)},
            "By 5 January 2027, 92.5% of patients on Ward 7 are told the plan for their day by "
            "10am. We will review this every month.",
        ),
        (
            {"aim_target_percent": Decimal("100"), "aim_review_frequency": "fortnightly"},
            "By 31 March 2027, 100% of patients on Ward 7 are told the plan for their day by "
            "10am. We will review this every fortnight.",
        ),
        (
            {"aim_target_percent": Decimal("0.5"), "aim_review_frequency": "weekly"},
            "By 31 March 2027, 0.5% of patients on Ward 7 are told the plan for their day by "
            "10am. We will review this every week.",
        ),
        (
            {"aim_measure": "have a named nurse", "aim_review_frequency": "quarterly"},
            "By 31 March 2027, 90% of patients on Ward 7 have a named nurse. "
            "We will review this every quarter.",
        ),
    ],
    ids=["decimal-target-and-early-day", "hundred", "half", "no-full-stop"],
)
def test_aim_sentence_reads_well(event, changes, sentence):
    services.event_set_aim(event=event, by=None, **{**AIM, **changes})
    assert fresh(event).aim_sentence == sentence


@pytest.mark.parametrize(
    "gap",
    [
        {"aim_measure": ""},
        {"aim_target_percent": None},
        {"aim_deadline": None},
        {"aim_population": " "},
        {"aim_review_frequency": ""},
    ],
)
def test_an_incomplete_aim_has_no_sentence(event, gap):
    services.event_set_aim(event=event, by=None, **{**AIM, **gap})
    event = fresh(event)
    assert not event.aim_is_complete
    assert event.aim_sentence == ""


@pytest.mark.parametrize("target", [Decimal("0"), Decimal("-1"), Decimal("100.1"), 101])
def test_event_set_aim_target_is_above_0_and_at_most_100(event, target):
    services.event_set_aim(event=event, by=None, **AIM)
    with pytest.raises(DomainError, match="above 0 and at most 100") as e:
        services.event_set_aim(event=event, by=None, **{**AIM, "aim_target_percent": target})
    assert e.value.field == "aim_target_percent"
    assert fresh(event).aim_target_percent == Decimal("90")


def test_event_set_aim_refuses_an_unknown_review_frequency(event):
    with pytest.raises(DomainError, match="how often") as e:
        services.event_set_aim(event=event, by=None, **{**AIM, "aim_review_frequency": "yearly"})
    assert e.value.field == "aim_review_frequency"
    assert fresh(event).aim_measure == ""


# --- criteria -----------------------------------------------------------------------------------


def test_criterion_set(event, editor):
    criterion = services.criterion_set(
        event=event,
        kind=Criterion.Kind.IMPORTANT,
        confirmed=True,
        evidence="  Patients raised it in 12 of 20 conversations.  ",
        by=editor,
    )
    assert (criterion.confirmed, criterion.evidence, criterion.updated_by) == (
        True,
        "Patients raised it in 12 of 20 conversations.",
        editor,
    )
    assert len(rows(Criterion, event)) == 4  # updated, not added
    services.criterion_set(
        event=event, kind=Criterion.Kind.IMPORTANT, confirmed=False, evidence="", by=editor
    )
    [stored] = [c for c in rows(Criterion, event) if c.kind == Criterion.Kind.IMPORTANT]
    assert (stored.confirmed, stored.evidence) == (False, "")


@pytest.mark.parametrize("evidence", ["", "   "])
def test_confirming_a_criterion_needs_evidence(event, evidence):
    with pytest.raises(DomainError, match="what shows the Always Event is evidence-based") as e:
        services.criterion_set(
            event=event,
            kind=Criterion.Kind.EVIDENCE_BASED,
            confirmed=True,
            evidence=evidence,
            by=None,
        )
    assert e.value.field == "evidence"
    assert not any(c.confirmed for c in rows(Criterion, event))


def test_criterion_set_refuses_an_unknown_criterion(event):
    with pytest.raises(DomainError, match="not one of the four criteria") as e:
        services.criterion_set(event=event, kind="cheap", confirmed=False, evidence="", by=None)
    assert e.value.field == "kind"


# --- comments ----------------------------------------------------------------------------------


def test_event_comment_add(event, sponsor):
    comment = services.event_comment_add(event=event, text="  Well done, team.  ", by=sponsor)
    assert (comment.text, comment.author, comment.organisation_id) == (
        "Well done, team.",
        sponsor,
        event.organisation_id,
    )
    with pytest.raises(DomainError, match="Write a comment first") as e:
        services.event_comment_add(event=event, text="  ", by=sponsor)
    assert e.value.field == "text"
    assert len(rows(EventComment, event)) == 1


# --- progress score ------------------------------------------------------------------------------


@pytest.mark.parametrize("score", ProgressScore.Score.values)
def test_progress_score_set_accepts_every_score_of_the_scale(event, editor, score):
    row = services.progress_score_set(
        event=event, score=score, reason=" Charter agreed. ", by=editor
    )
    assert (row.score, row.reason, row.set_by, row.organisation_id) == (
        score,
        "Charter agreed.",
        editor,
        event.organisation_id,
    )
    assert row.value == Decimal(score)


@pytest.mark.parametrize("score", ["0", "5.5", "3", "1.25", "", "2,0"])
def test_progress_score_set_refuses_scores_off_the_scale(event, score):
    with pytest.raises(DomainError, match=r"from 0\.5 to 5\.0") as e:
        services.progress_score_set(event=event, score=score, reason="Because.", by=None)
    assert e.value.field == "score"
    assert rows(ProgressScore, event) == []


@pytest.mark.parametrize("reason", ["", "  \n"])
def test_progress_score_set_needs_a_reason(event, reason):
    with pytest.raises(DomainError, match="Say why") as e:
        services.progress_score_set(event=event, score="1.0", reason=reason, by=None)
    assert e.value.field == "reason"
    assert rows(ProgressScore, event) == []


def test_progress_score_history_is_kept(event, editor):
    services.progress_score_set(event=event, score="1.0", reason="Charter.", by=editor)
    services.progress_score_set(event=event, score="1.0", reason="Reviewed: no change.", by=editor)
    services.progress_score_set(event=event, score="1.5", reason="Planning.", by=editor)
    assert [(s.score, s.reason) for s in rows(ProgressScore, event)] == [
        ("1.5", "Planning."),
        ("1.0", "Reviewed: no change."),
        ("1.0", "Charter."),
    ]


# --- time log ------------------------------------------------------------------------------------


@pytest.mark.parametrize("day_offset", range(7))
def test_time_entry_record_normalises_to_the_monday(event, editor, day_offset):
    entry = services.time_entry_record(
        event=event,
        person=editor,
        week_starting=MONDAY + dt.timedelta(days=day_offset),
        hours=Decimal("3"),
        by=editor,
    )
    assert entry.week_starting == MONDAY
    assert (entry.recorded_by, entry.organisation_id) == (editor, event.organisation_id)


def test_time_entry_record_updates_the_same_week(event, editor, viewer):
    services.time_entry_record(
        event=event, person=viewer, week_starting=MONDAY, hours=Decimal("3"), by=viewer
    )
    services.time_entry_record(
        event=event,
        person=viewer,
        week_starting=MONDAY + dt.timedelta(days=4),
        hours=Decimal("4.5"),
        note="  corrected ",
        by=editor,
    )
    [entry] = rows(TimeEntry, event)
    assert (entry.hours, entry.note, entry.recorded_by) == (Decimal("4.5"), "corrected", editor)
    services.time_entry_record(
        event=event,
        person=viewer,
        week_starting=MONDAY + dt.timedelta(days=7),
        hours=Decimal("1"),
        by=viewer,
    )
    services.time_entry_record(
        event=event, person=editor, week_starting=MONDAY, hours=Decimal("2"), by=editor
    )
    assert len(rows(TimeEntry, event)) == 3


def test_time_entry_record_this_week_but_not_ahead(event, editor):
    today = TODAY()
    services.time_entry_record(event=event, person=editor, week_starting=today, hours=1, by=None)
    this_monday = today - dt.timedelta(days=today.weekday())
    with pytest.raises(DomainError, match="not for weeks ahead") as e:
        services.time_entry_record(
            event=event,
            person=editor,
            week_starting=this_monday + dt.timedelta(days=7),
            hours=1,
            by=None,
        )
    assert e.value.field == "week_starting"
    assert [t.week_starting for t in rows(TimeEntry, event)] == [this_monday]


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("80"), Decimal("0.25")])
def test_time_entry_record_accepts_0_to_80_hours(event, editor, hours):
    entry = services.time_entry_record(
        event=event, person=editor, week_starting=MONDAY, hours=hours, by=None
    )
    assert entry.hours == hours


@pytest.mark.parametrize("hours", [Decimal("-0.5"), Decimal("80.01"), 168])
def test_time_entry_record_refuses_hours_out_of_bounds(event, editor, hours):
    with pytest.raises(DomainError, match="between 0 and 80") as e:
        services.time_entry_record(
            event=event, person=editor, week_starting=MONDAY, hours=hours, by=None
        )
    assert e.value.field == "hours"
    assert rows(TimeEntry, event) == []


def test_time_entry_record_refuses_people_outside_the_organisation(
    event, organisation, viewer, stranger
):
    deactivate(organisation, viewer)
    for person in (stranger, viewer, UserFactory()):
        with pytest.raises(DomainError, match="is not an active member of Northfield") as e:
            services.time_entry_record(
                event=event, person=person, week_starting=MONDAY, hours=1, by=None
            )
        assert e.value.field == "person"
    assert rows(TimeEntry, event) == []


def test_time_entry_record_for_a_member_not_on_the_team(event, organisation):
    helper = member_of(organisation)
    entry = services.time_entry_record(
        event=event, person=helper, week_starting=MONDAY, hours=2, by=None
    )
    assert entry.person == helper
    assert helper not in team(event)


# --- challenges and facilitators -----------------------------------------------------------------


def test_challenge_record(event, editor):
    challenge = services.challenge_record(
        event=event,
        area=Challenge.Area.SENIOR_SUPPORT,
        text="  The board has not heard of us.  ",
        help_needed=Challenge.Help.SPONSOR,
        by=editor,
    )
    assert (
        challenge.area,
        challenge.kind,
        challenge.text,
        challenge.status,
        challenge.help_needed,
        challenge.noted_on,
        challenge.recorded_by,
        challenge.addressed_at,
        challenge.organisation_id,
    ) == (
        "senior_support",
        "challenge",
        "The board has not heard of us.",
        "open",
        "sponsor",
        TODAY(),
        editor,
        None,
        event.organisation_id,
    )


def test_a_facilitator_needs_no_help(event):
    facilitator = services.challenge_record(
        event=event,
        area=Challenge.Area.ENGAGEMENT,
        kind=Challenge.Kind.FACILITATOR,
        text="The matron joined every huddle.",
        help_needed=Challenge.Help.SPONSOR,
        noted_on=dt.date(2026, 1, 5),
        by=None,
    )
    assert (facilitator.kind, facilitator.help_needed, facilitator.noted_on) == (
        "facilitator",
        "",
        dt.date(2026, 1, 5),
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"area": "weather"}, "area"),
        ({"kind": "moan"}, "kind"),
        ({"help_needed": "king"}, "help_needed"),
        ({"text": "  "}, "text"),
        ({"noted_on": dt.date.max}, "noted_on"),
    ],
)
def test_challenge_record_refuses(event, changes, field):
    arguments = {"area": "staff_time", "text": "No cover.", **changes}
    with pytest.raises(DomainError) as e:
        services.challenge_record(event=event, by=None, **arguments)
    assert e.value.field == field
    assert rows(Challenge, event) == []


def test_challenge_set_status(event, editor):
    challenge = services.challenge_record(event=event, area="staff_time", text="No cover.", by=None)
    before = timezone.now()
    services.challenge_set_status(challenge=challenge, status="addressed", by=editor)
    [stored] = rows(Challenge, event)
    assert stored.status == "addressed"
    assert before <= stored.addressed_at <= timezone.now()
    services.challenge_set_status(challenge=challenge, status="open", by=editor)
    [stored] = rows(Challenge, event)
    assert (stored.status, stored.addressed_at) == ("open", None)
    with pytest.raises(DomainError, match="open or addressed") as e:
        services.challenge_set_status(challenge=challenge, status="ignored", by=editor)
    assert e.value.field == "status"


# --- impact, costs, rates ------------------------------------------------------------------------


def test_impact_record_a_benefit(event, editor):
    impact = services.impact_record(
        event=event,
        kind=Impact.Kind.STAFF_WELLBEING,
        description="  Less stress at handover. ",
        unintended=True,
        by=editor,
    )
    assert (
        impact.kind,
        impact.description,
        impact.unintended,
        impact.noted_on,
        impact.recorded_by,
        impact.money_estimate,
        impact.organisation_id,
    ) == (
        "staff_wellbeing",
        "Less stress at handover.",
        True,
        TODAY(),
        editor,
        None,
        event.organisation_id,
    )
    assert not impact.is_efficiency


@pytest.mark.parametrize(
    "estimate",
    [
        {"money_estimate": Decimal("1200")},
        {"hours_estimate": Decimal("52")},
        {"money_estimate": Decimal("0"), "hours_estimate": Decimal("10.5")},
    ],
)
def test_impact_record_an_efficiency(event, estimate):
    impact = services.impact_record(
        event=event,
        kind=Impact.Kind.EFFICIENCY,
        description="Fewer call bells.",
        basis=" 10 fewer calls a day at 2 minutes each. ",
        by=None,
        **estimate,
    )
    assert impact.is_efficiency
    assert impact.basis == "10 fewer calls a day at 2 minutes each."
    assert impact.money_estimate == estimate.get("money_estimate")
    assert impact.hours_estimate == estimate.get("hours_estimate")


@pytest.mark.parametrize(
    ("arguments", "message", "field"),
    [
        ({"kind": "efficiency", "basis": "A guess."}, "needs an estimate", "money_estimate"),
        ({"kind": "efficiency", "money_estimate": Decimal("5")}, "how you worked", "basis"),
        (
            {"kind": "efficiency", "money_estimate": Decimal("5"), "basis": " "},
            "how you worked",
            "basis",
        ),
        (
            {"kind": "service_users", "money_estimate": Decimal("5"), "basis": "x"},
            "belong to efficiencies",
            "money_estimate",
        ),
        (
            {"kind": "other_benefit", "hours_estimate": Decimal("5")},
            "belong to efficiencies",
            "money_estimate",
        ),
        (
            {"kind": "efficiency", "money_estimate": Decimal("-5"), "basis": "x"},
            "cannot be negative",
            "money_estimate",
        ),
        (
            {"kind": "efficiency", "hours_estimate": Decimal("-1"), "basis": "x"},
            "cannot be negative",
            "hours_estimate",
        ),
        ({"kind": "rumour"}, "what kind of impact", "kind"),
        ({"kind": "service_users", "description": " "}, "Describe the impact", "description"),
    ],
)
def test_impact_record_refuses(event, arguments, message, field):
    arguments = {"description": "Something.", **arguments}
    with pytest.raises(DomainError, match=message) as e:
        services.impact_record(event=event, by=None, **arguments)
    assert e.value.field == field
    assert rows(Impact, event) == []


def test_cost_record(event, editor):
    cost = services.cost_record(
        event=event, description="  Printing  ", amount=Decimal("45.50"), by=editor
    )
    assert (cost.description, cost.amount, cost.incurred_on, cost.recorded_by) == (
        "Printing",
        Decimal("45.50"),
        TODAY(),
        editor,
    )
    assert cost.organisation_id == event.organisation_id
    free = services.cost_record(
        event=event, description="Room", amount=0, incurred_on=dt.date(2026, 2, 1), by=None
    )
    assert (free.amount, free.incurred_on) == (0, dt.date(2026, 2, 1))
    for arguments, field in (
        ({"description": "x", "amount": Decimal("-1")}, "amount"),
        ({"description": " ", "amount": Decimal("1")}, "description"),
    ):
        with pytest.raises(DomainError) as e:
            services.cost_record(event=event, by=None, **arguments)
        assert e.value.field == field
    assert len(rows(Cost, event)) == 2


def test_staff_rate_set(organisation, other_organisation):
    rate = services.staff_rate_set(
        organisation=organisation,
        band="5",
        hourly_rate=Decimal("21.50"),
        effective_from=dt.date(2026, 4, 1),
    )
    assert (rate.organisation, rate.band, rate.hourly_rate) == (organisation, "5", Decimal("21.50"))
    again = services.staff_rate_set(
        organisation=organisation,
        band="5",
        hourly_rate=Decimal("22"),
        effective_from=dt.date(2026, 4, 1),
    )
    assert again.pk == rate.pk
    services.staff_rate_set(
        organisation=organisation,
        band="5",
        hourly_rate=Decimal("23"),
        effective_from=dt.date(2027, 4, 1),
    )
    services.staff_rate_set(
        organisation=other_organisation,
        band="5",
        hourly_rate=Decimal("99"),
        effective_from=dt.date(2026, 4, 1),
    )
    with organisation_scope(organisation):
        assert sorted(StaffRate.objects.values_list("hourly_rate", flat=True)) == [
            Decimal("22"),
            Decimal("23"),
        ]
    with organisation_scope(other_organisation):
        assert list(StaffRate.objects.values_list("hourly_rate", flat=True)) == [Decimal("99")]


@pytest.mark.parametrize(
    ("band", "rate", "field"), [("13", Decimal("1"), "band"), ("5", Decimal("-1"), "hourly_rate")]
)
def test_staff_rate_set_refuses(organisation, band, rate, field):
    with pytest.raises(DomainError) as e:
        services.staff_rate_set(
            organisation=organisation, band=band, hourly_rate=rate, effective_from=MONDAY
        )
    assert e.value.field == field


# --- sustain plan --------------------------------------------------------------------------------

PLAN = {
    "monitoring_frequency": "monthly",
    "standard_work": " The nurse in charge shares the plan at the morning round. ",
    "training": "In the induction pack.",
    "spread_targets": "",
    "review_date": dt.date(2027, 6, 1),
}


def test_sustain_plan_save_creates_then_updates(event, editor, viewer):
    plan = services.sustain_plan_save(event=event, by=editor, owner=editor, **PLAN)
    assert plan.standard_work == "The nurse in charge shares the plan at the morning round."
    assert (plan.owner, plan.updated_by, plan.organisation_id) == (
        editor,
        editor,
        event.organisation_id,
    )
    assert plan.is_complete
    again = services.sustain_plan_save(
        event=event, by=viewer, owner=viewer, **{**PLAN, "spread_targets": " Ward 8 "}
    )
    assert again.pk == plan.pk
    [stored] = rows(SustainPlan, event)
    assert (stored.owner, stored.spread_targets, stored.updated_by) == (viewer, "Ward 8", viewer)


@pytest.mark.parametrize(
    "gap",
    [
        {"owner": None},
        {"monitoring_frequency": ""},
        {"standard_work": "  "},
        {"training": ""},
        {"review_date": None},
    ],
)
def test_sustain_plan_is_complete_needs_every_part(event, editor, gap):
    plan = services.sustain_plan_save(event=event, by=editor, **{"owner": editor, **PLAN, **gap})
    assert not plan.is_complete
    [stored] = rows(SustainPlan, event)
    assert not stored.is_complete


def test_sustain_plan_complete_without_spread_targets(event, editor):
    plan = services.sustain_plan_save(event=event, by=editor, owner=editor, **PLAN)
    assert plan.spread_targets == "" and plan.is_complete


def test_sustain_plan_save_refuses(event, organisation, viewer, stranger):
    with pytest.raises(DomainError, match="how often") as e:
        services.sustain_plan_save(
            event=event, by=None, owner=None, **{**PLAN, "monitoring_frequency": "hourly"}
        )
    assert e.value.field == "monitoring_frequency"
    deactivate(organisation, viewer)
    for person in (stranger, viewer):
        with pytest.raises(DomainError, match="owner must be an active member") as e:
            services.sustain_plan_save(event=event, by=None, owner=person, **PLAN)
        assert e.value.field == "owner"
    assert rows(SustainPlan, event) == []


# --- organisations ------------------------------------------------------------------------------


def test_every_row_takes_the_events_organisation(other_organisation, stranger):
    """Made for an event of the second organisation: no row may land in another one."""
    event = services.event_create(
        organisation=other_organisation,
        title="Theirs",
        service="Ward 1",
        by=stranger,
        team_lead=stranger,
        executive_sponsor=stranger,
    )
    services.event_set_vision(event=event, vision_statement="We will always be heard.", by=None)
    made = [
        services.team_member_save(
            event=event, user=stranger, protected_hours_per_week=2, by=stranger
        ),
        services.vision_sign_off_record(
            event=event, signed_by_name="Asha", signed_on=TODAY(), by=None
        ),
        services.criterion_set(
            event=event, kind="important", confirmed=True, evidence="Yes.", by=None
        ),
        services.event_comment_add(event=event, text="Hello.", by=stranger),
        services.progress_score_set(event=event, score="1.0", reason="Charter.", by=stranger),
        services.time_entry_record(
            event=event, person=stranger, week_starting=MONDAY, hours=1, by=stranger
        ),
        services.challenge_record(event=event, area="other", text="x", by=stranger),
        services.impact_record(event=event, kind="other_benefit", description="x", by=stranger),
        services.cost_record(event=event, description="x", amount=1, by=stranger),
        services.sustain_plan_save(event=event, by=stranger, owner=stranger, **PLAN),
        services.event_transition(event=event, to_stage=Stage.SET_UP, by=stranger),
    ]
    with across_organisations():
        for row in made:
            row.refresh_from_db()
            assert row.organisation_id == other_organisation.pk, type(row).__name__
        assert {c.organisation_id for c in Criterion.objects.filter(event=event)} == {
            other_organisation.pk
        }


def test_membership_elsewhere_does_not_count_here(event, organisation, other_organisation):
    """Active in another organisation and a former member of ours: refused here, until active."""
    person = member_of(other_organisation)
    MembershipFactory(organisation=organisation, user=person, is_active=False)
    refusals = [
        lambda: services.team_member_save(
            event=event, user=person, protected_hours_per_week=1, by=None
        ),
        lambda: services.time_entry_record(
            event=event, person=person, week_starting=MONDAY, hours=1, by=None
        ),
        lambda: services.sustain_plan_save(event=event, by=None, owner=person, **PLAN),
        lambda: services.event_set_leadership(
            event=event, team_lead=person, executive_sponsor=None, by=None
        ),
    ]
    for attempt in refusals:
        with pytest.raises(DomainError, match="active member"):
            attempt()
    with organisation_scope(organisation):
        Membership.objects.filter(user=person).update(is_active=True)
    for attempt in refusals:
        attempt()
    assert person in team(event)


def test_event_create_refuses_a_starter_from_another_organisation(organisation, other_organisation):
    from alwaysevents.exceptions import DomainError
    from programmes import services
    from tests.factories import MembershipFactory

    stranger = MembershipFactory(organisation=other_organisation).user
    with pytest.raises(DomainError, match="person starting it must be an active member"):
        services.event_create(organisation=organisation, title="X", service="Ward", by=stranger)


@pytest.mark.parametrize("text", ["We will always", "I will always ", "we will always."])
def test_a_vision_needs_more_than_its_opening_words(organisation, text):
    from alwaysevents.exceptions import DomainError
    from programmes import services
    from tests.factories import MembershipFactory

    lead = MembershipFactory(organisation=organisation, role="team_lead").user
    event = services.event_create(organisation=organisation, title="X", service="Ward", by=lead)
    with pytest.raises(DomainError, match="starting"):
        services.event_set_vision(event=event, vision_statement=text, by=lead)
