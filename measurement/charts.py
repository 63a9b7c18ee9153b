"""The chart of a measure and its analysis, for pages, emails and PDF reports alike.

Joins the stored data to the pure engine (`measurement.spc`) and the pure renderer
(`measurement.svg`). Three queries: points, phases, PDSA annotations (done by the caller).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

from measurement import spc
from measurement.reading import Reading, read
from measurement.svg import ChartSpec, PointMark, Segment, render, render_sparkline

NATURE_TO_MARK = {
    "common_cause": "common",
    "improvement": "improvement",
    "concern": "concern",
    "neutral": "neutral",
}


@dataclass
class TableRow:
    point: Any
    label: str = ""
    annotations: list[str] = field(default_factory=list)


@dataclass
class Chart:
    title: str
    description: str
    svg: str
    trial: bool
    downloads: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class AnalysisView:
    icons: list[Any]
    lines: list[str]  # the detail in a few short lines (the report's)
    analysis: spc.Analysis
    reading: Reading | None = None

    @property
    def headline(self) -> str:
        return self.reading.headline if self.reading else ""


def period_label(measure: Any, period: dt.date) -> str:
    return f"{period:%b %Y}" if measure.frequency == "monthly" else f"{period.day} {period:%b %Y}"


def unit_of(measure: Any) -> str:
    """The unit as written after a number: "%", " minutes" or ""."""
    if measure.is_proportion:
        return "%"
    unit = (measure.unit or "").strip()
    return "%" if unit == "%" else (f" {unit}" if unit else "")


def read_points(measure: Any, points: list[Any], analysis: spc.Analysis | None) -> Reading:
    """What the chart says (headline, icons, suggested recalculation) for stored points, with
    the team's decision to keep the limits for a run (`Measure.limits_kept_from`)."""
    labels = [period_label(measure, p.period) for p in points]
    kept = getattr(measure, "limits_kept_from", None)
    kept_from = next((i for i, p in enumerate(points) if p.period == kept), None)
    return read(analysis, labels, unit=unit_of(measure), kept_from=kept_from)


SHORT_LINES = 3  # the detail of a measure in the PDF report: at most this many lines


def short_lines(reading: Reading, analysis: spc.Analysis) -> list[str]:
    """The detail of the current phase in a few lines: one per rule, then a note on the limits."""
    current = analysis.current_phase.number
    lines = [
        f"{group.title}: {'; '.join(group.items)}."
        for group in reading.details
        if group.phase == current
    ]
    return (lines + list(reading.notes))[:SHORT_LINES]


def analyse_points(
    measure: Any, points: list[Any], phases: list[Any]
) -> tuple[spc.Analysis, list[str]]:
    """The engine's analysis of stored points (in period order) with the measure's settings:
    phases from the recorded decisions, excluded points left out. Also the period labels."""
    labels = [period_label(measure, p.period) for p in points]
    starts = {
        next((i for i, p in enumerate(points) if p.period >= phase.start_period), len(points))
        for phase in phases
    }
    analysis = spc.analyse(
        [float(p.plotted) for p in points],
        direction=measure.direction,
        target=float(measure.target) if measure.target is not None else None,
        phase_starts=sorted(s for s in starts if 0 < s < len(points)),
        screen_outliers=measure.screen_outliers,
        fix_limits_after=measure.fix_limits_after,
        chart=measure.chart_type,
        excluded=[i for i, p in enumerate(points) if p.excluded],
        period_labels=labels,
    )
    return analysis, labels


def _marks(analysis: spc.Analysis) -> list[PointMark]:
    return [
        PointMark("excluded", "Left out of the analysis")
        if pa.excluded
        else PointMark(
            NATURE_TO_MARK[pa.variation.nature if pa.variation else "common_cause"], pa.text
        )
        for pa in analysis.points
    ]


def _segments(analysis: spc.Analysis) -> list[Segment]:
    return [
        Segment(
            start=ph.start,
            end=max(ph.start, ph.stop - 1),
            centre=ph.centre,
            upper=ph.ucl,
            lower=ph.lcl,
            upper_close=ph.upper_close,
            lower_close=ph.lower_close,
            centre_label="Median" if analysis.chart == spc.ChartType.RUN else "Average",
            trial=ph.trial_limits and analysis.chart == spc.ChartType.XMR,
        )
        for ph in analysis.phases
        if ph.stop > ph.start
    ]


