"""The sponsor dashboard's body, rendered once per state of the organisation's data, from parts
cached per event.

Everything below the dashboard's heading is the same for everyone who may see it: the filters,
the summary, the table and the event cards. It is rendered once and cached under a key naming
what it is drawn from: the release (templates and code), the organisation, its data version
(read *before* the data, see `reporting.versions`), the date (overdue items and stale scores
move with it; the organisation's own date) and the address asked for (filters and page). Any
write to the organisation's data moves its version on, so a cached body is never served after
what it shows changed; the old one expires unread.

Below that, each event's part (its row of the tables, its card and its comment form) is cached
under the version of that event's own data and the version of what is shared by all events
(`reporting.versions.event_versions`): a value posted to one event redraws that event's part
only, and the body is put together again from the parts (a few queries for the one event, and
the two tables drawn from the rows). Drawing a part reads the event's facts that no measurement
row feeds (`EventFacts`: score, time, value, challenges, co-production, accreditation) from the
cache too, kept under the version of the event's rows of every app but the measurement app: a
value posted reads only the measurement app's selectors again. A change that belongs to no one
event (the organisation, a person's name, a cohort, a bulk write) redraws every part.

Only what differs between people is added to each response: the challenges asking for the
person viewing as sponsor (rendered per sponsor with the body) and the comment forms (rendered
with the body under a placeholder CSRF token, given this request's token, and put only into the
cards of events the person may comment on).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from alwaysevents.page_cache import (
    TOKEN_PLACEHOLDER,
    cache_key,
    release_fingerprint,
    with_csrf_token,
)
from alwaysevents.reporting.analyses import MEASUREMENT_APP
from alwaysevents.reporting.forms import DashboardCommentForm, DashboardFilterForm
from alwaysevents.reporting.reminders import organisation_today
from alwaysevents.reporting.selectors.dashboard import (
    EventFacts,
    EventRow,
    dashboard_events,
    dashboard_rows,
    event_facts,
)
from alwaysevents.reporting.versions import EventVersions, event_versions
from programmes import permissions, selectors
from programmes.models import AlwaysEvent, Challenge, Membership, Organisation, Stage

#: Event cards per page; the summary table above them lists every event.
CARDS_PER_PAGE = 20
#: A body is found again only under its data version: this bounds how long an old one is kept.
CACHE_SECONDS = 6 * 60 * 60
COMMENT_MARK = re.compile(r"<!--ae:comment:(\d+)-->")


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


def _filters(
    organisation: Organisation, query: QueryDict, versions: EventVersions | None = None
) -> tuple[Any, dict[str, Any], SafeString]:
    """The filters asked for, and the form's fields rendered. The fields depend only on the
    query, the services of the organisation's events and the cohorts (a change to a cohort
    moves every organisation's shared version): rendered once for each and cached."""
    services = selectors.event_services(organisation=organisation)
    form = DashboardFilterForm(query or None, services=services)
    filters: dict[str, Any] = {}
    if form.is_valid():
        cohort = form.cleaned_data.get("cohort")
        filters = {
            "stage": form.cleaned_data.get("stage") or None,
            "service": form.cleaned_data.get("service") or None,
            "cohort_id": cohort.pk if cohort else None,
        }
    key = None
    if versions is not None:
        parts = (
            release_fingerprint(),
            organisation.pk,
            versions.shared,
            tuple(services),
            sorted(query.lists()),
        )
        key = cache_key("reporting:dashboard-filters", *parts)
        html = cache.get(key)
        if html is not None:
            return form, filters, mark_safe(html)  # noqa: S308 - rendered by the template engine
    html = render_to_string("reporting/dashboard_filter_fields.html", {"filter_form": form})
    if key is not None:
        cache.set(key, str(html), CACHE_SECONDS)
    return form, filters, mark_safe(html)  # noqa: S308 - rendered by the template engine


def _page_number(value: str | None) -> int:
    try:
        return int(value or 1)
    except ValueError:
        return 1


