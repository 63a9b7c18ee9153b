"""The settings module, loaded in fresh processes with production-like environments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "PATH": os.environ.get("PATH", ""),
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "alwaysevents.example.nhs.uk",
    "CSRF_TRUSTED_ORIGINS": "https://alwaysevents.example.nhs.uk",
    "VAR_DIR": "",  # filled per test
}


def manage(
    *args: str, env: dict[str, str | None], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    full_env = {**PRODUCTION, **env, "VAR_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={k: v for k, v in full_env.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = manage("check", env={"SECRET_KEY": None}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_starts_without_secret_key(tmp_path):
    result = manage("check", env={"SECRET_KEY": None, "DEBUG": "true"}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_with_production_values(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_ssl_redirect_can_be_switched_off_behind_a_tls_proxy(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={"SECURE_SSL_REDIRECT": "false", "BEHIND_TLS_PROXY": "true"},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false, not 'maybe'."),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be a whole number, not 'twenty-five'."),
        (
            "OVER_RELIANCE_TOP_ONE_SHARE",
            "60%",
            "OVER_RELIANCE_TOP_ONE_SHARE must be a number between 0 and 1, not '60%'.",
        ),
        (
            "OVER_RELIANCE_TOP_TWO_SHARE",
            "1.5",
            "OVER_RELIANCE_TOP_TWO_SHARE must be a number between 0 and 1, not '1.5'.",
        ),
    ],
)
def test_bad_values_are_named(tmp_path, name, value, message):
    result = manage("check", env={name: value}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_defaults_need_no_servers(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND,"
        " s.CACHES['default']['BACKEND'])"
    )
    result = manage("shell", "--no-imports", "-c", code, env={"DEBUG": "true"}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://localhost//",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_redis_url_switches_the_cache_to_redis(tmp_path):
    code = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={"DEBUG": "true", "REDIS_URL": "redis://127.0.0.1:6379/1"},
        tmp_path=tmp_path,
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


def test_email_verification_is_mandatory_in_production(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.ACCOUNT_EMAIL_VERIFICATION, s.MFA_REQUIRED_FOR_PROGRAMME_ROLES)"
    )
    assert manage(
        "shell", "--no-imports", "-c", code, env={}, tmp_path=tmp_path
    ).stdout.split() == [
        "mandatory",
        "True",
    ]
    assert manage(
        "shell", "--no-imports", "-c", code, env={"DEBUG": "true"}, tmp_path=tmp_path
    ).stdout.split() == [
        "optional",
        "False",
    ]


def test_local_env_file_gives_development_defaults(tmp_path):
    (tmp_path / "local.env").write_text("# comment\nDEBUG=true\n\nNOT A SETTING\n")
    code = "from django.conf import settings as s; print(s.DEBUG)"
    result = manage(
        "shell", "--no-imports", "-c", code, env={"SECRET_KEY": None}, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_environment_overrides_the_local_env_file(tmp_path):
    (tmp_path / "local.env").write_text("DEBUG=true\n")
    result = manage("check", env={"SECRET_KEY": None, "DEBUG": "false"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_celery_replaces_a_worker_process_that_has_grown():
    from alwaysevents.celery import app

    assert app.conf.worker_max_memory_per_child == 512 * 1024


def test_a_redis_broker_hands_a_dead_workers_tasks_on_after_the_visibility_timeout(tmp_path):
    code = (
        "from alwaysevents.celery import app;"
        "print(app.conf.broker_transport_options['visibility_timeout'],"
        " app.conf.task_time_limit, app.conf.task_soft_time_limit)"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["150", "90", "80"]


@pytest.mark.parametrize(
    "env",
    [
        {"CELERY_TASK_TIME_LIMIT": "120"},  # a task could outlive its email's lease
        {"CELERY_VISIBILITY_TIMEOUT": "100"},  # a task handed on would wait for the lease
    ],
)
def test_the_time_limit_the_send_lease_and_the_visibility_timeout_must_agree(tmp_path, env):
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "must be shorter than NOTIFICATION_SEND_LEASE_SECONDS (120)" in result.stderr
