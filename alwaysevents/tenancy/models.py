from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.db import models
from django_scopes import ScopedManager

from alwaysevents.tenancy.changes import announce


class OrganisationOwnedQuerySet(models.QuerySet):
    """Announces `update()` (which sends no signal) to `changes.organisation_data_changed`."""

    def update(self, **kwargs: Any) -> int:
        owners = set(self.order_by().values_list("organisation_id", flat=True).distinct())
        rows = super().update(**kwargs)
        if rows:
            announce(self.model, owners)
        return rows


class OrganisationOwnedManager(models.Manager.from_queryset(OrganisationOwnedQuerySet)):  # type: ignore[misc]
    """Announces `bulk_create()`, which sends no signal. Here rather than on the queryset:
    outside a scope django-scopes hands out a queryset of its own. (`bulk_update()` runs
    `update()`, which announces itself.)"""

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        created = super().bulk_create(list(objs), *args, **kwargs)
        announce(self.model, {obj.organisation_id for obj in created})
        return created


class OrganisationOwned(models.Model):
    """Base for every model owned by an organisation.

    The `organisation` key is the row's own (set by services from the parent, never from user
    input) so that scoping is one equality filter and needs no join. The default manager
    raises `ScopeError` unless an organisation scope is active. Every write, bulk ones
    included, is announced to `changes.organisation_data_changed`, unless the model sets
    `announces_changes = False` (rows no page derives anything from; see `changes`).
    """

    announces_changes: ClassVar[bool] = True

    organisation = models.ForeignKey(
        "programmes.Organisation",
        on_delete=models.PROTECT,
        related_name="%(class)s_set",
        related_query_name="%(class)s",
        editable=False,
    )

    objects = ScopedManager(OrganisationOwnedManager, organisation="organisation")

    class Meta:
        abstract = True
