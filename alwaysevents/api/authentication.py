"""How the API knows who is calling: a personal token, or the browser's session (with CSRF)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from alwaysevents.api.services import api_token_check
from alwaysevents.api.throttling import FailedTokenThrottle
from alwaysevents.exceptions import DomainError


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer ae_...`. `request.auth` is the `ApiToken`.

    Failed attempts are counted per client address (`FailedTokenThrottle`): beyond
    API_FAILED_AUTH_RATE, tokens from that address answer 429 with Retry-After.
    """

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        throttle = FailedTokenThrottle()
        wait = throttle.seconds_to_wait(request)
        if wait is not None:
            raise exceptions.Throttled(
                wait, detail="Too many requests with a token that does not work."
            )
        if len(header) != 2:
            throttle.record_failure(request)
            raise exceptions.AuthenticationFailed(
                "Send the header as: Authorization: Bearer <token>."
            )
        try:
            token = api_token_check(header[1].decode("latin-1"))
        except DomainError as error:
            throttle.record_failure(request)
            raise exceptions.AuthenticationFailed(error.message) from error
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "alwaysevents.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from Account > API tokens: ae_<prefix>_<secret>.",
        }
