"""/healthz: is the database answering, is the broker reachable, is a worker alive."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .celery import app as celery_app


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


def _workers(timeout: float = 1.0) -> tuple[str, int]:
    try:
        replies = celery_app.control.ping(timeout=timeout) or []
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}", 0
    return ("ok" if replies else "no workers"), len(replies)


@never_cache
def healthz(request):
    """HTTP 200 while the database answers; broker and worker status are reported, not required."""
    database = _database()
    broker = _broker()
    worker, count = _workers() if broker == "ok" else ("unknown", 0)
    status = 200 if database == "ok" else 503
    body = {
        "status": "ok" if status == 200 else "error",
        "database": database,
        "broker": broker,
        "worker": worker,
        "workers": count,
    }
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
