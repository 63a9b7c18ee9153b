"""The home page's "Your work" sections besides the figures: PDSA cycles to start or study, progress
scores to review, challenges, claims and invitations waiting. Each shows for the people it
concerns and no one else, shows nothing when nothing is due, and the page stays bounded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduction.models import Claim
from coproduction.services import payments as payment_services
from measurement.models import ChangeIdea, PdsaCycle
from programmes.models import AlwaysEvent, Challenge, Invitation, ProgressScore, Role, Stage
from tests.factories import (
    AlwaysEventFactory,
    ChallengeFactory,
    EventPartnerFactory,
    InvitationFactory,
    ProgressScoreFactory,
    TeamMemberFactory,
    member_of,
)
from tests.reporting.conftest import backdate

pytestmark = pytest.mark.django_db

# The suite's clock is frozen at Monday 16 November 2026, 9.30 in London.
TODAY = dt.date(2026, 11, 16)

CYCLES = "PDSA cycles to start or study"
SCORES = "Progress scores to review"
CHALLENGES = "Challenges waiting for you"
CLAIMS = "Claims waiting for your approval"
INVITATIONS = "Invitations to send again"
HEADINGS = (CYCLES, SCORES, CHALLENGES, CLAIMS, INVITATIONS)


@pytest.fixture(autouse=True)
def _private_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def home_url(organisation):
    return reverse("programmes:organisation-home", kwargs={"org_slug": organisation.slug})


@pytest.fixture
def event(organisation, editor, viewer, sponsor):
    """A year-old event in testing, led by the editor, with the viewer on its team and a score
    set this week (so no score is due unless a test makes one due)."""
    event = AlwaysEventFactory(
        organisation=organisation,
        title="Plan for the day",
        team_lead=editor,
        executive_sponsor=sponsor,
        stage=Stage.TESTING,
    )
    TeamMemberFactory(organisation=organisation, event=event, user=viewer)
    ProgressScoreFactory(organisation=organisation, event=event, set_by=editor)
    return backdate(AlwaysEvent, event, created_at=timezone.now() - dt.timedelta(days=365))


@pytest.fixture
def people(org_admin, editor, viewer, sponsor):
    return {"admin": org_admin, "lead": editor, "member": viewer, "sponsor": sponsor}


def pages(client_for, organisation, people):
    """Each person's home page, by who they are."""
    found = {}
    for who, user in people.items():
        response = client_for(user).get(home_url(organisation))
        assert response.status_code == 200
        found[who] = response.content.decode()
    return found


def seeing(pages_by_person, text):
    return {who for who, page in pages_by_person.items() if text in page}


def idea_of(event, text="Bedside huddle script"):
    return ChangeIdea.objects.with_scope(organisation=event.organisation_id).create(
        organisation=event.organisation, event=event, text=text, kind="relational"
    )


def cycle(idea, number=1, *, start=TODAY, state=PdsaCycle.State.PLANNED, predicted=True):
    made = PdsaCycle.objects.with_scope(organisation=idea.organisation_id).create(
        organisation=idea.organisation,
        change_idea=idea,
        number=number,
        objective="See whether patients know their plan",
        planned_start=start,
        state=state,
        questions=[{"question": "Do they know?", "prediction": "Most will" if predicted else ""}],
    )
    return made


def fresh_cycle(made):
    return PdsaCycle.objects.with_scope(organisation=made.organisation_id).get(pk=made.pk)


# --- PDSA cycles -------------------------------------------------------------------------------


def test_a_planned_cycle_whose_day_has_come_waits_for_the_team_only(
    organisation, event, people, client_for
):
    idea = idea_of(event)
    cycle(idea, 1, start=TODAY)
    cycle(idea, 2, start=TODAY + dt.timedelta(days=1))  # not yet
    found = pages(client_for, organisation, people)
    assert seeing(found, CYCLES) == {"lead", "member"}
    assert "Start cycle 1" in found["member"]
    assert "Start cycle 2" not in found["member"]
    assert "planned to start 16 November 2026" in found["member"]


