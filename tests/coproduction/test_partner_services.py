"""Partner services (coproduction.services.partners), on the real database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import (
    AccessNeed,
    Attendance,
    AuditEntry,
    Consent,
    EventPartner,
    Partner,
    PartnerSignOff,
)
from coproduction.selectors.partners import audit_list, partners_past_retention
from coproduction.services import partners as services
from coproduction.tasks import partner_retention_review_task
from programmes.models import VisionSignOff
from tests.factories import (
    ActivityFactory,
    AlwaysEventFactory,
    EventPartnerFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
Purpose = Consent.Purpose


@pytest.fixture
def event(organisation, editor):
    return AlwaysEventFactory(
        organisation=organisation,
        team_lead=editor,
        vision_statement="We will always explain the plan for the day.",
    )


@pytest.fixture
def sam(organisation, editor):
    return services.partner_create(
        organisation=organisation,
        by=editor,
        display_name="Sam Fictional",
        relationship=Partner.Relationship.CARER,
        email="sam@example.org",
        phone="01632 960123",
        postal_address="1 Example Street",
        access_needs=[AccessNeed.LARGE_PRINT],
        access_needs_other="Morning sessions only",
        recruitment_note="Met at the carers' forum",
        retention_until=dt.date(2030, 1, 1),
    )


def fresh(partner: Partner) -> Partner:
    return Partner.objects.with_scope(organisation=partner.organisation_id).get(pk=partner.pk)


def audits(organisation) -> list[AuditEntry]:
    return list(audit_list(organisation=organisation))


# --- partner_create / partner_update -----------------------------------------------------------


def test_partner_create_numbers_pseudonyms_per_organisation(
    organisation, other_organisation, editor, outsider
):
    first = services.partner_create(
        organisation=organisation,
        by=editor,
        display_name="  Ann  Fictional ",
        relationship="patient",
    )
    second = services.partner_create(
        organisation=organisation, by=editor, display_name="Bo", relationship="family"
    )
    theirs = services.partner_create(
        organisation=other_organisation, by=outsider, display_name="Cy", relationship="patient"
    )
    assert (first.pseudonym, second.pseudonym, theirs.pseudonym) == (
        "Partner 1",
        "Partner 2",
        "Partner 1",
    )
    assert first.display_name == "Ann Fictional"
    assert first.organisation == organisation
    assert first.created_by == editor
    assert theirs.organisation == other_organisation


def test_partner_create_continues_after_the_highest_number(organisation, editor):
    PartnerFactory(organisation=organisation, pseudonym="Partner 7")
    partner = services.partner_create(
        organisation=organisation, by=editor, display_name="Di", relationship="patient"
    )
    assert partner.pseudonym == "Partner 8"


def test_partner_create_orders_and_dedupes_access_needs(organisation, editor):
    partner = services.partner_create(
        organisation=organisation,
        by=editor,
        display_name="Ed",
        relationship="patient",
        access_needs=[AccessNeed.STEP_FREE, AccessNeed.LARGE_PRINT, AccessNeed.STEP_FREE],
    )
    assert partner.access_needs == [AccessNeed.LARGE_PRINT, AccessNeed.STEP_FREE]
    assert partner.has_access_needs


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"display_name": "  "}, "display_name"),
        ({"relationship": "friend"}, "relationship"),
        ({"access_needs": ["braille"]}, "access_needs"),
        ({"email": "not-an-email"}, "email"),
        ({"contact_preference": "pigeon"}, "contact_preference"),
        ({"payment_preference": "cash"}, "payment_preference"),
        ({"recruitment_source": "advert"}, "recruitment_source"),
    ],
)
def test_partner_create_refuses_bad_details(organisation, editor, details, field):
    values = {"display_name": "Fay", "relationship": "patient", **details}
    with pytest.raises(DomainError) as error:
        services.partner_create(organisation=organisation, by=editor, **values)
    assert error.value.field == field
    assert not Partner.objects.with_scope(organisation=organisation.pk).exists()


def test_partner_create_refuses_someone_outside_the_organisation(organisation, outsider):
    with pytest.raises(DomainError, match="active members of Northfield"):
        services.partner_create(
            organisation=organisation, by=outsider, display_name="Gil", relationship="patient"
        )


def test_partner_create_refuses_unknown_detail(organisation, editor):
    with pytest.raises(TypeError):
        services.partner_create(
            organisation=organisation,
            by=editor,
            display_name="Hal",
            relationship="patient",
            organisation_id=99,
        )


def test_partner_update_changes_only_given_details(sam, editor):
    services.partner_update(partner=sam, by=editor, phone=" 01632 960999 ", access_needs=[])
    sam = fresh(sam)
    assert sam.phone == "01632 960999"
    assert sam.access_needs == []
    assert sam.email == "sam@example.org"
    assert sam.has_access_needs  # the "other" need is still there


def test_partner_update_refuses_bad_email(sam, editor):
    with pytest.raises(DomainError) as error:
        services.partner_update(partner=sam, by=editor, email="sam at example")
    assert error.value.field == "email"


def test_partner_update_refuses_anonymised_partner(sam, org_admin):
    services.partner_anonymise(partner=sam, by=org_admin)
    with pytest.raises(DomainError, match="has been anonymised"):
        services.partner_update(partner=sam, by=org_admin, email="back@example.org")


# --- events ------------------------------------------------------------------------------------


def test_partner_join_and_leave_event(sam, event, editor):
    link = services.partner_join_event(
        partner=sam, event=event, role=" Co-design  group ", joined_on=TODAY(), by=editor
    )
    assert (link.organisation, link.role, link.left_on) == (
        event.organisation,
        "Co-design group",
        None,
    )
    with pytest.raises(DomainError, match="already takes part"):
        services.partner_join_event(partner=sam, event=event, role="", joined_on=TODAY(), by=editor)
    left = services.partner_leave_event(partner=sam, event=event, left_on=TODAY(), by=editor)
    assert left.left_on == TODAY()
    with pytest.raises(DomainError, match="does not take part"):
        services.partner_leave_event(partner=sam, event=event, left_on=TODAY(), by=editor)
    again = services.partner_join_event(
        partner=sam, event=event, role="Reader", joined_on=TODAY(), by=editor
    )
    assert again.pk == link.pk
    assert (again.left_on, again.role) == (None, "Reader")


def test_partner_join_event_refuses_future_date(sam, event, editor):
    with pytest.raises(DomainError) as error:
        services.partner_join_event(
            partner=sam, event=event, role="", joined_on=TODAY() + dt.timedelta(days=1), by=editor
        )
    assert error.value.field == "joined_on"


def test_partner_join_event_refuses_another_organisations_event(sam, other_organisation, editor):
    theirs = AlwaysEventFactory(organisation=other_organisation)
    with pytest.raises(DomainError, match="is not a partner of Riverside"):
        services.partner_join_event(
            partner=sam, event=theirs, role="", joined_on=TODAY(), by=editor
        )


def test_partner_leave_event_refuses_leaving_before_joining(sam, event, editor):
    services.partner_join_event(partner=sam, event=event, role="", joined_on=TODAY(), by=editor)
    with pytest.raises(DomainError, match="cannot leave before they joined"):
        services.partner_leave_event(
            partner=sam, event=event, left_on=TODAY() - dt.timedelta(days=1), by=editor
        )


# --- consent -----------------------------------------------------------------------------------


def test_consent_give_records_and_audits(sam, editor):
    consent = services.consent_give(
        partner=sam, purpose=Purpose.QUOTING, wording_version="v1", by=editor
    )
    assert consent.is_active
    assert (consent.organisation, consent.recorded_by) == (sam.organisation, editor)
    [entry] = audits(sam.organisation)
    assert (entry.action, entry.actor, entry.partner) == ("consent_given", editor, sam)
    assert "quoting their words" in entry.summary
    assert "Sam" not in entry.summary  # the log never names a partner


def test_consent_give_again_replaces_the_old_one(sam, editor):
    old = services.consent_give(
        partner=sam, purpose=Purpose.QUOTING, wording_version="v1", by=editor
    )
    other = services.consent_give(
        partner=sam, purpose=Purpose.CONTACT, wording_version="v1", by=editor
    )
    new = services.consent_give(
        partner=sam, purpose=Purpose.QUOTING, wording_version="v2", by=editor
    )
    with organisation_scope(sam.organisation):
        old.refresh_from_db()
        other.refresh_from_db()
        active = list(
            Consent.objects.filter(partner=sam, purpose=Purpose.QUOTING, withdrawn_at=None)
        )
    assert active == [new]
    assert old.withdrawn_at is not None and old.withdrawn_by == editor
    assert other.is_active
    assert "replacing" in audits(sam.organisation)[0].summary


@pytest.mark.parametrize(
    ("purpose", "version", "field"),
    [("gossip", "v1", "purpose"), ("quoting", " ", "wording_version")],
)
def test_consent_give_refuses_bad_input(sam, editor, purpose, version, field):
    with pytest.raises(DomainError) as error:
        services.consent_give(partner=sam, purpose=purpose, wording_version=version, by=editor)
    assert error.value.field == field


def test_consent_withdraw_keeps_the_record_and_audits(sam, editor, viewer):
    consent = services.consent_give(
        partner=sam, purpose=Purpose.PHOTOGRAPHS, wording_version="v1", by=editor
    )
    services.consent_withdraw(consent=consent, by=viewer)
    assert not consent.is_active
    assert consent.withdrawn_by == viewer
    assert (
        Consent.objects.with_scope(organisation=sam.organisation_id).filter(pk=consent.pk).exists()
    )
    latest = audits(sam.organisation)[0]
    assert (latest.action, latest.actor) == ("consent_withdrawn", viewer)
    with pytest.raises(DomainError, match="already been withdrawn"):
        services.consent_withdraw(consent=consent, by=viewer)


def test_consent_require_returns_the_active_consent(sam, editor):
    consent = services.consent_give(
        partner=sam, purpose=Purpose.CASE_STUDIES, wording_version="v1", by=editor
    )
    assert services.consent_require(partner=sam, purpose=Purpose.CASE_STUDIES) == consent


def test_consent_require_refuses_without_consent_and_says_why(sam, editor):
    services.consent_give(partner=sam, purpose=Purpose.QUOTING, wording_version="v1", by=editor)
    with pytest.raises(DomainError) as error:
        services.consent_require(partner=sam, purpose=Purpose.CASE_STUDIES)
    assert error.value.message == (
        "Sam Fictional has not consented to being quoted in external case studies."
    )


def test_consent_require_refuses_withdrawn_consent(sam, editor):
    consent = services.consent_give(
        partner=sam, purpose=Purpose.QUOTING, wording_version="v1", by=editor
    )
    services.consent_withdraw(consent=consent, by=editor)
    with pytest.raises(
        DomainError, match="Sam Fictional withdrew their consent to having their words quoted on "
    ):
        services.consent_require(partner=sam, purpose=Purpose.QUOTING)


def test_consent_give_refused_for_anonymised_partner(sam, org_admin):
    services.partner_anonymise(partner=sam, by=org_admin)
    with pytest.raises(DomainError, match="anonymised"):
        services.consent_give(
            partner=sam, purpose=Purpose.CONTACT, wording_version="v1", by=org_admin
        )


# --- erasure -----------------------------------------------------------------------------------


def test_partner_anonymise_removes_identity_and_keeps_history(sam, event, editor, org_admin):
    services.partner_join_event(
        partner=sam, event=event, role="Co-design", joined_on=TODAY(), by=editor
    )
    activity = ActivityFactory(event=event, partners=[sam])
    services.consent_give(partner=sam, purpose=Purpose.QUOTING, wording_version="v1", by=editor)
    services.consent_give(partner=sam, purpose=Purpose.CONTACT, wording_version="v1", by=editor)
    signed = services.partner_sign_off_vision(
        event=event, partner=sam, signed_on=TODAY(), by=editor
    )

    services.partner_anonymise(partner=sam, by=org_admin)

    sam = fresh(sam)
    assert sam.is_anonymised
    assert sam.display_name == sam.pseudonym == str(sam) == "Partner 1"
    assert (sam.email, sam.phone, sam.postal_address, sam.recruitment_note) == ("", "", "", "")
    assert (sam.access_needs, sam.access_needs_other, sam.retention_until) == ([], "", None)
    with organisation_scope(sam.organisation):
        assert EventPartner.objects.filter(partner=sam, event=event).count() == 1
        assert Attendance.objects.filter(partner=sam, activity=activity).count() == 1
        assert Consent.objects.filter(partner=sam).count() == 2
        assert VisionSignOff.objects.get(pk=signed.sign_off_id).signed_by_name == "Partner 1"
    entries = audits(sam.organisation)
    assert [e.action for e in entries] == ["partner_anonymised", "consent_given", "consent_given"]
    assert entries[0].actor == org_admin
    assert all("Sam" not in e.summary for e in entries)


def test_partner_anonymise_twice_is_refused(sam, org_admin):
    services.partner_anonymise(partner=sam, by=org_admin)
    with pytest.raises(DomainError, match="has been anonymised"):
        services.partner_anonymise(partner=sam, by=org_admin)
    assert [e.action for e in audits(sam.organisation)] == ["partner_anonymised"]


# --- vision sign-off ---------------------------------------------------------------------------


def test_partner_sign_off_vision_links_the_sign_off(sam, event, editor):
    services.partner_join_event(partner=sam, event=event, role="", joined_on=TODAY(), by=editor)
    link = services.partner_sign_off_vision(event=event, partner=sam, signed_on=TODAY(), by=editor)
    assert link.organisation == event.organisation
    assert link.sign_off.signed_by_name == "Sam Fictional"
    assert link.sign_off.statement == event.vision_statement
    assert link.partner == sam


def test_partner_sign_off_vision_uses_pseudonym_when_anonymised(sam, event, editor, org_admin):
    services.partner_join_event(partner=sam, event=event, role="", joined_on=TODAY(), by=editor)
    services.partner_anonymise(partner=sam, by=org_admin)
    link = services.partner_sign_off_vision(event=event, partner=sam, signed_on=TODAY(), by=editor)
    assert link.sign_off.signed_by_name == "Partner 1"


def test_partner_sign_off_vision_needs_the_partner_in_the_event(sam, event, editor):
    with pytest.raises(DomainError, match="does not take part"):
        services.partner_sign_off_vision(event=event, partner=sam, signed_on=TODAY(), by=editor)
    with organisation_scope(event.organisation):
        assert not VisionSignOff.objects.exists()
        assert not PartnerSignOff.objects.exists()


def test_partner_sign_off_vision_needs_a_vision(sam, organisation, editor):
    bare = AlwaysEventFactory(organisation=organisation)
    EventPartnerFactory(event=bare, partner=sam)
    with pytest.raises(DomainError, match="Write the vision statement"):
        services.partner_sign_off_vision(event=bare, partner=sam, signed_on=TODAY(), by=editor)


# --- audit and retention -----------------------------------------------------------------------


def test_audit_record_refuses_another_organisations_partner(sam, other_organisation):
    with pytest.raises(DomainError):
        services.audit_record(
            organisation=other_organisation, actor=None, action="x", summary="y", partner=sam
        )


def test_partners_past_retention(organisation, other_organisation, org_admin):
    today = dt.date(2026, 6, 1)
    due = PartnerFactory(organisation=organisation, retention_until=dt.date(2026, 5, 31))
    PartnerFactory(organisation=organisation, retention_until=today)
    PartnerFactory(organisation=organisation, retention_until=None)
    gone = PartnerFactory(organisation=organisation, retention_until=dt.date(2026, 1, 1))
    services.partner_anonymise(partner=gone, by=org_admin)
    PartnerFactory(organisation=other_organisation, retention_until=dt.date(2020, 1, 1))
    assert list(partners_past_retention(organisation=organisation, today=today)) == [due]
    assert services.partners_past_retention(organisation=organisation, today=today) == [due]


def test_partner_retention_review_task_counts_per_organisation(organisation, other_organisation):
    past = TODAY() - dt.timedelta(days=1)
    PartnerFactory.create_batch(2, organisation=organisation, retention_until=past)
    PartnerFactory(organisation=other_organisation, retention_until=past)
    PartnerFactory(organisation=other_organisation, retention_until=TODAY() + dt.timedelta(days=5))
    assert partner_retention_review_task() == {"northfield": 2, "riverside": 1}
    assert partner_retention_review_task.delay().get() == {"northfield": 2, "riverside": 1}
