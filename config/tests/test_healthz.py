"""/healthz: fast (one query, one cache read), worker liveness from the heartbeat a real worker writes."""

import time

import pytest
from django.core.cache import caches

from config.heartbeat import HEARTBEAT_KEY, read_heartbeat, write_heartbeat
from testing.services import real_worker, require_redis


@pytest.fixture(autouse=True)
def _no_heartbeat():
    caches["default"].delete(HEARTBEAT_KEY)
    yield
    caches["default"].delete(HEARTBEAT_KEY)


@pytest.mark.django_db
def test_healthz_without_a_worker_says_so_and_stays_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "ok", "database": "ok", "worker": "no heartbeat", "worker_heartbeat_age": None}


@pytest.mark.django_db
def test_healthz_reads_a_fresh_and_a_stale_heartbeat(client, settings):
    write_heartbeat("celery@test")
    body = client.get("/healthz").json()
    assert body["worker"] == "ok"
    assert body["worker_heartbeat_age"] < 5
    caches["default"].set(HEARTBEAT_KEY, {"hostname": "celery@test", "at": time.time() - 600}, timeout=60)
    body = client.get("/healthz").json()
    assert body["worker"] == "stale"
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_within_100_ms_even_with_an_unreachable_broker(client):
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        client.get("/healthz")  # warm the connection
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            response = client.get("/healthz")
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        detail = client.get("/healthz?detail=1").json()
    finally:
        app.conf.broker_url = original
    assert sorted(timings)[len(timings) // 2] < 0.1, timings
    assert max(timings) < 0.1, timings
    assert detail["broker"].startswith("error")


def test_a_real_worker_writes_the_heartbeat_to_redis(settings):
    """A worker process started against real Redis beats into the Redis cache that /healthz reads."""
    url = require_redis()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "duban"}
    }
    cache = caches.create_connection("default")
    cache.delete(HEARTBEAT_KEY)
    try:
        with real_worker(url, prefix="duban-hb") as queue:
            deadline = time.monotonic() + 60
            beat = None
            while time.monotonic() < deadline and beat is None:
                value = cache.get(HEARTBEAT_KEY)
                beat = value if isinstance(value, dict) else None
                time.sleep(0.2)
            assert beat is not None, "the worker wrote no heartbeat within 60 s"
            assert queue in beat["hostname"]
            assert time.time() - beat["at"] < 60
    finally:
        cache.delete(HEARTBEAT_KEY)


def test_read_heartbeat_ignores_garbage():
    caches["default"].set(HEARTBEAT_KEY, "not a dict")
    assert read_heartbeat() is None
