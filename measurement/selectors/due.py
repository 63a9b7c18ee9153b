"""What figures are due from one person: the "Due from you" list of the home page.

The same rule as the data reminders (measurement.due): the latest due period with no figure, of
each measure of a live event, due from the person who collects it, else the team lead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

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


def staff_user_ids(*, organisation: Organisation) -> set[int]:
    """The people who work here: active staff members who can sign in. One query."""
    from programmes.models import STAFF_ROLES, Membership

    return set(
        Membership.objects.with_scope(organisation=organisation.pk)
        .filter(
            organisation=organisation,
            is_active=True,
            user__is_active=True,
            role__in=STAFF_ROLES,
        )
        .values_list("user_id", flat=True)
    )


def figures_due_from(
    *, organisation: Organisation, user_id: int, today: dt.date
) -> list[FigureDue]:
    """The figures `user_id` is to enter now, by event and measure. Two queries."""
    from programmes.models import Stage

    works_here = staff_user_ids(organisation=organisation)
    due = []
    for measure in measure_list_for_organisation(organisation=organisation):
        event = measure.event
        if event.stage in (Stage.CLOSED, Stage.PAUSED):
            continue
        if collector_id(measure, event.team_lead_id, works_here.__contains__) != user_id:
            continue
        period = missing_period(measure, measure.latest_period, today)  # type: ignore[attr-defined]
        if period is not None:
            due.append(FigureDue(measure=measure, period=period))
    return due
