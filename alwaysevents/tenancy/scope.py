"""The only ways code opens (or deliberately leaves) an organisation scope."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError

if TYPE_CHECKING:
    from programmes.models import Organisation

__all__ = ["ScopeError", "across_organisations", "organisation_scope"]


@contextmanager
def organisation_scope(organisation: Organisation) -> Iterator[None]:
    """Run the block with the default managers narrowed to one organisation.

    Refuses `None`: django-scopes would read that as "no filter", which is exactly the leak
    this layer exists to prevent.
    """
    if organisation is None or getattr(organisation, "pk", None) is None:
        raise ScopeError("organisation_scope needs a saved organisation, not None.")
    with scope(organisation=organisation.pk):
        yield


@contextmanager
def across_organisations() -> Iterator[None]:
    """Deliberately read across organisations.

    Only for code that needs it and is reviewed for it: the membership lookup of the
    middleware, a user's own organisation list, programme-wide aggregates, migrations of data.
    """
    with scopes_disabled():
        yield
