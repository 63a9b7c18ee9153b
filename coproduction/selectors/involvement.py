"""Reads about insights and involvement: the themes, and the event's co-production profile.

Each runs a constant number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Min, Prefetch, QuerySet
from django.db.models.functions import Lower, TruncQuarter

from alwaysevents.tenancy.scope import owned_by
from coproduction.models import Attendance, Insight, InvolvementActivity
from programmes.models import MAIN_PATH, AlwaysEvent, Stage, StageTransition

Rung = InvolvementActivity.Rung

# Partners are expected from discovery on (accreditation criterion C2): earlier stages
# (Proposed, Set-up) are not reported as missing partner involvement.
INVOLVEMENT_EXPECTED_FROM = Stage.DISCOVERING
PARTNER_SHARE_AIM = Decimal("0.5")


def rung_name(rung: int) -> str:
    """`6` -> "co-design": the rung's name without its number."""
    return Rung(rung).label.split(". ", 1)[1].lower()


def _percent(share: Decimal | None) -> str:
    if share is None:
        return ""
    return f"{(share * 100).quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


# --- themes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeCount:
    theme: str
    count: int


def insight_themes(*, event: AlwaysEvent) -> list[ThemeCount]:
    """The event's insight themes, most often heard first. One query.

    Themes differing only in capitals count together, shown as first written (alphabetically).
    """
    rows = (
        owned_by(Insight, event.organisation)
        .filter(event=event)
        .annotate(key=Lower("theme"))
        .values("key")
        .annotate(shown=Min("theme"), count=Count("pk"))
        .order_by("-count", "key")
    )
    return [ThemeCount(row["shown"], row["count"]) for row in rows]


# --- co-production profile ------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivePartners:
    """Distinct partners attending at least one activity in a quarter (calendar quarters)."""

    quarter_starting: dt.date
    partners: int

    @property
    def label(self) -> str:
        end = self.quarter_starting.replace(month=self.quarter_starting.month + 2)
        return f"{self.quarter_starting:%b} to {end:%b %Y}"


@dataclass(frozen=True)
class CoproductionProfile:
    activities: int
    highest_rung: int | None
    codesign_or_above: int
    partner_attendances: int
    staff_attendances: int
    stages_considered: tuple[str, ...]
    stages_without_partners: tuple[str, ...]
    active_partners: tuple[ActivePartners, ...]
    summary: tuple[str, ...]

    @property
    def highest_rung_label(self) -> str:
        return Rung(self.highest_rung).label if self.highest_rung else ""

    @property
    def codesign_share(self) -> Decimal | None:
        """Share of activities at co-design (rung 6) or above; None with no activities."""
        if not self.activities:
            return None
        return Decimal(self.codesign_or_above) / Decimal(self.activities)

    @property
    def partner_share(self) -> Decimal | None:
        """Partners / (partners + staff) over every activity's attendance; None with none."""
        total = self.partner_attendances + self.staff_attendances
        if not total:
            return None
        return Decimal(self.partner_attendances) / Decimal(total)

    @property
    def meets_partner_share_aim(self) -> bool:
        share = self.partner_share
        return share is not None and share >= PARTNER_SHARE_AIM

    @property
    def stages_without_partners_labels(self) -> list[str]:
        return [Stage(s).label for s in self.stages_without_partners]


def _closed_from(events: Sequence[AlwaysEvent], *, always: bool) -> dict[int, str]:
    """The stage each closed event was closed from (its latest closing move). One query; none
    when no event is closed, unless `always` (so that a dashboard's count never varies)."""
    closed = [event for event in events if event.stage == Stage.CLOSED]
    if not closed and not always:
        return {}
    closed = closed or list(events)
    organisation_ids = {event.organisation_id for event in closed}
    moves = (
        StageTransition.objects.with_scopes_disabled()
        .filter(
            organisation_id__in=organisation_ids,
            event__in=[event.pk for event in closed],
            to_stage=Stage.CLOSED,
        )
        .order_by("event_id", "-at", "-pk")
        .values_list("event_id", "from_stage")
    )
    found: dict[int, str] = {}
    for event_id, from_stage in moves:
        found.setdefault(event_id, from_stage)
    return found


