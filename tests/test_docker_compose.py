"""docker-compose.yml is for users (no Docker engine runs here): validate it and its variables."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")


def settings_reads() -> set[str]:
    source = (ROOT / "alwaysevents" / "settings.py").read_text()
    return set(
        re.findall(
            r'(?:environ\.get|env_bool|env_int|env_list|env_share)\(\s*"([A-Z][A-Z0-9_]*)"', source
        )
    )


def compose_config(tmp_path: Path) -> str:
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        ["docker-compose", "config"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose is not installed"
)
def test_compose_file_is_valid(tmp_path):
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        ["docker-compose", "config", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose is not installed"
)
def test_compose_has_the_services_and_a_database_health_check(tmp_path):
    import yaml

    config = yaml.safe_load(compose_config(tmp_path))
    assert set(config["services"]) == {
        "db",
        "redis",
        "minio",
        "minio-bucket",
        "web",
        "worker",
        "beat",
    }
    assert "healthcheck" in config["services"]["db"]
    assert "db-data" in config["volumes"]
    # Uploaded files live in the bucket, on a volume: no app container keeps any.
    assert "files-data" in config["volumes"]
    assert str(config["services"]["minio"]["volumes"][0]).startswith("files-data:/data")
    for name in APP_SERVICES:
        service = config["services"][name]
        assert service["environment"]["AWS_STORAGE_BUCKET_NAME"] == "alwaysevents-files"
        assert service["environment"]["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
        assert service["depends_on"]["minio-bucket"]["condition"] == (
            "service_completed_successfully"
        )
        assert "volumes" not in service
    images = {config["services"][name].get("image") for name in APP_SERVICES}
    assert images == {"alwaysevents:latest"}, "web, worker and beat share one image"
    assert config["services"]["web"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_every_variable_given_to_the_app_is_read_by_the_settings():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    reads = settings_reads()
    assert {"DATABASE_URL", "SECRET_KEY", "CELERY_BROKER_URL"} <= reads, (
        "the scan found the settings"
    )
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert "env_file" not in service, "env_file would pass variables the settings do not read"
        unknown = set(service["environment"]) - reads
        assert unknown == set(), f"{name} sets variables the settings never read: {sorted(unknown)}"


def test_env_example_names_only_known_variables():
    names = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    compose_only = {"POSTGRES_PASSWORD", "PORT", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"}
    compose_only |= {"FILES_BUCKET", "PORT_LAST"}  # used by docker-compose.yml itself
    assert names - compose_only <= settings_reads()


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose is not installed"
)
def test_web_and_worker_can_be_scaled(tmp_path):
    """`docker compose up --scale web=3 --scale worker=2`: no container name or single host port
    pins a service to one container, and no app container keeps files of its own."""
    import yaml

    config = yaml.safe_load(compose_config(tmp_path))
    for name in APP_SERVICES:
        service = config["services"][name]
        assert "container_name" not in service
        assert "volumes" not in service
    (port,) = config["services"]["web"]["ports"]
    first, last = (int(n) for n in str(port["published"]).split("-"))
    assert last - first + 1 >= 3, "a host port for each of three web containers"
    assert "ports" not in config["services"]["worker"]
