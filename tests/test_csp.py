"""The Content-Security-Policy on responses the persona crawl does not open: signed-out pages,
the API (JSON, its errors and its schema), error pages, redirects; and the check itself.

Every page each demo persona opens is checked by tests/test_persona_crawl.py with the same
`csp_problem` (tests/csp_check.py); the browser journeys fail on any violation Chromium reports
(tests/e2e/conftest.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client

from alwaysevents.api.services import api_token_create
from tests.csp_check import HEADER, csp_problem, directives

pytestmark = pytest.mark.django_db

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def checked(response) -> None:
    problem = csp_problem(response)
    assert problem is None, f"{response.status_code} {response.get('Content-Type')}: {problem}"


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/accounts/password/reset/", "/api/docs/", "/no-such-page/", "/healthz"],
)
def test_signed_out_pages_and_redirects(path):
    checked(Client().get(path))


def test_the_schema_and_the_api_unauthenticated():
    client = Client()
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    checked(schema)
    refused = client.get("/api/v1/organisations/")
    assert refused.status_code in (401, 403)
    assert refused["Content-Type"].startswith("application/json")
    checked(refused)


def test_api_answers_and_its_errors(organisation, other_organisation, editor):
    outsider_org = other_organisation
    _, raw = api_token_create(user=editor, name="test", expires_in_days=30)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    listing = client.get("/api/v1/organisations/")
    assert listing.status_code == 200 and listing["Content-Type"] == "application/json"
    checked(listing)
    missing = client.get(f"/api/v1/organisations/{outsider_org.slug}/events/")
    assert missing.status_code == 404
    checked(missing)
    bad_body = client.post(
        f"/api/v1/organisations/{organisation.slug}/events/",
        data="{not json",
        content_type="application/json",
    )
    assert 400 <= bad_body.status_code < 500
    checked(bad_body)
    wrong = Client(HTTP_AUTHORIZATION="Bearer ae_not-a-token").get("/api/v1/organisations/")
    assert wrong.status_code == 401
    checked(wrong)


def test_error_pages(client_for, viewer, monkeypatch):
    client = client_for(viewer)
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    checked(not_found)
    forbidden = client.get("/o/northfield/members/")
    assert forbidden.status_code == 403
    checked(forbidden)

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(
        "programmes.views.organisation.OrganisationHomeView.get_context_data", explode
    )
    client.raise_request_exception = False
    failed = client.get("/o/northfield/")
    assert failed.status_code == 500
    checked(failed)


def test_each_request_gets_its_own_nonce_only_where_a_page_uses_one(client_for, viewer):
    """No page but the sponsor report uses the nonce (tests/reporting/test_report_csp.py):
    the header names none elsewhere, so nothing inline is allowed there at all."""
    header = client_for(viewer).get("/o/northfield/")[HEADER]
    assert directives(header)["style-src"] == ["'self'"]


# --- The check itself: each kind of problem is found ---------------------------------------


def page(body: str, policy: str | None = STRICT) -> HttpResponse:
    response = HttpResponse(f"<!doctype html><html><body>{body}</body></html>")
    if policy is not None:
        response[HEADER] = policy
    return response


@pytest.mark.parametrize(
    ("body", "policy", "expected"),
    [
        ("", None, "no Content-Security-Policy"),
        ("", STRICT.replace("frame-ancestors 'none'", "frame-ancestors 'self'"), "frame-ancestors"),
        ("", STRICT.replace("; object-src 'none'", ""), "object-src"),
        ("", STRICT.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"), "script"),
        ("", STRICT.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"), "style-src"),
        ("", STRICT.replace("img-src 'self' data:", "img-src *"), "img-src allows *"),
        ("<script>alert(1)</script>", STRICT, "an inline <script>"),
        ('<script type="module">x()</script>', STRICT, "an inline <script>"),
        ("<style>p{}</style>", STRICT, "a <style> without the nonce"),
        (
            '<style nonce="other">p{}</style>',
            STRICT.replace("style-src 'self'", "style-src 'self' 'nonce-abc'"),
            "a <style> without the nonce",
        ),
        ('<div style="width: 5%"></div>', STRICT, 'style="width: 5%"'),
        ("<svg><style>.a{}</style></svg>", STRICT, "a <style> without the nonce"),
        ('<button onclick="go()">Go</button>', STRICT, "onclick"),
        ('<a href="javascript:go()">Go</a>', STRICT, "javascript:"),
    ],
)
def test_the_check_finds_each_problem(body, policy, expected):
    problem = csp_problem(page(body, policy))
    assert problem is not None and expected in problem


def test_the_check_passes_what_the_policy_allows():
    nonce_policy = STRICT.replace("style-src 'self'", "style-src 'self' 'nonce-abc'")
    body = (
        '<script type="module" src="/static/js/app.mjs"></script>'
        '<script type="application/json" data-allauth-onload="x">{"a": 1}</script>'
        '<style nonce="abc">p{}</style><img src="data:image/svg+xml;base64,AA==" alt="">'
    )
    assert csp_problem(page(body, nonce_policy)) is None


def test_the_partner_share_bar_is_drawn_by_classes_for_every_whole_percent():
    """The co-production page's bar (coproduction/event_coproduction.html) is as wide as the
    partners' share by a class of the stylesheet, not a style attribute the policy refuses."""
    css = (Path(__file__).resolve().parents[1] / "build/static/css/app.css").read_text()
    widths = dict(re.findall(r"\.ae-share__bar--(\d+)\{width:(\d+)%\}", css))
    assert widths == {str(i): str(i) for i in range(101)}