def test_a_cycle_under_way_for_a_week_waits_for_its_study_and_a_studied_one_for_its_decision(
    organisation, event, people, client_for
):
    idea = idea_of(event)
    recent = cycle(idea, 1, state=PdsaCycle.State.DOING)
    backdate(PdsaCycle, recent, updated_at=timezone.now() - dt.timedelta(days=3))
    assert seeing(pages(client_for, organisation, people), CYCLES) == set()

    backdate(PdsaCycle, recent, updated_at=timezone.now() - dt.timedelta(days=8))
    cycle(idea, 2, state=PdsaCycle.State.STUDYING)
    found = pages(client_for, organisation, people)
    assert seeing(found, CYCLES) == {"lead", "member"}
    assert "Record what happened in cycle 1" in found["member"]
    assert "Study cycle 2 and decide" in found["member"]
    assert "#study-heading" in found["member"]


@pytest.mark.parametrize("stage", [Stage.PAUSED, Stage.CLOSED])
def test_cycles_of_an_event_at_rest_wait_for_no_one(organisation, event, people, client_for, stage):
    cycle(idea_of(event), 1)
    AlwaysEvent.objects.with_scope(organisation=organisation.pk).filter(pk=event.pk).update(
        stage=stage
    )
    assert seeing(pages(client_for, organisation, people), CYCLES) == set()


def test_starting_a_cycle_from_the_home_page(organisation, event, viewer, client_for):
    planned = cycle(idea_of(event), 1)
    client = client_for(viewer)
    response = client.post(home_url(organisation), {"action": "pdsa-start", "cycle": planned.pk})
    assert response.status_code == 302
    assert response["Location"] == home_url(organisation)
    assert fresh_cycle(planned).state == PdsaCycle.State.DOING
    page = client.get(home_url(organisation)).content.decode()
    assert "is under way: record what happens as you go." in page
    assert CYCLES not in page


def test_a_cycle_without_its_predictions_does_not_start_and_its_page_opens(
    organisation, event, viewer, client_for
):
    planned = cycle(idea_of(event), 1, predicted=False)
    client = client_for(viewer)
    response = client.post(home_url(organisation), {"action": "pdsa-start", "cycle": planned.pk})
    detail = reverse(
        "measurement:pdsa-cycle-detail",
        kwargs={"org_slug": organisation.slug, "pk": event.pk, "cycle_pk": planned.pk},
    )
    assert response["Location"] == detail
    assert fresh_cycle(planned).state == PdsaCycle.State.PLANNED
    page = client.get(detail).content.decode()
    assert "Cycle 1 has not started. Write a prediction for every question" in page


def test_who_may_start_a_cycle_from_the_home_page(
    organisation, other_organisation, event, sponsor, outsider, client_for
):
    planned = cycle(idea_of(event), 1)
    data = {"action": "pdsa-start", "cycle": planned.pk}
    assert client_for(sponsor).post(home_url(organisation), data).status_code == 403
    assert client_for(outsider).post(home_url(organisation), data).status_code == 404
    # Another organisation's cycle is not found from one's own home page.
    assert client_for(outsider).post(home_url(other_organisation), data).status_code == 404
    assert (
        client_for(outsider)
        .post(home_url(other_organisation), {"action": "pdsa-start", "cycle": "x"})
        .status_code
        == 404
    )
    assert fresh_cycle(planned).state == PdsaCycle.State.PLANNED


# --- progress scores ---------------------------------------------------------------------------


def test_a_stale_progress_score_waits_for_the_team_lead_only(
    organisation, event, people, client_for, settings
):
    ProgressScore.objects.with_scope(organisation=organisation.pk).update(
        set_at=timezone.now() - dt.timedelta(weeks=settings.PROGRESS_SCORE_STALE_WEEKS, days=1)
    )
    found = pages(client_for, organisation, people)
    assert seeing(found, SCORES) == {"lead"}
    score = reverse(
        "programmes:event-score", kwargs={"org_slug": organisation.slug, "pk": event.pk}
    )
    assert f'href="{score}"' in found["lead"]
    assert "Review the progress score" in found["lead"]


