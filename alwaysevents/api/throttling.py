"""Rate limits per token (or per signed-in person for the browser), set by API_RATE_LIMIT."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from alwaysevents.api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """One bucket per token; the browser session has one per person. 429 with Retry-After."""

    scope = "api_token"

    def get_rate(self) -> str | None:
        return str(settings.API_RATE_LIMIT) or None

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
