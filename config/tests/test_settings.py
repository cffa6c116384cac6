"""Settings refuse bad values and never fall back silently in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-only-1234567890",
    "ALLOWED_HOSTS": "duban.example.gov.cn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/duban_check",
    "REDIS_URL": "redis://127.0.0.1:6379/13",
}


def run_env() -> dict[str, str]:
    return {
        k: v for k, v in os.environ.items() if k not in PROD and k not in ("DUBAN_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }


def run_django(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = run_env()
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PROD.items() if k != missing}
    result = run_django(env, "check")
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG=0" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be 0/1"),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be an integer"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL must be a postgres:// or sqlite:// URL"),
        ("REDIS_URL", "amqp://guest@localhost//", "REDIS_URL must be a redis:// URL"),
    ],
)
def test_bad_values_are_refused(name, value, message):
    result = run_django({name: value}, "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_short_secret_key_is_refused():
    result = run_django({**PROD, "SECRET_KEY": "short"}, "check")
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_deploy_check_refuses_a_missing_or_stale_static_manifest_and_passes_after_collectstatic(tmp_path):
    """`collectstatic` run without the production environment left no manifest, and production
    answered 500 on every page although `check --deploy` passed. Now the check and the WSGI
    start-up both refuse, with the command to run."""
    env = {**PROD, "STATIC_ROOT": str(tmp_path / "static"), "FILE_UPLOAD_TEMP_DIR": str(tmp_path / "up")}
    missing = run_django(env, "check", "--deploy", "--fail-level", "WARNING")
    assert missing.returncode != 0
    assert "duban.E001" in missing.stderr and "collectstatic" in missing.stderr
    start = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT, env={**run_env(), **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert start.returncode != 0 and "staticfiles.json" in start.stderr

    collected = run_django(env, "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr
    result = run_django(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr

    manifest = tmp_path / "static" / "staticfiles.json"
    manifest.write_text(manifest.read_text().replace('"js/duban.js"', '"js/old.js"'))
    stale = run_django(env, "check", "--deploy")
    assert stale.returncode != 0 and "js/duban.js" in stale.stderr


def test_development_defaults():
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"


@pytest.mark.django_db
def test_suite_runs_on_postgresql_when_configured():
    """The CI's second run must really talk to PostgreSQL, not silently fall back to SQLite."""
    from django.db import connection

    from testing.services import require_postgres

    require_postgres()
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert "PostgreSQL" in cursor.fetchone()[0]
