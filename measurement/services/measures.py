"""Every write about measures, their data, phases and imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.exports import neutralise_formula
from alwaysevents.input_checks import NumberLimit, number_problem, printable, text_problem
from alwaysevents.tenancy.scope import organisation_scope
from measurement import imports, point_rules
from measurement.models import DataImport, DataPoint, Measure, Phase

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from programmes.models import AlwaysEvent

MEASURE_FIELDS = (
    "name",
    "type",
    "definition",
    "unit",
    "value_kind",
    "numerator_definition",
    "denominator_definition",
    "data_source",
    "frequency",
    "direction",
    "target",
    "chart_type",
    "screen_outliers",
    "fix_limits_after",
)
# What the pages may also set: who collects the figure (not in the API, which names no people).
EDITABLE_FIELDS = (*MEASURE_FIELDS, "owner")
BATCH = 1000
#: What the columns of a data point hold, read from the model so that it cannot drift.
POINT_LIMITS = {
    name: NumberLimit.of(DataPoint._meta.get_field(name))
    for name in ("value", "numerator", "denominator")
}
NOTE_MAX: int = DataPoint._meta.get_field("note").max_length or 0


def _check_measure(fields: dict[str, Any]) -> None:
    if not str(fields.get("name", "")).strip():
        raise DomainError("Give the measure a name.", field="name")
    target = fields.get("target")
    if (
        fields.get("value_kind") == Measure.ValueKind.PROPORTION
        and target is not None
        and not 0 <= target <= 100
    ):
        raise DomainError(
            "Enter a target between 0 and 100: a percentage's target is a per cent, such as 90.",
            field="target",
        )
    if not str(fields.get("definition", "")).strip():
        raise DomainError(
            "Write the operational definition: exactly what is counted, when and how.",
            field="definition",
        )
    if fields.get("value_kind") == Measure.ValueKind.PROPORTION and not (
        str(fields.get("numerator_definition", "")).strip()
        and str(fields.get("denominator_definition", "")).strip()
    ):
        raise DomainError(
            "A percentage needs both the numerator and the denominator defined.",
            field="numerator_definition",
        )


def _check_owner(organisation: Any, owner: User | None) -> None:
    """Who collects a figure works here: an active member of the organisation's staff."""
    from programmes.selectors import staff_user_ids

    if owner is not None and owner.pk not in staff_user_ids(organisation=organisation):
        raise DomainError(
            "Choose who collects the figure from the people who work here.", field="owner"
        )


@transaction.atomic
def measure_create(*, event: AlwaysEvent, by: User | None, **fields: Any) -> Measure:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    _check_measure(fields)
    _check_owner(event.organisation, fields.get("owner"))
    with organisation_scope(event.organisation):
        if Measure.objects.filter(event=event, name__iexact=str(fields["name"]).strip()).exists():
            raise DomainError(
                "This Always Event already has a measure with that name.", field="name"
            )
        measure = Measure(organisation=event.organisation, event=event, created_by=by, **fields)
        measure.name = measure.name.strip()
        measure.full_clean(exclude=["organisation", "event", "created_by"])
        measure.save()
    return measure


@transaction.atomic
def measure_update(*, measure: Measure, by: User | None, **fields: Any) -> Measure:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    _check_measure({**{f: getattr(measure, f) for f in MEASURE_FIELDS}, **fields})
    if "owner" in fields and fields["owner"] != measure.owner:
        _check_owner(measure.organisation, fields["owner"])
    with organisation_scope(measure.organisation):
        if (
            "frequency" in fields
            and fields["frequency"] != measure.frequency
            and measure.points.exists()
        ):
            raise DomainError(
                "The frequency cannot change once data is entered.", field="frequency"
            )
        if (
            "value_kind" in fields
            and fields["value_kind"] != measure.value_kind
            and measure.points.exists()
        ):
            raise DomainError(
                "A measure with data cannot switch between a number and a percentage.",
                field="value_kind",
            )
        for name, value in fields.items():
            setattr(measure, name, value)
        measure.full_clean(exclude=["organisation", "event", "created_by"])
        measure.save()
    return measure


def check_point(
    measure: Measure,
    period: dt.date,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
    *,
    note: str = "",
) -> None:
    """The rules of one period's data, whichever way it comes in (page, grid, import, API):
    `point_rules.point_problems`, of which the first is raised.

    Also the last line of defence for what the columns can hold: a number too large for its
    column, or text with control characters, is refused here even if a boundary missed it.
    """
    problems, _ = point_rules.point_problems(
        measure,
        {
            "period": period,
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
            "note": note,
        },
        limits=POINT_LIMITS,
        note_max=NOTE_MAX,
    )
    if problems:
        raise DomainError(problems[0].message, field=problems[0].column)


