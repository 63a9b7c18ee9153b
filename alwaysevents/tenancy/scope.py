"""The only ways code opens (or deliberately leaves) an organisation scope, and reads one
organisation's rows explicitly (`owned_by`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from programmes.models import Organisation

__all__ = ["ScopeError", "across_organisations", "organisation_scope", "owned_by"]


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


def owned_by(model: Any, organisation: Organisation | int) -> QuerySet[Any]:
    """The rows of an `OrganisationOwned` model that belong to one organisation (a model
    instance or its id), whatever scope is active: how selectors that are handed the
    organisation read its rows."""
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return model.objects.with_scope(organisation=pk).filter(organisation_id=pk)
