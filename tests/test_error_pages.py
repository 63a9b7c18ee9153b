"""Friendly error pages, rendered by our handlers with DEBUG off."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from alwaysevents import views

pytestmark = pytest.mark.django_db


def test_404_page_is_friendly_and_in_the_app_shell(client_for, viewer):
    response = client_for(viewer).get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Page not found" in content
    assert 'href="#main-content"' in content, "the app's own shell, with its skip link"


def test_403_page_says_why(client_for, viewer):
    response = client_for(viewer).get("/o/northfield/members/")
    assert response.status_code == 403
    content = response.content.decode()
    assert "Your role in this organisation does not include this page." in content
    assert "ask your organisation admin" in content


def test_500_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()


def test_unhandled_error_answers_with_the_500_page(settings, viewer, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(
        "programmes.views.organisation.OrganisationHomeView.get_context_data", explode
    )
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    response = client.get("/o/northfield/")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()
    assert "boom" not in response.content.decode()
