"""Failed token authentication is throttled per client address (issue 19): beyond
API_FAILED_AUTH_RATE, every token from that address answers 429 with Retry-After until the
window ends; other addresses, good tokens' own use and the browser's session are unaffected."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from tests.api.conftest import ApiClient, base

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)  # the start of a one-minute window
BAD = "ae_deadbeef_not-the-secret"
HOME = "/api/v1/organisations/"


@pytest.fixture(autouse=True)
def _three_a_minute(settings):
    settings.API_FAILED_AUTH_RATE = "3/min"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def from_address(token: str | None, address: str = "203.0.113.7", **headers) -> ApiClient:
    client = ApiClient(token, REMOTE_ADDR=address)
    client.defaults.update(headers)
    return client


def assert_throttled(response, retry_after: int):
    assert response.status_code == 429, response.content
    assert response["Retry-After"] == str(retry_after)
    body = response.json()
    assert set(body) == {"code", "message", "field_errors"}
    assert body["code"] == "throttled"
    assert body["message"].startswith("Too many requests. Try again in")


def test_failures_beyond_the_rate_answer_429_even_for_a_good_token(clock, viewer, token_for):
    good = token_for(viewer)
    bad = from_address(BAD)
    for _ in range(3):
        assert bad.get(HOME).status_code == 401
    clock.shift(15)
    assert_throttled(bad.get(HOME), retry_after=45)
    # A guess that worked must not show: the good token is refused from that address too.
    assert_throttled(from_address(good).get(HOME), retry_after=45)
    # Another address is not held back.
    assert from_address(good, "198.51.100.1").get(HOME).status_code == 200
    assert from_address(BAD, "198.51.100.1").get(HOME).status_code == 401


def test_the_address_may_try_again_when_the_window_ends(clock, viewer, token_for):
    bad = from_address(BAD)
    for _ in range(3):
        bad.get(HOME)
    assert bad.get(HOME).status_code == 429
    clock.shift(60)
    assert from_address(token_for(viewer)).get(HOME).status_code == 200
    assert bad.get(HOME).status_code == 401


def test_malformed_headers_count_as_failures(clock):
    for header in ("Bearer", "Bearer a b", "Bearer not-a-token"):
        response = Client(REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION=header).get(HOME)
        assert response.status_code == 401
    assert from_address(BAD).get(HOME).status_code == 429


def test_good_tokens_are_never_counted(clock, viewer, token_for, settings):
    good = from_address(token_for(viewer))
    for _ in range(10):
        assert good.get(HOME).status_code == 200
    assert from_address(BAD).get(HOME).status_code == 401


def test_a_forged_forwarded_for_header_does_not_make_a_new_address(clock):
    for n in range(3):
        from_address(BAD, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").get(HOME)
    assert from_address(BAD, HTTP_X_FORWARDED_FOR="10.0.0.99").get(HOME).status_code == 429


def test_behind_a_trusted_proxy_the_client_address_counts(clock, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.1"
    for _ in range(3):
        from_address(BAD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.7").get(HOME)
    blocked = from_address(BAD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.7").get(HOME)
    assert blocked.status_code == 429
    other = from_address(BAD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.1").get(HOME)
    assert other.status_code == 401


def test_the_browser_session_is_not_held_back(clock, viewer, organisation):
    for _ in range(4):
        from_address(BAD).get(HOME)
    browser = Client(REMOTE_ADDR="203.0.113.7")
    browser.force_login(viewer)
    response = browser.get(HOME)
    assert response.status_code == 200
    assert [o["slug"] for o in response.json()["results"]] == [organisation.slug]


def test_no_rate_switches_the_throttle_off(clock, settings):
    settings.API_FAILED_AUTH_RATE = ""
    for _ in range(10):
        assert from_address(BAD).get(HOME).status_code == 401


def test_the_throttle_holds_on_writes_too(clock, viewer, event, token_for):
    for _ in range(3):
        from_address(BAD).post(f"{base(event.organisation)}/events/", {})
    assert from_address(token_for(viewer)).get(HOME).status_code == 429
