import pytest

from testing.services import require_redis


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_worker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert set(body) >= {"broker", "worker", "workers"}


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_broker_without_failing(client, settings):
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        body = client.get("/healthz").json()
    finally:
        app.conf.broker_url = original
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")
    assert body["worker"] == "unknown"


@pytest.mark.django_db
def test_healthz_with_real_redis_and_no_worker(client):
    from config.celery import app

    url = require_redis()
    original = app.conf.broker_url
    app.conf.broker_url = url
    try:
        body = client.get("/healthz").json()
    finally:
        app.conf.broker_url = original
    assert body["broker"] == "ok"
    assert body["worker"] in ("no workers", "ok")
