"""What the pages that keep parts of themselves in the cache share: the release they were drawn
by, how a key is made from what a part is drawn from, and the CSRF token put into a kept form.

Used by the dashboard (`reporting.views.dashboard_body`), the measures' analyses
(`reporting.analyses`), the event page (`programmes.views.events`) and a measure's data table
(`measurement.views.measures`). A part is found again only under a key naming everything it
is drawn from, so nothing is ever invalidated: an old entry expires unread.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token

#: The packages whose code draws the kept parts (their selectors and filters feed them).
CODE_PACKAGES = ("alwaysevents", "programmes", "measurement", "coproduction", "accreditation")
#: What pins the libraries (Django's and the form pack's templates and filters among them).
LOCK_FILES = ("requirements.lock", "requirements-production.lock")
#: Stands for the CSRF token in a kept form; `with_csrf_token` puts each response's own in.
TOKEN_PLACEHOLDER = "ae-csrf-token-placeholder"  # noqa: S105 - not a secret


@functools.cache
def release_fingerprint() -> str:
    """What a kept part is drawn by besides the data: our templates, the Python source of our
    packages (migrations included: a data migration comes with a release) and the pinned
    libraries. A release that changes any of them draws everything afresh. Read once per
    process."""
    digest = hashlib.sha256()
    base = settings.BASE_DIR
    paths = [*sorted((base / "templates").rglob("*.html"))]
    for package in CODE_PACKAGES:
        paths.extend(sorted((base / package).rglob("*.py")))
    paths.extend(base / name for name in LOCK_FILES if (base / name).exists())
    for path in paths:
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(prefix: str, *parts: Any) -> str:
    """The key of a part drawn from `parts` (anything with a faithful `repr`)."""
    return f"{prefix}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def with_csrf_token(html: str, request: HttpRequest) -> str:
    """A kept part's forms with this request's CSRF token in place of `TOKEN_PLACEHOLDER`."""
    return html.replace(TOKEN_PLACEHOLDER, get_token(request))
