"""Monthly reports survive dead workers: real workers on Redis, killed mid-batch with SIGKILL.

With the project's own settings (the broker's visibility timeout, the task time limit and the
send lease of `alwaysevents/settings.py`), the whole process group of the worker is killed at
two points of a batch of 32 sponsors' reports, a new worker started each time. Every sponsor
gets exactly one email within minutes, and running the batch again sends nothing more.
"""

from __future__ import annotations

import email
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings

from programmes.models import Role
from tests.celery_workers import kill_worker, redis_url, start_worker, stop_worker, worker_env
from tests.factories import AlwaysEventFactory, OrganisationFactory, member_of

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SPONSORS = 32
KILL_AT = (9, 22)
PERIOD = "2026-11"
# Redis database of its own: another test's worker must not take the tasks handed back here.
BROKER_DB = 7


def recipients(mail_dir: Path) -> Counter[str]:
    """How many emails each address received (the file backend writes them one after another)."""
    counts: Counter[str] = Counter()
    for path in mail_dir.glob("*.log"):
        for raw in path.read_text().split("-" * 79):
            if raw.strip():
                counts[email.message_from_string(raw.strip())["To"]] += 1
    return counts


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds:.0f} s for {what}")
        time.sleep(0.2)


def test_every_sponsor_gets_one_report_when_workers_are_killed_mid_batch(tmp_path):
    broker = redis_url(BROKER_DB)
    store = redis.Redis.from_url(broker)
    store.flushdb()
    organisation = OrganisationFactory(name="Northfield Hospitals")
    sponsors = [
        member_of(organisation, Role.EXECUTIVE_SPONSOR, email=f"sponsor{n}@example.org")
        for n in range(SPONSORS)
    ]
    AlwaysEventFactory(organisation=organisation, executive_sponsor=sponsors[0])
    env = worker_env(broker, tmp_path)
    mail_dir = tmp_path / "mail"
    client = Celery("test-client", broker=broker)
    outputs: list[str] = []
    worker = start_worker(env, "--concurrency=2")
    try:
        client.send_task("reporting.monthly_reports", kwargs={"period": PERIOD})
        for kill_at in KILL_AT:
            wait_for(
                lambda k=kill_at: sum(recipients(mail_dir).values()) >= k,
                300,
                f"{kill_at} reports to be emailed",
            )
            outputs.append(kill_worker(worker))
            worker = start_worker(env, "--concurrency=2")
        # The dead workers' tasks come back after the visibility timeout (and their emails'
        # leases, shorter, have expired by then): every sponsor within minutes.
        wait_for(
            lambda: len(recipients(mail_dir)) == SPONSORS,
            settings.CELERY_VISIBILITY_TIMEOUT * 2 + 120,
            "every sponsor's report",
        )
        expected = {f"sponsor{n}@example.org": 1 for n in range(SPONSORS)}
        time.sleep(5)  # a second email, if any, would be on its way
        assert recipients(mail_dir) == expected

        # Running the batch again finds every report sent: nothing more goes out.
        client.send_task("reporting.monthly_reports", kwargs={"period": PERIOD})
        wait_for(
            lambda: store.llen("celery") == 0 and store.hlen("unacked") == 0,
            120,
            "the second batch to be worked through",
        )
        time.sleep(5)
        assert recipients(mail_dir) == expected
    finally:
        outputs.append(stop_worker(worker))
        client.close()
        store.flushdb()
        print("\n".join(outputs))  # shown by pytest when the test fails
