"""Plain-English explanations of an analysis, for chart pages, emails and reports.

Used by `measurement.spc`; pure Python. Points are named by their period label when one is
given ("March 2025"), otherwise by their position counted from 1 ("point 5").
"""

from __future__ import annotations

from collections.abc import Sequence

from measurement.spc_rules import RunChartResult, XmRResult

MIN_POINTS_FOR_LIMITS = 12

# Labels and descriptions of the variation icons (and point classifications), by Variation value.
VARIATION_TEXT: dict[str, tuple[str, str]] = {
    "common_cause": (
        "Common cause variation",
        "No significant change: the points vary as this process usually does.",
    ),
    "improvement_high": (
        "Improvement (higher values)",
        "Special cause variation of an improving nature: the values are unusually high.",
    ),
    "improvement_low": (
        "Improvement (lower values)",
        "Special cause variation of an improving nature: the values are unusually low.",
    ),
    "concern_high": (
        "Concern (higher values)",
        "Special cause variation of a concerning nature: the values are unusually high.",
    ),
    "concern_low": (
        "Concern (lower values)",
        "Special cause variation of a concerning nature: the values are unusually low.",
    ),
    "neutral_high": (
        "Special cause (higher values)",
        "Special cause variation: the values are unusually high (this measure has no better"
        " direction).",
    ),
    "neutral_low": (
        "Special cause (lower values)",
        "Special cause variation: the values are unusually low (this measure has no better"
        " direction).",
    ),
}

# Label, description, colour group and symbol of the assurance icons, by Assurance value.
ASSURANCE_TEXT: dict[str, tuple[str, str, str, str]] = {
    "consistently_pass": (
        "Consistently passing the target",
        "The target lies outside the process limits on the good side: the process can be"
        " expected to meet it every time, as long as nothing changes.",
        "improvement",
        "P",
    ),
    "consistently_fail": (
        "Consistently failing the target",
        "The target lies outside the process limits on the bad side: the process will not"
        " meet it unless something changes.",
        "concern",
        "F",
    ),
    "hit_and_miss": (
        "Hit and miss against the target",
        "The target lies between the process limits: the process will sometimes meet it and"
        " sometimes not.",
        "common_cause",
        "?",
    ),
}

# What each rule means for one point, for the data table and screen readers.
RULE_TEXT: dict[str, str] = {
    "outside_limits": "outside the process limits",
    "trend": "part of a trend",
    "two_in_three": "two of three points close to a limit",
    "shift": "part of a run on one side of the centre line",
}

_VERDICT = {
    "improvement": "this is a signal of improvement.",
    "concern": "this is a signal of concern.",
    "neutral": "this is a special cause (this measure has no better direction).",
}


def point_name(i: int, labels: Sequence[str] | None) -> str:
    return labels[i] if labels is not None else f"point {i + 1}"


def _names(indices: Sequence[int], labels: Sequence[str] | None) -> str:
    if labels is None:
        numbers = [str(i + 1) for i in indices]
        head = "Point " if len(numbers) == 1 else "Points "
        return head + _join(numbers)
    return _join([labels[i] for i in indices])


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def explain_signal(
    *,
    rule: str,
    high: bool,
    nature: str,
    indices: Sequence[int],
    labels: Sequence[str] | None,
    is_latest: bool,
    centre: str,
) -> str:
    """One sentence for one signal, e.g. "The last 7 points are all above the average: this is a
    signal of improvement." """
    count = len(indices)
    verb = "is" if count == 1 else "are"
    if rule in ("shift", "trend"):
        # A run chart's runs skip points on the median (and trends repeated values), and any
        # pattern skips points left out of the analysis: then say how many points it spans.
        span = indices[-1] - indices[0] + 1
        if is_latest:
            where = f"the last {span} points"
        else:
            first = point_name(indices[0], labels)
            last = point_name(indices[-1], labels)
            where = f"the {span} points from {first} to {last}"
        side = "above" if high else "below"
        if rule == "shift" and span == count:
            what = f"{_capital(where)} are all {side} the {centre}"
        elif rule == "shift":
            others = span - count
            what = (
                f"{count} of {where} are {side} the {centre} (the other"
                f" {'one is' if others == 1 else f'{others} are'} on the {centre} or left out of"
                " the analysis)"
            )
        elif span == count:
            what = f"{_capital(where)} each went {'up' if high else 'down'} from the one before"
        else:
            what = (
                f"{_capital(where)} kept going {'up' if high else 'down'} ({count} points: a"
                " repeated value, or one left out, neither counts nor breaks a trend)"
            )
    elif rule == "outside_limits":
        limit = "above the upper" if high else "below the lower"
        what = f"{_capital(_names(indices, labels))} {verb} {limit} process limit"
    else:  # two_in_three
        limit = "upper" if high else "lower"
        what = (
            f"{_capital(_names(indices, labels))} {verb} close to the {limit} process limit"
            " (two out of three points in a row)"
        )
    return f"{what}: {_VERDICT[nature]}"


def trial_note(n: int) -> str:
    if n < 2:
        return (
            "There are too few points in this phase for process limits: at least 2 are needed,"
            f" and they are trial limits until there are {MIN_POINTS_FOR_LIMITS}."
        )
    return (
        f"These are trial limits: this phase has {n} points, fewer than"
        f" {MIN_POINTS_FOR_LIMITS}, so the limits will be recalculated as points arrive."
    )


def _times(k: int) -> str:
    return {0: "no times", 1: "once", 2: "twice"}.get(k, f"{k} times")


def explain_phase(
    *,
    n: int,
    trial: bool,
    fixed_on: int | None,
    xmr: XmRResult | None,
    run: RunChartResult | None,
    signals: Sequence[str],
) -> list[str]:
    """The sentences that explain one phase; the trial-limits note, when there is one, first."""
    if n == 0:
        return ["There is no data in this phase yet."]
    texts: list[str] = []
    if xmr is not None:
        if trial:
            texts.append(trial_note(n))
        if fixed_on is not None:
            texts.append(
                f"The average and limits are fixed on the first {fixed_on} points of this"
                " phase; later points are judged against them."
            )
        if xmr.mr_bar == 0:
            texts.append("All the points are equal, so the limits are on the average.")
        texts.extend(signals)
        if not signals and xmr.mr_bar is not None:
            texts.append(
                "No special cause: the points vary within the process limits with no unusual"
                " pattern (common cause variation)."
            )
    elif run is not None:
        if fixed_on is not None:
            texts.append(f"The median is fixed on the first {fixed_on} points of this phase.")
        texts.extend(_runs_analysis(run))
        texts.extend(signals)
    return texts


def _runs_analysis(run: RunChartResult) -> list[str]:
    if run.longest_run_max is None or run.crossings_min is None:
        return ["All the points are on the median: there is nothing to analyse yet."]
    texts = []
    if run.long_run_signal:
        texts.append(
            f"The longest run has {run.longest_run} points on one side of the median, more than"
            f" the {run.longest_run_max} expected by chance: a sign of non-random variation."
        )
    if run.few_crossings_signal:
        texts.append(
            f"The line crosses the median {_times(run.crossings)}, fewer than the"
            f" {run.crossings_min} expected by chance: a sign of non-random variation."
        )
    if not texts:
        texts.append(
            f"Runs analysis: no sign of non-random variation (longest run {run.longest_run}"
            f" points, at most {run.longest_run_max} expected by chance; the line crosses the"
            f" median {_times(run.crossings)}, at least {run.crossings_min} expected)."
        )
    return texts
