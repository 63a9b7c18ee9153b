"""Personas and shared fixtures. See docs in design.md (Tests)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from programmes.models import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

# Every test starts at this instant and the clock ticks on from there, so no test depends on the
# real date (a Monday morning in winter, London time). A test about other dates travels itself.
FROZEN_AT = dt.datetime(2026, 11, 16, 9, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(FROZEN_AT, tick=True):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    """allauth's rate limits live in the cache: start every test with a clean slate."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _celery_configured_from_the_environment():
    """Celery reads its configuration once, on first use: read it now, from the test settings,
    so a test that overrides a Django setting cannot fix Celery's for the rest of the run."""
    from alwaysevents.celery import app

    assert app.conf.task_always_eager is not None


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashers are slow on purpose; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organisation(db):
    return OrganisationFactory(slug="northfield", name="Northfield Hospitals")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(slug="riverside", name="Riverside Trust")


def _member(organisation, role, email):
    return MembershipFactory(
        organisation=organisation, role=role, user=UserFactory(email=email)
    ).user


@pytest.fixture
def org_admin(organisation):
    return _member(organisation, Role.ORGANISATION_ADMIN, "orgadmin@northfield.test")


@pytest.fixture
def editor(organisation):
    """A team lead: runs an Always Event."""
    return _member(organisation, Role.TEAM_LEAD, "lead@northfield.test")


@pytest.fixture
def viewer(organisation):
    """A team member."""
    return _member(organisation, Role.TEAM_MEMBER, "staff@northfield.test")


@pytest.fixture
def sponsor(organisation):
    return _member(organisation, Role.EXECUTIVE_SPONSOR, "sponsor@northfield.test")


@pytest.fixture
def outsider(other_organisation):
    """An organisation admin of another organisation: must see nothing of ours."""
    return _member(other_organisation, Role.ORGANISATION_ADMIN, "orgadmin@riverside.test")


@pytest.fixture
def programme_admin(db, settings):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = False
    return UserFactory(email="admin@programme.test", is_programme_admin=True)


@pytest.fixture
def reviewer(db, settings):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = False
    return UserFactory(email="reviewer@programme.test", is_reviewer=True)


@pytest.fixture
def client_for():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
