"""Personal API tokens: hashed, shown once, expiring, revocable, and their pages."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from alwaysevents.api.models import ApiToken
from alwaysevents.api.services import api_token_create, api_token_revoke
from alwaysevents.exceptions import DomainError
from tests.api.conftest import ApiClient, event_url

pytestmark = pytest.mark.django_db


def test_only_a_hash_and_a_prefix_are_stored(viewer):
    token, raw = api_token_create(user=viewer, name="Survey", expires_in_days=30)
    prefix, secret = raw.removeprefix("ae_").split("_", 1)
    assert token.prefix == prefix and len(secret) >= 40
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": " "}, "name"),
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": 400}, "expires_in_days"),
    ],
)
def test_create_checks_its_input(viewer, kwargs, field):
    with pytest.raises(DomainError) as error:
        api_token_create(user=viewer, **{"name": "x", "expires_in_days": 30, **kwargs})
    assert error.value.field == field


def test_a_token_cannot_be_limited_to_someone_elses_organisation(viewer, other_organisation):
    with pytest.raises(DomainError):
        api_token_create(user=viewer, name="x", expires_in_days=5, organisation=other_organisation)


def test_expired_token_is_refused_with_a_reason(event, viewer):
    token, raw = api_token_create(user=viewer, name="x", expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = ApiClient(raw).get(event_url(event))
    assert response.status_code == 401
    assert "expired" in response.json()["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_stops_at_once(event, viewer):
    token, raw = api_token_create(user=viewer, name="x", expires_in_days=10)
    assert ApiClient(raw).get(event_url(event)).status_code == 200
    api_token_revoke(token=token, by=viewer)
    response = ApiClient(raw).get(event_url(event))
    assert response.status_code == 401
    assert "revoked" in response.json()["message"]


def test_only_the_owner_revokes(viewer, editor):
    token, _ = api_token_create(user=viewer, name="x", expires_in_days=10)
    with pytest.raises(DomainError):
        api_token_revoke(token=token, by=editor)


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Bearer ae_abcd1234_wrong", "Bearer", "Bearer a b", "Token ae_x_y"],
)
def test_bad_tokens_are_401_in_the_error_shape(event, header):
    client = ApiClient()
    response = client.get(event_url(event), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "field_errors"}


def test_a_deactivated_membership_loses_access(event, viewer, api_for):
    api = api_for(viewer)
    membership = viewer.memberships.with_scope(organisation=event.organisation_id).get()
    membership.is_active = False
    membership.save()
    assert api.get(event_url(event)).status_code == 404


def test_last_use_is_noted(event, viewer):
    token, raw = api_token_create(user=viewer, name="x", expires_in_days=10)
    ApiClient(raw).get(event_url(event))
    token.refresh_from_db()
    assert token.last_used_at is not None


# --- pages -------------------------------------------------------------------------------------


def test_the_page_creates_a_token_and_shows_it_once(client_for, viewer, organisation):
    client = client_for(viewer)
    response = client.post(
        "/account/tokens/",
        {
            "name": "Power BI",
            "expires_in_days": 90,
            "organisation": organisation.pk,
            "read_only": "on",
        },
    )
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith("ae_") and raw in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=viewer)
    assert token.read_only and token.organisation == organisation
    again = client.get("/account/tokens/").content.decode()
    assert "Power BI" in again and raw not in again and f"ae_{token.prefix}_" in again


def test_the_page_names_what_is_wrong(client_for, viewer):
    response = client_for(viewer).post("/account/tokens/", {"name": "", "expires_in_days": 90})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_the_page_offers_only_my_organisations(client_for, viewer, other_organisation):
    form = client_for(viewer).get("/account/tokens/").context["form"]
    assert other_organisation not in form.fields["organisation"].queryset


def test_revoke_through_the_page(client_for, viewer):
    token, _ = api_token_create(user=viewer, name="Old script", expires_in_days=10)
    response = client_for(viewer).post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_someone_elses_token(client_for, viewer, outsider):
    token, _ = api_token_create(user=viewer, name="Mine", expires_in_days=10)
    assert client_for(outsider).post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "Mine" not in client_for(outsider).get("/account/tokens/").content.decode()


def test_token_pages_need_sign_in(client):
    response = client.get("/account/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_technical_admin_lists_tokens_without_secrets(client, viewer, settings):
    from tests.factories import UserFactory

    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = False
    _, raw = api_token_create(user=viewer, name="Survey", expires_in_days=30)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/admin/api/apitoken/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Survey" in html and raw.split("_", 2)[2] not in html
