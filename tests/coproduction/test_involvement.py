"""Insights and involvement activities (coproduction.services.involvement) against PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from coproduction.models import Attendance, EventPartner, Insight, InvolvementActivity, Partner
from coproduction.services import partners as partner_services
from coproduction.services.involvement import (
    activity_record,
    activity_update_attendance,
    insight_record,
    looks_like_nhs_number,
)
from programmes.models import Stage
from tests.factories import AlwaysEventFactory, MembershipFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
Type = InvolvementActivity.Type


def _partner(organisation, name: str = "Sam") -> Partner:
    return Partner.objects.with_scope(organisation=organisation.pk).create(
        organisation=organisation,
        display_name=name,
        pseudonym=f"Partner {name}",
        relationship=Partner.Relationship.PATIENT,
    )


def _scoped(model, organisation):
    return model.objects.with_scope(organisation=organisation.pk)


@pytest.fixture
def event(organisation):
    return AlwaysEventFactory(organisation=organisation, stage=Stage.DISCOVERING)


def _activity(event, by, **overrides):
    values = {
        "event": event,
        "title": "Ward round workshop",
        "type": Type.WORKSHOP,
        "held_on": TODAY(),
        "stage": Stage.DISCOVERING,
        "rung": 5,
        "hours": Decimal("2"),
        "by": by,
    }
    values.update(overrides)
    return activity_record(**values)


# --- insights -----------------------------------------------------------------------------------


def test_insight_record_takes_the_organisation_from_the_event(event, editor):
    insight = insight_record(
        event=event,
        source=Insight.Source.FFT,
        gathered_on=TODAY() - dt.timedelta(days=3),
        theme="  Knowing   the plan ",
        quote="  Nobody told me when I was going home.  ",
        by=editor,
    )
    insight.refresh_from_db()
    assert insight.organisation_id == event.organisation_id
    assert insight.event == event
    assert insight.theme == "Knowing the plan"
    assert insight.quote == "Nobody told me when I was going home."
    assert insight.recorded_by == editor


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"source": "gossip"}, "source"),
        ({"gathered_on": dt.date.max}, "gathered_on"),
        ({"theme": "   "}, "theme"),
        ({"theme": "x" * 121}, "theme"),
        ({"quote": " \n "}, "quote"),
    ],
)
def test_insight_record_refuses(event, editor, overrides, field):
    values = {
        "event": event,
        "source": Insight.Source.SURVEY,
        "gathered_on": TODAY(),
        "theme": "Being heard",
        "quote": "They listened.",
        "by": editor,
    }
    values.update(overrides)
    with pytest.raises(DomainError) as error:
        insight_record(**values)
    assert error.value.field == field
    assert not _scoped(Insight, event.organisation).exists()


def test_insight_tomorrow_is_refused_but_today_is_fine(event, editor):
    with pytest.raises(DomainError, match="cannot be in the future"):
        insight_record(
            event=event,
            source=Insight.Source.SURVEY,
            gathered_on=TODAY() + dt.timedelta(days=1),
            theme="Being heard",
            quote="They listened.",
            by=editor,
        )
    insight_record(
        event=event,
        source=Insight.Source.SURVEY,
        gathered_on=TODAY(),
        theme="Being heard",
        quote="They listened.",
        by=editor,
    )


@pytest.mark.parametrize(
    "text",
    [
        "My NHS number is 943 476 5919, please check.",
        "9434765919",
        "ref 943-476-5919",
    ],
)
def test_insight_refuses_a_quote_that_looks_like_an_nhs_number(event, editor, text):
    with pytest.raises(DomainError) as error:
        insight_record(
            event=event,
            source=Insight.Source.COMPLAINT,
            gathered_on=TODAY(),
            theme="Discharge",
            quote=text,
            by=editor,
        )
    assert error.value.field == "quote"
    assert "looks like an NHS number" in error.value.message


def test_insight_refuses_an_nhs_number_in_the_theme(event, editor):
    with pytest.raises(DomainError) as error:
        insight_record(
            event=event,
            source=Insight.Source.COMPLAINT,
            gathered_on=TODAY(),
            theme="Patient 9434765919",
            quote="Waited all day.",
            by=editor,
        )
    assert error.value.field == "theme"


@pytest.mark.parametrize(
    "text",
    [
        "Ward 7, bed 12, at 10:30 on 12/03/2026",
        "Call 01614960000",  # 11 digits: a phone number, not an NHS number
        "12345 67890",  # not spaced 3-3-4
        "943 476-5919",  # mixed separators
        "It took 3 hours",
    ],
)
def test_ordinary_numbers_are_not_mistaken_for_nhs_numbers(text):
    assert not looks_like_nhs_number(text)


# --- activities ---------------------------------------------------------------------------------


def test_activity_record_with_attendance(event, editor, organisation):
    nurse = member_of(organisation)
    linked, unlinked = _partner(organisation, "Alex"), _partner(organisation, "Bo")
    activity = _activity(
        event,
        editor,
        title="  Co-design   meeting ",
        type=Type.CO_DESIGN,
        stage=Stage.CO_DESIGNING,
        rung=6,
        hours="1.255",
        staff=[editor, nurse, editor],
        partners=[linked, unlinked],
        decisions_influenced=" The new whiteboard layout. ",
        partner_feedback="Felt listened to.",
    )
    activity.refresh_from_db()
    assert activity.organisation_id == event.organisation_id
    assert activity.title == "Co-design meeting"
    assert activity.stage == Stage.CO_DESIGNING
    assert activity.rung == 6
    assert activity.hours == Decimal("1.26")
    assert activity.decisions_influenced == "The new whiteboard layout."
    assert activity.recorded_by == editor
    assert set(activity.staff.all()) == {editor, nurse}
    attendance = _scoped(Attendance, organisation).filter(activity=activity)
    assert {a.partner_id for a in attendance} == {linked.pk, unlinked.pk}
    assert {a.organisation_id for a in attendance} == {organisation.pk}


def test_activity_without_attendance_is_fine(event, editor):
    activity = _activity(event, editor)
    assert activity.staff.count() == 0
    assert not _scoped(Attendance, event.organisation).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"type": "party"}, "type"),
        ({"held_on": dt.date.max}, "held_on"),
        ({"stage": "paused"}, "stage"),
        ({"stage": "closed"}, "stage"),
        ({"stage": "somewhere"}, "stage"),
        ({"rung": 0}, "rung"),
        ({"rung": 8}, "rung"),
        ({"rung": "6"}, "rung"),
        ({"rung": True}, "rung"),
        ({"hours": Decimal("-1")}, "hours"),
        ({"hours": Decimal("1000")}, "hours"),
        ({"hours": "lots"}, "hours"),
        ({"hours": Decimal("NaN")}, "hours"),
        ({"partner_feedback": "Mine is 943 476 5919"}, "partner_feedback"),
        ({"decisions_influenced": "Patient 9434765919"}, "decisions_influenced"),
    ],
)
def test_activity_record_refuses(event, editor, overrides, field):
    with pytest.raises(DomainError) as error:
        _activity(event, editor, **overrides)
    assert error.value.field == field
    assert not _scoped(InvolvementActivity, event.organisation).exists()


def test_every_rung_of_the_ladder_is_accepted(event, editor):
    for rung in range(1, 8):
        assert _activity(event, editor, rung=rung).rung == rung


def test_staff_must_be_active_members(event, editor, organisation, other_organisation):
    leaver = MembershipFactory(
        organisation=organisation,
        user=UserFactory(full_name="Pat Leaver"),
        is_active=False,
    ).user
    with pytest.raises(DomainError) as error:
        _activity(event, editor, staff=[editor, leaver])
    assert error.value.field == "staff"
    assert "Pat Leaver is not an active member of Northfield Hospitals" in error.value.message

    stranger = member_of(other_organisation, full_name="Robin Elsewhere")
    with pytest.raises(DomainError, match="Robin Elsewhere is not an active member"):
        _activity(event, editor, staff=[stranger])
    assert not _scoped(InvolvementActivity, organisation).exists()


def test_partners_of_another_organisation_are_refused_without_naming_them(
    event, editor, other_organisation
):
    theirs = _partner(other_organisation, "Secret")
    with pytest.raises(DomainError) as error:
        _activity(event, editor, partners=[theirs])
    assert error.value.field == "partners"
    assert "Secret" not in error.value.message
    assert "not a partner of Northfield Hospitals" in error.value.message
    assert not _scoped(InvolvementActivity, event.organisation).exists()


def test_activity_update_attendance_replaces_who_attended(event, editor, organisation):
    nurse = member_of(organisation)
    a, b, c = (_partner(organisation, n) for n in ("A", "B", "C"))
    activity = _activity(event, editor, staff=[editor], partners=[a, b])
    activity_update_attendance(activity=activity, staff=[nurse], partners=[b, c], by=editor)
    assert set(activity.staff.all()) == {nurse}
    rows = _scoped(Attendance, organisation).filter(activity=activity)
    assert {r.partner_id for r in rows} == {b.pk, c.pk}


def test_activity_update_attendance_keeps_the_old_list_when_refused(
    event, editor, organisation, other_organisation
):
    a = _partner(organisation, "A")
    activity = _activity(event, editor, staff=[editor], partners=[a])
    with pytest.raises(DomainError):
        activity_update_attendance(
            activity=activity, staff=[], partners=[_partner(other_organisation, "X")], by=editor
        )
    assert set(activity.staff.all()) == {editor}
    rows = _scoped(Attendance, organisation).filter(activity=activity)
    assert [r.partner_id for r in rows] == [a.pk]


# --- closed events, anonymised partners, linking attendees to the event ---------------------------


def test_activity_on_a_closed_event_is_refused(event, editor, organisation):
    a = _partner(organisation, "A")
    activity = _activity(event, editor, partners=[a])
    type(event).objects.with_scope(organisation=organisation.pk).filter(pk=event.pk).update(
        stage=Stage.CLOSED
    )
    event.refresh_from_db()
    with pytest.raises(DomainError, match="is closed, so no activities can be recorded"):
        _activity(event, editor)
    with pytest.raises(DomainError, match="is closed, so no attendance can be recorded"):
        activity_update_attendance(activity=activity, staff=[], partners=[], by=editor)
    with pytest.raises(DomainError, match="is closed, so no insights can be recorded"):
        insight_record(
            event=event,
            source=Insight.Source.CONVERSATION,
            gathered_on=TODAY(),
            theme="Knowing the plan",
            quote="Nobody told me.",
            by=editor,
        )
    assert _scoped(InvolvementActivity, organisation).count() == 1
    assert [r.partner_id for r in _scoped(Attendance, organisation).all()] == [a.pk]


def test_an_anonymised_partner_cannot_be_newly_recorded_as_attending(event, editor, organisation):
    kept, gone = _partner(organisation, "Kept"), _partner(organisation, "Gone")
    earlier = _activity(event, editor, partners=[kept, gone])
    partner_services.partner_anonymise(partner=gone, by=editor)
    stale = Partner.objects.with_scope(organisation=organisation.pk).get(pk=gone.pk)
    stale.anonymised_at = None  # an out-of-date object must not get them through
    with pytest.raises(DomainError) as error:
        _activity(event, editor, partners=[kept, stale])
    assert error.value.field == "partners"
    assert "Partner Gone has been anonymised" in error.value.message
    assert _scoped(InvolvementActivity, organisation).count() == 1
    # Their attendance from before the erasure stays when the list is changed...
    activity_update_attendance(activity=earlier, staff=[], partners=[kept, gone], by=editor)
    rows = _scoped(Attendance, organisation).filter(activity=earlier)
    assert {r.partner_id for r in rows} == {kept.pk, gone.pk}
    # ...but once taken off, they cannot be put back.
    activity_update_attendance(activity=earlier, staff=[], partners=[kept], by=editor)
    with pytest.raises(DomainError, match="has been anonymised"):
        activity_update_attendance(activity=earlier, staff=[], partners=[kept, gone], by=editor)


def test_attending_partners_are_linked_to_the_event(event, editor, organisation):
    linked, new, left = (_partner(organisation, n) for n in ("Linked", "New", "Left"))
    day = TODAY() - dt.timedelta(days=10)
    partner_services.partner_join_event(
        partner=linked, event=event, role="Co-design group", joined_on=day, by=editor
    )
    partner_services.partner_join_event(
        partner=left, event=event, role="Adviser", joined_on=day, by=editor
    )
    partner_services.partner_leave_event(
        partner=left, event=event, left_on=TODAY() - dt.timedelta(days=5), by=editor
    )
    held = TODAY() - dt.timedelta(days=7)
    _activity(event, editor, partners=[linked, new, left], held_on=held)
    links = {
        link.partner_id: link for link in _scoped(EventPartner, organisation).filter(event=event)
    }
    assert set(links) == {linked.pk, new.pk, left.pk}
    assert (links[new.pk].joined_on, links[new.pk].left_on, links[new.pk].role) == (held, None, "")
    assert links[new.pk].organisation_id == organisation.pk
    assert links[linked.pk].role == "Co-design group"  # existing links are left as they are
    assert links[left.pk].left_on is not None
    # Recording them again does not link them twice.
    _activity(event, editor, partners=[new])
    assert _scoped(EventPartner, organisation).filter(event=event, partner=new).count() == 1
