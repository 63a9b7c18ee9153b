"""Issue 7's benchmark: monthly sponsor reports for 200 sponsors with one worker and two, their
peak memory, and the dashboard against a trivial page, in one run.

Run with `make bench` (or `.venv/bin/python bench/reports.py`). Uses a throwaway SQLite file database (or DATABASE_URL if set). Builds
demo-like data at scale: `seed_demo --scale N` organisations, each with a sponsor who sponsors
two events with a vision, aim and progress scores, two monthly measures of 24 points with a
target, PDSA cycles in the month, a challenge for the sponsor and an involvement activity.

Prints, for the report of one month (content read through the selectors, HTML, PDF):
- reports a second with one worker process, and with two (each process its own connection);
  the ratio (target: two workers at least 1.8 times one);
- peak memory for 50 and for 200 sponsors in a fresh process each, streaming one report at a
  time (target: it does not grow with the number of sponsors);
- then the dashboard for 50 events against a trivial signed-in page (`bench/dashboard.py`,
  target: within 5 times).

`BENCH_REPORT_SPONSORS` (default 200) makes the run smaller for a quick look.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="alwaysevents-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alwaysevents.settings")

import django

django.setup()

from django.core.management import call_command
from django.db import connections

from alwaysevents.reporting import rendering
from alwaysevents.reporting.selectors.report import report_content
from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from coproduction.models import InvolvementActivity
from measurement.models import ChangeIdea, DataPoint, Measure, PdsaCycle
from programmes.models import AlwaysEvent, Challenge, Membership, Organisation, ProgressScore, Role

SPONSORS = int(os.environ.get("BENCH_REPORT_SPONSORS", "200"))
PERIOD = "2026-10"
MONTHS = [dt.date(2024 + (10 + m) // 12, (10 + m) % 12 + 1, 1) for m in range(24)]  # to Oct 26
SHAPE = [40, 42, 38, 41, 39, 43, 40, 44, 41, 39, 42, 40, 55, 60, 62, 65, 63, 66, 68, 70, 69]


def seed(n: int) -> list[int]:
    """`n` generated organisations, each with a sponsor's month of work. Returns the sponsors'
    membership ids. Bulk writes; idempotent enough for one run."""
    call_command("seed_demo", scale=n, stdout=open(os.devnull, "w"))  # noqa: SIM115
    with across_organisations():
        organisations = list(
            Organisation.objects.filter(slug__startswith="generated-").order_by("slug")[:n]
        )
        memberships = list(
            Membership.objects.filter(
                organisation__in=organisations, role=Role.EXECUTIVE_SPONSOR
            ).select_related("user")
        )
        by_org = {m.organisation_id: m for m in memberships}
        ids = [by_org[o.pk].pk for o in organisations]
        done = set(
            AlwaysEvent.objects.filter(organisation__in=organisations).values_list(
                "organisation_id", flat=True
            )
        )
        organisations = [o for o in organisations if o.pk not in done]
        if not organisations:
            return ids
        events = AlwaysEvent.objects.bulk_create(
            [
                AlwaysEvent(
                    organisation=o,
                    title=f"{title} ({o.name})",
                    service=service,
                    stage="testing",
                    executive_sponsor=by_org[o.pk].user,
                    vision_statement=f"I will always {title.lower()}.",
                    aim_measure=f"{title.lower()}",
                    aim_target_percent=Decimal("90"),
                    aim_deadline=dt.date(2027, 3, 31),
                    aim_population=f"patients on {service}",
                    aim_review_frequency="monthly",
                )
                for o in organisations
                for title, service in (
                    ("Be told the plan for my day by 10am", "Ward 7"),
                    ("Be asked what matters to me at admission", "Ward 9"),
                )
            ]
        )
        ProgressScore.objects.bulk_create(
            ProgressScore(organisation_id=e.organisation_id, event=e, score=s, reason="Bench")
            for e in events
            for s in ("2.0", "2.5")
        )
        measures = Measure.objects.bulk_create(
            Measure(
                organisation_id=e.organisation_id,
                event=e,
                name=name,
                type=kind,
                definition="Counted every Tuesday at 10am.",
                unit="%",
                frequency="monthly",
                direction=direction,
                target=Decimal(target),
            )
            for e in events
            for name, kind, direction, target in (
                ("Patients told the plan by 10am", "outcome", "higher", 90),
                ("Falls on the ward", "balancing", "lower", 2),
            )
        )
        DataPoint.objects.bulk_create(
            DataPoint(
                organisation_id=m.organisation_id,
                measure=m,
                period=month,
                value=Decimal(SHAPE[i % len(SHAPE)] + (m.pk % 5)),
            )
            for m in measures
            for i, month in enumerate(MONTHS)
        )
        ideas = ChangeIdea.objects.bulk_create(
            ChangeIdea(
                organisation_id=e.organisation_id,
                event=e,
                text="Bedside plan card",
                kind="relational",
            )
            for e in events
        )
        cycles = PdsaCycle.objects.bulk_create(
            PdsaCycle(
                organisation_id=idea.organisation_id,
                change_idea=idea,
                number=n,
                objective="Test the card on one bay",
                planned_start=dt.date(2026, 10, 2 + 7 * n),
                state="decided",
                decision="adapt" if n == 1 else "adopt",
                learning="Patients liked it; nights need a shorter version.",
            )
            for idea in ideas
            for n in (1, 2)
        )
        first_measure = {m.event_id: m for m in reversed(measures)}
        PdsaCycle.measures.through.objects.bulk_create(
            PdsaCycle.measures.through(
                pdsacycle_id=c.pk, measure_id=first_measure[c.change_idea.event_id].pk
            )
            for c in cycles
        )
        Challenge.objects.bulk_create(
            Challenge(
                organisation_id=e.organisation_id,
                event=e,
                area="staff_time",
                text="Cover for protected time on nights",
                noted_on=dt.date(2026, 9, 14),
                help_needed="sponsor",
            )
            for e in events
        )
        InvolvementActivity.objects.bulk_create(
            InvolvementActivity(
                organisation_id=e.organisation_id,
                event=e,
                title="Co-design workshop",
                type="workshop",
                held_on=dt.date(2026, 10, 8),
                stage="co_designing",
                rung=6,
                hours=Decimal("2"),
            )
            for e in events
        )
    return ids


def render_one(membership_id: int) -> int:
    """Read, render the HTML and print the PDF of one sponsor's report; keep nothing."""
    with across_organisations():
        membership = Membership.objects.select_related("organisation", "user").get(pk=membership_id)
    with organisation_scope(membership.organisation):
        content = report_content(membership=membership, period=PERIOD)
    html = rendering.report_body_html(content)
    return len(rendering.report_pdf(content, html))


