"""The sponsor dashboard's body, rendered once per state of the organisation's data.

Everything below the dashboard's heading is the same for everyone who may see it: the filters,
the summary, the table and the event cards. It is rendered once and cached under a key naming
what it is drawn from: the release (templates and code), the organisation, its data version
(read *before* the data, see `reporting.versions`), the date (overdue items and stale scores
move with it; the organisation's own date) and the address asked for (filters and page). Any
write to the organisation's data moves its version on, so a cached body is never served after
what it shows changed; the old one expires unread.

Only what differs between people is added to each response: the challenges asking for the
person viewing as sponsor (rendered per sponsor with the body) and the comment forms (rendered
with the body under a placeholder CSRF token, given this request's token, and put only into the
cards of events the person may comment on).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, QueryDict
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from alwaysevents.reporting.forms import DashboardCommentForm, DashboardFilterForm
from alwaysevents.reporting.reminders import organisation_today
from alwaysevents.reporting.selectors.dashboard import sponsor_dashboard
from alwaysevents.reporting.versions import data_version
from programmes import permissions, selectors
from programmes.models import AlwaysEvent, Membership, Organisation

#: Event cards per page; the summary table above them lists every event.
CARDS_PER_PAGE = 20
#: A body is found again only under its data version: this bounds how long an old one is kept.
CACHE_SECONDS = 6 * 60 * 60
TEMPLATES = (
    "reporting/dashboard_body.html",
    "reporting/dashboard_status.html",
    "reporting/dashboard_event_card.html",
    "reporting/dashboard_accreditation.html",
    "reporting/dashboard_icon.html",
    "reporting/dashboard_pages.html",
    "programmes/_stage_tag.html",
    "reporting/dashboard_needing_you.html",
    "reporting/dashboard_comment_form.html",
    "measurement/_mdc_icon.html",
    "measurement/_mdc_key.html",
    # The form template pack draws the filters and the comment forms.
    "nhsuk/field.html",
    "nhsuk/_hint_and_error.html",
)
COMMENT_MARK = re.compile(r"<!--ae:comment:(\d+)-->")
#: Stands for the CSRF token in the cached comment forms; replaced in each response.
TOKEN_PLACEHOLDER = "ae-csrf-token-placeholder"  # noqa: S105 - not a secret


@dataclass(frozen=True)
class DashboardBody:
    html: str
    #: The top of the page: each event's status and icons (before the personal parts).
    status_html: str
    #: The events whose cards are on this page, by id (for the comment permission).
    cards: Mapping[int, AlwaysEvent]
    #: The comment form of each card, with `TOKEN_PLACEHOLDER` for the CSRF token.
    comment_forms: Mapping[int, str]
    #: The "Needs your attention" section of each executive sponsor, by user id.
    needing: Mapping[int, str]


#: The apps whose code the body is drawn from (their selectors feed it).
CODE_PACKAGES = ("alwaysevents", "programmes", "measurement", "coproduction", "accreditation")


@functools.cache
def release_fingerprint() -> str:
    """What the body is drawn from besides the data: its templates and the Python source of
    the apps that feed it, migrations included. A release that changes any of them draws
    every body afresh, and a data migration comes with a release. Read once per process."""
    digest = hashlib.sha256()
    for name in TEMPLATES:
        digest.update(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    for package in CODE_PACKAGES:
        for path in sorted((settings.BASE_DIR / package).rglob("*.py")):
            digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _filters(organisation: Organisation, query: QueryDict) -> tuple[Any, dict[str, Any]]:
    form = DashboardFilterForm(
        query or None, services=selectors.event_services(organisation=organisation)
    )
    filters: dict[str, Any] = {}
    if form.is_valid():
        cohort = form.cleaned_data.get("cohort")
        filters = {
            "stage": form.cleaned_data.get("stage") or None,
            "service": form.cleaned_data.get("service") or None,
            "cohort_id": cohort.pk if cohort else None,
        }
    return form, filters


def _page_number(value: str | None) -> int:
    try:
        return int(value or 1)
    except ValueError:
        return 1


def _render(
    organisation: Organisation, query: QueryDict, here: str, today: dt.date
) -> DashboardBody:
    form, filters = _filters(organisation, query)
    dashboard = sponsor_dashboard(
        organisation=organisation,
        with_accreditation=True,
        page=_page_number(query.get("page")),
        per_page=CARDS_PER_PAGE,
        today=today,
        **filters,
    )
    others = query.copy()
    others.pop("page", None)
    status_html = render_to_string(
        "reporting/dashboard_status.html",
        {"organisation": organisation, "dashboard": dashboard, "filtered": any(filters.values())},
    )
    html = render_to_string(
        "reporting/dashboard_body.html",
        {
            "organisation": organisation,
            "dashboard": dashboard,
            "filter_form": form,
            "filtered": any(filters.values()),
            # The filters, kept in the links between pages.
            "page_query": others.urlencode(),
        },
    )
    forms = {
        row.event.pk: render_to_string(
            "reporting/dashboard_comment_form.html",
            {
                "organisation": organisation,
                "event": row.event,
                "form": DashboardCommentForm(event=row.event),
                "here": here,
                "csrf_token": TOKEN_PLACEHOLDER,
            },
        )
        for row in dashboard.cards
    }
    needing = {
        sponsor: render_to_string(
            "reporting/dashboard_needing_you.html",
            {"organisation": organisation, "needing_you": challenges},
        )
        for sponsor, challenges in dashboard.needing_sponsor.items()
    }
    return DashboardBody(
        html=html,
        status_html=status_html,
        cards={row.event.pk: row.event for row in dashboard.cards},
        comment_forms=forms,
        needing=needing,
    )


def dashboard_body(
    *, organisation: Organisation, request: HttpRequest, today: dt.date | None = None
) -> DashboardBody:
    """The cached body for this address, rendered when this state of the data has none."""
    today = today or organisation_today(organisation)
    here = request.get_full_path()
    # The version first: whatever is read after it is at least as new as it names.
    parts = (release_fingerprint(), organisation.pk, data_version(organisation.pk), today, here)
    key = "reporting:dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        body = _render(organisation, request.GET, here, today)
        cache.set(key, body, CACHE_SECONDS)
    return body


def personal_parts(
    body: DashboardBody, *, request: HttpRequest, membership: Membership
) -> tuple[SafeString, SafeString]:
    """The body with the comment forms this person may use, and their own section."""
    token = get_token(request)

    def comment_form(match: re.Match[str]) -> str:
        pk = int(match.group(1))
        event = body.cards.get(pk)
        if event is None or not permissions.can_comment(membership, event):
            return ""
        return body.comment_forms[pk].replace(TOKEN_PLACEHOLDER, token)

    html = COMMENT_MARK.sub(comment_form, body.html)
    # Both were rendered by the template engine, which escaped what needed escaping.
    return mark_safe(html), mark_safe(body.needing.get(membership.user_id, ""))  # noqa: S308
