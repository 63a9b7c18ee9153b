"""Imports and charts: a 50,000-row CSV checked and applied, and a 104-point chart rendered.

Run with `make bench`. Uses a throwaway SQLite database (or DATABASE_URL if set). Prints rows a
second, the peak memory of a fresh process doing the import (target under 200 MB), queries per batch of 1,000 rows (constant), and the
time to render the SVG of a 104-point chart against the whole chart page around it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import resource
import subprocess
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

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from measurement import charts
from measurement.selectors.measures import measure_phases, measure_points
from measurement.services import measures as services
from programmes.models import AlwaysEvent, Organisation

ROWS = 50_000
MEASURES = 25  # 25 weekly measures x 2,000 weeks = 50,000 rows


def _reset_peak_rss() -> None:
    """Linux: start the process's peak resident memory afresh (`/proc/self/clear_refs`, 5)."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def _peak_rss_mb() -> float:
    """The process's peak resident memory since `_reset_peak_rss` (VmHWM), in MB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_in_this_process(event_pk: int, path: Path) -> None:
    """`--import`: apply the file to the event and print speed, memory and queries."""
    settings.MEASUREMENT_IMPORT_MAX_BYTES = 50 * 1024 * 1024
    content = path.read_bytes()
    with across_organisations():
        event = AlwaysEvent.objects.select_related("organisation").get(pk=event_pk)
    _reset_peak_rss()
    before_mb = _peak_rss_mb()
    tracemalloc.start()
    began = time.perf_counter()
    with organisation_scope(event.organisation), CaptureQueriesContext(connection) as queries:
        record = services.data_import_apply(
            event=event, filename="bench.csv", content=content, by=None
        )
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = _peak_rss_mb()
    batches = -(-record.rows // services.BATCH)
    print(
        f"import: {record.rows} rows in {elapsed:.2f} s ({record.rows / elapsed:,.0f} rows a second)"
    )
    print(
        f"peak memory of a fresh process doing the import: {rss_mb:.0f} MB (target < 200 MB; "
        f"{before_mb:.0f} MB before it, with Django and the app loaded); peak Python memory of "
        f"the import itself {peak / 1e6:.0f} MB"
    )
    print(
        f"queries: {len(queries)} for {batches} batches ({(len(queries) - 3) / batches:.1f} a batch, constant)"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.MEASUREMENT_IMPORT_MAX_BYTES = 50 * 1024 * 1024
    organisation = Organisation.objects.get(slug="northfield")
    with organisation_scope(organisation):
        event = AlwaysEvent.objects.order_by("pk").first()
    assert event is not None
    names = [f"Bench measure {i}" for i in range(MEASURES)]
    for name in names:
        services.measure_create(event=event, by=None, name=name, type="outcome", definition="Bench")
    start = dt.date(1990, 1, 1)
    start -= dt.timedelta(days=start.weekday())
    rng = random.Random(7)
    lines = ["measure,period,value"]
    for name in names:
        for week in range(ROWS // MEASURES):
            lines.append(f"{name},{start + dt.timedelta(weeks=week)},{rng.randint(0, 100)}")
    content = "\n".join(lines).encode()
    print(f"file: {len(lines) - 1} rows, {len(content) / 1e6:.1f} MB", flush=True)
    csv_path = Path(os.environ["VAR_DIR"]) / "bench-import.csv"
    csv_path.write_bytes(content)
    # In a fresh process, as a worker would run it: the peak memory is the import's, not the
    # seeding's above (which leaves this process at about 210 MB).
    command = [sys.executable, __file__, "--import", str(event.pk), str(csv_path)]
    subprocess.run(command, check=True)  # noqa: S603 - this very script, our own arguments

    with organisation_scope(organisation):
        measure = services.measure_create(
            event=event, by=None, name="Chart bench", type="process", definition="Bench"
        )
        for week in range(104):
            services.data_point_save(
                measure=measure,
                period=start + dt.timedelta(weeks=week),
                value=Decimal(rng.randint(40, 60)),
                by=None,
            )
        points, phases = measure_points(measure=measure), measure_phases(measure=measure)
    began = time.perf_counter()
    for _ in range(20):
        context = charts.measure_chart_context(measure, points, phases)
    per_chart = (time.perf_counter() - began) / 20
    from django.test import Client
    from django.urls import reverse

    from programmes.models import Membership

    with organisation_scope(organisation):
        user = Membership.objects.filter(role="team_member").first().user  # type: ignore[union-attr]
    client = Client()
    client.force_login(user)
    path = reverse(
        "measurement:measure-detail",
        kwargs={"org_slug": "northfield", "pk": event.pk, "measure_pk": measure.pk},
    )
    settings.ALLOWED_HOSTS = ["*"]
    client.get(path)
    began = time.perf_counter()
    for _ in range(20):
        client.get(path)
    per_page = (time.perf_counter() - began) / 20
    print(
        f"chart of 104 points (analysis and SVG): {per_chart * 1000:.1f} ms; the whole page: {per_page * 1000:.1f} ms "
        f"(chart share {per_chart / per_page:.0%}); SVG {len(context['chart'].svg) / 1000:.0f} kB"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--import"]:
        import_in_this_process(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
