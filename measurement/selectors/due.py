"""What figures are due from one person: the "Due from you" list of the home page.

The same rule as the data reminders (measurement.due): the latest due period with no figure, of
each measure of a live event, due from the person who collects it, else the team lead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from measurement.due import collector_id, missing_period, period_words
from measurement.models import Measure
from measurement.selectors.organisation import measure_list_for_organisation

if TYPE_CHECKING:
    from programmes.models import Organisation


@dataclass(frozen=True)
class FigureDue:
    measure: Measure
    period: dt.date

    @property
    def when(self) -> str:
        """The period in words: "week beginning 23 November 2026" or "November 2026"."""
        return period_words(self.measure.frequency, self.period)


def figures_due_from(
    *, organisation: Organisation, user_id: int, today: dt.date
) -> list[FigureDue]:
    """The figures `user_id` is to enter now, by event and measure. Two queries."""
    from programmes.models import Stage
    from programmes.selectors import staff_user_ids

    works_here = staff_user_ids(organisation=organisation)
    # Only measures this person could collect: named, or of an event they lead.
    candidates = measure_list_for_organisation(organisation=organisation).filter(
        Q(owner_id=user_id) | Q(event__team_lead_id=user_id)
    )
    due = []
    for measure in candidates:
        event = measure.event
        if event.stage in (Stage.CLOSED, Stage.PAUSED):
            continue
        if collector_id(measure, event.team_lead_id, works_here.__contains__) != user_id:
            continue
        period = missing_period(measure, measure.latest_period, today)  # type: ignore[attr-defined]
        if period is not None:
            due.append(FigureDue(measure=measure, period=period))
    return due
