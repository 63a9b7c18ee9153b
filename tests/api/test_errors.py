"""One JSON error shape under /api/, never HTML or a stack trace; rate limits; pagination."""

from __future__ import annotations

import pytest
from django.test import Client

from alwaysevents.api.views.organisations import EventListView
from tests.api.conftest import base, event_url

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "field_errors"}


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == SHAPE
    if code:
        assert body["code"] == code
    return body


def test_anonymous_gets_401_not_a_sign_in_redirect(event):
    assert_error(Client().get(event_url(event)), 401, "not_authenticated")


def test_unknown_paths_under_api_are_json_404(viewer, api_for):
    assert_error(api_for(viewer).get("/api/v1/nothing-here/"), 404, "not_found")
    assert_error(Client().get("/api/nothing"), 404, "not_found")
    body = assert_error(api_for(viewer).get("/api/v1/organisations"), 404, "not_found")
    assert body["message"].endswith("/api/v1/organisations/")


def test_any_large_body_is_413(event, viewer, api_for, settings):
    settings.API_MAX_BODY_BYTES = 100
    response = api_for(viewer).post_json(event_url(event, "measures/"), {"name": "x" * 200})
    assert_error(response, 413, "payload_too_large")


def test_asking_for_html_still_answers_json(event, viewer, api_for):
    response = api_for(viewer).get(event_url(event), HTTP_ACCEPT="text/html")
    assert_error(response, 406, "not_acceptable")


def test_wrong_method_is_405(event, viewer, api_for):
    response = api_for(viewer).delete(event_url(event))
    assert_error(response, 405, "method_not_allowed")


def test_validation_errors_name_the_fields(event, viewer, api_for):
    response = api_for(viewer).post_json(event_url(event, "measures/"), {"type": "sideways"})
    body = assert_error(response, 400, "invalid")
    assert {"name", "type", "definition"} <= set(body["field_errors"])


def test_domain_errors_name_the_field(event, viewer, api_for):
    api = api_for(viewer)
    data = {"name": "Wait", "type": "outcome", "definition": "Minutes."}
    assert api.post_json(event_url(event, "measures/"), data).status_code == 201
    body = assert_error(api.post_json(event_url(event, "measures/"), data), 400)
    assert "already has a measure" in body["field_errors"]["name"][0]


def test_server_errors_are_json_without_a_trace(event, viewer, api_for, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(EventListView, "get", boom)
    client = api_for(viewer)
    client.raise_request_exception = False
    response = client.get(f"{base(event.organisation)}/events/")
    body = assert_error(response, 500, "server_error")
    assert "secret" not in response.content.decode()
    assert "Traceback" not in body["message"]


def test_session_writes_need_csrf(event, viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    assert client.get(event_url(event)).status_code == 200
    response = client.post(
        event_url(event, "measures/"),
        data={"name": "x", "type": "outcome", "definition": "y"},
        content_type="application/json",
    )
    body = assert_error(response, 403)
    assert "CSRF" in body["message"]


def test_rate_limit_answers_429_with_retry_after(event, viewer, api_for, settings):
    settings.API_RATE_LIMIT = "3/min"
    api = api_for(viewer)
    for _ in range(3):
        assert api.get(event_url(event)).status_code == 200
    response = api.get(event_url(event))
    body = assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert "Try again in" in body["message"]
    # Each token has its own bucket.
    assert api_for(viewer).get(event_url(event)).status_code == 200


def test_every_list_is_paginated(event, viewer, api_for):
    api = api_for(viewer)
    for path in (
        "/api/v1/organisations/",
        f"{base(event.organisation)}/events/",
        event_url(event, "measures/"),
        event_url(event, "pdsa-cycles/"),
        event_url(event, "involvement/activities/"),
    ):
        body = api.get(path).json()
        assert {"count", "next", "previous", "results"} <= set(body), path


def test_schema_and_docs_are_public_and_name_every_operation():
    schema = Client().get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert (
        "/api/v1/organisations/{org_slug}/events/{event_id}/measures/{measure_id}/data-points/"
        in paths
    )
    docs = Client().get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "Send many periods at once" in html and "Authorization: Bearer" in html