#: Stands for the address asked for in the cached comment forms; replaced in each body.
HERE_PLACEHOLDER = "ae-here-placeholder"
#: Stands for the link from an event's row of the summary to the page of its card.
LINK_PLACEHOLDER = "ae-link-placeholder"


@dataclass(frozen=True)
class Ask:
    """An open challenge asking for the event's executive sponsor, as "Needs your attention"
    shows it (plain values: cheap to keep and to read back)."""

    event_id: int
    event_title: str
    text: str
    area: str
    noted_on: dt.date


@dataclass(frozen=True)
class EventPart:
    """What one event contributes to the body, drawn from its own data alone and cached under
    its version (`reporting.versions.event_versions`): its rows of the two tables (the
    summary's with a placeholder for the link to its card's page), its card, its comment form
    (with placeholders for the address and the CSRF token), the figures the summary adds up,
    its accreditation status and its challenges asking for the sponsor. Text and numbers
    only, so that reading fifty of them back costs little."""

    status_row: str
    summary_row: str
    card_html: str
    comment_form: str
    overdue: int
    staff_hours: Decimal
    money_saved: Decimal
    hours_saved: Decimal
    over_reliance: bool
    accreditation: Any
    asks: tuple[Ask, ...]


@dataclass
class PageRow:
    """An event on this page of the dashboard: the event as read now, the page of its card
    and its cached part."""

    event: AlwaysEvent
    page: int
    part: EventPart

    @property
    def accreditation(self) -> Any:
        return self.part.accreditation


@dataclass
class DashboardPage:
    """What the body's templates read: the rows (every event matching the filters), the cards
    of this page and the summary's totals, from the events' parts."""

    rows: list[PageRow]
    cards: list[PageRow]
    by_stage: list[tuple[str, int]]
    needing_sponsor: dict[int, list[Ask]]
    page: int
    pages: int
    show_accreditation: bool = True

    @property
    def page_numbers(self) -> range:
        return range(1, self.pages + 1)

    @property
    def overdue_count(self) -> int:
        return sum(row.part.overdue for row in self.rows)

    @property
    def money_saved(self) -> Decimal:
        return sum((row.part.money_saved for row in self.rows), Decimal("0"))

    @property
    def hours_saved(self) -> Decimal:
        return sum((row.part.hours_saved for row in self.rows), Decimal("0"))

    @property
    def staff_hours(self) -> Decimal:
        return sum((row.part.staff_hours for row in self.rows), Decimal("0"))

    @property
    def over_reliance_count(self) -> int:
        return sum(1 for row in self.rows if row.part.over_reliance)


def _event_key(organisation: Organisation, versions: EventVersions, pk: int, today: dt.date) -> str:
    parts = (release_fingerprint(), organisation.pk, pk, versions.of(pk), today)
    return cache_key("reporting:dashboard-event", *parts)


def _draw_part(
    organisation: Organisation, event: AlwaysEvent, row: EventRow, challenges: list[Challenge]
) -> EventPart:
    return EventPart(
        status_row=render_to_string(
            "reporting/dashboard_status_row.html", {"organisation": organisation, "row": row}
        ),
        summary_row=render_to_string(
            "reporting/dashboard_summary_row.html",
            {
                "organisation": organisation,
                "row": row,
                "show_accreditation": True,
                "link": LINK_PLACEHOLDER,
            },
        ),
        card_html=render_to_string(
            "reporting/dashboard_event_card.html",
            {"organisation": organisation, "row": row, "show_accreditation": True},
        ),
        comment_form=render_to_string(
            "reporting/dashboard_comment_form.html",
            {
                "organisation": organisation,
                "event": event,
                "form": DashboardCommentForm(event=event),
                "here": HERE_PLACEHOLDER,
                "csrf_token": TOKEN_PLACEHOLDER,
            },
        ),
        overdue=len(row.overdue),
        staff_hours=row.time.total,
        money_saved=row.value.money_saved,
        hours_saved=row.value.hours_saved,
        over_reliance=bool(row.time.over_reliance),
        accreditation=row.accreditation,
        asks=tuple(
            Ask(
                event_id=event.pk,
                event_title=event.title,
                text=challenge.text,
                area=challenge.get_area_display(),
                noted_on=challenge.noted_on,
            )
            for challenge in challenges
        ),
    )


