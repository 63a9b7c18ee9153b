from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from alwaysevents.tenancy.scope import organisation_scope

R = TypeVar("R")


def organisation_task(func: Callable[..., R]) -> Callable[..., R]:
    """Wrap a task body so it runs inside the scope of `organisation_id`.

    Tasks take ids, never model instances: the decorated function receives the organisation
    (looked up afresh) in place of the id. Use under `@shared_task`.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, organisation_id: int, **kwargs: Any) -> R:
        from programmes.models import Organisation

        organisation = Organisation.objects.get(pk=organisation_id)
        with organisation_scope(organisation):
            return func(*args, organisation=organisation, **kwargs)

    return wrapper
