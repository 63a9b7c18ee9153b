"""What the SPC engine costs: the full rule analysis against a plain numpy floor, side by side.

Run with `make bench` (or `.venv/bin/python bench/bench_spc.py`). No database and no Django set-up:
the engine (`measurement.spc`) is pure Python. 10,000 random series of 100 points (fixed seed;
a third of them with a step change half way, so that the rules have something to find) are
analysed one series at a time:

* numpy floor: per series, the mean, the moving ranges and mean moving range, and the limits,
  vectorised over the series' points (a loop over the series, the numpy work per series);
* the engine: `xmr(values)` (lines, every special-cause rule, labels, patterns) and
  `run_chart(values)` (median, Anhoej runs analysis, IHI shift and trend).

Prints the time per series and the ratio to the numpy floor; the target is that the full XmR
rule analysis takes under 10 times the floor.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from measurement.spc import run_chart, xmr

SERIES = 10_000
POINTS = 100
SEED = 20250101
REPEATS = 3  # best of three runs of the whole set, to keep noise from other work out
TARGET = 10.0


def make_series() -> np.ndarray:
    rng = np.random.default_rng(SEED)
    data = rng.normal(50.0, 5.0, size=(SERIES, POINTS))
    stepped = rng.random(SERIES) < 1 / 3
    data[stepped, POINTS // 2 :] += 10.0  # a two-sigma improvement after a change
    return np.round(data, 1)  # values as people enter them


def numpy_floor(arrays: list[np.ndarray]) -> None:
    for a in arrays:
        mean = a.mean()
        mr_bar = np.abs(np.diff(a)).mean()
        _ucl, _lcl = mean + 2.66 * mr_bar, mean - 2.66 * mr_bar


def engine_xmr(lists: list[list[float]]) -> None:
    for values in lists:
        xmr(values)


def engine_run_chart(lists: list[list[float]]) -> None:
    for values in lists:
        run_chart(values)


def engine_both(lists: list[list[float]]) -> None:
    for values in lists:
        xmr(values)
        run_chart(values)


def per_series(label: str, func: Callable[[], None]) -> float:
    """Best-of-REPEATS time per series, in microseconds."""
    func()  # warm up
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    micros = best / SERIES * 1e6
    print(f"  {label:<52} {micros:8.1f} µs")
    return micros


def main() -> None:
    data = make_series()
    arrays = list(data)  # one 1-D array per series, for numpy
    lists = data.tolist()  # the same values as Python floats, for the engine

    signals = sum(1 for values in lists[:1000] if any(xmr(values).signals.values()))
    print(f"{SERIES} series of {POINTS} points ({signals / 10:.0f}% of a sample with a signal)")
    print("per series:")
    floor = per_series("numpy floor (mean, moving ranges, limits)", lambda: numpy_floor(arrays))
    full = per_series("xmr: lines and every special-cause rule", lambda: engine_xmr(lists))
    runs = per_series("run_chart: median, Anhoej and IHI rules", lambda: engine_run_chart(lists))
    both = per_series("xmr and run_chart", lambda: engine_both(lists))
    ratio = full / floor
    verdict = "met" if ratio <= TARGET else "MISSED"
    print(f"ratio xmr / numpy floor:             {ratio:5.2f}  (target <= {TARGET:.0f}: {verdict})")
    print(f"ratio run_chart / numpy floor:       {runs / floor:5.2f}")
    print(f"ratio xmr + run_chart / numpy floor: {both / floor:5.2f}")


if __name__ == "__main__":
    main()
