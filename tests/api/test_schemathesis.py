"""Schemathesis against our own schema: no server errors, no answer that breaks the schema.

Generated requests go through Django's WSGI app in-process, inside the test's transaction on the
test PostgreSQL, with an organisation admin's token and the ids of real objects in the paths (so
bodies and query strings are fuzzed against real handlers). Bounded: a few examples each.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from alwaysevents.api.views.docs import schema as generated_schema
from measurement.services import testing as testing_services

schema = schemathesis.openapi.from_dict(generated_schema())
schema.app = get_wsgi_application()
# Examples and random fuzzing only: the coverage phase's exhaustive edge cases take minutes.
# A deeper run: SCHEMATHESIS_COVERAGE=1 SCHEMATHESIS_EXAMPLES=100 var/t.sh tests/api/...
schema.config.phases.coverage.enabled = bool(os.environ.get("SCHEMATHESIS_COVERAGE"))
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture
def keep_connection():
    """Django's WSGI handler closes the connection after each request; the test needs it open
    (it holds the test's transaction), as Django's own test client arranges."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(keep_connection, organisation, org_admin, programme_admin, measure, token_for, settings):
    settings.API_RATE_LIMIT = "100000/min"
    from tests.factories import MembershipFactory

    # One person who is both an organisation admin and a programme admin reaches everything.
    MembershipFactory(organisation=organisation, user=programme_admin, role="organisation_admin")
    testing_services.change_idea_add(event=measure.event, text="Try it", kind="relational", by=None)
    return {
        "token": token_for(programme_admin),
        "path": {
            "org_slug": organisation.slug,
            "event_id": measure.event_id,
            "measure_id": measure.pk,
        },
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_answers_within_its_schema(case, world):
    if case.path_parameters:
        for name in list(case.path_parameters):
            if name in world["path"]:
                case.path_parameters[name] = world["path"][name]
    case.call_and_validate(headers={"Authorization": f"Bearer {world['token']}"}, checks=CHECKS)
