"""/healthz for a load balancer: the database answers, and is a Celery worker alive?

It runs one `SELECT 1` and reads one cache key (the worker's heartbeat, config/heartbeat.py):
a few milliseconds, never a network round trip to workers. HTTP 200 while the database
answers, 503 otherwise; the worker's state is reported, not required, so a dead worker raises
an alert without taking the site out of rotation. `/healthz?detail=1` also opens a broker
connection (up to two seconds when the broker is down): for monitors, not load balancers."""

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .celery import app as celery_app
from .heartbeat import read_heartbeat


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down", reported in the JSON
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _worker() -> tuple[str, float | None]:
    try:
        beat = read_heartbeat()
    except Exception as exc:  # noqa: BLE001 - the cache being down is reported, not raised
        return f"error: {exc.__class__.__name__}", None
    if beat is None:
        return "no heartbeat", None
    age = max(0.0, time.time() - float(beat["at"]))
    return ("ok" if age <= settings.WORKER_HEARTBEAT_MAX_AGE else "stale"), round(age, 1)


@never_cache
def healthz(request):
    database = _database()
    worker, age = _worker()
    status = 200 if database == "ok" else 503
    body = {
        "status": "ok" if status == 200 else "error",
        "database": database,
        "worker": worker,
        "worker_heartbeat_age": age,
    }
    if request.GET.get("detail") == "1":
        body["broker"] = _broker()
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
