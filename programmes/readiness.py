"""The readiness registry: what should be true before an Always Event enters a stage.

This app registers its own checks (`programmes.checks`); other apps add theirs from their
`AppConfig.ready()` (measurement: "at least one outcome, process and balancing measure"), so this
app imports none of them. A check is a function of the event that answers met or not, with the
facts behind it. Checks run inside the event's organisation scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from programmes.registries import restored

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent, Membership

CheckFunction = Callable[["AlwaysEvent"], "bool | tuple[bool, str]"]


@dataclass(frozen=True)
class ReadinessCheck:
    key: str
    stage: str
    label: str
    func: CheckFunction
    app: str


@dataclass(frozen=True)
class Action:
    """Where to go to meet a check: a URL name taking the organisation's slug and the event's
    pk, what the link says ("Write the vision statement"), and who may do it there (the
    permission of that page, from `programmes.permissions`)."""

    url_name: str
    text: str
    permission: Callable[[Membership, AlwaysEvent], bool]


@dataclass(frozen=True)
class CheckResult:
    key: str
    label: str
    met: bool
    detail: str = ""
    app: str = ""
    action: Action | None = None


_registry: dict[str, ReadinessCheck] = {}
_actions: dict[str, Action] = {}


def register_action(
    key: str,
    url_name: str,
    text: str,
    permission: Callable[[Membership, AlwaysEvent], bool] | None = None,
) -> None:
    """Name where to go to meet the check `key` (or every check whose key starts `key.`), and
    who may do it there (default: whoever may edit the event's content)."""
    from programmes.permissions import can_edit_event

    _actions[key] = Action(url_name, text, permission or can_edit_event)


def action_for(key: str) -> Action | None:
    while key:
        if key in _actions:
            return _actions[key]
        key = key.rpartition(".")[0]
    return None


def register(
    *, stage: str, key: str, label: str, app: str = "programmes"
) -> Callable[[CheckFunction], CheckFunction]:
    """Register `func(event)` as a check to pass before entering `stage`.

    `key` is unique across apps (prefix it with the app's name); registering the same key again
    replaces the check, so `ready()` running twice is harmless.
    """

    def decorator(func: CheckFunction) -> CheckFunction:
        _registry[key] = ReadinessCheck(key=key, stage=stage, label=label, func=func, app=app)
        return func

    return decorator


def unregister(key: str) -> None:
    _registry.pop(key, None)


def checks_for(stage: str) -> list[ReadinessCheck]:
    return [check for check in _registry.values() if check.stage == stage]


def evaluate(event: AlwaysEvent, stage: str) -> list[CheckResult]:
    """Every check registered for entering `stage`, evaluated on the event's recorded data."""
    results = []
    for check in checks_for(stage):
        answer = check.func(event)
        met, detail = answer if isinstance(answer, tuple) else (answer, "")
        results.append(
            CheckResult(check.key, check.label, bool(met), detail, check.app, action_for(check.key))
        )
    return results


@contextmanager
def registered(
    *, stage: str, key: str, label: str, func: CheckFunction, app: str = "tests"
) -> Iterator[None]:
    """Register a check for the length of a block (tests)."""
    with restored(_registry, key):
        register(stage=stage, key=key, label=label, app=app)(func)
        yield