def _facts_key(organisation: Organisation, versions: EventVersions, pk: int, today: dt.date) -> str:
    parts = (
        release_fingerprint(),
        organisation.pk,
        pk,
        versions.of(pk, without=(MEASUREMENT_APP,)),
        today,
    )
    return cache_key("reporting:dashboard-facts", *parts)


def _event_facts(
    organisation: Organisation, events: list[AlwaysEvent], versions: EventVersions, today: dt.date
) -> dict[int, EventFacts]:
    """The facts no measurement row feeds of these events (`EventFacts`): from the cache when
    the event's other apps' rows have not changed (a value posted leaves them), else read
    (the selectors' queries then cover only those events) and kept."""
    keys = {event.pk: _facts_key(organisation, versions, event.pk, today) for event in events}
    found = cache.get_many(list(keys.values()))
    facts = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [event for event in events if event.pk not in facts]
    if missing:
        read = event_facts(organisation=organisation, events=missing, with_accreditation=True)
        cache.set_many({keys[pk]: known for pk, known in read.items()}, CACHE_SECONDS)
        facts.update(read)
    return facts


def _event_parts(
    organisation: Organisation, events: list[AlwaysEvent], versions: EventVersions, today: dt.date
) -> dict[int, EventPart]:
    """Each event's part: from the cache when its data has not changed, else drawn afresh
    (the domain selectors' queries then cover only the events that changed, and only the
    measurement app's when nothing but its rows changed)."""
    keys = {event.pk: _event_key(organisation, versions, event.pk, today) for event in events}
    found = cache.get_many(list(keys.values())) if keys else {}
    parts = {pk: found[key] for pk, key in keys.items() if key in found}
    missing_ids = [event.pk for event in events if event.pk not in parts]
    if missing_ids:
        # Read in full (people and cohort) for drawing: `events` holds only what the body
        # needs to put the parts together.
        missing = dashboard_events(organisation=organisation, ids=missing_ids)
        rows, challenges = dashboard_rows(
            organisation=organisation,
            events=missing,
            today=today,
            versions=versions,
            facts=_event_facts(organisation, missing, versions, today),
        )
        drawn = {
            event.pk: _draw_part(organisation, event, rows[event.pk], challenges[event.pk])
            for event in missing
        }
        cache.set_many({keys[pk]: part for pk, part in drawn.items()}, CACHE_SECONDS)
        parts.update(drawn)
    return parts


