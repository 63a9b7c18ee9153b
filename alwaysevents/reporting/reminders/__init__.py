"""The reminder registry: rules that say who should be reminded of what today.

A rule is a function `(context: RuleContext) -> Iterable[Reminder]`, registered with
`@reminder_rule(kind)`. Rules read the domain apps only through their selectors and return
plain `Reminder` values (ids and text, JSON-safe, so they can travel in a task). The daily
task (`tasks.reminders_organisation_task`) runs every registered rule for one organisation on
that organisation's "today" and hands each reminder to `services.delivery.notification_send`,
whose ledger makes a reminder with the same (recipient, kind, period) go only once.

Some people are reminded of programme work, not of an organisation's: accreditation reviewers
are not members of the organisations whose submissions they review. Rules registered with
`@programme_reminder_rule(kind)` take a `ProgrammeContext` (today in
`REMINDERS_DEFAULT_TIMEZONE`) and return reminders with `organisation_id=None`; the daily task
runs them once, in `tasks.reminders_programme_task`, for active users only.

To add another app's reminders: add the kinds to `models.NotificationKind` (with a migration),
write a module here with its rules reading that app's selectors, and import it in
`RULE_MODULES` below.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent, Membership, Organisation

RULE_MODULES = (
    "alwaysevents.reporting.reminders.measurement",
    "alwaysevents.reporting.reminders.programmes",
    "alwaysevents.reporting.reminders.coproduction",
    "alwaysevents.reporting.reminders.accreditation",
)


@dataclass(frozen=True)
class Reminder:
    """One reminder for one person. `period` makes it unique for the person and kind."""

    kind: str
    recipient_id: int
    organisation_id: int | None
    period: str
    subject: str
    message: str
    url: str = ""

    def as_task_kwargs(self) -> dict[str, Any]:
        return asdict(self)


def organisation_timezone(organisation: Organisation) -> ZoneInfo:
    """The organisation's timezone (its setting; the programme's when it has none)."""
    return ZoneInfo(organisation.timezone or settings.REMINDERS_DEFAULT_TIMEZONE)


def organisation_today(organisation: Organisation, now: dt.datetime | None = None) -> dt.date:
    """Today's date where the organisation is."""
    return (now or timezone.now()).astimezone(organisation_timezone(organisation)).date()


@dataclass
class RuleContext:
    """What every rule gets: the organisation, its today, and cached shared reads."""

    organisation: Organisation
    today: dt.date
    now: dt.datetime = field(default_factory=timezone.now)

    @cached_property
    def active_memberships(self) -> dict[int, Membership]:
        """{user id: membership} of active members who can sign in. One query."""
        from programmes.selectors import membership_list

        return {
            m.user_id: m
            for m in membership_list(organisation=self.organisation)
            if m.is_active and m.user.is_active
        }

    @cached_property
    def organisation_admin_ids(self) -> list[int]:
        from programmes.models import Role

        return sorted(
            user_id
            for user_id, m in self.active_memberships.items()
            if m.role == Role.ORGANISATION_ADMIN
        )

    @cached_property
    def live_events(self) -> list[AlwaysEvent]:
        """Events not closed or paused. One query."""
        from programmes.models import Stage
        from programmes.selectors import event_list

        return [
            event
            for event in event_list(organisation=self.organisation)
            if event.stage not in (Stage.CLOSED, Stage.PAUSED)
        ]

    def can_receive(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.active_memberships

    def path(self, name: str, **kwargs: Any) -> str:
        from django.urls import reverse

        return reverse(name, kwargs={"org_slug": self.organisation.slug, **kwargs})


Rule = Callable[[RuleContext], Iterable[Reminder]]
_RULES: dict[str, list[Rule]] = {}


def reminder_rule(kind: str) -> Callable[[Rule], Rule]:
    """Register a rule producing reminders of `kind` (a `NotificationKind` value)."""
    from alwaysevents.reporting.models import NotificationKind

    if kind not in NotificationKind.values:
        raise ValueError(f"Add {kind!r} to NotificationKind before registering a rule for it.")

    def register(rule: Rule) -> Rule:
        _RULES.setdefault(kind, [])
        if rule not in _RULES[kind]:
            _RULES[kind].append(rule)
        return rule

    return register


def registered_rules() -> dict[str, list[Rule]]:
    for module in RULE_MODULES:
        importlib.import_module(module)
    return {kind: list(rules) for kind, rules in _RULES.items()}


def reminders_due(
    *, organisation: Organisation, today: dt.date | None = None, now: dt.datetime | None = None
) -> list[Reminder]:
    """Every reminder due in the organisation today, for active members only, in a stable order.

    Each rule runs a constant number of queries (a few per organisation).
    """
    context = RuleContext(
        organisation=organisation,
        today=today or organisation_today(organisation, now),
        now=now or timezone.now(),
    )
    found: dict[tuple[int, str, str], Reminder] = {}
    for _kind, rules in registered_rules().items():
        for rule in rules:
            for reminder in rule(context):
                if context.can_receive(reminder.recipient_id):
                    found.setdefault(
                        (reminder.recipient_id, reminder.kind, reminder.period), reminder
                    )
    return [found[key] for key in sorted(found)]


# --- programme-wide reminders (people who are not members, such as reviewers) ----------------


@dataclass
class ProgrammeContext:
    """What every programme-wide rule gets: the programme's today (in the default timezone)."""

    today: dt.date
    now: dt.datetime = field(default_factory=timezone.now)

    def path(self, name: str, **kwargs: Any) -> str:
        from django.urls import reverse

        return reverse(name, kwargs=kwargs or None)


ProgrammeRule = Callable[[ProgrammeContext], Iterable[Reminder]]
_PROGRAMME_RULES: dict[str, list[ProgrammeRule]] = {}


def programme_reminder_rule(kind: str) -> Callable[[ProgrammeRule], ProgrammeRule]:
    """Register a programme-wide rule producing reminders of `kind` (organisation None)."""
    from alwaysevents.reporting.models import NotificationKind

    if kind not in NotificationKind.values:
        raise ValueError(f"Add {kind!r} to NotificationKind before registering a rule for it.")

    def register(rule: ProgrammeRule) -> ProgrammeRule:
        _PROGRAMME_RULES.setdefault(kind, [])
        if rule not in _PROGRAMME_RULES[kind]:
            _PROGRAMME_RULES[kind].append(rule)
        return rule

    return register


def registered_programme_rules() -> dict[str, list[ProgrammeRule]]:
    for module in RULE_MODULES:
        importlib.import_module(module)
    return {kind: list(rules) for kind, rules in _PROGRAMME_RULES.items()}


def programme_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date for programme-wide reminders."""
    return (now or timezone.now()).astimezone(ZoneInfo(settings.REMINDERS_DEFAULT_TIMEZONE)).date()


def programme_reminders_due(
    *, today: dt.date | None = None, now: dt.datetime | None = None
) -> list[Reminder]:
    """Every programme-wide reminder due today, for active users only, in a stable order."""
    from django.contrib.auth import get_user_model

    context = ProgrammeContext(today=today or programme_today(now), now=now or timezone.now())
    found: dict[tuple[int, str, str], Reminder] = {}
    for _kind, rules in registered_programme_rules().items():
        for rule in rules:
            for reminder in rule(context):
                found.setdefault((reminder.recipient_id, reminder.kind, reminder.period), reminder)
    active = set(
        get_user_model()
        .objects.filter(pk__in={key[0] for key in found}, is_active=True)
        .values_list("pk", flat=True)
    )
    return [found[key] for key in sorted(found) if key[0] in active]
