"""When a measure's figure is due, and from whom: one rule for reminders and the home page.

A period's figure is due a few days after the period ends (time to collect it); it is due from
the person named as collecting it, or from the event's team lead when no one is named or the
one named no longer works here. Nothing is due for a period that ended before the measure
existed, unless figures of earlier periods were entered (history typed in when it was added).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from measurement.models import Measure

#: Days after a period ends before its figure counts as due (time to collect it).
GRACE_DAYS = {Measure.Frequency.WEEKLY: 2, Measure.Frequency.MONTHLY: 4}


def _first_of_previous_month(day: dt.date) -> dt.date:
    first = day.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def period_due(frequency: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The latest period whose figure is due by `today`, as (first day, day after its end).

    Weekly: the week (Monday to Sunday) whose figure is due from the Wednesday after (two days
    of grace). Monthly: the month whose figure is due from the fifth of the next month.
    """
    grace = dt.timedelta(days=GRACE_DAYS.get(frequency, 2))  # type: ignore[call-overload]
    if frequency == Measure.Frequency.MONTHLY:
        # Due from the day `grace` days after the month ends, e.g. the 5th of the next month.
        latest = today - grace
        return _first_of_previous_month(latest), latest.replace(day=1)
    latest_end = today - grace  # the period must have ended on or before this day
    start = latest_end - dt.timedelta(days=latest_end.weekday() + 7)
    return start, start + dt.timedelta(days=7)


def period_words(frequency: str, start: dt.date) -> str:
    if frequency == Measure.Frequency.MONTHLY:
        return f"{start:%B %Y}"
    return f"week beginning {start.day} {start:%B %Y}"


def missing_period(
    measure: Measure, latest_period: dt.date | None, today: dt.date
) -> dt.date | None:
    """The first day of the due period `measure` has no figure for, or None when none is due."""
    start, end = period_due(measure.frequency, today)
    if latest_period is None and measure.created_at.date() >= end:
        return None  # the measure did not exist yet for that period, nor figures before it
    if latest_period is not None and latest_period >= start:
        return None
    return start


def collector_id(
    measure: Measure, team_lead_id: int | None, works_here: Callable[[int], bool]
) -> int | None:
    """Who the figure is due from: the person named, else the team lead (if they work here)."""
    if measure.owner_id is not None and works_here(measure.owner_id):
        return measure.owner_id
    if team_lead_id is not None and works_here(team_lead_id):
        return team_lead_id
    return None
