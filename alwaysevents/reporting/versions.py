"""The version of each organisation's data: moved on by every write, read by page caches.

`tenancy.changes` announces every write to an organisation's rows (bulk ones included); the
receivers here add the few things outside those rows that the dashboard shows: the
organisation itself, people's names, cohorts and accreditation criteria. The version moves in
the writer's transaction (a row appended, so writers never wait on one another), so it commits
or rolls back with the change; a reader takes the version *before* reading the data, so
whatever it caches under that version is at least as new.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from alwaysevents.tenancy import changes


def data_version(organisation_id: int) -> str:
    """A short text naming the current state of the organisation's data (one query, over the
    organisation's rows since the last prune).

    Not the latest row alone: ids are handed out when rows are written, not when they are
    committed, so a transaction that took an earlier id can commit after a later one and leave
    the latest unchanged. The count moves with every commit; the latest id and time tell apart
    states a restored database could otherwise repeat."""
    from django.db.models import Count, Max

    from alwaysevents.reporting.models import DataChange

    row = DataChange.objects.filter(organisation_id=organisation_id).aggregate(
        n=Count("id"), last=Max("id"), at=Max("at")
    )
    if not row["n"]:
        return "0"
    return f"{row['n']}.{row['last']}.{row['at'].timestamp():.6f}"


@dataclass(frozen=True)
class EventVersions:
    """The versions an organisation's data is in, for caches drawn per event (one query,
    `event_versions`): `shared` names the state of everything that belongs to no one event
    (the organisation, people's names, cohorts, memberships, bulk writes), which every event's
    cache depends on; `apps` the state of each event's own rows, by the app the rows belong to
    (absent: never changed since the last prune), so that a cache drawn from one app's rows
    alone (a measure's analysis) or from every app's but one (the dashboard's facts that no
    measure feeds) need not move when another app's rows change. `whole` names the state of
    all of it, like `data_version`."""

    shared: str
    apps: dict[int, dict[str, str]] = field(default_factory=dict)

    def of(
        self,
        event_id: int,
        *,
        only: Collection[str] | None = None,
        without: Collection[str] = (),
    ) -> str:
        """The version of this event's data and what is shared: of every app's rows, or
        `only` those apps', or all but those `without`."""
        own = ";".join(
            f"{app}={version}"
            for app, version in sorted(self.apps.get(event_id, {}).items())
            if (only is None or app in only) and app not in without
        )
        return f"{self.shared}/{own or '0'}"

    @property
    def events(self) -> set[int]:
        """The events whose own rows changed since the last prune."""
        return set(self.apps)

    @property
    def whole(self) -> str:
        return self.shared + "".join(f";{pk}:{self.of(pk)}" for pk in sorted(self.apps))


def _version(n: int, last: int | None, at: Any) -> str:
    return f"{n}.{last}.{at.timestamp():.6f}" if n else "0"


def _versions_of(rows: Iterable[dict[str, Any]]) -> EventVersions:
    shared: list[str] = []
    apps: dict[int, dict[str, str]] = {}
    for row in rows:
        version = _version(row["n"], row["last"], row["at"])
        if row["event_id"] is None:
            shared.append(f"{row['app']}={version}" if row["app"] else version)
        else:
            apps.setdefault(row["event_id"], {})[row["app"]] = version
    return EventVersions(shared=";".join(sorted(shared)) or "0", apps=apps)


def _grouped(changes: Any) -> Any:
    from django.db.models import Count, Max

    return (
        changes.order_by()
        .values("event_id", "app")
        .annotate(n=Count("id"), last=Max("id"), at=Max("at"))
    )


def event_versions(organisation_id: int) -> EventVersions:
    """The organisation's versions, shared and per event and app, in one query (read them
    *before* the data, as `data_version`)."""
    from alwaysevents.reporting.models import DataChange

    return _versions_of(_grouped(DataChange.objects.filter(organisation_id=organisation_id)))


def event_version(organisation_id: int, event_id: int) -> str:
    """The version of one event's data and of what is shared (`EventVersions.of`), reading
    only those rows: one query. Read it *before* the data."""
    from django.db.models import Q

    from alwaysevents.reporting.models import DataChange

    changes = DataChange.objects.filter(
        Q(event_id=event_id) | Q(event_id__isnull=True), organisation_id=organisation_id
    )
    return _versions_of(_grouped(changes)).of(event_id)


def release_event_version(organisation_id: int, event_id: int) -> str:
    """`event_version` with the release (`programmes.versions`' reader: what a page keeps
    is drawn by this release's code)."""
    from alwaysevents.page_cache import release_fingerprint

    return f"{release_fingerprint()}/{event_version(organisation_id, event_id)}"


def data_changed(
    organisation_ids: Iterable[int] | None, *, event_id: int | None = None, app: str = ""
) -> None:
    """Move the version of these organisations on (of every organisation with `None`): one
    appended row each, in the caller's transaction. With `event_id`, the change belongs to
    that event alone (see `DataChange.event_id`): caches drawn per event redraw only its;
    `app` names the app whose rows changed (see `EventVersions.of`)."""
    from alwaysevents.reporting.models import DataChange
    from programmes.models import Organisation

    if organisation_ids is None:
        ids = set(Organisation.objects.values_list("pk", flat=True))
    else:
        ids = set(organisation_ids)
    if ids:
        now = timezone.now()
        DataChange.objects.bulk_create(
            [
                DataChange(organisation_id=pk, at=now, event_id=event_id, app=app)
                for pk in sorted(ids)
            ]
        )


def data_changes_prune() -> int:
    """Delete every row but the latest of each organisation's shared changes and of each of
    its events' per app, so that reading a version stays cheap. Versions that changed since the last
    prune move on (a cache miss for them, nothing stale). Returns how many rows went."""
    from django.db.models import OuterRef, Subquery

    from alwaysevents.reporting.models import DataChange

    shared = DataChange.objects.filter(event_id__isnull=True)
    latest_shared = (
        shared.filter(organisation_id=OuterRef("organisation_id")).order_by("-id").values("id")[:1]
    )
    deleted, _ = shared.filter(id__lt=Subquery(latest_shared)).delete()
    per_event = DataChange.objects.filter(event_id__isnull=False)
    latest_event = (
        per_event.filter(
            organisation_id=OuterRef("organisation_id"),
            event_id=OuterRef("event_id"),
            app=OuterRef("app"),
        )
        .order_by("-id")
        .values("id")[:1]
    )
    more, _ = per_event.filter(id__lt=Subquery(latest_event)).delete()
    return deleted + more


@functools.cache
def _event_path(model: Any) -> str | None:
    """How a row of `model` names its Always Event: "pk" (the event itself), "event_id" (its
    own key), "<key>.event_id" (through one key, e.g. a data point's measure), or None."""
    from django.db.models import ForeignKey

    from programmes.models import AlwaysEvent

    if issubclass(model, AlwaysEvent):
        return "pk"
    keys = [f for f in model._meta.concrete_fields if isinstance(f, ForeignKey)]
    for key in keys:
        if key.name == "event" and key.related_model is AlwaysEvent:
            return "event_id"
    for key in keys:
        related = key.related_model
        if any(
            isinstance(f, ForeignKey) and f.name == "event" and f.related_model is AlwaysEvent
            for f in related._meta.concrete_fields
        ):
            return key.name
    return None


def event_of(row: Any) -> int | None:
    """The Always Event a written row belongs to, or None (then the change is shared)."""
    path = _event_path(row.__class__)
    if path is None:
        return None
    if path in ("pk", "event_id"):
        return getattr(row, path)
    key = type(row)._meta.get_field(path)
    if key.is_cached(row):
        parent = getattr(row, path)
        return parent.event_id if parent is not None else None
    value = getattr(row, key.attname)
    if value is None:
        return None
    return (
        key.related_model._base_manager.filter(pk=value).values_list("event_id", flat=True).first()
    )


def _organisation_rows(
    sender: type, organisation_ids: frozenset[int], rows: tuple[Any, ...] = (), **kwargs: Any
) -> None:
    # One row written that belongs to one event: only that event's version moves.
    event_id = event_of(rows[0]) if len(rows) == 1 else None
    app = sender._meta.app_label if event_id is not None else ""  # type: ignore[attr-defined]
    data_changed(organisation_ids, event_id=event_id, app=app)


def _organisation_saved(sender: type, instance: Any, **kwargs: Any) -> None:
    data_changed([instance.pk])


def _person_saved(sender: type, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # signing in changes nothing any page shows
    from programmes.models import Membership

    memberships = Membership.objects.with_scopes_disabled().filter(user_id=instance.pk)
    data_changed(memberships.values_list("organisation_id", flat=True).distinct())


def _programme_wide(sender: type, **kwargs: Any) -> None:
    data_changed(None)


def connect() -> None:
    """Wire the receivers (from `ReportingConfig.ready`)."""
    from django.contrib.auth import get_user_model

    from accreditation.models import CriteriaVersion
    from accreditation.models import Criterion as AccreditationCriterion
    from alwaysevents.reporting import analyses
    from programmes.models import Cohort, Organisation

    changes.connect()
    changes.organisation_data_changed.connect(_organisation_rows, dispatch_uid="reporting-rows")
    # After the version: a measure's analysis computed on write (`reporting.analyses`).
    changes.organisation_data_changed.connect(analyses.on_write, dispatch_uid="reporting-analyses")
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="reporting-org")
    post_save.connect(_person_saved, sender=get_user_model(), dispatch_uid="reporting-person")
    for model in (Cohort, CriteriaVersion, AccreditationCriterion):
        uid = f"reporting-programme-{model._meta.label_lower}"
        post_save.connect(_programme_wide, sender=model, dispatch_uid=uid)
        post_delete.connect(_programme_wide, sender=model, dispatch_uid=uid)
