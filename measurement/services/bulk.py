"""Many periods of one measure at once, from an integration: validated row by row.

Each row is checked on its own (the same rules as the page and the file import:
`measures.check_point`); rows that break a rule are rejected with the reason and the rest are
applied in one transaction. A period sent twice in one request is rejected both times, since
nobody can say which value was meant. The number of queries does not grow with the rows: one to
read which periods exist, one insert-or-update per batch of rows, one to record the import.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction

from alwaysevents.exceptions import DomainError
from alwaysevents.input_checks import printable
from measurement.models import DataImport, DataPoint, Measure
from measurement.services.measures import check_point

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

ROW_FIELDS = frozenset({"period", "value", "numerator", "denominator", "note"})
UPSERT_BATCH = 5000  # rows per INSERT ... ON CONFLICT: well under PostgreSQL's parameter limit


@dataclass(frozen=True)
class Rejection:
    index: int
    period: str | None
    errors: dict[str, list[str]]


@dataclass
class UpsertResult:
    created: list[dt.date] = field(default_factory=list)
    updated: list[dt.date] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    applied: bool = True


@dataclass(frozen=True)
class _Row:
    index: int
    period: dt.date
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    note: str


def _number(raw: Any, name: str) -> Decimal | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise DomainError("Send a number.", field=name)
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise DomainError(f"{raw!r} is not a number.", field=name) from exc
    if not number.is_finite():
        raise DomainError("Send a finite number.", field=name)
    return number  # what its column holds is checked by `check_point`


def _period(raw: Any) -> dt.date:
    if not isinstance(raw, str) or not raw.strip():
        raise DomainError("Send the period as a date: YYYY-MM-DD.", field="period")
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise DomainError(f"{raw!r} is not a date (YYYY-MM-DD).", field="period") from exc


def _check_row(measure: Measure, index: int, raw: Any) -> _Row:
    if not isinstance(raw, Mapping):
        raise DomainError("Each row is an object with a period and a value.")
    unknown = sorted(set(raw) - ROW_FIELDS)
    if unknown:
        names = [printable(str(name)) for name in unknown]  # echoed back: keep the JSON valid
        raise DomainError(f"Unknown field: {', '.join(names)}.", field=names[0])
    period = _period(raw.get("period"))
    numbers = {name: _number(raw.get(name), name) for name in ("value", "numerator", "denominator")}
    note = raw.get("note") or ""
    if not isinstance(note, str):
        raise DomainError("The note is text.", field="note")
    check_point(measure, period, **numbers, note=note)  # the column limits and text check too
    if measure.is_proportion:
        numbers["value"] = None
    else:
        numbers["numerator"] = numbers["denominator"] = None
    return _Row(index, period, note=note.strip(), **numbers)


def _rejection(index: int, raw: Any, error: DomainError) -> Rejection:
    period = raw.get("period") if isinstance(raw, Mapping) else None
    return Rejection(
        index=index,
        period=printable(period) if isinstance(period, str) else None,
        errors={error.field or "non_field_errors": [error.message]},
    )


@transaction.atomic
def data_points_upsert(
    *,
    measure: Measure,
    rows: Sequence[Any],
    by: User | None,
    source: str,
    all_or_nothing: bool = False,
) -> UpsertResult:
    """Enter or correct many periods of `measure`: valid rows applied together, others rejected.

    With `all_or_nothing`, one rejected row means nothing is applied (`applied` is False).
    `source` names the integration in the measure's import history.
    """
    result = UpsertResult()
    checked: list[_Row] = []
    for index, raw in enumerate(rows):
        try:
            checked.append(_check_row(measure, index, raw))
        except DomainError as error:
            result.rejected.append(_rejection(index, raw, error))
    counts = Counter(row.period for row in checked)
    duplicated = {period for period, n in counts.items() if n > 1}
    if duplicated:
        for row in checked:
            if row.period in duplicated:
                message = (
                    f"{row.period.isoformat()} appears {counts[row.period]} times in this "
                    "request. Send each period once."
                )
                result.rejected.append(
                    Rejection(row.index, row.period.isoformat(), {"period": [message]})
                )
        checked = [row for row in checked if row.period not in duplicated]
    result.rejected.sort(key=lambda r: r.index)
    if all_or_nothing and result.rejected:
        result.applied = False
        return result
    if not checked:
        return result

    scope = {"organisation": measure.organisation_id}
    existing = set(
        DataPoint.objects.with_scope(**scope)
        .filter(
            measure=measure,
            period__gte=min(counts),
            period__lte=max(counts),
        )
        .values_list("period", flat=True)
    )
    points = [
        DataPoint(
            organisation_id=measure.organisation_id,
            measure=measure,
            period=row.period,
            value=row.value,
            numerator=row.numerator,
            denominator=row.denominator,
            note=row.note,
            recorded_by=by,
        )
        for row in checked
    ]
    DataPoint.objects.with_scope(**scope).bulk_create(
        points,
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["measure", "period"],
        update_fields=["value", "numerator", "denominator", "note", "recorded_by", "updated_at"],
    )
    for row in checked:
        (result.updated if row.period in existing else result.created).append(row.period)
    DataImport.objects.with_scope(**scope).create(
        organisation_id=measure.organisation_id,
        event_id=measure.event_id,
        filename=f"API: {source}"[:255],
        rows=len(checked),
        created=len(result.created),
        updated=len(result.updated),
        imported_by=by,
    )
    return result