def worker(ids: list[int], queue: multiprocessing.Queue) -> None:
    connections.close_all()  # a fresh connection of this process's own
    cpu = time.process_time()
    total = sum(render_one(i) for i in ids)
    connections.close_all()
    queue.put((total, time.process_time() - cpu))


def run(ids: list[int], processes: int) -> tuple[float, float]:
    """Reports a second over `ids`, split across `processes` worker processes, and the CPU
    seconds the workers spent a report (constant if the work splits cleanly: then any shortfall
    in the ratio is cores the machine did not give us, e.g. other jobs on a shared host)."""
    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    chunks = [ids[i::processes] for i in range(processes)]
    start = time.perf_counter()
    children = [context.Process(target=worker, args=(chunk, queue)) for chunk in chunks]
    for child in children:
        child.start()
    results = [queue.get() for _ in children]
    for child in children:
        child.join()
    elapsed = time.perf_counter() - start
    assert all(size for size, _ in results), "every worker printed PDFs"
    return len(ids) / elapsed, sum(cpu for _, cpu in results) / len(ids)


def memory_worker(ids: list[int], queue: multiprocessing.Queue) -> None:
    connections.close_all()
    render_one(ids[0])  # warm up: fonts, templates, imports
    tracemalloc.start()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for i in ids:
        render_one(i)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    connections.close_all()
    queue.put((peak, rss_after, rss_after - rss_before))


def memory(ids: list[int]) -> tuple[int, int, int]:
    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=memory_worker, args=(ids, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def main() -> None:
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    ids = seed(SPONSORS)
    print(
        f"seeded {len(ids)} sponsors (2 events, 4 measures of 24 points each) "
        f"in {time.perf_counter() - start:.1f} s; database: {connections['default'].vendor}"
    )
    render_one(ids[0])  # warm up before timing
    one, cpu_one = run(ids, 1)
    two, cpu_two = run(ids, 2)
    print(f"reports a second, one worker:  {one:6.2f} ({cpu_one:.2f} CPU seconds a report)")
    print(f"reports a second, two workers: {two:6.2f} ({cpu_two:.2f} CPU seconds a report)")
    print(f"ratio two / one: {two / one:.2f} (target >= 1.8; {os.cpu_count()} CPUs, shared)")
    small = memory(ids[: min(50, len(ids))])
    large = memory(ids)
    for label, (peak, rss, growth) in (
        (f"{min(50, len(ids))} sponsors", small),
        (f"{len(ids)} sponsors", large),
    ):
        print(
            f"peak memory, {label:<12}: Python heap {peak / 2**20:6.1f} MiB; process max RSS "
            f"{rss / 1024:6.1f} MiB (+{growth / 1024:.1f} MiB while rendering)"
        )
    print(
        f"ratio {len(ids)}/{min(50, len(ids))} sponsors: peak heap {large[0] / small[0]:.2f}, "
        f"process max RSS {large[1] / small[1]:.2f} (target: about 1, not growing with the "
        "number of sponsors)"
    )


if __name__ == "__main__":
    main()
    import dashboard  # bench/dashboard.py, beside this file

    dashboard.figures()
