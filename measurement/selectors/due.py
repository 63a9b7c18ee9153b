"""What is due from one person in this app, for the home page: figures to enter, and PDSA
cycles to start or study.

The same rule as the data reminders (measurement.due): the latest due period with no figure, of
each measure of a live event, due from the person who collects it, else the team lead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from alwaysevents.tenancy.scope import owned_by
from measurement.due import collector_id, missing_period, period_words
from measurement.models import Measure, PdsaCycle
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


# --- PDSA cycles to start or study -------------------------------------------------------------

#: A cycle has no end date: once it has been under way this long, it is time to record what
#: happened and study it (PDSA tests are small and quick: a day to a week).
CYCLE_STUDY_AFTER = dt.timedelta(days=7)


@dataclass(frozen=True)
class CycleDue:
    cycle: PdsaCycle
    #: "start" (planned, its start date has come), "do" (under way for CYCLE_STUDY_AFTER: record
    #: what happened) or "decide" (studying: compare with the predictions and decide).
    step: str

    @property
    def action(self) -> str:
        return {
            "start": f"Start cycle {self.cycle.number}",
            "do": f"Record what happened in cycle {self.cycle.number}",
            "decide": f"Study cycle {self.cycle.number} and decide",
        }[self.step]

    @property
    def why(self) -> str:
        cycle = self.cycle
        if self.step == "start":
            day = cycle.planned_start
            return f"planned to start {day.day} {day:%B %Y}"
        if self.step == "do":
            return "under way for a week or more"
        return "what happened is recorded: compare it with the predictions"


def cycles_due_from(
    *, organisation: Organisation, user_id: int, now: dt.datetime
) -> list[CycleDue]:
    """The PDSA cycles of the live events `user_id` leads or is on the team of that wait for a
    step: to start, to record what happened, or to decide. One query.

    Cycles have no owner, so the whole team of the event is asked.
    """
    from django.utils import timezone

    from programmes.models import Stage

    today = timezone.localdate(now)
    on_team = Q(change_idea__event__team_lead_id=user_id) | Q(
        change_idea__event__team__user_id=user_id
    )
    due_now = (
        Q(state=PdsaCycle.State.PLANNED, planned_start__lte=today)
        | Q(state=PdsaCycle.State.DOING, updated_at__lte=now - CYCLE_STUDY_AFTER)
        | Q(state=PdsaCycle.State.STUDYING)
    )
    cycles = (
        owned_by(PdsaCycle, organisation)
        .filter(on_team, due_now)
        .exclude(change_idea__event__stage__in=(Stage.CLOSED, Stage.PAUSED))
        .select_related("change_idea__event")
        .distinct()
        .order_by("change_idea__event__title", "change_idea_id", "number")
    )
    steps = {
        PdsaCycle.State.PLANNED: "start",
        PdsaCycle.State.DOING: "do",
        PdsaCycle.State.STUDYING: "decide",
    }
    return [CycleDue(cycle=cycle, step=steps[PdsaCycle.State(cycle.state)]) for cycle in cycles]
