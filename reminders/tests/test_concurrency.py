"""Two runs at the same moment on PostgreSQL (two threads, two connections): one digest each, not two."""

import datetime as dt
import threading

import pytest
from django.db import connection

from reminders import sending
from reminders.models import Notification, Reminder
from testing.services import require_postgres

D = dt.date


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_digest_once(year_end_task, at):
    require_postgres()
    now = at(D(2022, 1, 4))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(sending.run(now).sent)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == [0, 3]
    assert Notification.objects.count() == 3
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 3
