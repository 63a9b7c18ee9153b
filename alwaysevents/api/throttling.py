"""Rate limits per token (or per signed-in person for the browser), set by API_RATE_LIMIT, and
of failed token sign-ins per client address, set by API_FAILED_AUTH_RATE."""

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


class FailedTokenThrottle(SimpleRateThrottle):
    """Failed token sign-ins per client address, at most API_FAILED_AUTH_RATE (e.g. 30/min).

    Not one of the view's throttles: `TokenAuthentication` asks `seconds_to_wait()` before it
    checks a token and calls `record_failure()` when the check fails. Counted in fixed windows
    in the cache (`incr` is atomic in Redis, so the count holds across workers). Once an address is
    over the limit, every token it sends, good or bad, answers 429 until the window ends:
    otherwise a guess that came back 200 would still tell. Requests without a token (the
    browser's session) are never counted or refused here. The address is `get_ident`:
    REMOTE_ADDR, or the client's in X-Forwarded-For behind API_TRUSTED_PROXIES proxies.
    """

    scope = "api_failed_token"

    def __init__(self) -> None:
        super().__init__()
        self.limit, self.window = self.parse_rate(self.rate)

    def get_rate(self) -> str | None:
        return str(settings.API_FAILED_AUTH_RATE) or None

    def _key(self, request: Request, now: float, window: int) -> str:
        return f"throttle_{self.scope}_{self.get_ident(request)}_{int(now // window)}"

    def seconds_to_wait(self, request: Request) -> float | None:
        """Seconds until this address may try a token again, or None when it may try now."""
        if not self.limit or not self.window:
            return None
        now = self.timer()
        if self.cache.get(self._key(request, now, self.window), 0) < self.limit:
            return None
        return self.window - (now % self.window)

    def record_failure(self, request: Request) -> None:
        if not self.limit or not self.window:
            return
        key = self._key(request, self.timer(), self.window)
        if not self.cache.add(key, 1, timeout=self.window + 1):
            try:
                self.cache.incr(key)
            except ValueError:  # expired between add and incr
                self.cache.add(key, 1, timeout=self.window + 1)