def _stage_reached(event: AlwaysEvent, closed_from: str | None = None) -> str | None:
    """The main-path stage the event is at (or was at when paused or closed)."""
    if event.stage in MAIN_PATH:
        return event.stage
    if event.stage == Stage.PAUSED and event.paused_from in MAIN_PATH:
        return event.paused_from
    if event.stage == Stage.CLOSED:
        if closed_from == Stage.PAUSED:
            return None
        return closed_from if closed_from in MAIN_PATH else None
    return None


def _stages_considered(event: AlwaysEvent, closed_from: str | None = None) -> tuple[str, ...]:
    """Main-path stages from Discovering up to (not including) the stage the event is at."""
    reached = _stage_reached(event, closed_from)
    if reached is None:
        return ()
    start = MAIN_PATH.index(INVOLVEMENT_EXPECTED_FROM)
    return tuple(MAIN_PATH[start : MAIN_PATH.index(reached)])


def _quarter_of(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _quarters(first: dt.date, last: dt.date) -> list[dt.date]:
    quarters = []
    day = first
    while day <= last:
        quarters.append(day)
        month = day.month + 3
        day = dt.date(day.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return quarters


def _summary(profile: CoproductionProfile) -> tuple[str, ...]:
    if not profile.activities:
        return ("No involvement activities recorded yet.",)
    lines = []
    plural = "activity" if profile.activities == 1 else "activities"
    lines.append(
        f"{profile.activities} {plural} recorded; the highest rung reached is "
        f"{rung_name(profile.highest_rung or 1)} ({profile.highest_rung} of 7)."
    )
    lines.append(
        f"{profile.codesign_or_above} of {profile.activities} {plural} "
        f"({_percent(profile.codesign_share)}) at co-design or above."
    )
    share = profile.partner_share
    if share is None:
        lines.append("No attendance recorded yet.")
    else:
        verdict = "meeting" if profile.meets_partner_share_aim else "below"
        lines.append(
            f"Partners were {_percent(share)} of attendance ({profile.partner_attendances} of "
            f"{profile.partner_attendances + profile.staff_attendances}), {verdict} the "
            "50:50 aim."
        )
    if profile.stages_without_partners:
        lines.append(
            "No partners took part in: " + ", ".join(profile.stages_without_partners_labels) + "."
        )
    elif profile.stages_considered:
        lines.append("Partners took part in every stage so far.")
    if profile.active_partners:
        latest = profile.active_partners[-1]
        people = "partner" if latest.partners == 1 else "partners"
        lines.append(f"{latest.partners} {people} active in {latest.label}.")
    return tuple(lines)


def coproduction_profile(*, event: AlwaysEvent) -> CoproductionProfile:
    """How deep co-production goes on the event. Two queries (three for a closed event).

    - highest rung, and how many activities were at co-design (rung 6) or above;
    - partner share of attendance: partner attendances / (partner + staff attendances), summed
      over activities, against the 50:50 aim;
    - stages with no partner involvement: main-path stages from Discovering up to the stage the
      event is at (not counting that one) with no activity that had partners attending;
    - active partners per calendar quarter: distinct partners attending, from the quarter of the
      first activity to that of the last, quarters without partners as 0.
    """
    return _profiles([event], always=False)[event.pk]


def _of_events(model: Any, events: Sequence[AlwaysEvent], via: str) -> QuerySet[Any]:
    organisation_ids = sorted({event.organisation_id for event in events})
    manager = model.objects
    rows = (
        manager.with_scope(organisation=organisation_ids[0])
        if len(organisation_ids) == 1
        else manager.with_scopes_disabled()
    )
    return rows.filter(
        organisation_id__in=organisation_ids, **{f"{via}__in": [event.pk for event in events]}
    )


def coproduction_profiles(*, events: Sequence[AlwaysEvent]) -> dict[int, CoproductionProfile]:
    """`coproduction_profile` of many events (of one organisation or several) at once.

    Three queries, whatever the number of events.
    """
    return _profiles(events, always=True)


def _profiles(events: Sequence[AlwaysEvent], *, always: bool) -> dict[int, CoproductionProfile]:
    if not events:
        return {}
    rows_of: dict[int, list[tuple[str, int, int, int, dt.date]]] = {e.pk: [] for e in events}
    for event_id, *row in (
        _of_events(InvolvementActivity, events, "event")
        .order_by()
        .annotate(
            n_partners=Count("attendance", distinct=True),
            n_staff=Count("staff", distinct=True),
        )
        .values_list("event_id", "stage", "rung", "n_partners", "n_staff", "held_on")
    ):
        rows_of[event_id].append(tuple(row))
    per_quarter: dict[int, dict[dt.date, int]] = {event.pk: {} for event in events}
    for event_id, quarter, n in (
        _of_events(Attendance, events, "activity__event")
        .annotate(quarter=TruncQuarter("activity__held_on"))
        .values("activity__event_id", "quarter")
        .annotate(n=Count("partner", distinct=True))
        .order_by("quarter")
        .values_list("activity__event_id", "quarter", "n")
    ):
        per_quarter[event_id][quarter] = n
    closed_from = _closed_from(events, always=always)
    return {
        event.pk: _profile(
            rows_of[event.pk],
            per_quarter[event.pk],
            _stages_considered(event, closed_from.get(event.pk)),
        )
        for event in events
    }


def _profile(
    rows: list[tuple[str, int, int, int, dt.date]],
    per_quarter: dict[dt.date, int],
    considered: tuple[str, ...],
) -> CoproductionProfile:
    with_partners = {stage for stage, _, n_partners, _, _ in rows if n_partners}
    active: tuple[ActivePartners, ...] = ()
    if rows:
        days = [held_on for *_, held_on in rows]
        active = tuple(
            ActivePartners(q, per_quarter.get(q, 0))
            for q in _quarters(_quarter_of(min(days)), _quarter_of(max(days)))
        )
    profile = CoproductionProfile(
        activities=len(rows),
        highest_rung=max((row[1] for row in rows), default=None),
        codesign_or_above=sum(1 for row in rows if row[1] >= Rung.CO_DESIGN),
        partner_attendances=sum(row[2] for row in rows),
        staff_attendances=sum(row[3] for row in rows),
        stages_considered=considered,
        stages_without_partners=tuple(s for s in considered if s not in with_partners),
        active_partners=active,
        summary=(),
    )
    return replace(profile, summary=_summary(profile))


def insight_list(*, event: AlwaysEvent, limit: int = 50) -> list[Insight]:
    """The event's latest insights. One query."""
    return list(owned_by(Insight, event.organisation).filter(event=event)[:limit])


@dataclass(frozen=True)
class AttendeeRow:
    name: str
    has_access_needs: bool
    feedback: str = ""  # in their own words, given on the partner pages


@dataclass(frozen=True)
class ActivityRow:
    pk: int
    title: str
    type: str
    held_on: Any
    stage: str
    rung: int
    rung_label: str
    hours: Decimal
    staff_count: int
    partners: tuple[AttendeeRow, ...]
    decisions_influenced: str
    partner_feedback: str


def activity_list(*, event: AlwaysEvent) -> list[ActivityRow]:
    """The event's activities with who attended. Two queries whatever the number of rows."""
    attendance = (
        Attendance.objects.with_scope(organisation=event.organisation_id)
        .select_related("partner")
        .order_by("partner__display_name", "pk")
    )
    activities = (
        InvolvementActivity.objects.with_scope(organisation=event.organisation_id)
        .filter(organisation_id=event.organisation_id, event=event)
        .annotate(staff_count=Count("staff", distinct=True))
        .prefetch_related(Prefetch("attendance", queryset=attendance))
    )
    return [
        ActivityRow(
            pk=a.pk,
            title=a.title,
            type=a.get_type_display(),
            held_on=a.held_on,
            stage=a.get_stage_display(),
            rung=a.rung,
            rung_label=InvolvementActivity.Rung(a.rung).label,
            hours=a.hours,
            staff_count=a.staff_count,
            partners=tuple(
                AttendeeRow(str(att.partner), att.partner.has_access_needs, att.feedback)
                for att in a.attendance.all()
            ),
            decisions_influenced=a.decisions_influenced,
            partner_feedback=a.partner_feedback,
        )
        for a in activities
    ]
