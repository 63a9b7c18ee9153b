"""Sign-ins end after SESSION_IDLE_TIMEOUT_MINUTES without activity and SESSION_COOKIE_AGE after
signing in (issue 19); the person is told why and goes back to the page they wanted; API token
requests are not affected."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client

from alwaysevents.accounts.session_timeout import LAST_ACTIVITY
from alwaysevents.api.services import api_token_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
IDLE = "You were signed out after 30 minutes without activity. Sign in to carry on."


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def page(organisation) -> str:
    return f"/o/{organisation.slug}/events/?stage=testing"


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def sign_in(user, **extra) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, **extra)
    assert response.status_code == 302, response.content
    return client


def test_an_idle_sign_in_ends_and_the_person_is_told_why(clock, viewer, organisation):
    client = sign_in(viewer)
    assert client.get(page(organisation)).status_code == 200
    clock.shift(dt.timedelta(minutes=31, seconds=1))
    response = client.get(page(organisation))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=" + quote(page(organisation), safe="/")
    assert not signed_in(client)
    sign_in_page = client.get(response["Location"])
    assert sign_in_page.status_code == 200
    assert IDLE in sign_in_page.content.decode()


def test_signing_in_again_returns_to_the_page_wanted(clock, viewer, organisation):
    client = sign_in(viewer)
    clock.shift(dt.timedelta(minutes=45))
    wanted = client.get(page(organisation))["Location"]
    response = client.post(wanted, {"login": viewer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == page(organisation)
    assert client.get(page(organisation)).status_code == 200


def test_activity_keeps_the_sign_in(clock, viewer, organisation):
    client = sign_in(viewer)
    for _ in range(12):  # four hours, a page every twenty minutes
        clock.shift(dt.timedelta(minutes=20))
        assert client.get(page(organisation)).status_code == 200
    assert signed_in(client)


def test_never_signed_out_before_the_timeout(clock, viewer, organisation):
    """The last activity is written at most once a minute: a request 50 s after the last one
    written is not, yet the sign-in still lasts 30 minutes from it."""
    client = sign_in(viewer)
    clock.shift(50)
    assert client.get(page(organisation)).status_code == 200
    written = client.session[LAST_ACTIVITY]
    assert written == int(START.timestamp())
    clock.shift(dt.timedelta(minutes=30))
    assert client.get(page(organisation)).status_code == 200
    assert client.session[LAST_ACTIVITY] > written


def test_the_timeout_is_a_setting_and_0_switches_it_off(clock, viewer, organisation, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    client = sign_in(viewer)
    clock.shift(dt.timedelta(minutes=6, seconds=1))
    response = client.get(page(organisation), follow=True)
    assert "signed out after 5 minutes without activity" in response.content.decode()
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 0
    client = sign_in(viewer)
    clock.shift(dt.timedelta(hours=5))
    assert client.get(page(organisation)).status_code == 200


def test_the_absolute_age_still_ends_an_active_sign_in(clock, viewer, organisation, settings):
    settings.SESSION_COOKIE_AGE = 2 * 60 * 60
    client = sign_in(viewer)
    for _ in range(5):
        clock.shift(dt.timedelta(minutes=20))
        assert client.get(page(organisation)).status_code == 200
    clock.shift(dt.timedelta(minutes=20))  # two hours after signing in
    response = client.get(page(organisation), follow=True)
    assert not signed_in(client)
    assert "a sign-in lasts 2 hours" in response.content.decode()


def test_a_form_sent_after_the_timeout_goes_back_to_its_page(clock, viewer, organisation):
    client = sign_in(viewer)
    clock.shift(dt.timedelta(hours=1))
    response = client.post(page(organisation), {"anything": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith(quote(f"/o/{organisation.slug}/events/", safe="/"))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [IDLE]


def test_api_tokens_are_not_affected(clock, viewer, organisation):
    _, raw = api_token_create(user=viewer, name="survey", expires_in_days=30)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/organisations/").status_code == 200
    clock.shift(dt.timedelta(hours=3))
    assert api.get("/api/v1/organisations/").status_code == 200


def test_the_browsers_api_calls_answer_401_once_idle(clock, viewer, organisation):
    client = sign_in(viewer)
    assert client.get("/api/v1/organisations/").status_code == 200
    clock.shift(dt.timedelta(minutes=40))
    response = client.get("/api/v1/organisations/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not signed_in(client)


def test_a_sign_in_from_before_this_change_starts_counting_now(clock, viewer, organisation):
    client = Client()
    client.force_login(viewer)
    session = client.session
    session.pop(LAST_ACTIVITY, None)
    session.pop("signed_in_at", None)
    session.save()
    clock.shift(dt.timedelta(hours=2))
    assert client.get(page(organisation)).status_code == 200
    clock.shift(dt.timedelta(minutes=29))
    assert client.get(page(organisation)).status_code == 200
