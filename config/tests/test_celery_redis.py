"""A Celery task travels through real Redis to a real worker process and back."""

from celery import Celery

from testing.services import real_worker, require_redis


def test_ping_through_real_redis_and_worker():
    url = require_redis()
    client = Celery("duban-test-client", broker=url, backend=url)
    try:
        with real_worker(url) as queue:
            result = client.send_task("duban.ping", args=[21], queue=queue)
            assert result.get(timeout=60) == 42
    finally:
        client.close()
