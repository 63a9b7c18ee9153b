"""Many periods of one measure at once, from an integration: validated row by row.

Each row is checked on its own, by the rules and in the words of a file's rows
(`point_rules.point_problems`); rows that break a rule are rejected with every reason and the rest
are applied in one transaction. A row without a note keeps the note a corrected period has.
Periods are ISO dates only (a file also takes 02/03/2026). A period sent twice in one request
is rejected both times, since
nobody can say which value was meant. The number of queries does not grow with the rows: one to
read which periods exist, one insert-or-update per batch of rows, one to record the import.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from alwaysevents.input_checks import printable
from measurement.imports import repeated_period_problem
from measurement.models import DataImport, DataPoint, Measure
from measurement.point_rules import ISO_DATE, point_problems
from measurement.services.measures import NOTE_MAX, POINT_LIMITS

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
    note: str | None  # None: no note sent, so a correction keeps the note there


class _Refused(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors


def _check_row(measure: Measure, index: int, raw: Any) -> _Row:
    """One row, by the rules a file's row is checked by (`point_rules.point_problems`): the same
    row gives the same verdict in the same words, however it comes in."""
    if not isinstance(raw, Mapping):
        raise _Refused({"non_field_errors": ["Each row is an object with a period and a value."]})
    unknown = sorted(set(raw) - ROW_FIELDS)
    if unknown:
        names = [printable(str(name)) for name in unknown]  # echoed back: keep the JSON valid
        raise _Refused({names[0]: [f"Unknown field: {', '.join(names)}."]})
    problems, point = point_problems(
        measure, raw, limits=POINT_LIMITS, note_max=NOTE_MAX, date_formats=ISO_DATE
    )
    if point is None:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.column, []).append(problem.message)
        raise _Refused(errors)
    return _Row(index, point.period, point.value, point.numerator, point.denominator, point.note)


def _rejection(index: int, raw: Any, refused: _Refused) -> Rejection:
    period = raw.get("period") if isinstance(raw, Mapping) else None
    return Rejection(
        index=index,
        period=printable(period) if isinstance(period, str) else None,
        errors=refused.errors,
    )


def _point(measure: Measure, row: _Row, by: User | None) -> DataPoint:
    return DataPoint(
        organisation_id=measure.organisation_id,
        measure=measure,
        period=row.period,
        value=row.value,
        numerator=row.numerator,
        denominator=row.denominator,
        note=row.note or "",  # a new period without a note: none; a correction keeps its own
        recorded_by=by,
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
        except _Refused as refused:
            result.rejected.append(_rejection(index, raw, refused))
    counts = Counter(row.period for row in checked)
    duplicated = {period for period, n in counts.items() if n > 1}
    if duplicated:
        for row in checked:
            if row.period in duplicated:
                message = repeated_period_problem(row.period, counts[row.period])
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
    fields = ["value", "numerator", "denominator", "recorded_by", "updated_at"]
    with_note = [row for row in checked if row.note is not None]
    without_note = [row for row in checked if row.note is None]
    for rows_, update_fields in ((with_note, [*fields, "note"]), (without_note, fields)):
        if rows_:
            DataPoint.objects.with_scope(**scope).bulk_create(
                [_point(measure, row, by) for row in rows_],
                batch_size=UPSERT_BATCH,
                update_conflicts=True,
                unique_fields=["measure", "period"],
                update_fields=update_fields,
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
