"""An event's measures as partners see them: a simple line chart and a caption in plain words.

The same analysis as the team's charts (`measurement.charts.analyse_points`), told without the
language of statistical process control: no limits, phases or rule names, just the results over
time, the target and a caption such as "Getting better". Three queries per event, whatever the
number of measures. Registered into `programmes.plain_charts` by `MeasurementConfig.ready()`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from measurement.charts import analyse_points, period_label, read_points
from measurement.models import DataPoint, Measure, Phase
from measurement.spc import Icon, Variation
from measurement.svg import ChartSpec, PointMark, render
from programmes.plain_charts import PlainChart

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent

# Fewer results than this: too early to say whether things are changing.
ENOUGH_POINTS = 6


@dataclass(frozen=True)
class PlainChartWithIcons(PlainChart):
    """A plain chart with the measure's Making Data Count icons, read as on the team's pages
    (`read_points`), shown with their words above the chart."""

    icons: tuple[Icon, ...] = ()


NATURE_CAPTIONS = {
    "improvement": "Getting better",
    "concern": "Getting worse",
    "neutral": "Changing",
    "common_cause": "Steady: no clear change yet",
}


def _number(value: Decimal | float, unit: str) -> str:
    text = f"{float(value):.1f}".removesuffix(".0")
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip()


def _target_sentence(measure: Measure, points: list[DataPoint]) -> str:
    """How many of the latest results met the target, in words ("" without a direction)."""
    if measure.target is None or measure.direction not in ("higher", "lower"):
        return ""
    target = measure.target

    def met(point: DataPoint) -> bool:
        value = point.plotted or Decimal(0)
        return value >= target if measure.direction == "higher" else value <= target

    streak = 0
    for point in reversed(points):
        if point.excluded:
            continue
        if not met(point):
            break
        streak += 1
    if streak == 0:
        return "The latest result did not meet it."
    if streak == 1:
        return "The latest result met it."
    return f"The latest {streak} results all met it."


def _chart(measure: Measure, points: list[DataPoint], phases: list[Phase]) -> PlainChart:
    unit = "%" if measure.is_proportion else (measure.unit or "")
    latest = points[-1]
    latest_text = _number(latest.plotted or 0, unit)
    sentences = [f"The latest result is {latest_text}, for {period_label(measure, latest.period)}."]
    if measure.target is not None:
        better = {"higher": " or more", "lower": " or less"}.get(measure.direction, "")
        sentences.append(f"The team is aiming for {_number(measure.target, unit)}{better}.")
        sentences.append(_target_sentence(measure, points))
    analysis, labels = analyse_points(measure, points, phases)
    if len(points) < ENOUGH_POINTS:
        caption = "Too early to tell"
        sentences.append(
            f"There are {len(points)} result{'s' if len(points) != 1 else ''} so far: "
            "it takes a few more to see whether things are changing."
        )
    else:
        icon = analysis.variation_icon
        nature = "common_cause" if icon is None else Variation(icon.code).nature
        caption = NATURE_CAPTIONS.get(nature, NATURE_CAPTIONS["common_cause"])
    # Plain points: the caption says how it is going; colours and shapes would need a legend.
    marks = [
        PointMark("excluded", "Not counted") if pa.excluded else PointMark("common", "Result")
        for pa in analysis.points
    ]
    values = [float(p.plotted or 0) for p in points]
    spec = ChartSpec(
        title=measure.name,
        description=f"{measure.name}: {caption}. " + " ".join(s for s in sentences if s),
        labels=labels,
        values=values,
        marks=marks,
        target=float(measure.target) if measure.target is not None else None,
        y_label=unit,
        y_floor=0.0 if min(values) >= 0 else None,
        element_id=f"plain-chart-{measure.pk}",
    )
    rows = tuple(
        (period_label(measure, p.period), _number(p.plotted or 0, unit)) for p in reversed(points)
    )
    return PlainChartWithIcons(
        title=measure.name,
        caption=caption,
        explanation=" ".join(s for s in sentences if s),
        svg=render(spec),
        rows=rows,
        icons=tuple(read_points(measure, points, analysis).icons),
    )


def plain_charts_for_event(event: AlwaysEvent) -> list[PlainChart]:
    """The event's outcome and process measures that have results, as plain charts."""

    def scoped(model: Any) -> Any:
        return model.objects.with_scope(organisation=event.organisation_id).filter(
            organisation_id=event.organisation_id
        )

    measures = list(
        scoped(Measure)
        .filter(event=event, type__in=[Measure.Type.OUTCOME, Measure.Type.PROCESS])
        .order_by("type", "name")
    )
    if not measures:
        return []
    ids = [m.pk for m in measures]
    points: dict[int, list[DataPoint]] = defaultdict(list)
    for point in scoped(DataPoint).filter(measure_id__in=ids).order_by("period"):
        if point.plotted is not None:
            points[point.measure_id].append(point)
    phases: dict[int, list[Phase]] = defaultdict(list)
    for phase in scoped(Phase).filter(measure_id__in=ids).order_by("start_period"):
        phases[phase.measure_id].append(phase)
    return [_chart(m, points[m.pk], phases[m.pk]) for m in measures if points[m.pk]]
