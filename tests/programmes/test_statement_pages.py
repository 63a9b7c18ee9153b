"""The vision, a partner's sign-off, the aim and each criterion on pages of their own, one form
each (issue 16: a page of several forms lost what was typed in one when another was saved).

Each page: who may open it, an outsider, a role that may not, a refused post that keeps
everything as it was, and a post that saves and goes back to the statements page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from alwaysevents.tenancy.scope import organisation_scope
from programmes import services
from programmes.models import Criterion, Role, VisionSignOff
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

VISION = "We will always tell you the plan for your day by 10am."


@pytest.fixture
def event(organisation, editor, sponsor, org_admin, viewer):
    return services.event_create(
        organisation=organisation,
        title="Plan for the day",
        service="Ward 7",
        by=editor,
        team_lead=editor,
        executive_sponsor=sponsor,
    )


@pytest.fixture
def with_vision(event, editor):
    return services.event_set_vision(event=event, vision_statement=VISION, by=editor)


@pytest.fixture
def partner(organisation):
    user = UserFactory(email="pat.partner@example.test")
    MembershipFactory(organisation=organisation, user=user, role=Role.PARTNER)
    return user


def url(name, event, **kwargs):
    return reverse(
        f"programmes:{name}", kwargs={"org_slug": event.organisation.slug, "pk": event.pk, **kwargs}
    )


PAGES = [
    ("event-vision", {}),
    ("event-sign-off", {}),
    ("event-aim", {}),
    *(("event-criterion", {"kind": kind}) for kind in Criterion.Kind.values),
]


def page_id(page):
    name, kwargs = page
    return f"{name}-{kwargs['kind']}" if kwargs else name


def sign_offs(event):
    with organisation_scope(event.organisation):
        return list(VisionSignOff.objects.filter(event=event))


def criterion(event, kind):
    with organisation_scope(event.organisation):
        return Criterion.objects.get(event=event, kind=kind)


def saved_and_back(client, response, event, message):
    """Saved: back on the statements page, which says so."""
    assert response.status_code == 302
    assert response.url == url("event-statements", event)
    page = client.get(response.url).content.decode()
    assert message in page
    return page


def refused(response):
    """Refused: the same page again, opening on the NHS error summary."""
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "<title>Error: " in content
    return content


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_role_that_edits_opens_each_page(
    page, with_vision, client_for, org_admin, editor, viewer
):
    name, kwargs = page
    for user in (org_admin, editor, viewer):
        response = client_for(user).get(url(name, with_vision, **kwargs))
        assert response.status_code == 200, (name, user.email)
        content = response.content.decode()
        assert content.count("<form") == 1, "one form on the page"
        assert 'aria-current="page"' in content and ">Vision and aim<" in content


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_an_outsider_finds_nothing(page, event, client_for, outsider):
    name, kwargs = page
    client = client_for(outsider)
    assert client.get(url(name, event, **kwargs)).status_code == 404
    assert client.post(url(name, event, **kwargs), {}).status_code == 404


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_sponsors_and_partners_may_not_edit(page, with_vision, client_for, sponsor, partner):
    name, kwargs = page
    for user in (sponsor, partner):
        client = client_for(user)
        assert client.get(url(name, with_vision, **kwargs)).status_code == 403, user.email
        assert client.post(url(name, with_vision, **kwargs), {}).status_code == 403, user.email


def test_a_criterion_that_is_not_one_of_the_four_is_not_found(event, client_for, editor):
    assert client_for(editor).get(url("event-criterion", event, kind="cheap")).status_code == 404


# --- the vision ----------------------------------------------------------------------------


def test_a_refused_vision_saves_nothing_and_keeps_the_words(event, client_for, editor):
    client = client_for(editor)
    content = refused(client.post(url("event-vision", event), {"vision_statement": "A plan."}))
    assert "A plan." in content  # in the box to correct
    assert '<a href="#id_vision_statement">' in content
    event.refresh_from_db()
    assert event.vision_statement == ""


def test_a_vision_saves_and_shows_on_the_statements_page(event, client_for, viewer):
    client = client_for(viewer)
    response = client.post(url("event-vision", event), {"vision_statement": VISION})
    page = saved_and_back(client, response, event, "The vision statement is saved.")
    assert VISION in page
    event.refresh_from_db()
    assert event.vision_statement == VISION


# --- a partner's sign-off ------------------------------------------------------------------


def test_no_sign_off_before_there_is_a_vision(event, client_for, editor):
    content = client_for(editor).get(url("event-sign-off", event)).content.decode()
    assert "Write the vision statement before recording a sign-off." in content
    assert "Record sign-off" not in content


def test_a_refused_sign_off_saves_nothing(with_vision, client_for, editor):
    client = client_for(editor)
    tomorrow = (dt.date(2026, 11, 16) + dt.timedelta(days=1)).isoformat()
    refused(client.post(url("event-sign-off", with_vision), {"signed_by_name": ""}))
    content = refused(
        client.post(
            url("event-sign-off", with_vision), {"signed_by_name": "Pat", "signed_on": tomorrow}
        )
    )
    assert "The sign-off date cannot be in the future." in content
    assert sign_offs(with_vision) == []


def test_a_sign_off_is_recorded_from_the_date_boxes(with_vision, client_for, editor):
    client = client_for(editor)
    response = client.post(
        url("event-sign-off", with_vision),
        {
            "signed_by_name": "Pat Carer",
            "signed_on_day": "10",
            "signed_on_month": "11",
            "signed_on_year": "2026",
        },
    )
    page = saved_and_back(client, response, with_vision, "Sign-off by Pat Carer recorded.")
    assert "Current wording" in page
    [sign_off] = sign_offs(with_vision)
    assert (sign_off.signed_on, sign_off.statement) == (dt.date(2026, 11, 10), VISION)


# --- the aim -------------------------------------------------------------------------------

AIM = {
    "aim_population": "patients on Ward 7",
    "aim_measure": "are told the plan for their day by 10am",
    "aim_target_percent": "90",
    "aim_deadline": "2027-03-31",
    "aim_review_frequency": "monthly",
}


def test_a_refused_aim_saves_nothing(event, client_for, editor):
    client = client_for(editor)
    content = refused(client.post(url("event-aim", event), {**AIM, "aim_target_percent": "150"}))
    assert "patients on Ward 7" in content  # kept to correct
    event.refresh_from_db()
    assert (event.aim_population, event.aim_target_percent) == ("", None)
    statements = client.get(url("event-statements", event)).content.decode()
    assert "patients on Ward 7" not in statements, "the refused aim is never shown as saved"


def test_an_aim_saves_and_reads_as_one_sentence(event, client_for, org_admin):
    client = client_for(org_admin)
    page = saved_and_back(
        client, client.post(url("event-aim", event), AIM), event, "The aim is saved."
    )
    assert (
        "By 31 March 2027, 90% of patients on Ward 7 are told the plan for their day by 10am."
        in page
    )
    event.refresh_from_db()
    assert event.aim_target_percent == Decimal("90")


# --- a criterion ---------------------------------------------------------------------------


def test_a_criterion_confirmed_without_evidence_saves_nothing(event, client_for, editor):
    client = client_for(editor)
    content = refused(
        client.post(url("event-criterion", event, kind="important"), {"confirmed": "on"})
    )
    assert "Say what shows the Always Event is important before confirming it." in content
    assert not criterion(event, "important").confirmed


def test_a_criterion_is_confirmed_with_its_evidence(event, client_for, viewer):
    client = client_for(viewer)
    response = client.post(
        url("event-criterion", event, kind="measurable"),
        {"confirmed": "on", "evidence": "We count the plans given each morning."},
    )
    page = saved_and_back(client, response, event, "Measurable: confirmed.")
    assert "We count the plans given each morning." in page
    saved = criterion(event, "measurable")
    assert saved.confirmed and saved.evidence == "We count the plans given each morning."
    # The page opens again with what is saved.
    again = client.get(url("event-criterion", event, kind="measurable")).content.decode()
    assert "We count the plans given each morning." in again and "checked" in again