def test_a_score_never_set_is_due_only_once_the_event_is_old_enough(
    organisation, event, editor, client_for, settings
):
    ProgressScore.objects.with_scope(organisation=organisation.pk).all().delete()
    client = client_for(editor)
    assert "never set" in client.get(home_url(organisation)).content.decode()
    backdate(AlwaysEvent, event, created_at=timezone.now() - dt.timedelta(weeks=2))
    assert SCORES not in client.get(home_url(organisation)).content.decode()


def test_a_paused_event_asks_for_no_score(organisation, event, editor, client_for):
    ProgressScore.objects.with_scope(organisation=organisation.pk).all().delete()
    AlwaysEvent.objects.with_scope(organisation=organisation.pk).filter(pk=event.pk).update(
        stage=Stage.PAUSED, paused_from=Stage.TESTING
    )
    assert SCORES not in client_for(editor).get(home_url(organisation)).content.decode()


# --- challenges ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("help_needed", "who"),
    [
        (Challenge.Help.SPONSOR, {"sponsor"}),
        (Challenge.Help.ORGANISATION_ADMIN, {"admin"}),
        (Challenge.Help.QI_SUPPORT, set()),
        (Challenge.Help.NONE, set()),
    ],
)
def test_a_challenge_waits_for_whoever_it_asks(
    organisation, event, people, client_for, help_needed, who
):
    ChallengeFactory(
        organisation=organisation, event=event, text="No cover for huddles", help_needed=help_needed
    )
    found = pages(client_for, organisation, people)
    assert seeing(found, CHALLENGES) == who
    assert seeing(found, "No cover for huddles") == who


def test_an_addressed_challenge_or_another_sponsors_waits_for_no_one(
    organisation, event, people, client_for
):
    ChallengeFactory(
        organisation=organisation,
        event=event,
        help_needed=Challenge.Help.SPONSOR,
        status=Challenge.Status.ADDRESSED,
    )
    other = AlwaysEventFactory(
        organisation=organisation,
        executive_sponsor=member_of(organisation, Role.EXECUTIVE_SPONSOR),
    )
    ChallengeFactory(organisation=organisation, event=other, help_needed=Challenge.Help.SPONSOR)
    assert seeing(pages(client_for, organisation, people), CHALLENGES) == set()


# --- claims -----------------------------------------------------------------------------------


def submitted_claim(event, by, amount="12.50"):
    partner = EventPartnerFactory(event=event, organisation=event.organisation).partner
    claim = payment_services.claim_create(
        partner=partner, event=event, kind=Claim.Kind.TRAVEL, amount=Decimal(amount), by=by
    )
    payment_services.claim_submit(claim=claim, by=by)
    return claim


def test_a_submitted_claim_waits_for_the_admin_and_within_the_limit_for_the_team_lead(
    organisation, event, editor, people, client_for
):
    small = submitted_claim(event, editor, "12.50")
    found = pages(client_for, organisation, people)
    assert seeing(found, CLAIMS) == {"admin", "lead"}
    detail = reverse(
        "coproduction:claim-detail",
        kwargs={"org_slug": organisation.slug, "pk": event.pk, "claim_pk": small.pk},
    )
    assert f'href="{detail}"' in found["lead"]
    assert "Approve or reject £12.50 for travel" in found["lead"]

    Claim.objects.with_scope(organisation=organisation.pk).filter(pk=small.pk).update(
        amount=Decimal("5000")
    )
    assert seeing(pages(client_for, organisation, people), CLAIMS) == {"admin"}


def test_a_draft_or_decided_claim_waits_for_no_one(organisation, event, editor, people, client_for):
    claim = submitted_claim(event, editor)
    Claim.objects.with_scope(organisation=organisation.pk).filter(pk=claim.pk).update(
        state=Claim.State.APPROVED
    )
    payment_services.claim_create(
        partner=claim.partner, event=event, kind=Claim.Kind.TRAVEL, amount=Decimal(3), by=editor
    )
    assert seeing(pages(client_for, organisation, people), CLAIMS) == set()


# --- invitations ---------------------------------------------------------------------------------


