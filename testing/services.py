"""Skip a test when a real server is absent, or fail it when REQUIRE_SERVICES=1 (CI)."""

import contextlib
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]


def services_required() -> bool:
    return os.getenv("REQUIRE_SERVICES", "0") == "1"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_redis() -> str:
    """Return the Redis URL to test against, skipping (or failing in CI) when none answers."""
    url = os.getenv("REDIS_URL") or "redis://127.0.0.1:6379/14"
    parsed = urlparse(url)
    if not _reachable(parsed.hostname or "127.0.0.1", parsed.port or 6379):
        message = f"Redis is not reachable at {url}"
        if services_required():
            pytest.fail(message + " and REQUIRE_SERVICES=1")
        pytest.skip(message)
    return url


def require_postgres() -> None:
    """Skip (or fail in CI) unless the test database is PostgreSQL."""
    url = os.getenv("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        message = "DATABASE_URL does not point at PostgreSQL"
        if services_required():
            pytest.skip(message + " (this run uses SQLite; the PostgreSQL run covers it)")
        pytest.skip(message)


def require_chromium() -> str:
    path = os.getenv("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(path):
        message = f"Chromium is not installed at {path} (apt-get install chromium)"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    return path


@contextlib.contextmanager
def real_worker(redis_url: str, *, prefix: str = "duban-test", **env):
    """A real Celery worker process (`celery -A config worker`) on a queue of its own, against
    real Redis; yields the queue's name and stops the worker afterwards. `env` adds variables
    (DATABASE_URL, MEDIA_ROOT…) for a worker that must see the test's database or files."""
    queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
    worker_env = {**os.environ, "REDIS_URL": redis_url, "DEBUG": "1", **env}
    worker_env.pop("DUBAN_TESTING", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
         "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT, env=worker_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
