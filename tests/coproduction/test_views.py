"""Co-production pages: who sees what, the forms, erasure and the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import AccessNeed, Consent, EventPartner, InvolvementActivity, Partner
from coproduction.services import involvement as involvement_services
from coproduction.services import partners as partner_services
from tests.factories import AlwaysEventFactory, EventPartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organisation, editor):
    return AlwaysEventFactory(organisation=organisation, team_lead=editor, stage="testing")


@pytest.fixture
def sam(event):
    return EventPartnerFactory(
        event=event,
        partner__display_name="Sam Fictional",
        partner__email="sam@example.org",
        partner__access_needs=[AccessNeed.BSL],
    ).partner


def page_url(event):
    return reverse(
        "coproduction:event-coproduction",
        kwargs={"org_slug": event.organisation.slug, "pk": event.pk},
    )


def partner_url(event, partner):
    return reverse(
        "coproduction:partner-detail",
        kwargs={"org_slug": event.organisation.slug, "pk": event.pk, "partner_pk": partner.pk},
    )


def audit_url(organisation):
    return reverse("coproduction:audit", kwargs={"org_slug": organisation.slug})


# --- the event's co-production page -------------------------------------------------------------


def test_team_sees_names_and_access_flag_sponsor_sees_counts_only(
    event, sam, client_for, viewer, editor, sponsor
):
    for user in (viewer, editor):
        html = client_for(user).get(page_url(event)).content.decode()
        assert "Sam Fictional" in html and "Access needs" in html
        assert "sam@example.org" not in html
    html = client_for(sponsor).get(page_url(event)).content.decode()
    assert "Sam Fictional" not in html
    assert "1 taking part now" in html and "1 with access needs" in html


def test_outsider_gets_404_everywhere(event, sam, client_for, outsider, organisation):
    client = client_for(outsider)
    assert client.get(page_url(event)).status_code == 404
    assert client.get(partner_url(event, sam)).status_code == 404
    assert client.get(audit_url(organisation)).status_code == 404


def test_the_tab_is_on_the_event_pages(event, client_for, viewer):
    html = client_for(viewer).get(page_url(event)).content.decode()
    assert ">Co-production</a>" in html
    assert 'aria-current="page"' in html


def test_team_lead_adds_a_partner_with_access_needs(event, client_for, editor, viewer):
    data = {
        "action": "partner",
        "partner-display_name": "Alex Fictional",
        "partner-relationship": "carer",
        "partner-contact_preference": "phone",
        "partner-email": "",
        "partner-phone": "01632 960001",
        "partner-access_needs": ["large_print", "step_free"],
        "partner-access_needs_other": "",
        "partner-payment_preference": "expenses",
        "partner-recruitment_source": "group",
        "partner-role": "Co-design group",
    }
    assert client_for(viewer).post(page_url(event), data).status_code == 403
    response = client_for(editor).post(page_url(event), data)
    assert response.status_code == 302
    with organisation_scope(event.organisation):
        partner = Partner.objects.get(display_name="Alex Fictional")
        assert partner.access_needs == ["large_print", "step_free"]
        assert partner.events.get().event == event
    html = client_for(viewer).get(page_url(event)).content.decode()
    assert "Alex Fictional" in html and "Access needs" in html


def test_partner_form_shows_plain_errors_and_keeps_input(event, client_for, editor):
    data = {
        "action": "partner",
        "partner-display_name": "Alex Fictional",
        "partner-relationship": "carer",
        "partner-contact_preference": "email",
        "partner-email": "not-an-email",
        "partner-payment_preference": "expenses",
        "partner-recruitment_source": "group",
    }
    response = client_for(editor).post(page_url(event), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the email address in the right form" in html
    assert 'value="Alex Fictional"' in html


def test_insight_form_warns_and_counts_themes(event, client_for, viewer, sponsor):
    client = client_for(viewer)
    html = client.get(page_url(event)).content.decode()
    assert "No names, NHS numbers or clinical details" in html
    today = timezone.localdate().isoformat()
    for quote in ("I never knew the plan", "Nobody told me when I would go home"):
        data = {
            "action": "insight",
            "insight-source": "conversation",
            "insight-gathered_on": today,
            "insight-theme": "Knowing the plan",
            "insight-quote": quote,
        }
        assert client.post(page_url(event), data).status_code == 302
    assert "Knowing the plan: 2" in client.get(page_url(event)).content.decode()
    assert client_for(sponsor).post(page_url(event), data).status_code == 403


def test_insight_with_an_nhs_number_is_refused_and_kept(event, client_for, viewer):
    data = {
        "action": "insight",
        "insight-source": "conversation",
        "insight-gathered_on": timezone.localdate().isoformat(),
        "insight-theme": "Plan",
        "insight-quote": "Patient 943 476 5919 said",
    }
    response = client_for(viewer).post(page_url(event), data)
    assert response.status_code == 200
    assert "Patient 943 476 5919 said" in response.content.decode()


def test_activity_with_attendance_changes_the_profile(event, sam, client_for, viewer, editor):
    client = client_for(viewer)
    html = client.get(page_url(event)).content.decode()
    assert "6. Co-design: partners and staff design the change together" in html
    data = {
        "action": "activity",
        "activity-title": "Co-design workshop",
        "activity-type": "workshop",
        "activity-held_on": timezone.localdate().isoformat(),
        "activity-stage": "co_designing",
        "activity-rung": "6",
        "activity-hours": "2",
        "activity-staff": [str(viewer.pk)],
        "activity-partners": [str(sam.pk)],
        "activity-decisions_influenced": "The wording of the leaflet",
        "activity-partner_feedback": "",
    }
    assert client.post(page_url(event), data).status_code == 302
    with organisation_scope(event.organisation):
        activity = InvolvementActivity.objects.get()
        assert activity.rung == 6 and list(activity.staff.all()) == [viewer]
    html = client.get(page_url(event)).content.decode()
    assert "6. Co-design (6 of 7)" in html
    assert "50% partners (1 of 2)" in html
    assert "Co-design workshop" in html


def test_activity_form_errors_keep_input(event, client_for, viewer):
    data = {
        "action": "activity",
        "activity-title": "Listening session",
        "activity-type": "workshop",
        "activity-held_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        "activity-stage": "co_designing",
        "activity-rung": "4",
        "activity-hours": "1",
    }
    response = client_for(viewer).post(page_url(event), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The date cannot be in the future." in html
    assert 'value="Listening session"' in html


def test_event_page_query_count_is_constant(event, client_for, viewer, organisation):
    client = client_for(viewer)

    def grow(n):
        for _ in range(n):
            link: EventPartner = EventPartnerFactory(
                event=event, partner__access_needs=[AccessNeed.EASY_READ]
            )
            involvement_services.activity_record(
                event=event,
                title="Conversation",
                type="conversation",
                held_on=timezone.localdate(),
                stage="co_designing",
                rung=4,
                hours=1,
                by=None,
                staff=[viewer],
                partners=[link.partner],
            )

    grow(1)
    client.get(page_url(event))
    with CaptureQueriesContext(connection) as few:
        assert client.get(page_url(event)).status_code == 200
    grow(5)
    with CaptureQueriesContext(connection) as many:
        assert client.get(page_url(event)).status_code == 200
    assert len(many) == len(few)


# --- one partner -----------------------------------------------------------------------------


def test_partner_page_details_per_role(event, sam, client_for, viewer, editor, org_admin, sponsor):
    html = client_for(viewer).get(partner_url(event, sam)).content.decode()
    assert "Sam Fictional" in html and "Access needs" in html
    assert "sam@example.org" not in html and "BSL interpreter" not in html
    for user in (editor, org_admin):
        html = client_for(user).get(partner_url(event, sam)).content.decode()
        assert "sam@example.org" in html and "BSL interpreter" in html
    response = client_for(sponsor).get(partner_url(event, sam))
    assert response.status_code == 403
    assert "you can see the numbers" in response.content.decode()


def test_team_lead_of_another_event_sees_no_details(event, sam, client_for, organisation):
    from tests.factories import member_of

    other_lead = member_of(organisation, "team_lead")
    other = AlwaysEventFactory(organisation=organisation, team_lead=other_lead)
    html = client_for(other_lead).get(partner_url(event, sam)).content.decode()
    assert "sam@example.org" not in html
    # Not a partner of the other event: no page for them there.
    assert client_for(other_lead).get(partner_url(other, sam)).status_code == 404


def test_consent_give_and_withdraw_with_audit(event, sam, client_for, editor, viewer, org_admin):
    data = {"action": "consent", "consent-purpose": "quoting", "consent-wording_version": "v2"}
    assert client_for(viewer).post(partner_url(event, sam), data).status_code == 403
    assert client_for(editor).post(partner_url(event, sam), data).status_code == 302
    with organisation_scope(event.organisation):
        consent = Consent.objects.get(partner=sam)
    assert consent.is_active
    response = client_for(editor).post(
        partner_url(event, sam), {"action": "withdraw", "withdraw-consent": consent.pk}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert not consent.is_active
    html = client_for(org_admin).get(audit_url(event.organisation)).content.decode()
    assert "gave consent to quoting their words (wording v2)" in html
    assert "withdrew consent to quoting their words" in html


def test_consent_form_needs_a_wording_version(event, sam, client_for, editor):
    response = client_for(editor).post(
        partner_url(event, sam),
        {"action": "consent", "consent-purpose": "contact", "consent-wording_version": ""},
    )
    assert response.status_code == 200
    assert "Enter version of the consent wording" in response.content.decode()


def test_anonymise_needs_the_confirmation(event, sam, client_for, org_admin, viewer):
    url = partner_url(event, sam)
    assert client_for(viewer).post(url, {"action": "anonymise"}).status_code == 403
    response = client_for(org_admin).post(url, {"action": "anonymise"})
    assert response.status_code == 200
    assert "Tick the box to confirm" in response.content.decode()
    sam.refresh_from_db()
    assert not sam.is_anonymised
    response = client_for(org_admin).post(url, {"action": "anonymise", "anonymise-confirm": "on"})
    assert response.status_code == 302
    sam.refresh_from_db()
    assert sam.is_anonymised
    html = client_for(viewer).get(page_url(event)).content.decode()
    assert "Sam Fictional" not in html and sam.pseudonym in html
    assert (
        "was anonymised"
        in client_for(org_admin).get(audit_url(event.organisation)).content.decode()
    )


def test_partner_signs_off_the_vision(event, sam, client_for, editor):
    event.vision_statement = "We will always tell you the plan for your day."
    event.save(update_fields=["vision_statement"])
    html = client_for(editor).get(partner_url(event, sam)).content.decode()
    assert "Record their sign-off" in html
    response = client_for(editor).post(
        partner_url(event, sam),
        {"action": "sign_off", "sign_off-signed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    with organisation_scope(event.organisation):
        assert sam.sign_offs.count() == 1


def test_no_sign_off_form_without_a_vision(event, sam, client_for, editor):
    event.vision_statement = ""
    event.save(update_fields=["vision_statement"])
    assert (
        "Record their sign-off"
        not in client_for(editor).get(partner_url(event, sam)).content.decode()
    )


# --- the audit log -------------------------------------------------------------------------------


def test_audit_log_is_for_organisation_admins(organisation, sam, client_for, org_admin, editor):
    partner_services.consent_give(partner=sam, purpose="contact", wording_version="v1", by=None)
    assert client_for(editor).get(audit_url(organisation)).status_code == 403
    response = client_for(org_admin).get(audit_url(organisation))
    assert response.status_code == 200
    assert "gave consent to contacting them" in response.content.decode()
