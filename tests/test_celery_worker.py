"""A real round trip: this test starts a Celery worker process on a real Redis broker."""

from __future__ import annotations

import pytest
from celery import Celery

from programmes.services import invitation_create
from tests.celery_workers import redis_url, start_worker, stop_worker, worker_env
from tests.factories import OrganisationFactory


@pytest.fixture
def worker(tmp_path):
    broker = redis_url()
    process = start_worker(worker_env(broker, tmp_path), "--pool=solo", "--concurrency=1")
    client = Celery("test-client", broker=broker, backend=broker)
    try:
        yield client, tmp_path / "mail"
    finally:
        output = stop_worker(process)
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
