"""The programme dashboard: aggregates across every organisation, for programme admins.

Counts and shares only: no partner's personal data (not even a pseudonym), no staff names.
A constant number of queries whatever the number of organisations and events.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery

from accreditation.selectors import accreditation_funnel
from coproduction.models import InvolvementActivity
from programmes.models import AlwaysEvent, Challenge, Organisation, ProgressScore, Stage
from programmes.selectors import event_time_summaries

NO_COHORT = "No cohort"
NOT_SET = "Not set yet"


@dataclass
class Table:
    """One table of the dashboard: what the page shows and what its CSV holds."""

    slug: str
    title: str
    caption: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    #: Columns (by index) that are numbers: right-aligned on the page.
    numeric: frozenset[int] = frozenset()
    #: Shown across the whole page (many columns).
    wide: bool = False


@dataclass
class ProgrammeDashboard:
    tables: dict[str, Table]
    organisations: int
    organisations_taking_part: int
    events: int
    codesign_share: Decimal | None
    partner_share: Decimal | None
    #: (area label, count), most common first; challenges and facilitators separately.
    common_challenges: list[tuple[str, int]]
    common_facilitators: list[tuple[str, int]]
    hours_logged: Decimal
    over_reliance_events: int

    def table(self, slug: str) -> Table:
        return self.tables[slug]


def percent(share: Decimal | None) -> str:
    if share is None:
        return ""
    return f"{(share * 100).quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


def _share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def _hours(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"


def programme_dashboard() -> ProgrammeDashboard:
    """Participation, stages, scores, co-production depth, challenges and staff time across
    the programme. Eight queries, whatever the number of organisations and events."""
    organisations = list(
        Organisation.objects.filter(is_active=True).select_related("cohort").order_by("name")
    )
    organisation_ids = [o.pk for o in organisations]
    latest = (
        ProgressScore.objects.with_scopes_disabled()
        .filter(event=OuterRef("pk"))
        .order_by("-set_at", "-pk")
    )
    events = list(
        AlwaysEvent.objects.with_scopes_disabled()
        .filter(organisation_id__in=organisation_ids)
        .annotate(latest_score=Subquery(latest.values("score")[:1]))
        .only("pk", "organisation_id", "stage", "paused_from")
        .order_by("pk")
    )
    org_of = {o.pk: o for o in organisations}
    cohort_name = {o.pk: (o.cohort.name if o.cohort else NO_COHORT) for o in organisations}
    region_name = {o.pk: o.get_region_display() for o in organisations}
    times = event_time_summaries(events=events)

    tables: dict[str, Table] = {}

    # --- participation by cohort and by region ---------------------------------------------
    def participation(slug: str, title: str, key: dict[int, str], order: list[str]) -> Table:
        orgs: Counter[str] = Counter(key[o.pk] for o in organisations)
        events_of: Counter[str] = Counter(key[e.organisation_id] for e in events)
        taking_part: dict[str, set[int]] = defaultdict(set)
        active: Counter[str] = Counter()
        hours: dict[str, Decimal] = defaultdict(Decimal)
        for e in events:
            group = key[e.organisation_id]
            taking_part[group].add(e.organisation_id)
            if e.stage not in (Stage.CLOSED, Stage.PAUSED):
                active[group] += 1
            hours[group] += times[e.pk].total
        table = Table(
            slug,
            title,
            f"Organisations and Always Events by {title.rsplit(' ', 1)[-1]}",
            [
                title.rsplit(" ", 1)[-1].capitalize(),
                "Organisations",
                "Organisations taking part (with an Always Event)",
                "Always Events",
                "Active (not paused or closed)",
                "Staff hours logged",
            ],
            numeric=frozenset({1, 2, 3, 4, 5}),
            wide=True,
        )
        for group in order:
            if orgs[group]:
                table.rows.append(
                    [
                        group,
                        orgs[group],
                        len(taking_part[group]),
                        events_of[group],
                        active[group],
                        _hours(hours[group]),
                    ]
                )
        return table

    cohorts = sorted({name for name in cohort_name.values() if name != NO_COHORT})
    tables["cohorts"] = participation(
        "cohorts", "Participation by cohort", cohort_name, [*cohorts, NO_COHORT]
    )
    tables["regions"] = participation(
        "regions",
        "Participation by region",
        region_name,
        [label for _, label in Organisation.Region.choices],
    )

    # --- events by stage and progress score distribution -------------------------------------
    stages = Counter(e.stage for e in events)
    total = len(events)
    tables["stages"] = Table(
        "stages",
        "Always Events by stage",
        "How many Always Events are at each stage",
        ["Stage", "Always Events", "Share"],
        [
            [label, stages[value], percent(_share(stages[value], total))]
            for value, label in Stage.choices
        ],
        numeric=frozenset({1, 2}),
    )
    scores = Counter(e.latest_score or "" for e in events)
    tables["scores"] = Table(
        "scores",
        "Progress score distribution",
        "The latest progress score of each Always Event",
        ["Progress score", "Always Events", "Share"],
        [
            [label, scores[value], percent(_share(scores[value], total))]
            for value, label in [*ProgressScore.Score.choices, ("", NOT_SET)]
        ],
        numeric=frozenset({1, 2}),
    )

    # --- co-production depth -------------------------------------------------------------------
    activities = list(
        InvolvementActivity.objects.with_scopes_disabled()
        .filter(organisation_id__in=organisation_ids)
        .order_by()
        .annotate(
            n_partners=Count("attendance", distinct=True), n_staff=Count("staff", distinct=True)
        )
        .values_list("event_id", "rung", "n_partners", "n_staff")
    )
    by_rung: Counter[int] = Counter(rung for _, rung, _, _ in activities)
    events_at_rung: dict[int, set[int]] = defaultdict(set)
    for event_id, rung, _, _ in activities:
        events_at_rung[rung].add(event_id)
    n_activities = len(activities)
    tables["coproduction"] = Table(
        "coproduction",
        "Co-production depth",
        "Involvement activities on each rung of the ladder of co-production",
        ["Rung of the ladder", "Activities", "Share of activities", "Always Events with one"],
        [
            [
                label,
                by_rung[value],
                percent(_share(by_rung[value], n_activities)),
                len(events_at_rung[value]),
            ]
            for value, label in reversed(InvolvementActivity.Rung.choices)
        ],
        numeric=frozenset({1, 2, 3}),
    )
    codesign = sum(n for rung, n in by_rung.items() if rung >= InvolvementActivity.Rung.CO_DESIGN)
    partners = sum(p for _, _, p, _ in activities)
    staff = sum(s for _, _, _, s in activities)

    # --- challenges and facilitators by area -------------------------------------------------
    counted = (
        Challenge.objects.with_scopes_disabled()
        .filter(organisation_id__in=organisation_ids)
        .order_by()
        .values("area")
        .annotate(
            open=Count("pk", filter=Q(kind=Challenge.Kind.CHALLENGE, status=Challenge.Status.OPEN)),
            addressed=Count(
                "pk", filter=Q(kind=Challenge.Kind.CHALLENGE, status=Challenge.Status.ADDRESSED)
            ),
            facilitators=Count("pk", filter=Q(kind=Challenge.Kind.FACILITATOR)),
            organisations=Count("organisation", distinct=True),
        )
    )
    by_area = {row["area"]: row for row in counted}
    empty = {"open": 0, "addressed": 0, "facilitators": 0, "organisations": 0}
    tables["challenges"] = Table(
        "challenges",
        "Challenges and facilitators by area",
        "Challenges (open and addressed) and facilitators recorded in each area",
        [
            "Area",
            "Challenges open",
            "Challenges addressed",
            "Facilitators",
            "Organisations recording any",
        ],
        [
            [
                label,
                by_area.get(value, empty)["open"],
                by_area.get(value, empty)["addressed"],
                by_area.get(value, empty)["facilitators"],
                by_area.get(value, empty)["organisations"],
            ]
            for value, label in Challenge.Area.choices
        ],
        numeric=frozenset({1, 2, 3, 4}),
    )
    labels = dict(Challenge.Area.choices)
    common_challenges = sorted(
        (
            (labels[a], row["open"] + row["addressed"])
            for a, row in by_area.items()
            if row["open"] + row["addressed"]
        ),
        key=lambda item: (-item[1], item[0]),
    )
    common_facilitators = sorted(
        ((labels[a], row["facilitators"]) for a, row in by_area.items() if row["facilitators"]),
        key=lambda item: (-item[1], item[0]),
    )

    # --- staff time by cohort ------------------------------------------------------------------
    staff_rows: dict[str, list[Any]] = {}
    for group in [*cohorts, NO_COHORT]:
        staff_rows[group] = [group, 0, Decimal("0"), Decimal("0"), 0]
    for e in events:
        row = staff_rows[cohort_name[e.organisation_id]]
        summary = times[e.pk]
        if summary.total:
            row[1] += 1
        row[2] += summary.total
        row[3] += sum((p.agreed_per_week for p in summary.people), Decimal("0"))
        row[4] += 1 if summary.over_reliance else 0
    tables["staff-time"] = Table(
        "staff-time",
        "Staff time",
        "Staff time logged and protected time agreed, by cohort",
        [
            "Cohort",
            "Always Events logging time",
            "Staff hours logged",
            "Protected hours agreed a week",
            "Always Events leaning on one or two people",
        ],
        [
            [r[0], r[1], _hours(r[2]), _hours(r[3]), r[4]]
            for r in staff_rows.values()
            if r[0] != NO_COHORT or any(org_of[o].cohort_id is None for o in org_of)
        ],
        numeric=frozenset({1, 2, 3, 4}),
    )

    # --- accreditation funnel and rate (the accreditation app's selector, two queries) ----------
    funnel = accreditation_funnel()
    tables["accreditation"] = Table(
        "accreditation",
        "Accreditation funnel",
        "Where each Always Event stands in accreditation, by cohort, and the share of decided "
        "submissions that were accredited",
        ["Cohort", *(label for _, label in funnel.stages), "Accreditation rate"],
        [
            [
                row.cohort,
                *(count for _, _, count in row.cells),
                f"{row.accreditation_rate}%"
                if row.accreditation_rate is not None
                else "No decisions yet",
            ]
            for row in [*funnel.rows, funnel.total]
        ],
        numeric=frozenset(range(1, len(funnel.stages) + 2)),
        wide=True,
    )

    return ProgrammeDashboard(
        tables=tables,
        organisations=len(organisations),
        organisations_taking_part=len({e.organisation_id for e in events}),
        events=total,
        codesign_share=_share(codesign, n_activities),
        partner_share=_share(partners, partners + staff),
        common_challenges=common_challenges[:3],
        common_facilitators=common_facilitators[:3],
        hours_logged=sum((t.total for t in times.values()), Decimal("0")),
        over_reliance_events=sum(1 for t in times.values() if t.over_reliance),
    )
