"""Partners who sign in: invitations, the partner role's reach, and what partners do themselves."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from alwaysevents.exceptions import DomainError
from coproduction.models import (
    Attendance,
    AuditEntry,
    Consent,
    PartnerInvitation,
    PartnerMembership,
    PartnerSignOff,
)
from coproduction.selectors import partner_access as selectors
from coproduction.services import partner_access as services
from coproduction.services import partners as partner_services
from programmes import services as programme_services
from programmes.models import Invitation, Membership, Role
from programmes.plain_charts import plain_charts
from tests.factories import (
    ActivityFactory,
    AlwaysEventFactory,
    ConsentFactory,
    EventPartnerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VISION = "We will always tell you the plan for your day by 10am."


@pytest.fixture
def event(organisation, editor):
    return AlwaysEventFactory(
        organisation=organisation,
        team_lead=editor,
        stage="co_designing",
        title="Plan for the day",
        vision_statement=VISION,
    )


@pytest.fixture
def other_event(organisation, org_admin):
    return AlwaysEventFactory(organisation=organisation, team_lead=org_admin, title="Ward rounds")


@pytest.fixture
def partner(event):
    partner = EventPartnerFactory(
        event=event,
        partner__display_name="Pat Fictional",
        partner__email="pat@example.org",
        partner__phone="01632 960123",
    ).partner
    ConsentFactory(partner=partner, purpose=Consent.Purpose.CONTACT)
    ConsentFactory(partner=partner, purpose=Consent.Purpose.QUOTING)
    return partner


@pytest.fixture
def someone_else(event, other_event):
    """Another partner of the same event (and of the other event): never shown to Pat."""
    other = EventPartnerFactory(
        event=event,
        partner__display_name="Robin Otherperson",
        partner__email="robin@example.org",
    ).partner
    EventPartnerFactory(event=other_event, partner=other)
    ConsentFactory(partner=other, purpose=Consent.Purpose.CONTACT)
    return other


def sign_in_as_partner(partner, by):
    """Invite the partner and accept as a new account: their user."""
    invitation = services.partner_invite(partner=partner, by=by)
    user = UserFactory(email=partner.email, full_name=partner.display_name)
    programme_services.invitation_accept(invitation=invitation, user=user)
    return user


@pytest.fixture
def pat(partner, editor):
    return sign_in_as_partner(partner, editor)


def me_url(organisation, name="coproduction:partner-home", **kwargs):
    return reverse(name, kwargs={"org_slug": organisation.slug, **kwargs})


def invite_url(event, partner):
    return reverse(
        "coproduction:partner-invite",
        kwargs={"org_slug": event.organisation.slug, "pk": event.pk, "partner_pk": partner.pk},
    )


def scoped(model, organisation):
    return model.objects.with_scope(organisation=organisation.pk).all()


# --- inviting a partner -------------------------------------------------------------------------


def test_invite_and_accept_links_the_membership_to_the_partner(organisation, partner, editor):
    invitation = services.partner_invite(partner=partner, by=editor)

    assert invitation.role == Role.PARTNER and invitation.email == "pat@example.org"
    assert scoped(PartnerInvitation, organisation).get(invitation=invitation).partner == partner
    user = UserFactory(email="pat@example.org")
    membership = programme_services.invitation_accept(invitation=invitation, user=user)

    assert membership.role == Role.PARTNER
    link = scoped(PartnerMembership, organisation).get(partner=partner)
    assert link.membership == membership
    assert services.partner_for_membership(membership=membership) == partner
    actions = list(
        scoped(AuditEntry, organisation).filter(partner=partner).values_list("action", flat=True)
    )
    assert "partner_invited" in actions and "partner_sign_in_linked" in actions
    assert all("Pat" not in e.summary for e in scoped(AuditEntry, organisation))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"email": ""}, "Record Pat Fictional's email address first"),
        ({"consent": "withdrawn"}, "withdrew their consent to being contacted"),
        ({"consent": "none"}, "has not consented to being contacted"),
    ],
)
def test_invite_needs_email_and_contact_consent(organisation, partner, editor, change, reason):
    if "email" in change:
        partner.email = ""
        partner.save()
    if change.get("consent") == "withdrawn":
        consent = scoped(Consent, organisation).get(partner=partner, purpose="contact")
        partner_services.consent_withdraw(consent=consent, by=editor)
    if change.get("consent") == "none":
        scoped(Consent, organisation).filter(partner=partner, purpose="contact").delete()

    with pytest.raises(DomainError, match=re.escape(reason)):
        services.partner_invite(partner=partner, by=editor)
    assert not scoped(Invitation, organisation).filter(role=Role.PARTNER).exists()


def test_anonymised_partner_cannot_be_invited(partner, editor):
    partner_services.partner_anonymise(partner=partner, by=editor)
    with pytest.raises(DomainError, match="has been anonymised"):
        services.partner_invite(partner=partner, by=editor)


def test_partner_who_can_sign_in_is_not_invited_again(partner, editor, pat):
    with pytest.raises(DomainError, match=re.escape("can already sign in, as pat@example.org")):
        services.partner_invite(partner=partner, by=editor)


def test_anonymising_ends_the_sign_in_and_withdraws_open_invitations(
    organisation, partner, editor, pat, someone_else
):
    open_invitation = services.partner_invite(partner=someone_else, by=editor)
    partner_services.partner_anonymise(partner=partner, by=editor)
    partner_services.partner_anonymise(partner=someone_else, by=editor)

    membership = scoped(Membership, organisation).get(user=pat)
    assert not membership.is_active
    open_invitation.refresh_from_db()
    assert open_invitation.revoked_at is not None
    assert "partner_sign_in_ended" in scoped(AuditEntry, organisation).filter(
        partner=partner
    ).values_list("action", flat=True)


def test_partner_invitation_whose_partner_was_anonymised_cannot_be_accepted(
    organisation, partner, editor
):
    invitation = services.partner_invite(partner=partner, by=editor)
    # Anonymising withdraws it; even a link kept open by a race is refused on acceptance.
    partner_services.partner_anonymise(partner=partner, by=editor)
    scoped(Invitation, organisation).filter(pk=invitation.pk).update(revoked_at=None)
    invitation.refresh_from_db()
    user = UserFactory(email="pat@example.org")
    with pytest.raises(DomainError, match="can no longer be used"):
        programme_services.invitation_accept(invitation=invitation, user=user)
    assert not scoped(Membership, organisation).filter(user=user).exists()


def test_partner_role_is_only_given_through_a_partner_record(organisation, org_admin):
    with pytest.raises(DomainError, match="Partners are invited from their page"):
        programme_services.invitation_create(
            organisation=organisation, email="x@example.org", role=Role.PARTNER, invited_by=None
        )


def test_a_partner_sign_in_never_becomes_a_staff_role(organisation, pat, org_admin):
    membership = scoped(Membership, organisation).get(user=pat)
    with pytest.raises(DomainError, match="cannot be changed to a staff role"):
        programme_services.membership_change_role(
            membership=membership, role=Role.TEAM_LEAD, by=org_admin
        )


def test_staff_invitation_and_role_forms_do_not_offer_the_partner_role(
    organisation, org_admin, client_for
):
    client = client_for(org_admin)
    page = client.get(me_url(organisation, "programmes:invitation-create")).content.decode()
    assert 'value="partner"' not in page
    response = client.post(
        me_url(organisation, "programmes:invitation-create"),
        {"email": "new@example.org", "role": "partner"},
    )
    assert response.status_code == 200
    assert not scoped(Invitation, organisation).filter(email="new@example.org").exists()


# --- inviting from the partner's page -----------------------------------------------------------


def test_team_lead_invites_from_the_partners_page(
    event, partner, editor, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(editor)
    detail = reverse(
        "coproduction:partner-detail",
        kwargs={"org_slug": event.organisation.slug, "pk": event.pk, "partner_pk": partner.pk},
    )
    assert "Invite them to sign in" in client.get(detail).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(event, partner), follow=True)

    assert response.redirect_chain[-1][0] == detail
    content = response.content.decode()
    assert "Pat Fictional is invited to sign in" in content
    assert "An invitation was sent to pat@example.org" in content
    assert [m.to for m in mailoutbox] == [["pat@example.org"]]
    assert "as a partner" in mailoutbox[0].body


def test_invite_refusal_is_explained_on_the_partners_page(event, partner, editor, client_for):
    partner.email = ""
    partner.save()
    detail = reverse(
        "coproduction:partner-detail",
        kwargs={"org_slug": event.organisation.slug, "pk": event.pk, "partner_pk": partner.pk},
    )
    content = client_for(editor).get(detail).content.decode()
    assert "They cannot be invited yet." in content
    assert "Invite them to sign in" not in content
    response = client_for(editor).post(invite_url(event, partner), follow=True)
    assert "email address first" in response.content.decode()


def test_only_the_events_team_lead_or_the_admin_may_invite(
    event, other_event, partner, viewer, sponsor, org_admin, client_for, outsider
):
    assert client_for(viewer).post(invite_url(event, partner)).status_code == 403
    assert client_for(sponsor).post(invite_url(event, partner)).status_code == 403
    assert client_for(outsider).post(invite_url(event, partner)).status_code == 404
    # The partner does not take part in the other event.
    assert client_for(org_admin).post(invite_url(other_event, partner)).status_code == 404
    assert client_for(org_admin).post(invite_url(event, partner)).status_code == 302


# --- where a partner may go ---------------------------------------------------------------------


def test_partner_reaches_only_the_partner_pages(
    organisation, event, partner, pat, someone_else, org_admin, client_for
):
    """Walks every route under /o/<org_slug>/ as a partner: 403 or 404 except their own pages."""
    from tests.test_url_audit import ORG_PREFIX, our_routes

    membership = scoped(Membership, organisation).get(user=org_admin)
    client = client_for(pat)
    own, refused = 0, 0
    for route, _entry in our_routes():
        if not route.startswith(ORG_PREFIX):
            continue
        path = "/" + route.replace("<slug:org_slug>", organisation.slug)
        path = path.replace("members/<int:pk>", f"members/{membership.pk}")
        path = path.replace("<int:partner_pk>", str(someone_else.pk))
        path = path.replace("<int:pk>", str(event.pk))
        path = re.sub(r"<int:\w+>", "1", path)
        path = re.sub(r"<slug:\w+>", "any", path)
        assert "<" not in path, f"add a value for {path}"
        if route.startswith(f"{ORG_PREFIX}me/"):
            assert client.get(path).status_code == 200, path
            own += 1
            continue
        assert client.get(path).status_code in (403, 404), path
        assert client.post(path).status_code in (403, 404), path
        refused += 1
    assert own == 4  # home, an event, their details, their subject access export
    assert refused >= 20
    membership.refresh_from_db()
    assert membership.is_active and membership.role == Role.ORGANISATION_ADMIN


def test_staff_and_outsiders_do_not_reach_the_partner_pages(
    organisation, event, pat, editor, org_admin, outsider, client_for
):
    paths = [
        me_url(organisation),
        me_url(organisation, "coproduction:partner-me"),
        me_url(organisation, "coproduction:partner-event", pk=event.pk),
    ]
    for path in paths:
        assert client_for(editor).get(path).status_code == 403
        assert client_for(org_admin).get(path).status_code == 403
        assert client_for(outsider).get(path).status_code == 404
        assert client_for(outsider).post(path).status_code == 404


def test_home_sends_a_partner_to_their_pages(organisation, pat, client_for):
    response = client_for(pat).get("/")
    assert response.status_code == 302
    assert response["Location"] == me_url(organisation)


def test_accepting_a_partner_invitation_leads_to_the_partner_pages(
    organisation, partner, editor, client_for
):
    invitation = services.partner_invite(partner=partner, by=editor)
    user = UserFactory(email="pat@example.org")
    client = client_for(user)
    token = programme_services.invitation_token(invitation)
    response = client.post(reverse("programmes:invitation-accept", kwargs={"token": token}))
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == me_url(organisation)
    content = client.get(me_url(organisation)).content.decode()
    assert "Hello, Pat Fictional" in content
    assert "My details and consent" in content  # the partner's navigation
    assert "Always Events</a>" not in content.split("My Always Events")[0][-200:]


def test_deactivated_partner_sign_in_gets_404(organisation, partner, editor, pat, client_for):
    partner_services.partner_anonymise(partner=partner, by=editor)
    assert client_for(pat).get(me_url(organisation)).status_code == 404


# --- the partner pages show only what is theirs -------------------------------------------------


def test_home_lists_only_their_events_with_statement_stage_and_no_one_elses_data(
    organisation, event, other_event, partner, pat, someone_else, editor, client_for
):
    content = client_for(pat).get(me_url(organisation)).content.decode()
    assert "Plan for the day" in content
    assert VISION in content
    assert "Designing the change together" in content  # the stage, in plain words
    assert "waiting for you to sign it off" in content
    assert (
        escape(editor.display_name) in content
    )  # the team lead's name (as HTML: O&#x27;Neill) ...
    assert editor.email not in content  # ... but not their contact details
    assert "Ward rounds" not in content  # an event they are not part of
    assert "Robin" not in content and "robin@example.org" not in content


def test_another_event_is_404(organisation, other_event, pat, client_for):
    url = me_url(organisation, "coproduction:partner-event", pk=other_event.pk)
    assert client_for(pat).get(url).status_code == 404
    assert (
        client_for(pat).post(url, {"action": "sign_off", "sign_off-agree": "on"}).status_code == 404
    )


def test_event_page_shows_their_activities_only(
    organisation, event, partner, pat, someone_else, client_for
):
    ActivityFactory(event=event, title="Co-design workshop", partners=[partner, someone_else])
    ActivityFactory(event=event, title="Staff huddle", partners=[someone_else])
    content = (
        client_for(pat)
        .get(me_url(organisation, "coproduction:partner-event", pk=event.pk))
        .content.decode()
    )
    assert "Co-design workshop" in content
    assert "Staff huddle" not in content
    assert "Robin" not in content


def test_details_page_shows_their_details_and_consents_only(
    organisation, partner, pat, someone_else, client_for
):
    content = client_for(pat).get(me_url(organisation, "coproduction:partner-me")).content.decode()
    assert "pat@example.org" in content and "01632 960123" in content
    assert "Contacting you" in content and "Quoting your words" in content
    assert "Robin" not in content and "robin@example.org" not in content


def test_partner_events_query_count_is_constant(
    organisation, event, other_event, partner, django_assert_num_queries
):
    EventPartnerFactory(event=other_event, partner=partner)
    for _ in range(3):
        ActivityFactory(event=event, partners=[partner])
    with django_assert_num_queries(3):
        rows = selectors.partner_events(partner=partner)
    assert [row.title for row in rows] == ["Plan for the day", "Ward rounds"]
    assert len(rows[0].activities) == 3


# --- withdrawing consent ------------------------------------------------------------------------


def test_partner_withdraws_a_consent_and_it_is_audited(organisation, partner, pat, client_for):
    consent = scoped(Consent, organisation).get(partner=partner, purpose="quoting")
    details = me_url(organisation, "coproduction:partner-me")
    asked = client_for(pat).get(f"{details}?withdraw={consent.pk}").content.decode()
    assert "Are you sure?" in asked and "Yes, withdraw my consent" in asked
    assert consent.withdrawn_at is None
    response = client_for(pat).post(
        me_url(organisation, "coproduction:partner-me"),
        {"action": "withdraw", "withdraw-consent": consent.pk},
        follow=True,
    )
    assert "You have withdrawn your consent to: quoting your words." in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == pat
    entry = scoped(AuditEntry, organisation).filter(action="consent_withdrawn").get()
    assert entry.actor == pat and entry.partner == partner
    with pytest.raises(DomainError, match="withdrew their consent to having their words quoted"):
        partner_services.consent_require(partner=partner, purpose="quoting")


def test_partner_cannot_withdraw_someone_elses_consent(
    organisation, partner, pat, someone_else, client_for
):
    theirs = scoped(Consent, organisation).get(partner=someone_else)
    response = client_for(pat).post(
        me_url(organisation, "coproduction:partner-me"),
        {"action": "withdraw", "withdraw-consent": theirs.pk},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None
    with pytest.raises(DomainError, match="your own consent"):
        services.partner_withdraw_own_consent(partner=partner, consent=theirs, by=pat)
    with pytest.raises(DomainError, match="your own details"):
        services.partner_withdraw_own_consent(partner=someone_else, consent=theirs, by=pat)


def test_partner_updates_contact_preference_and_access_needs(
    organisation, partner, pat, client_for
):
    response = client_for(pat).post(
        me_url(organisation, "coproduction:partner-me"),
        {
            "action": "details",
            "details-contact_preference": "phone",
            "details-access_needs": ["large_print", "step_free"],
            "details-access_needs_other": "Breaks every hour",
        },
        follow=True,
    )
    assert "Your details are saved." in response.content.decode()
    partner.refresh_from_db()
    assert partner.contact_preference == "phone"
    assert partner.access_needs == ["large_print", "step_free"]
    assert partner.access_needs_other == "Breaks every hour"


# --- signing off the vision ---------------------------------------------------------------------


def test_partner_signs_off_the_vision_once_per_wording(organisation, event, partner, pat, editor):
    sign_off = services.partner_sign_off_own_vision(partner=partner, event=event, by=pat)
    assert sign_off.sign_off.statement == VISION
    assert sign_off.sign_off.signed_by_name == "Pat Fictional"
    assert sign_off.sign_off.signed_on == timezone.localdate()
    with pytest.raises(DomainError, match="already signed off"):
        services.partner_sign_off_own_vision(partner=partner, event=event, by=pat)

    event.vision_statement = "We will always explain the plan for your day."
    event.save()
    assert services.vision_awaits_sign_off(partner=partner, event=event)
    services.partner_sign_off_own_vision(partner=partner, event=event, by=pat)
    assert scoped(PartnerSignOff, organisation).filter(partner=partner).count() == 2


def test_sign_off_through_the_page(organisation, event, partner, pat, client_for):
    url = me_url(organisation, "coproduction:partner-event", pk=event.pk)
    client = client_for(pat)
    missing = client.post(url, {"action": "sign_off"})
    assert "Tick the box if you agree" in missing.content.decode()
    response = client.post(url, {"action": "sign_off", "sign_off-agree": "on"}, follow=True)
    content = response.content.decode()
    assert "Your sign-off of the vision statement is recorded" in content
    assert "You signed off this statement on" in content


def test_no_sign_off_without_a_vision_or_after_leaving(organisation, event, partner, pat, editor):
    partner_services.partner_leave_event(
        partner=partner, event=event, left_on=timezone.localdate(), by=editor
    )
    with pytest.raises(DomainError, match="not taking part"):
        services.partner_sign_off_own_vision(partner=partner, event=event, by=pat)
    partner_services.partner_join_event(
        partner=partner, event=event, role="", joined_on=timezone.localdate(), by=editor
    )
    event.vision_statement = ""
    event.save()
    with pytest.raises(DomainError, match="no vision statement"):
        services.partner_sign_off_own_vision(partner=partner, event=event, by=pat)


# --- feedback on activities ---------------------------------------------------------------------


def test_partner_gives_feedback_and_staff_see_it(
    organisation, event, partner, pat, viewer, sponsor, client_for
):
    activity = ActivityFactory(event=event, title="Co-design workshop", partners=[partner])
    attendance = scoped(Attendance, organisation).get(activity=activity)
    url = me_url(organisation, "coproduction:partner-event", pk=event.pk)
    response = client_for(pat).post(
        url,
        {
            "action": "feedback",
            "attendance_id": attendance.pk,
            f"feedback-{attendance.pk}-attendance": attendance.pk,
            f"feedback-{attendance.pk}-text": "Good to be asked first. More breaks, please.",
        },
        follow=True,
    )
    assert "The team can now read your feedback" in response.content.decode()
    attendance.refresh_from_db()
    assert attendance.feedback == "Good to be asked first. More breaks, please."
    assert attendance.feedback_at is not None

    staff_page = reverse(
        "coproduction:event-coproduction", kwargs={"org_slug": organisation.slug, "pk": event.pk}
    )
    content = client_for(viewer).get(staff_page).content.decode()
    assert "Feedback from Pat Fictional, in their words" in content
    assert "More breaks, please." in content
    content = client_for(sponsor).get(staff_page).content.decode()
    assert "Feedback from a partner" in content and "Pat Fictional" not in content


def test_feedback_only_on_activities_they_attended(
    organisation, event, partner, pat, someone_else, client_for
):
    activity = ActivityFactory(event=event, partners=[someone_else])
    theirs = scoped(Attendance, organisation).get(activity=activity)
    url = me_url(organisation, "coproduction:partner-event", pk=event.pk)
    response = client_for(pat).post(
        url,
        {
            "action": "feedback",
            "attendance_id": theirs.pk,
            f"feedback-{theirs.pk}-attendance": theirs.pk,
            f"feedback-{theirs.pk}-text": "Not mine to give",
        },
    )
    assert response.status_code == 404
    with pytest.raises(DomainError, match="activities you took part in"):
        services.attendance_feedback_give(partner=partner, attendance=theirs, text="x", by=pat)


def test_feedback_is_checked(organisation, event, partner, pat):
    attendance = scoped(Attendance, organisation).get(
        activity=ActivityFactory(event=event, partners=[partner])
    )
    with pytest.raises(DomainError, match="Write your feedback"):
        services.attendance_feedback_give(partner=partner, attendance=attendance, text=" ", by=pat)
    with pytest.raises(DomainError, match="looks like an NHS number"):
        services.attendance_feedback_give(
            partner=partner, attendance=attendance, text="My number is 943 476 5919", by=pat
        )


# --- charts in plain words ----------------------------------------------------------------------


def test_charts_have_plain_captions_and_no_spc_words(organisation, event, pat, client_for):
    from measurement.services import measures as measure_services

    monday = dt.date(2025, 1, 6)
    improving = measure_services.measure_create(
        event=event,
        by=None,
        name="Told the plan by 10am",
        type="process",
        definition="Asked at 10am",
        direction="higher",
        target=Decimal(80),
    )
    for week in range(20):
        measure_services.data_point_save(
            measure=improving,
            period=monday + dt.timedelta(weeks=week),
            value=Decimal(40 if week < 10 else 90),
            by=None,
        )
    early = measure_services.measure_create(
        event=event,
        by=None,
        name="Felt listened to",
        type="outcome",
        definition="Survey",
        direction="higher",
    )
    measure_services.data_point_save(measure=early, period=monday, value=Decimal(3), by=None)

    charts = {chart.title: chart for chart in plain_charts(event=event)}
    assert charts["Told the plan by 10am"].caption == "Getting better"
    assert charts["Felt listened to"].caption == "Too early to tell"

    content = (
        client_for(pat)
        .get(me_url(organisation, "coproduction:partner-event", pk=event.pk))
        .content.decode()
    )
    assert "Getting better" in content and "Too early to tell" in content
    assert "The team is aiming for 80% or more" not in content  # a number, not a percentage
    assert "aiming for 80 or more. The latest 10 results all met it." in content
    for jargon in ("XmR", "SPC", "Upper limit", "Trial limits", "special cause", "common cause"):
        assert jargon not in content, jargon
    # Each chart labels itself with ids of its own.
    ids = re.findall(r'<title id="([^"]+)"', content)
    assert len(ids) == len(set(ids)) == 2


# --- staff meanings of "any member" leave partners out ------------------------------------------


def test_staff_predicates_refuse_the_partner_role(organisation, event, partner, pat):
    from coproduction import permissions as cp_permissions
    from measurement import permissions as m_permissions
    from programmes import permissions as p_permissions

    membership = scoped(Membership, organisation).get(user=pat)
    assert not p_permissions.is_staff(membership)
    assert not p_permissions.can_comment(membership, event)
    assert not p_permissions.can_edit_event(membership, event)
    assert not m_permissions.can_view_testing(membership, event)
    assert not cp_permissions.can_see_partner_counts(membership)
    assert not cp_permissions.can_see_partner_names(membership, partner)
    assert not cp_permissions.can_see_partner_details(membership, partner)
    assert not cp_permissions.can_invite_partner(membership, partner)


def test_a_partner_is_never_offered_as_a_person(
    organisation, event, partner, pat, editor, viewer, client_for
):
    from programmes.forms import EventCreateForm, TeamMemberForm

    for form in (
        EventCreateForm(organisation=organisation),
        TeamMemberForm(organisation=organisation),
    ):
        people = set()
        for name in ("team_lead", "executive_sponsor", "user"):
            if name in form.fields:
                people |= set(form.fields[name].queryset)
        assert editor in people and pat not in people
    home = client_for(viewer).get(me_url(organisation, "programmes:organisation-home"))
    assert "pat@example.org" not in home.content.decode()
    coproduction = client_for(editor).get(
        reverse(
            "coproduction:event-coproduction",
            kwargs={"org_slug": organisation.slug, "pk": event.pk},
        )
    )
    staff_choices = dict(coproduction.context["forms"]["activity"].fields["staff"].choices)
    assert editor.pk in staff_choices and pat.pk not in staff_choices
    with pytest.raises(DomainError, match="not an active member"):
        from coproduction.services import involvement

        involvement.activity_record(
            event=event,
            title="Huddle",
            type="workshop",
            held_on=timezone.localdate(),
            stage="testing",
            rung=5,
            hours=Decimal(1),
            by=editor,
            staff=[pat],
            partners=[],
        )


def test_a_waiting_partner_invitation_shows_their_access_needs_flag(
    event, partner, editor, org_admin, client_for, django_capture_on_commit_callbacks
):
    people = reverse("programmes:membership-list", kwargs={"org_slug": event.organisation.slug})
    with django_capture_on_commit_callbacks(execute=True):
        client_for(editor).post(invite_url(event, partner))
    row = re.search(r"pat@example\.org(.*?)</td>", client_for(org_admin).get(people).text)
    assert row is not None and "Access needs" not in row.group(1)

    partner.access_needs_other = "Needs the agenda a week ahead"
    partner.save()
    row = re.search(r"pat@example\.org(.*?)</td>", client_for(org_admin).get(people).text)
    assert row is not None and "Access needs" in row.group(1)


def test_details_page_lists_their_own_payments_and_expenses_only(
    organisation,
    event,
    partner,
    pat,
    someone_else,
    editor,
    org_admin,
    client_for,
    settings,
    tmp_path,
):
    from coproduction.services import payments

    settings.VAR_DIR = tmp_path
    url = me_url(organisation, "coproduction:partner-me")
    assert "No payments or expenses yet" in client_for(pat).get(url).content.decode()
    travel = payments.claim_create(
        partner=partner,
        event=event,
        kind="travel",
        amount=Decimal("12.50"),
        by=editor,
        description="Bus to the workshop",
    )
    payments.claim_submit(claim=travel, by=editor)
    refused = payments.claim_submit(
        claim=payments.claim_create(
            partner=partner, event=event, kind="subsistence", amount=Decimal("30"), by=editor
        ),
        by=editor,
    )
    payments.claim_reject(claim=refused, by=org_admin, reason="Lunch was provided.")
    payments.claim_create(  # someone else's: never shown to Pat
        partner=someone_else, event=event, kind="travel", amount=Decimal("99.99"), by=editor
    )
    content = client_for(pat).get(url).content.decode()
    start = content.index('id="own-claims"')
    table = content[start : content.index("</table>", start)]
    assert "Bus to the workshop" in table and "£12.50" in table and "Waiting for approval" in table
    assert "Not approved: Lunch was provided." in table
    assert "99.99" not in content and "receipt" not in table.lower()