def invitation(organisation, *, days_old, role=Role.TEAM_MEMBER, email="nurse@example.org"):
    made = InvitationFactory(organisation=organisation, role=role, email=email)
    return backdate(Invitation, made, created_at=timezone.now() - dt.timedelta(days=days_old))


def test_an_expired_invitation_waits_for_the_admin(organisation, people, client_for, settings):
    days = settings.INVITATION_MAX_AGE_DAYS
    invitation(organisation, days_old=days - 1, email="recent@example.org")
    invitation(organisation, days_old=days + 1, role=Role.PARTNER, email="pat@example.org")
    assert seeing(pages(client_for, organisation, people), INVITATIONS) == set()
    invitation(organisation, days_old=days + 1, email="expired@example.org")
    found = pages(client_for, organisation, people)
    assert seeing(found, INVITATIONS) == {"admin"}
    assert "expired@example.org as team member" in found["admin"]
    assert "recent@example.org" not in found["admin"].split(INVITATIONS)[1]


def test_sending_an_expired_invitation_again(
    organisation, org_admin, editor, outsider, client_for, settings
):
    old = invitation(organisation, days_old=settings.INVITATION_MAX_AGE_DAYS + 1)
    data = {"action": "invitation", "invitation": old.pk}
    assert client_for(editor).post(home_url(organisation), data).status_code == 403
    assert client_for(outsider).post(home_url(organisation), data).status_code == 404
    client = client_for(org_admin)
    response = client.post(home_url(organisation), data)
    assert response["Location"] == home_url(organisation)
    invitations = Invitation.objects.with_scope(organisation=organisation.pk).order_by("pk")
    [was, new] = invitations
    assert was.revoked_at is not None and new.is_open
    assert (new.email, new.role, new.invited_by) == (old.email, old.role, org_admin)
    page = client.get(home_url(organisation)).content.decode()
    assert "A new invitation is on its way to nurse@example.org." in page
    assert INVITATIONS not in page
    # Sending the withdrawn one again says so and sends nothing.
    page = client.post(home_url(organisation), data, follow=True).content.decode()
    assert "has already been used or withdrawn" in page
    assert invitations.count() == 2


# --- the page as a whole ------------------------------------------------------------------------


def test_nothing_due_shows_no_section(organisation, event, people, client_for):
    found = pages(client_for, organisation, people)
    for heading in HEADINGS:
        assert seeing(found, heading) == set(), heading


def test_every_staff_role_opens_the_home_page_and_others_do_not(
    organisation, event, people, outsider, client_for
):
    pages(client_for, organisation, people)  # 200 for each
    partner = member_of(organisation, Role.PARTNER)
    assert client_for(partner).get(home_url(organisation)).status_code == 403
    assert client_for(outsider).get(home_url(organisation)).status_code == 404


def everything_due(organisation, event, editor, n):
    """`n` of each kind of thing that can be due."""
    idea = idea_of(event, f"Idea {n}")
    for number in range(1, n + 1):
        cycle(idea, number)
        ChallengeFactory(organisation=organisation, event=event, help_needed="sponsor")
        ChallengeFactory(organisation=organisation, event=event, help_needed="organisation_admin")
        submitted_claim(event, editor)
        invitation(organisation, days_old=30, email=f"person{n}-{number}@example.org")


def test_the_home_page_with_every_section_reads_in_a_fixed_number_of_queries(
    organisation, event, people, client_for, django_assert_max_num_queries
):
    ProgressScore.objects.with_scope(organisation=organisation.pk).all().delete()
    everything_due(organisation, event, people["lead"], 2)
    counts = {}
    for who, user in people.items():
        client = client_for(user)
        with django_assert_max_num_queries(30) as few:
            page = client.get(home_url(organisation)).content.decode()
        counts[who] = len(few.captured_queries)
        assert any(heading in page for heading in HEADINGS), who
    everything_due(organisation, event, people["lead"], 8)
    for who, user in people.items():
        client = client_for(user)
        with django_assert_max_num_queries(counts[who]):
            client.get(home_url(organisation))