@transaction.atomic
def data_point_save(
    *,
    measure: Measure,
    period: dt.date,
    by: User | None,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    note: str = "",
) -> DataPoint:
    """Enter or correct the value of one period."""
    check_point(measure, period, value, numerator, denominator, note=note)
    with organisation_scope(measure.organisation):
        point, _ = DataPoint.objects.update_or_create(
            organisation=measure.organisation,
            measure=measure,
            period=period,
            defaults={
                "value": None if measure.is_proportion else value,
                "numerator": numerator if measure.is_proportion else None,
                "denominator": denominator if measure.is_proportion else None,
                "note": note.strip(),
                "recorded_by": by,
            },
        )
    return point


@dataclass(frozen=True)
class GridRow:
    period: dt.date
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""


@transaction.atomic
def data_points_save_grid(*, measure: Measure, rows: Iterable[GridRow], by: User | None) -> int:
    """Enter or correct many periods at once: all or nothing. Blank rows are skipped."""
    count = 0
    for row in rows:
        if row.value is None and row.numerator is None and row.denominator is None:
            continue
        try:
            data_point_save(measure=measure, by=by, **row.__dict__)
        except DomainError as error:
            raise DomainError(
                f"{row.period:%d %b %Y}: {error.message}", field=error.field
            ) from error
        count += 1
    return count


@transaction.atomic
def data_point_exclude(*, point: DataPoint, reason: str, by: User | None) -> DataPoint:
    """Keep a point but leave it out of the analysis, with the reason shown beside it."""
    if not reason.strip():
        raise DomainError("Say why this point is left out of the analysis.", field="reason")
    point.excluded, point.excluded_reason = True, reason.strip()
    point.save(update_fields=["excluded", "excluded_reason", "updated_at"])
    return point


@transaction.atomic
def data_point_include(*, point: DataPoint, by: User | None) -> DataPoint:
    point.excluded, point.excluded_reason = False, ""
    point.save(update_fields=["excluded", "excluded_reason", "updated_at"])
    return point


@transaction.atomic
def phase_add(*, measure: Measure, start_period: dt.date, reason: str, by: User | None) -> Phase:
    """Start a new phase from a period: a person's decision, never automatic."""
    if not reason.strip():
        raise DomainError("Say why the process has changed from this period.", field="reason")
    start_period = measure.normalise_period(start_period)
    with organisation_scope(measure.organisation):
        if Phase.objects.filter(measure=measure, start_period=start_period).exists():
            raise DomainError("A phase already starts at that period.", field="start_period")
        first = measure.points.order_by("period").values_list("period", flat=True).first()
        if first is None or start_period <= first:
            raise DomainError(
                "A new phase starts after the first data point.", field="start_period"
            )
        return Phase.objects.create(
            organisation=measure.organisation,
            measure=measure,
            start_period=start_period,
            reason=reason.strip(),
            decided_by=by,
        )


@transaction.atomic
def limits_keep(
    *, measure: Measure, start_period: dt.date, reason: str, by: User | None
) -> Measure:
    """Decline a suggested recalculation: keep the limits for the run that starts at
    `start_period`, recorded with who, when and why. Only that run is silenced."""
    if not measure.period_matches(start_period):
        raise DomainError("Choose the first period of the run.", field="start_period")
    with organisation_scope(measure.organisation):
        if not measure.points.filter(period=start_period).exists():
            raise DomainError("There is no data for that period.", field="start_period")
    measure.limits_kept_from = start_period
    measure.limits_kept_by = by
    measure.limits_kept_at = timezone.now()
    measure.limits_kept_reason = reason.strip()
    measure.save(
        update_fields=["limits_kept_from", "limits_kept_by", "limits_kept_at", "limits_kept_reason"]
    )
    return measure


@transaction.atomic
def phase_remove(*, phase: Phase, by: User | None) -> None:
    phase.delete()


# --- imports --------------------------------------------------------------------------------


def _measures_by_name(event: AlwaysEvent) -> dict[str, Measure]:
    with organisation_scope(event.organisation):
        return {m.name.strip().lower(): m for m in Measure.objects.filter(event=event)}


