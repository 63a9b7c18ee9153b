"""The co-production app's readiness checks, registered into `programmes.readiness`.

Registered from `CoproductionConfig.ready()`. Each answers from recorded data only and runs
inside the event's organisation scope.

- Before Co-designing: at least one "What matters to you?" insight, and at least one partner
  linked to the event (`EventPartner`) who has not left it.
- Before Testing: partners were involved before co-design was done, meaning at least one
  activity in Discovering or Co-designing with partners attending, at the engagement rung (5)
  or higher. Activities where partners were only informed or consulted do not count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q
from django.utils import timezone

from programmes.models import Stage
from programmes.readiness import register, register_action

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent

APP = "coproduction"
INVOLVED_FROM_RUNG = 5  # engagement
INVOLVED_IN_STAGES = (Stage.DISCOVERING, Stage.CO_DESIGNING)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def register_all() -> None:
    for key in ("insights", "partners_recruited", "partners_before_co_design"):
        register_action(
            f"coproduction.{key}",
            "coproduction:event-coproduction",
            "Record it on the Co-production page",
        )

    # --- entering Co-designing: know what matters, and have partners to design with ----------
    @register(
        stage=Stage.CO_DESIGNING,
        key="coproduction.insights",
        label='"What matters to you?" insights gathered',
        app=APP,
    )
    def insights(event: AlwaysEvent) -> tuple[bool, str]:
        from coproduction.models import Insight

        themes = list(
            Insight.objects.filter(event=event).values_list("theme", flat=True).order_by()
        )
        if not themes:
            return False, 'No "What matters to you?" insights recorded yet.'
        distinct = len({theme.lower() for theme in themes})
        return True, (
            f"{_count(len(themes), 'insight', 'insights')} across "
            f"{_count(distinct, 'theme', 'themes')}."
        )

    @register(
        stage=Stage.CO_DESIGNING,
        key="coproduction.partners_recruited",
        label="Partners recruited",
        app=APP,
    )
    def partners_recruited(event: AlwaysEvent) -> tuple[bool, str]:
        from coproduction.models import EventPartner

        today = timezone.localdate()
        counts = EventPartner.objects.filter(event=event).aggregate(
            linked=Count("pk"),
            current=Count("pk", filter=Q(left_on__isnull=True) | Q(left_on__gt=today)),
        )
        if not counts["linked"]:
            return False, "No partners linked to this event yet."
        if not counts["current"]:
            return False, (
                f"All {_count(counts['linked'], 'partner', 'partners')} linked to this event "
                "have left it."
            )
        return True, f"{_count(counts['current'], 'partner', 'partners')} taking part."

    # --- entering Testing: co-design was done with partners -----------------------------------
    @register(
        stage=Stage.TESTING,
        key="coproduction.partners_before_co_design",
        label="Partners involved in discovery or co-design, at engagement or higher",
        app=APP,
    )
    def partners_before_co_design(event: AlwaysEvent) -> tuple[bool, str]:
        from coproduction.models import InvolvementActivity
        from coproduction.selectors.involvement import rung_name

        with_partners = InvolvementActivity.objects.filter(
            event=event, stage__in=INVOLVED_IN_STAGES, attendance__isnull=False
        )
        answer = with_partners.aggregate(
            involved=Count("pk", filter=Q(rung__gte=INVOLVED_FROM_RUNG), distinct=True),
            highest=Max("rung"),
        )
        if answer["involved"]:
            return True, (
                f"{_count(answer['involved'], 'activity', 'activities')} with partners in "
                f"Discovering or Co-designing, the highest at {rung_name(answer['highest'])}."
            )
        if answer["highest"] is None:
            return False, "No activity in Discovering or Co-designing has partners attending yet."
        return False, (
            f"Partners took part only up to {rung_name(answer['highest'])} "
            f"(rung {answer['highest']}). Record an activity at engagement (rung 5) or higher."
        )
