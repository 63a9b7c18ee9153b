from __future__ import annotations

from unittest import mock

import pytest
from django.db.utils import OperationalError
from kombu import Connection

pytestmark = pytest.mark.django_db


def broker_at(app, url):
    """Point the health check at another broker for one test."""
    return mock.patch.object(app, "connection_for_write", lambda **kw: Connection(url, **kw))


def test_healthz_answers_ok_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "storage": "ok"},
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_names_the_database_when_it_is_down(client):
    with mock.patch("alwaysevents.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {"database": "unavailable", "broker": "ok", "storage": "ok"}
    assert body["message"] == "Not answering: database."
    assert "down" not in response.content.decode()


def test_healthz_names_the_broker_when_it_is_down(client, settings):
    from alwaysevents.celery import app

    with broker_at(app, "redis://127.0.0.1:9/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "broker": "unavailable",
        "storage": "ok",
    }


def test_healthz_with_a_real_redis_broker(client):
    import os

    from alwaysevents.celery import app

    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.fail("TEST_REDIS_URL is not set: run the tests with `make test`.")
    with broker_at(app, url):
        response = client.get("/healthz")
    assert response.status_code == 200


def test_healthz_names_the_storage_when_its_folder_cannot_be_written(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    (tmp_path / "private").write_text("a file where the folder should be")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "unavailable"
    assert response.json()["message"] == "Not answering: storage."
    assert str(tmp_path) not in response.content.decode()


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405


def test_admin_sign_in_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_beat_schedule_names_real_tasks():
    from alwaysevents.celery import app

    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]
