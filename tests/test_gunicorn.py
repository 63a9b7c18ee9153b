"""The production web server's settings (gunicorn.conf.py), read and run as the image does."""

from __future__ import annotations

import json
import multiprocessing
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.celery_workers import ROOT, redis_url, stop_worker, worker_env


def gunicorn(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "gunicorn"), *args, "alwaysevents.wsgi:application"]


def printed_config(env: dict[str, str]) -> dict[str, str]:
    result = subprocess.run(
        gunicorn("--print-config"),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pairs = (line.split(" = ", 1) for line in result.stdout.splitlines() if " = " in line)
    return {key.strip(): value.strip() for key, value in pairs}


def test_the_config_reads_its_numbers_from_the_environment(tmp_path):
    env = {
        **worker_env(redis_url(), tmp_path),
        "PORT": "9001",
        "WEB_CONCURRENCY": "3",
        "GUNICORN_THREADS": "8",
        "GUNICORN_TIMEOUT": "45",
        "GUNICORN_KEEPALIVE": "65",
    }
    config = printed_config(env)
    assert config["bind"] == "['0.0.0.0:9001']"
    assert config["workers"] == "3"
    assert config["worker_class"] == "gthread"
    assert config["threads"] == "8"
    assert config["timeout"] == "45"
    assert config["keepalive"] == "65"
    assert config["max_requests"] == "1000"
    assert config["max_requests_jitter"] == "100"


def test_the_defaults_scale_with_the_cores(tmp_path):
    env = {k: v for k, v in worker_env(redis_url(), tmp_path).items() if k != "WEB_CONCURRENCY"}
    config = printed_config(env)
    assert config["workers"] == str(min(multiprocessing.cpu_count() * 2 + 1, 12))
    assert config["threads"] == "4"
    assert config["timeout"] == "60"
    assert config["keepalive"] == "5"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30):  # noqa: S310 (http on loopback)
                return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"gunicorn did not answer {url} within {seconds:.0f} s")
            time.sleep(0.3)


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_app_with_its_config(tmp_path):
    port = free_port()
    env = {**worker_env(redis_url(), tmp_path), "WEB_CONCURRENCY": "2"}
    process = subprocess.Popen(
        gunicorn("--bind", f"127.0.0.1:{port}"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/healthz"

    def health(_: int) -> tuple[int, str]:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())["status"]

    try:
        wait_until_up(url, process)
        with ThreadPoolExecutor(8) as pool:  # more at once than processes: the threads answer
            assert set(pool.map(health, range(16))) == {(200, "ok")}
    finally:
        print(stop_worker(process))
