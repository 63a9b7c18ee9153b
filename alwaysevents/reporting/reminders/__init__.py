"""The reminder registry: rules that say who should be reminded of what today.

A rule is a function `(context: RuleContext) -> Iterable[Reminder]`, registered with
`@reminder_rule(kind)`. Rules read the domain apps only through their selectors and return
plain `Reminder` values (ids and text, JSON-safe, so they can travel in a task). The daily
task (`tasks.reminders_organisation_task`) runs every registered rule for one organisation on
that organisation's "today" and hands each reminder to `services.delivery.notification_send`,
whose ledger makes a reminder with the same (recipient, kind, period) go only once.

To add another app's reminders (accreditation review deadlines and information requests, when
that app lands): add the kinds to `models.NotificationKind` (with a migration), write a module
here with its rules reading that app's selectors, and import it in `RULE_MODULES` below.
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
)


@dataclass(frozen=True)
class Reminder:
    """One reminder for one person. `period` makes it unique for the person and kind."""

    kind: str
    recipient_id: int
    organisation_id: int
    period: str
    subject: str
    message: str
    url: str = ""

    def as_task_kwargs(self) -> dict[str, Any]:
        return asdict(self)


def organisation_timezone(organisation: Organisation) -> ZoneInfo:
    """The organisation's timezone (a `timezone` attribute if it ever has one)."""
    name = getattr(organisation, "timezone", "") or settings.REMINDERS_DEFAULT_TIMEZONE
    return ZoneInfo(name)


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
