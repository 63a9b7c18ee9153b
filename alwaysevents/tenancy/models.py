from __future__ import annotations

from django.db import models
from django_scopes import ScopedManager


class OrganisationOwned(models.Model):
    """Base for every model owned by an organisation.

    The `organisation` key is the row's own (set by services from the parent, never from user
    input) so that scoping is one equality filter and needs no join. The default manager
    raises `ScopeError` unless an organisation scope is active.
    """

    organisation = models.ForeignKey(
        "programmes.Organisation",
        on_delete=models.PROTECT,
        related_name="%(class)s_set",
        related_query_name="%(class)s",
        editable=False,
    )

    objects = ScopedManager(organisation="organisation")

    class Meta:
        abstract = True
