"""The API's bulk upsert: 10,000 data points in one request, against a raw ORM bulk insert.

Run with `make bench`. Uses a throwaway SQLite database (or DATABASE_URL if set). Sends the rows
through the whole stack (middleware, token authentication, organisation scope, row-by-row
checks, one transaction) with Django's test client, and inserts the same rows into another
measure with `bulk_create`, in the same run. Prints both times, the ratio (target: within 5
times) and the queries per request (constant: they do not grow with the rows).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="alwaysevents-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alwaysevents.settings")

import django

django.setup()

from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alwaysevents.api.services import api_token_create
from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import DataPoint
from measurement.services import measures as services
from programmes.models import AlwaysEvent, Membership, Organisation, Role
from tests.factories import UserFactory

ROWS = 10_000
TARGET_RATIO = 5.0


def main() -> None:
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["*"]
    settings.SECURE_SSL_REDIRECT = False
    run = f"{time.time_ns():x}"  # a fresh organisation each run, so DATABASE_URL can be reused
    organisation = Organisation.objects.create(
        name=f"Bench Trust {run}", slug=f"bench-{run}", region="london"
    )
    with organisation_scope(organisation):
        event = AlwaysEvent.objects.create(organisation=organisation, title="Bench", service="B")
        user: Any = UserFactory(email=f"bench-{run}@example.org")
        Membership.objects.create(organisation=organisation, user=user, role=Role.TEAM_LEAD)
    api_measure, orm_measure = (
        services.measure_create(event=event, by=None, name=name, type="outcome", definition="B")
        for name in ("Through the API", "Through the ORM")
    )
    _, token = api_token_create(user=user, name="bench", expires_in_days=1)

    start = dt.date(1900, 1, 1)
    start -= dt.timedelta(days=start.weekday())
    rng = random.Random(7)
    rows: list[dict[str, Any]] = [
        {"period": (start + dt.timedelta(weeks=i)).isoformat(), "value": rng.randint(0, 100)}
        for i in range(ROWS)
    ]
    body = json.dumps({"points": rows})
    url = (
        f"/api/v1/organisations/{organisation.slug}/events/{event.pk}"
        f"/measures/{api_measure.pk}/data-points/"
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get(f"/api/v1/organisations/{organisation.slug}/events/")  # warm up, note token use

    began = time.perf_counter()
    with CaptureQueriesContext(connection) as created_queries:
        response = client.post(url, data=body, content_type="application/json")
    api_seconds = time.perf_counter() - began
    result = response.json()
    assert response.status_code == 200, result
    assert len(result["created"]) == ROWS and not result["rejected"], result["rejected"][:3]

    began = time.perf_counter()
    with CaptureQueriesContext(connection) as updated_queries:
        response = client.post(url, data=body, content_type="application/json")
    update_seconds = time.perf_counter() - began
    assert len(response.json()["updated"]) == ROWS

    small = json.dumps({"points": rows[:10]})
    with CaptureQueriesContext(connection) as small_queries:
        client.post(url, data=small, content_type="application/json")

    began = time.perf_counter()
    with organisation_scope(organisation):
        DataPoint.objects.bulk_create(
            [
                DataPoint(
                    organisation=organisation,
                    measure=orm_measure,
                    period=dt.date.fromisoformat(row["period"]),
                    value=Decimal(row["value"]),
                )
                for row in rows
            ],
            batch_size=5000,
        )
    orm_seconds = time.perf_counter() - began

    ratio = api_seconds / orm_seconds
    print(f"database: {connection.vendor}; {ROWS:,} weekly data points, {len(body) / 1e3:.0f} kB")
    print(f"API bulk upsert (all new):       {api_seconds:.3f} s, {len(created_queries)} queries")
    print(
        f"API bulk upsert (all corrected): {update_seconds:.3f} s, {len(updated_queries)} queries"
    )
    print(f"ORM bulk_create (same rows):     {orm_seconds:.3f} s")
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"ratio API / ORM: {ratio:.1f}x ({verdict} the {TARGET_RATIO:.0f}x target)")
    print(
        f"queries per request: {len(created_queries)} for {ROWS:,} rows, {len(small_queries)} "
        "for 10 rows (token, membership, event, measure, existing periods, the import record, "
        "savepoints, and one insert-or-update per batch: 5,000 rows on PostgreSQL, fewer on "
        "SQLite, whose statements take fewer parameters)"
    )


if __name__ == "__main__":
    main()
