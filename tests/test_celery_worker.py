"""A real round trip: this test starts a Celery worker process on a real Redis broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from programmes.services import invitation_create
from tests.factories import OrganisationFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.fail("TEST_REDIS_URL is not set: run the tests with `make test`.")
    return url


@pytest.fixture
def worker(redis_url, tmp_path):
    database_url = (
        os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    )
    env = {
        **os.environ,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": database_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "VAR_DIR": str(tmp_path / "var"),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "alwaysevents",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = Celery("test-client", broker=redis_url, backend=redis_url)
    try:
        yield client, tmp_path / "mail"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        client.close()
        print(output)  # shown by pytest when the test fails


@pytest.mark.django_db(transaction=True)
def test_ping_round_trip_through_redis_and_a_real_worker(worker):
    client, _ = worker
    assert client.send_task("alwaysevents.ping").get(timeout=60) == "pong"


@pytest.mark.django_db(transaction=True)
def test_invitation_email_is_sent_by_the_worker_from_an_id(worker, settings):
    client, mail_dir = worker
    organisation = OrganisationFactory(name="Northfield Hospitals")
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the service's own enqueue runs inline here
    invitation = invitation_create(
        organisation=organisation,
        email="new.nurse@example.org",
        role="team_member",
        invited_by=None,
    )
    result = client.send_task(
        "programmes.tasks.invitation_send_task", kwargs={"invitation_id": invitation.pk}
    )
    result.get(timeout=60)
    sent = "".join(path.read_text() for path in mail_dir.glob("*.log"))
    assert "new.nurse@example.org" in sent
    assert "Northfield Hospitals" in sent
    assert "/invitations/" in sent