def measure_chart_context(
    measure: Any,
    points: list[Any],
    phases: list[Any],
    annotations: list[tuple[dt.date, str]] | None = None,
    *,
    interactive: bool = True,
) -> dict[str, Any]:
    """The chart, the analysis in words and the data table (newest first) of a measure.
    `interactive`: each point is a tab stop with its value (pages); off for reports and PDFs."""
    if not points:
        return {"chart": None, "analysis": None, "table": []}
    values = [float(p.plotted) for p in points]
    analysis, labels = analyse_points(measure, points, phases)
    reading = read_points(measure, points, analysis)
    index_of = {p.period: i for i, p in enumerate(points)}

    notes: dict[int, list[str]] = {}
    for day, text in annotations or []:
        index = index_of.get(measure.normalise_period(day))
        if index is not None:
            notes.setdefault(index, []).append(text)
    marked: list[tuple[int, str]] = [(i, text) for i in sorted(notes) for text in notes[i]]

    marks = _marks(analysis)
    segments = _segments(analysis)
    kind = "Run chart" if analysis.chart == spc.ChartType.RUN else "SPC chart (XmR)"
    unit = "%" if measure.is_proportion else (measure.unit or "")
    description = (
        f"{kind} of {measure.name}, {len(points)} {measure.get_frequency_display().lower()} points "
        f"from {labels[0]} to {labels[-1]}. {reading.headline}"
    )
    spec = ChartSpec(
        title=f"{measure.name}: {kind}",
        description=description,
        labels=labels,
        values=values,
        marks=marks,
        segments=segments,
        target=analysis.target,
        annotations=[(i, f"{n}. {text}") for n, (i, text) in enumerate(marked, start=1)],
        y_label=unit,
        y_floor=0.0 if min(values) >= 0 else None,
        interactive=interactive,
    )
    chart = Chart(
        title=spec.title,
        description=description,
        svg=render(spec),
        trial=segments[-1].trial if segments else False,
    )
    reading = read_points(measure, points, analysis)
    numbering: dict[int, list[str]] = {}
    for n, (i, text) in enumerate(marked, start=1):
        numbering.setdefault(i, []).append(f"{n}. {text}")
    table = [
        TableRow(point=p, label=analysis.points[i].text, annotations=numbering.get(i, []))
        for i, p in reversed(list(enumerate(points)))
    ]
    view = AnalysisView(reading.icons, short_lines(reading, analysis), analysis, reading)
    return {"chart": chart, "analysis": view, "table": table}


# --- small charts for dashboards -----------------------------------------------------------------


@dataclass
class Sparkline:
    """A measure's small chart with its icons and latest value, for dashboards and reports."""

    svg: str
    description: str
    icons: list[Any]
    headline: str
    latest_value: float
    latest_label: str
    points: int
    trial: bool


def measure_sparkline(
    measure: Any, points: list[Any], phases: list[Any], *, last: int = 24
) -> Sparkline | None:
    """The same analysis as the full chart (on every point), drawn small over the last `last`
    periods: points shaped and coloured by their variation, centre line, limits and target.
    None without data. No queries: pass the points and phases (see `measure_series_for_events`).
    """
    if not points:
        return None
    analysis, labels = analyse_points(measure, points, phases)
    start = max(0, len(points) - last)
    values = [float(p.plotted) for p in points]
    unit = "%" if measure.is_proportion else (f" {measure.unit}" if measure.unit else "")
    latest = values[-1]
    reading = read_points(measure, points, analysis)
    icons = reading.icons
    description = (
        f"{measure.name}: {len(points)} {measure.get_frequency_display().lower()} points from "
        f"{labels[0]} to {labels[-1]}; latest {_number(latest)}{unit} ({labels[-1]}). "
        + reading.headline
    )
    shown = [
        Segment(
            start=max(seg.start, start) - start,
            end=seg.end - start,
            centre=seg.centre,
            upper=seg.upper,
            lower=seg.lower,
            centre_label=seg.centre_label,
            trial=seg.trial,
        )
        for seg in _segments(analysis)
        if seg.end >= start
    ]
    spec = ChartSpec(
        title=measure.name,
        description=description,
        labels=labels[start:],
        values=values[start:],
        marks=_marks(analysis)[start:],
        segments=shown,
        target=analysis.target,
        y_floor=0.0 if min(values) >= 0 else None,
    )
    return Sparkline(
        svg=render_sparkline(spec),
        description=description,
        icons=icons,
        headline=reading.headline,
        latest_value=latest,
        latest_label=labels[-1],
        points=len(points),
        trial=analysis.trial_limits,
    )


SPARKLINE_CACHE_SECONDS = 24 * 60 * 60


def _sparkline_key(measure: Any, points: list[Any], phases: list[Any], last: int) -> str:
    """A key naming exactly what the sparkline is drawn from: the measure's settings, its
    phases and every point. Any change gives a new key, so a cached one is never stale."""
    fingerprint = repr(
        (
            measure.pk,
            measure.name,
            measure.unit,
            measure.value_kind,
            measure.frequency,
            measure.direction,
            str(measure.target),
            measure.chart_type,
            measure.fix_limits_after,
            measure.screen_outliers,
            getattr(measure, "limits_kept_from", None),
            last,
            [phase.start_period for phase in phases],
            [(p.period, str(p.plotted), p.excluded) for p in points],
        )
    )
    return "measurement:sparkline:v2:" + hashlib.sha256(fingerprint.encode()).hexdigest()


def measure_sparklines(
    series: list[tuple[Any, list[Any], list[Any]]], *, last: int = 24
) -> dict[int, Sparkline | None]:
    """`measure_sparkline` of many measures, keyed by measure id. The analysis is derived data:
    results are cached under a key of everything they depend on (one cache round trip to read,
    one to store those missing), so an unchanged measure is not analysed again."""
    keys = {m.pk: _sparkline_key(m, points, phases, last) for m, points, phases in series}
    cached = cache.get_many(list(keys.values()))
    found: dict[int, Sparkline | None] = {}
    missing: dict[str, Sparkline] = {}
    for measure, points, phases in series:
        key = keys[measure.pk]
        if key in cached:
            found[measure.pk] = cached[key]
            continue
        spark = measure_sparkline(measure, points, phases, last=last)
        found[measure.pk] = spark
        if spark is not None:
            missing[key] = spark
    if missing:
        cache.set_many(missing, SPARKLINE_CACHE_SECONDS)
    return found


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")
