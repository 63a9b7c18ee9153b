"""Sign-ins end after SESSION_IDLE_TIMEOUT_MINUTES without activity (staff share ward
computers), as well as SESSION_COOKIE_AGE seconds after signing in, whatever the activity.

The times of the sign-in and of the last request are kept in the session, the last written at
most once a minute (`RESOLUTION`) so that pages do not write the session on every request; an
idle sign-in therefore ends between the timeout and a minute after it, never before. Django
alone would not hold the absolute age: each save of the session moves its expiry on. The person
lands on the sign-in page with a message saying why, and signing in takes them back to the page
they asked for. API requests with a token have no session and are not affected; the browser's
own API requests count as activity, and once signed out they answer 401.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

LAST_ACTIVITY = "last_activity"  # seconds since the epoch, in the session
SIGNED_IN_AT = "signed_in_at"  # likewise
RESOLUTION = 60  # seconds: the last activity is written at most this often
API_PREFIX = "/api/"


def idle_limit_seconds() -> int:
    """The idle timeout in seconds; 0 means sign-ins end only by their absolute age."""
    return max(0, int(settings.SESSION_IDLE_TIMEOUT_MINUTES)) * 60


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        amount, unit = seconds // 3600, "hour"
    else:
        amount, unit = max(1, seconds // 60), "minute"
    return f"{amount} {unit}" if amount == 1 else f"{amount} {unit}s"


def idle_message() -> str:
    return (
        f"You were signed out after {_duration(idle_limit_seconds())} without activity. "
        "Sign in to carry on."
    )


def age_message() -> str:
    return (
        f"You were signed out: a sign-in lasts {_duration(int(settings.SESSION_COOKIE_AGE))}. "
        "Sign in to carry on."
    )


@receiver(user_logged_in, dispatch_uid="session_timeout_note_sign_in")
def note_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A sign-in is activity: written with the sign-in's own session save."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = request.session[LAST_ACTIVITY] = now


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware: ends an idle or an old sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = int(time.time())
        signed_in, last = session.get(SIGNED_IN_AT), session.get(LAST_ACTIVITY)
        if not isinstance(signed_in, int):  # signed in before this was kept: from now
            session[SIGNED_IN_AT] = signed_in = now
        if now - signed_in >= int(settings.SESSION_COOKIE_AGE):
            return self.sign_out(request, age_message())
        limit = idle_limit_seconds()
        if limit and isinstance(last, int) and now - last >= limit + RESOLUTION:
            return self.sign_out(request, idle_message())
        if not isinstance(last, int) or now - last >= RESOLUTION:
            session[LAST_ACTIVITY] = now
        return self.get_response(request)

    def sign_out(self, request: HttpRequest, message: str) -> HttpResponse:
        logout(request)  # a fresh, empty session
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)  # signed out now: the API answers 401 itself
        messages.info(request, message)
        wanted = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
        return redirect_to_login(wanted)
