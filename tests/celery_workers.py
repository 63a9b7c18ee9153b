"""Real Celery worker processes for the tests that need one (on the Redis of `make test`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def redis_url(db: int | None = None) -> str:
    """The test Redis (TEST_REDIS_URL), optionally another of its numbered databases."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.fail("TEST_REDIS_URL is not set: run the tests with `make test`.")
    return url if db is None else f"{url.rsplit('/', 1)[0]}/{db}"


def worker_env(broker: str, tmp_path: Path) -> dict[str, str]:
    """The project's own settings, on `broker`, this test's database and a mail folder."""
    database_url = (
        os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    )
    return {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": database_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "VAR_DIR": str(tmp_path / "var"),
    }


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """A worker in its own process group (so a test can kill the whole group, as a crash would)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "alwaysevents",
            "worker",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            *args,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def stop_worker(process: subprocess.Popen[str]) -> str:
    """Stop the worker warmly (SIGTERM, then SIGKILL after 30 s); returns what it printed."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
    return output or ""


def kill_worker(process: subprocess.Popen[str]) -> str:
    """Kill the worker's whole process group with SIGKILL, as a machine that dies would."""
    os.killpg(process.pid, signal.SIGKILL)
    output, _ = process.communicate()
    return output or ""
