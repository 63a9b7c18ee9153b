"""Which organisations' data changed: one signal for every write to an organisation's rows.

Caches of pages derived from an organisation's data (the sponsor dashboard) key on a version
that must move with every write. Django's `post_save` and `post_delete` cover writes one row
at a time; `QuerySet.update()`, `bulk_create()` and `bulk_update()` send no signal, so the
`OrganisationOwned` manager and queryset (see `models`) announce those themselves. Everything
arrives as `organisation_data_changed(sender=model, organisation_ids=frozenset)`, sent inside
the writer's transaction, so a receiver that writes to the database commits or rolls back with
the change.

`connect()` (called once from an app's `ready`) wires the per-row signals of every concrete
`OrganisationOwned` model and of their many-to-many tables.

A model whose rows no page derives anything from (a log of who looked at what) says so with
`announces_changes = False`: its writes are not announced, so they move no data version, and
with no signal wired its deletes are one DELETE.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

#: Sent with `sender` (the model class), `organisation_ids` (a frozenset of ints) and `rows`
#: (the row written when one row was, else empty: bulk writes name no rows).
organisation_data_changed = Signal()


def announce(
    model: type, organisation_ids: Iterable[int | None], rows: tuple[Any, ...] = ()
) -> None:
    """Tell the receivers that rows of `model` of these organisations changed."""
    if not getattr(model, "announces_changes", True):
        return
    ids = frozenset(pk for pk in organisation_ids if pk is not None)
    if ids:
        organisation_data_changed.send(sender=model, organisation_ids=ids, rows=rows)


def _row_written(sender: type, instance: Any, **kwargs: Any) -> None:
    announce(sender, [instance.organisation_id], rows=(instance,))


def _links_changed(
    sender: type, instance: Any, action: str, model: type, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if not action.startswith("post_"):
        return
    from alwaysevents.tenancy.models import OrganisationOwned

    if isinstance(instance, OrganisationOwned):
        announce(type(instance), [instance.organisation_id])
    elif issubclass(model, OrganisationOwned) and pk_set:
        # Changed from the other side (e.g. a person's activities): the linked rows' owners.
        owners = model._default_manager.with_scopes_disabled().filter(pk__in=pk_set)  # type: ignore[attr-defined]
        announce(model, owners.values_list("organisation_id", flat=True).distinct())


def connect() -> None:
    """Wire `post_save`, `post_delete` and `m2m_changed` of every `OrganisationOwned` model."""
    from alwaysevents.tenancy.models import OrganisationOwned

    for model in apps.get_models():
        if not issubclass(model, OrganisationOwned) or not model.announces_changes:
            continue
        uid = f"tenancy-changes-{model._meta.label_lower}"
        post_save.connect(_row_written, sender=model, dispatch_uid=uid)
        post_delete.connect(_row_written, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"{uid}-{field.name}")
