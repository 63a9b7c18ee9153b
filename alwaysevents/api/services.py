"""Every write about API tokens: create (the secret is returned once), revoke, note use."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from alwaysevents.api.models import ApiToken
from alwaysevents.exceptions import DomainError
from programmes.models import Membership

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from programmes.models import Organisation

TOKEN_START = "ae_"  # noqa: S105 - the visible start of every token, not a secret
MAX_DAYS = 366
# The last-used time is written at most this often, so reads do not write on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(raw: str) -> tuple[str, str] | None:
    """`ae_<prefix>_<secret>` into (prefix, secret), or None when it is not of that shape."""
    if not raw.startswith(TOKEN_START):
        return None
    prefix, _, secret = raw[len(TOKEN_START) :].partition("_")
    if not prefix or not secret or len(prefix) > 16:
        return None
    return prefix, secret


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    expires_in_days: int,
    organisation: Organisation | None = None,
    read_only: bool = False,
) -> tuple[ApiToken, str]:
    """Make a token for `user`. Returns the row and the full token, which is never stored."""
    name = name.strip()
    if not name:
        raise DomainError("Give the token a name, so you know later what uses it.", field="name")
    if not 1 <= expires_in_days <= MAX_DAYS:
        raise DomainError(f"A token lasts between 1 and {MAX_DAYS} days.", field="expires_in_days")
    if organisation is not None and not (
        Membership.objects.with_scope(organisation=organisation.pk)
        .filter(organisation=organisation, user=user, is_active=True)
        .exists()
    ):
        raise DomainError("You are not a member of that organisation.", field="organisation")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        secret_hash=hash_secret(secret),
        organisation=organisation,
        read_only=read_only,
        expires_at=timezone.now() + dt.timedelta(days=expires_in_days),
    )
    return token, f"{TOKEN_START}{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Stop a token working at once. Only its owner revokes it."""
    if token.user_id != by.pk:
        raise DomainError("Only the owner of a token can revoke it.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_check(raw: str) -> ApiToken:
    """The usable token that `raw` is. One query (two when the use is noted).

    Raises DomainError saying why not: unknown, expired or revoked.
    """
    parts = split_token(raw)
    if parts is None:
        raise DomainError("That is not an Always Events API token.")
    prefix, secret = parts
    token = ApiToken.objects.select_related("user", "organisation").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
        raise DomainError("That token is not known.")
    if token.revoked_at is not None:
        raise DomainError("That token has been revoked. Create a new one in your account.")
    if token.is_expired:
        raise DomainError("That token has expired. Create a new one in your account.")
    if not token.user.is_active:
        raise DomainError("The account of that token is not active.")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