def _page(events: list[AlwaysEvent], parts: Mapping[int, EventPart], page: int) -> DashboardPage:
    pages = max(1, -(-len(events) // CARDS_PER_PAGE))
    page = min(max(page, 1), pages)
    rows = [
        PageRow(event=event, page=index // CARDS_PER_PAGE + 1, part=parts[event.pk])
        for index, event in enumerate(events)
    ]
    counts = Counter(event.stage for event in events)
    needing: dict[int, list[Ask]] = {}
    for event in events:
        if event.executive_sponsor_id is not None and parts[event.pk].asks:
            needing.setdefault(event.executive_sponsor_id, []).extend(parts[event.pk].asks)
    return DashboardPage(
        rows=rows,
        cards=[row for row in rows if row.page == page],
        by_stage=[(label, counts[value]) for value, label in Stage.choices if counts[value]],
        needing_sponsor=needing,
        page=page,
        pages=pages,
    )


def _render(
    organisation: Organisation,
    query: QueryDict,
    here: str,
    today: dt.date,
    versions: EventVersions,
) -> DashboardBody:
    form, filters, filter_fields = _filters(organisation, query, versions)
    events = dashboard_events(organisation=organisation, light=True, **filters)
    parts = _event_parts(organisation, events, versions, today)
    dashboard = _page(events, parts, _page_number(query.get("page")))
    others = query.copy()
    others.pop("page", None)
    page_query = others.urlencode()

    def link(row: PageRow) -> str:
        if row.page == dashboard.page:
            return ""
        return (
            str(conditional_escape(f"?{page_query}&" if page_query else "?")) + f"page={row.page}"
        )

    # Each part was rendered by the template engine when it was drawn.
    status_html = render_to_string(
        "reporting/dashboard_status.html",
        {
            "organisation": organisation,
            "dashboard": dashboard,
            "filtered": any(filters.values()),
            "status_rows": [mark_safe(row.part.status_row) for row in dashboard.rows],  # noqa: S308
        },
    )
    html = render_to_string(
        "reporting/dashboard_body.html",
        {
            "organisation": organisation,
            "dashboard": dashboard,
            "summary_rows": [
                mark_safe(row.part.summary_row.replace(LINK_PLACEHOLDER, link(row)))  # noqa: S308
                for row in dashboard.rows
            ],
            "cards": [mark_safe(row.part.card_html) for row in dashboard.cards],  # noqa: S308
            "filter_form": form,
            "filter_fields": filter_fields,
            "filtered": any(filters.values()),
            # The filters, kept in the links between pages.
            "page_query": page_query,
        },
    )
    forms = {
        row.event.pk: row.part.comment_form.replace(HERE_PLACEHOLDER, str(conditional_escape(here)))
        for row in dashboard.cards
    }
    needing = _needing(organisation, dashboard.needing_sponsor)
    return DashboardBody(
        html=html,
        status_html=status_html,
        cards={row.event.pk: row.event for row in dashboard.cards},
        comment_forms=forms,
        needing=needing,
    )


def _needing(organisation: Organisation, asks_of: Mapping[int, list[Ask]]) -> dict[int, str]:
    """Each sponsor's "Needs your attention", cached under what it shows (the asks are plain
    values): only a sponsor whose asks changed has theirs rendered again."""
    keys = {
        sponsor: cache_key(
            "reporting:dashboard-needing", release_fingerprint(), organisation.slug, asks
        )
        for sponsor, asks in asks_of.items()
    }
    found = cache.get_many(list(keys.values())) if keys else {}
    needing = {sponsor: found[key] for sponsor, key in keys.items() if key in found}
    drawn = {
        sponsor: render_to_string(
            "reporting/dashboard_needing_you.html",
            {"organisation": organisation, "needing_you": asks_of[sponsor]},
        )
        for sponsor in keys
        if sponsor not in needing
    }
    if drawn:
        cache.set_many({keys[sponsor]: html for sponsor, html in drawn.items()}, CACHE_SECONDS)
    return {sponsor: needing[sponsor] if sponsor in needing else drawn[sponsor] for sponsor in keys}


def dashboard_body(
    *, organisation: Organisation, request: HttpRequest, today: dt.date | None = None
) -> DashboardBody:
    """The cached body for this address, rendered when this state of the data has none: then
    from each event's cached part, drawing afresh only those of events whose data changed."""
    today = today or organisation_today(organisation)
    here = request.get_full_path()
    # The versions first: whatever is read after them is at least as new as they name.
    versions = event_versions(organisation.pk)
    parts = (release_fingerprint(), organisation.pk, versions.whole, today, here)
    key = cache_key("reporting:dashboard", *parts)
    body = cache.get(key)
    if body is None:
        body = _render(organisation, request.GET, here, today, versions)
        cache.set(key, body, CACHE_SECONDS)
    return body


def personal_parts(
    body: DashboardBody, *, request: HttpRequest, membership: Membership
) -> tuple[SafeString, SafeString]:
    """The body with the comment forms this person may use, and their own section."""

    def comment_form(match: re.Match[str]) -> str:
        pk = int(match.group(1))
        event = body.cards.get(pk)
        if event is None or not permissions.can_comment(membership, event):
            return ""
        return with_csrf_token(body.comment_forms[pk], request)

    html = COMMENT_MARK.sub(comment_form, body.html)
    # Both were rendered by the template engine, which escaped what needed escaping.
    return mark_safe(html), mark_safe(body.needing.get(membership.user_id, ""))  # noqa: S308
