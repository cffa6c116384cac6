"""Measure Duban at scale: extraction, unit resolution, and the busiest pages.

Runs in a throwaway database (Django's test database machinery), never the live one:

    python manage.py benchmark [--tasks 5000] [--repeat 5]

Prints one line per measure plus the process's peak memory. Query counts show that the
ledger and 我的待办 pages do a fixed number of queries whatever the number of rows.
"""

import datetime
import resource
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment
from django.urls import reverse
from django.utils import timezone

SEED_DIR = settings.BASE_DIR / "fixtures" / "seeds"


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall time in milliseconds over `repeat` runs, and the last result."""
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "在临时数据库中测量抽取、单位识别和主要页面在大数据量下的速度与内存。"

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=5000, help="生成的任务数（每项 3 个承办单位）")
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, tasks: int, repeat: int, **options):
        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            self.run(tasks, repeat)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()

    def line(self, label: str, value: str) -> None:
        self.stdout.write(f"{label:<44} {value}")

    def run(self, n_tasks: int, repeat: int) -> None:
        from documents.pipeline import extract_file
        from units.registry import load_registry, registry_from_db
        from units.resolver import resolve

        load_registry()
        registry = registry_from_db()
        self.stdout.write(f"benchmark on {connection.vendor}, {n_tasks} tasks, median of {repeat} runs")

        # Extraction over the five seed documents.
        seeds = sorted(Path(SEED_DIR).glob("*.txt"))
        total_bytes = sum(p.stat().st_size for p in seeds)

        def extract_all():
            return sum(len(extract_file(p, p.name, registry).items) for p in seeds)

        ms, items = timed(extract_all, repeat)
        rate = total_bytes / 1024 / ms * 1000
        self.line("extract 5 seed documents", f"{ms:.0f} ms ({items} items, {rate:.0f} KiB/s)")

        # Unit resolution.
        strings = [
            "区工信局\n区发改委\n区商务局", "市自然资源规划局昌江分局\n各乡镇（街道）", "区农业农村\n水利局",
            "区政府办\n（外事办）", "区市场监督管理局各乡镇（街道）", "区教体局、区卫健委、吕蒙乡", "某某不存在的单位",
        ] * 200  # fmt: skip
        ms, _ = timed(lambda: [resolve(s, registry) for s in strings], repeat)
        self.line(f"resolve {len(strings)} unit strings", f"{ms:.0f} ms ({len(strings) / ms * 1000:.0f} strings/s)")

        self.build_tasks(n_tasks)
        self.measure_pages(repeat)
        self.line("peak memory (RSS)", f"{peak_rss_mb():.0f} MiB")

    def build_tasks(self, n_tasks: int) -> None:
        from accounts.models import Role, User
        from tasks.models import Assignment, AssignmentRole, AssignmentState, Task
        from units.models import Membership, Unit

        units = list(Unit.objects.active().order_by("id"))
        today = timezone.localdate()
        started = time.perf_counter()
        states = [AssignmentState.PENDING, AssignmentState.IN_PROGRESS, AssignmentState.COMPLETION_REQUESTED]
        batch = [
            Task(number=str(i + 1), section="基准测试", text=f"基准测试任务 {i + 1}：推进重点项目建设。",
                 deadline=today + datetime.timedelta(days=(i % 120) - 30))
            for i in range(n_tasks)
        ]  # fmt: skip
        created = Task.objects.bulk_create(batch, batch_size=1000)
        assignments = []
        for i, task in enumerate(created):
            for j in range(3):
                unit = units[(i + j * 7) % len(units)]
                assignments.append(
                    Assignment(task=task, unit=unit, role=AssignmentRole.LEAD if j == 0 else AssignmentRole.SUPPORT,
                               deadline=task.deadline, original_deadline=task.deadline, state=states[(i + j) % 3])
                )  # fmt: skip
        Assignment.objects.bulk_create(assignments, batch_size=2000, ignore_conflicts=True)
        self.line("create tasks and assignments", f"{(time.perf_counter() - started) * 1000:.0f} ms")
        self.supervisor = User.objects.create_user("bench_supervisor", role=Role.SUPERVISOR)
        self.clerk = User.objects.create_user("bench_clerk", role=Role.STAFF)
        Membership.objects.create(user=self.clerk, unit=units[0])

    def measure_pages(self, repeat: int) -> None:
        pages = [
            ("任务台账 (supervisor)", self.supervisor, reverse("tasks:ledger")),
            ("任务台账 filtered: overdue (supervisor)", self.supervisor, reverse("tasks:ledger") + "?overdue=1"),
            ("任务台账 text search (supervisor)", self.supervisor, reverse("tasks:ledger") + "?q=重点项目"),
            ("我的待办 (unit clerk)", self.clerk, reverse("tasks:my_work")),
            ("任务台账 by share (supervisor)", self.supervisor, reverse("tasks:ledger") + "?view=shares"),
            # Pages of the dashboard app, reached by URL name (no import upwards).
            ("统计看板 (supervisor)", self.supervisor, reverse("dashboard:index")),
            ("统计看板 data.json (supervisor)", self.supervisor, reverse("dashboard:data")),
            ("工作台 (supervisor)", self.supervisor, reverse("dashboard:workbench")),
        ]
        for label, user, url in pages:
            client = Client()
            client.force_login(user)

            def get(client=client, url=url):
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
                return response

            ms, _ = timed(get, repeat)
            with CaptureQueriesContext(connection) as queries:
                get()
            self.line(label, f"{ms:.0f} ms, {len(queries)} queries")
