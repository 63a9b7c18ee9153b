"""Evidence the accreditation checks read: what a measure's data shows, in plain facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from measurement import spc
from measurement.charts import analyse_points
from measurement.selectors.measures import measure_phases, measure_points

if TYPE_CHECKING:
    from measurement.models import Measure


@dataclass(frozen=True)
class SignalEvidence:
    found: bool
    rule: str = ""
    periods: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class TargetRunEvidence:
    met: bool
    k: int
    periods: tuple[str, ...] = ()
    text: str = ""


def measure_analysis(*, measure: Measure) -> tuple[spc.Analysis | None, list[str]]:
    """The engine's analysis of the stored data, and the period labels. Two queries."""
    points = measure_points(measure=measure)
    if not points:
        return None, []
    analysis, labels = analyse_points(measure, points, measure_phases(measure=measure))
    return analysis, labels


def measure_improvement_signal(*, measure: Measure) -> SignalEvidence:
    """Does the data show an improvement signal, under which rule, over which periods?"""
    analysis, labels = measure_analysis(measure=measure)
    if analysis is None:
        return SignalEvidence(False, text=f"{measure.name} has no data yet.")
    signals = spc.improvement_signals(analysis)
    if not signals:
        return SignalEvidence(False, text=f"No improvement signal on {measure.name} yet.")
    first = signals[0]
    return SignalEvidence(
        True, str(first.rule), tuple(labels[i] for i in first.indices), first.text
    )


def measure_sustained_at_target(*, measure: Measure, k: int) -> TargetRunEvidence:
    """At or above target (below, when lower is better) for K consecutive periods after the
    first improvement signal?"""
    analysis, labels = measure_analysis(measure=measure)
    if analysis is None or measure.target is None:
        return TargetRunEvidence(False, k, text=f"{measure.name} has no target or no data.")
    evidence = spc.sustained_at_target(analysis, k)
    if evidence is None:
        return TargetRunEvidence(
            False, k, text=f"Not yet {k} periods in a row at target after an improvement signal."
        )
    periods = tuple(labels[i] for i in evidence.indices)
    return TargetRunEvidence(
        True, k, periods, f"At target for {k} periods in a row, {periods[0]} to {periods[-1]}."
    )
