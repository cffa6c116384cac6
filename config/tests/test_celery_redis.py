"""A Celery task travels through real Redis to a real worker process and back."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

from celery import Celery

from testing.services import require_redis

ROOT = Path(__file__).resolve().parents[2]


def test_ping_through_real_redis_and_worker():
    url = require_redis()
    queue = f"duban-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "REDIS_URL": url, "DEBUG": "1"}
    env.pop("DUBAN_TESTING", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
         "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    client = Celery("duban-test-client", broker=url, backend=url)
    try:
        result = client.send_task("duban.ping", args=[21], queue=queue)
        assert result.get(timeout=60) == 42
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        client.close()
