"""Sections of the organisation's home page that other apps draw ("Your work").

The home page belongs to this app, but what is due from a person lives in the apps above it
(measurement knows which figures are due). Those apps register a `HomeSection` in their
`AppConfig.ready()` (design: a lower app offers a small registry). A section says what it shows
to one person, and may take a form posted from the home page with `action=<its name>`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.forms import BaseForm
    from django.http import HttpRequest, QueryDict

    from programmes.models import Membership, Organisation


@dataclass(frozen=True)
class Home:
    """Who is looking at the home page, where and when."""

    request: HttpRequest
    organisation: Organisation
    membership: Membership
    today: dt.date


@dataclass(frozen=True)
class Refused:
    """A post a section refused: the bound form with its errors (for the page's error summary)
    and the section's context that shows it, to draw the home page again."""

    form: BaseForm
    context: dict[str, Any]


#: A section's answer to a post: the address to go to (saved), or what it refused.
Posted = str | Refused


@dataclass(frozen=True)
class HomeSection:
    template: str
    #: The section's context for this person, or None when it has nothing for them.
    context: Callable[[Home], dict[str, Any] | None]
    post: Callable[[Home, QueryDict], Posted] | None = None
    order: int = 100


SECTIONS: dict[str, HomeSection] = {}


def register(name: str, section: HomeSection) -> None:
    SECTIONS[name] = section


def ordered() -> list[tuple[str, HomeSection]]:
    return sorted(SECTIONS.items(), key=lambda item: (item[1].order, item[0]))
