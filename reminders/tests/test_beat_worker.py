"""End to end: beat's database schedule fires the job through real Redis to a real worker
process, which sends the day's reminders; the clerk's bell shows the message in Chromium.

Needs PostgreSQL (the worker and beat are separate processes and must see the test database)
and Redis; skipped with the reason otherwise.
"""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from testing.browser import login_page
from testing.personas import PASSWORD
from testing.services import require_postgres, require_redis

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
ROOT = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    parsed = urlparse(os.environ["DATABASE_URL"])
    return urlunparse(parsed._replace(path="/" + connection.settings_dict["NAME"]))


def _start(args, env, log: Path) -> subprocess.Popen:
    handle = log.open("w")
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", *args], cwd=ROOT, env=env,
                            stdout=handle, stderr=subprocess.STDOUT)  # fmt: skip


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.browser
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_beat_fires_the_job_through_redis_and_the_bell_rings(browser, live_server, personas, tmp_path):
    require_postgres()
    redis_url = require_redis()
    from reminders import services
    from reminders.models import Notification, ReminderPolicy
    from tasks import services as task_services
    from workdays import calendar
    from workdays.models import HolidayKind, HolidayOverride

    # The job runs "now": make today a working day and every hour a working hour for this test.
    today = timezone.localdate()
    if not calendar.is_working_day(today):
        HolidayOverride.objects.create(date=today, kind=HolidayKind.WORKDAY, note="测试：今天上班")
        calendar.clear_cache()
    # Send time = now: django-celery-beat only loads crontab entries within two hours of the clock.
    local_now = timezone.localtime()
    policy = ReminderPolicy.load()
    policy.work_start_hour, policy.work_end_hour = 0, 24
    policy.send_hour, policy.send_minute = local_now.hour, local_now.minute
    policy.save()
    task = task_services.create_task(
        personas.supervisor,
        text="今日起逾期的工作",
        title="今日起逾期的工作",
        deadline=calendar.previous_working_day(today),
        lead_units=[personas.lead_unit],
        now=timezone.now() - dt.timedelta(days=30),
    )
    # The schedule the migration creates (the policy page keeps it in step), routed to a queue of
    # this test's own and last run two days ago, so beat finds it due as soon as it starts.
    queue = f"duban-test-{uuid.uuid4().hex[:8]}"
    entry = services.sync_beat_schedule(policy)
    entry.queue = queue
    entry.last_run_at = timezone.now() - dt.timedelta(days=2)
    entry.save()

    env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": _test_database_url(), "DEBUG": "1"}
    env.pop("DUBAN_TESTING", None)
    worker = _start(["worker", "--pool=solo", "-Q", queue, "-n", f"{queue}@%h", "--without-gossip",
                     "--without-mingle", "--loglevel=INFO"], env, tmp_path / "worker.log")  # fmt: skip
    beat = _start(["beat", "--loglevel=INFO", "-s", str(tmp_path / "beat-schedule"), "--max-interval=2"],
                  env, tmp_path / "beat.log")  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not Notification.objects.filter(recipient=personas.lead_clerk).exists():
            time.sleep(0.5)
        logs = (tmp_path / "beat.log").read_text() + (tmp_path / "worker.log").read_text()
        assert Notification.objects.filter(recipient=personas.lead_clerk).exists(), logs[-3000:]
    finally:
        _stop(beat)
        _stop(worker)
    assert "reminders.run" in (tmp_path / "beat.log").read_text()  # beat sent it, not this test

    page = login_page(browser, live_server, "lead_clerk", PASSWORD)
    assert page.locator("[data-testid=bell-count]").inner_text() == "1"
    page.click("[data-testid=bell]")
    page.wait_for_selector("[data-testid=message]")
    assert page.get_by_role("link", name="今日起逾期的工作").get_attribute("href") == reverse(
        "tasks:detail", args=[task.pk]
    )
