"""What the organisation dashboard costs: its render time for 50 events against a trivial
signed-in page, side by side in the same run.

`make bench` runs this as the last part of `bench/reports.py` (issue 7's benchmark); run it
alone with `.venv/bin/python bench/dashboard.py` (`--profile` shows where the time goes when
the dashboard is drawn afresh). Uses a throwaway SQLite database (or DATABASE_URL if set):
`seed_demo`, then Northfield's demo events are copied (with their scores, time, challenges,
impacts, costs, co-production activities, measures with their data and phases, change ideas and
PDSA cycles) until the organisation has 50 events. Both pages are fetched through Django's test
client as the demo executive sponsor (the trivial page as a signed-in person with no
organisation, which renders the base layout and navigation only).

Prints the median time of each page, the number of queries and the ratios:
- the dashboard as people see it: its body is cached per state of the organisation's data, so
  this is every view but the first after a change (target: within 5 times the trivial page);
- the dashboard drawn afresh, the first view after a value is posted to one event's measure
  (through `measurement.services.measures.data_point_save`, as the data entry page does): each event's
  part is cached under that event's own data version, so only that event's is drawn again,
  reading its measures' analyses as computed when the value was written (`reporting.analyses`;
  the write pays for that, untimed here) and its other facts (score, time, value, challenges,
  co-production, accreditation) from the cache, kept under the version of its rows of every
  app but the measurement app (target: within 10 times the trivial page);
- the dashboard drawn wholly afresh, after a change that belongs to no one event (the
  organisation, a person's name, a bulk write: every event's part drawn again; no target,
  shown so its cost is in plain sight).
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="alwaysevents-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alwaysevents.settings")

import django

django.setup()
# WhiteNoise looks for collected static files the bench does not need.
warnings.filterwarnings("ignore", message="No directory at")

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from alwaysevents.reporting.versions import data_changed
from alwaysevents.tenancy.scope import across_organisations
from coproduction.models import Attendance, InvolvementActivity
from measurement.models import ChangeIdea, DataPoint, Measure, PdsaCycle, Phase
from programmes.models import (
    AlwaysEvent,
    Challenge,
    Cost,
    Impact,
    Organisation,
    ProgressScore,
    TeamMember,
    TimeEntry,
)

EVENTS = 50
ROUNDS = 15
TARGET = 5.0
#: The first view after one value is posted, against the trivial page (issue 18).
TARGET_AFRESH = 10.0
SLUG = "northfield"

# Straight copies: rows that hang off the event and nothing else of ours.
EVENT_CHILDREN = (ProgressScore, TeamMember, TimeEntry, Challenge, Impact, Cost)


def _copy(row, **changes):
    row.pk = None
    row.id = None
    for name, value in changes.items():
        setattr(row, name, value)
    row._state.adding = True
    return row


def copy_event(source: AlwaysEvent, number: int) -> None:
    """A copy of a demo event with everything the dashboard reads."""
    event = _copy(
        AlwaysEvent.objects.get(pk=source.pk),
        title=f"{source.title} (copy {number})",
        parent=None,
    )
    event.save()
    for model in EVENT_CHILDREN:
        rows = [_copy(r, event_id=event.pk) for r in model.objects.filter(event_id=source.pk)]
        model.objects.bulk_create(rows)
    for measure in Measure.objects.filter(event_id=source.pk):
        points = list(DataPoint.objects.filter(measure_id=measure.pk))
        phases = list(Phase.objects.filter(measure_id=measure.pk))
        copy = _copy(measure, event_id=event.pk)
        copy.save()
        DataPoint.objects.bulk_create(_copy(p, measure_id=copy.pk) for p in points)
        Phase.objects.bulk_create(_copy(p, measure_id=copy.pk) for p in phases)
    for activity in InvolvementActivity.objects.filter(event_id=source.pk):
        staff = list(activity.staff.all())
        attendance = list(Attendance.objects.filter(activity_id=activity.pk))
        copy = _copy(activity, event_id=event.pk)
        copy.save()
        copy.staff.set(staff)
        Attendance.objects.bulk_create(_copy(a, activity_id=copy.pk) for a in attendance)
    for idea in ChangeIdea.objects.filter(event_id=source.pk):
        cycles = list(PdsaCycle.objects.filter(change_idea_id=idea.pk).order_by("number"))
        copy = _copy(idea, event_id=event.pk, driver=None)
        copy.save()
        PdsaCycle.objects.bulk_create(
            _copy(c, change_idea_id=copy.pk, previous=None) for c in cycles
        )


def grow(organisation: Organisation) -> int:
    with across_organisations():
        sources = list(AlwaysEvent.objects.filter(organisation=organisation).order_by("pk"))
        number = 0
        while AlwaysEvent.objects.filter(organisation=organisation).count() < EVENTS:
            copy_event(sources[number % len(sources)], number // len(sources) + 1)
            number += 1
        return AlwaysEvent.objects.filter(organisation=organisation).count()


def timed(
    client: Client, path: str, before: Callable[[], None] = lambda: None
) -> tuple[float, int]:
    """Median milliseconds per request over ROUNDS (after a warm-up), and the query count.
    `before` runs ahead of each request, untimed."""
    before()
    assert client.get(path).status_code == 200, path
    times = []
    for _ in range(ROUNDS):
        before()
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    before()
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return statistics.median(times), len(queries.captured_queries)


def value_poster(organisation: Organisation, by: Any) -> Callable[[], None]:
    """Posts a value to a measure of the first event (by title, so on the dashboard's first
    page) that has a figure to correct (alternating, so each post is a real change), as the
    data entry page does."""
    from measurement.services.measures import data_point_save

    with across_organisations():
        measures = (
            Measure.objects.filter(organisation=organisation)
            .select_related("organisation", "event")
            .order_by("event__title", "pk")
        )
        point = next(
            p
            for m in measures
            if not m.is_proportion
            for p in DataPoint.objects.filter(measure=m, value__isnull=False).order_by("-period")[
                :1
            ]
        )
        measure = point.measure
    assert point.value is not None
    values = itertools.cycle([point.value + Decimal(1), point.value])

    def post() -> None:
        data_point_save(measure=measure, period=point.period, by=by, value=next(values))

    return post


def profile(client: Client, path: str, before: Callable[[], None]) -> None:
    """`--profile`: where the dashboard's time goes when a value was posted to one event
    (cProfile over five warm requests)."""
    import cProfile
    import pstats

    client.get(path)
    profiler = cProfile.Profile()
    for _ in range(5):
        before()  # drawn afresh: the cached body is for the old data
        profiler.enable()
        client.get(path)
        profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    stats.print_callees("dashboard_rows")
    before()
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:12]:
        print(query["time"], query["sql"][:300])


def figures() -> None:
    """Seed, grow Northfield to 50 events and print the figures."""
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    organisation = Organisation.objects.get(slug=SLUG)
    events = grow(organisation)

    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    sponsor = users.get(email=f"sponsor@{SLUG}.example")
    nobody, _ = users.get_or_create(email="bench-nobody@example.org", full_name="Bench Nobody")
    # Plain static storage: the bench renders templates without running collectstatic.
    plain = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    path = f"/o/{SLUG}/dashboard/"
    with override_settings(
        STORAGES=plain, ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, DEBUG=False
    ):
        trivial_client, dashboard_client = Client(), Client()
        trivial_client.force_login(nobody)
        dashboard_client.force_login(sponsor)
        post_value = value_poster(organisation, sponsor)
        if "--profile" in sys.argv:
            profile(dashboard_client, path, post_value)
            return
        trivial, trivial_queries = timed(trivial_client, "/")
        cached, cached_queries = timed(dashboard_client, path)
        afresh, afresh_queries = timed(dashboard_client, path, before=post_value)
        drawn, drawn_queries = timed(
            dashboard_client, path, before=lambda: data_changed([organisation.pk])
        )
    ratio, ratio_afresh = cached / trivial, afresh / trivial
    verdict = "met" if ratio <= TARGET else "MISSED"
    verdict_afresh = "met" if ratio_afresh <= TARGET_AFRESH else "MISSED"
    print(f"{events} events in {organisation.name} (demo events and copies), median of {ROUNDS}:")
    print(
        f"  trivial signed-in page                    {trivial:7.1f} ms  ({trivial_queries} queries)"
    )
    print(
        f"  dashboard, {events} events                      {cached:7.1f} ms  ({cached_queries} queries)"
    )
    print(
        f"  drawn afresh after a value posted to one event {afresh:5.1f} ms  ({afresh_queries} queries)"
    )
    print(
        f"  drawn wholly afresh (an organisation-wide change) {drawn:5.1f} ms  ({drawn_queries} queries)"
    )
    print(f"ratio dashboard / trivial page: {ratio:6.1f}  (target <= {TARGET:.0f}: {verdict})")
    print(
        f"ratio drawn afresh / trivial page: {ratio_afresh:6.1f}  "
        f"(the first view after a value is posted; target <= {TARGET_AFRESH:.0f}: {verdict_afresh})"
    )
    print(
        f"ratio drawn wholly afresh / trivial page: {drawn / trivial:6.1f}  "
        "(after a change that belongs to no one event; no target)"
    )


if __name__ == "__main__":
    figures()