def data_import_check(*, event: AlwaysEvent, filename: str, content: bytes) -> imports.CheckResult:
    """Read and check a file: every bad row and column named, nothing written."""
    if len(content) > settings.MEASUREMENT_IMPORT_MAX_BYTES:
        limit = settings.MEASUREMENT_IMPORT_MAX_BYTES // (1024 * 1024)
        raise DomainError(
            f"The file is larger than {limit} MB. Split it into smaller files.", field="file"
        )
    notices: list[str] = []
    try:
        rows = imports.read_rows(filename, content, notices)
        result = imports.check_rows(
            rows,
            _measures_by_name(event),
            max_rows=settings.MEASUREMENT_IMPORT_MAX_ROWS,
            limits=POINT_LIMITS,
            note_max=NOTE_MAX,
            split_at_commas=not imports.is_workbook(filename),
        )
        result.notices = notices
        return result
    except imports.ImportFileError as error:
        raise DomainError(str(error), field="file") from error


def _storable(row: imports.CheckedRow) -> tuple[str, str] | None:
    """What a checked row's columns cannot hold (column, problem), if anything."""
    for name in ("value", "numerator", "denominator"):
        number = getattr(row, name)
        problem = number_problem(number, POINT_LIMITS[name]) if number is not None else None
        if problem:
            return name, problem
    if row.note is not None:
        problem = text_problem(row.note)
        if problem or len(row.note) > NOTE_MAX:
            return "note", problem or f"The note is at most {NOTE_MAX} characters."
    return None


@transaction.atomic
def data_import_apply(
    *, event: AlwaysEvent, filename: str, content: bytes, by: User | None
) -> DataImport:
    """Check the file again and apply every row in one transaction, or nothing at all."""
    checked = data_import_check(event=event, filename=filename, content=content)
    if checked.errors:
        raise DomainError(
            f"The file has {checked.error_count} problem(s); nothing was imported. "
            + "; ".join(str(e) for e in checked.errors[:5]),
            field="file",
        )
    # Every row was just checked by `point_problems`, the rules `check_point` applies to one
    # point; what the columns can hold is checked again below (`_storable`), the last line of
    # defence, without the whole rule set a second time (a fifth of the apply of 50,000 rows).
    measures = {m.pk: m for m in _measures_by_name(event).values()}
    created = updated = 0
    with organisation_scope(event.organisation):
        for start in range(0, len(checked.rows), BATCH):
            batch = checked.rows[start : start + BATCH]
            existing = {
                (p.measure_id, p.period): p
                for p in DataPoint.objects.filter(
                    measure_id__in={r.measure_pk for r in batch},
                    period__in={r.period for r in batch},
                )
            }
            to_create, to_update = [], []
            for row in batch:
                measure = measures[row.measure_pk]
                problem = _storable(row)
                if problem:
                    raise DomainError(
                        f"Row {row.row}, {problem[0]}: {problem[1]} Nothing was imported.",
                        field="file",
                    )
                proportion = measure.is_proportion
                values = {
                    "value": None if proportion else row.value,
                    "numerator": row.numerator if proportion else None,
                    "denominator": row.denominator if proportion else None,
                    "note": row.note or "",
                    "recorded_by": by,
                }
                point = existing.get((row.measure_pk, row.period))
                if row.note is None and point is not None:
                    values["note"] = point.note  # no note column: a correction keeps the note
                if point is None:
                    to_create.append(
                        DataPoint(
                            organisation=event.organisation,
                            measure_id=row.measure_pk,
                            period=row.period,
                            **values,
                        )
                    )
                else:
                    for name, value in values.items():
                        setattr(point, name, value)
                    to_update.append(point)
            DataPoint.objects.bulk_create(to_create)
            DataPoint.objects.bulk_update(
                to_update, ["value", "numerator", "denominator", "note", "recorded_by"]
            )
            created += len(to_create)
            updated += len(to_update)
        return DataImport.objects.create(
            organisation=event.organisation,
            event=event,
            filename=filename[:255],
            rows=len(checked.rows),
            created=created,
            updated=updated,
            imported_by=by,
        )


def import_template_csv(*, event: AlwaysEvent) -> str:
    """A CSV with the right columns and one example row per measure of the event.

    Names a spreadsheet would run as a formula (`=HYPERLINK(...)`) are neutralised as in every
    export; the import reads them back as the measure (`imports.measure_named`).
    """
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(imports.COLUMNS)
    today = timezone.localdate()
    for measure in _measures_by_name(event).values():
        name = neutralise_formula(printable(measure.name))
        writer.writerow([name, measure.normalise_period(today).isoformat(), "", "", "", ""])
    return out.getvalue()
