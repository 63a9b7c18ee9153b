"""API fixtures: an event with a measure, tokens for the personas, and clients that send them."""

from __future__ import annotations

import pytest
from django.test import Client

from alwaysevents.api.services import api_token_create
from measurement.services import measures as measure_services
from tests.factories import AlwaysEventFactory


@pytest.fixture
def event(organisation, editor):
    return AlwaysEventFactory(organisation=organisation, team_lead=editor, title="Plan by 10am")


@pytest.fixture
def measure(event):
    return measure_services.measure_create(
        event=event, by=None, name="Told the plan", type="outcome", definition="Patients asked."
    )


@pytest.fixture
def token_for(db):
    def make(user, **kwargs):
        kwargs.setdefault("name", "test")
        kwargs.setdefault("expires_in_days", 30)
        _, raw = api_token_create(user=user, **kwargs)
        return raw

    return make


class ApiClient(Client):
    """A Django test client that sends a bearer token and JSON bodies."""

    def __init__(self, token: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if token:
            self.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    def post_json(self, path, data, **extra):
        return self.post(path, data=data, content_type="application/json", **extra)


@pytest.fixture
def api_for(token_for):
    def make(user, **kwargs) -> ApiClient:
        return ApiClient(token_for(user, **kwargs))

    return make


def base(organisation) -> str:
    return f"/api/v1/organisations/{organisation.slug}"


def event_url(event, suffix: str = "") -> str:
    return f"{base(event.organisation)}/events/{event.pk}/{suffix}"


def measure_url(measure, suffix: str = "") -> str:
    return event_url(measure.event, f"measures/{measure.pk}/{suffix}")
