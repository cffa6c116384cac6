"""What `manage.py benchmark` measures, on a synthetic city (demo.scale) in the configured database.

Every page is fetched in-process with Django's test Client (middleware, views, templates: the
server's whole work, no network), as a 督查室, a 联络员 or a 区领导; the median of `repeat`
runs after one warm-up, and the queries of one more run. The same pages are measured again
after a second city of the same size is added (twice the data), and the ratios compare the two.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import io
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import Workbook

from accounts.models import User
from documents import services as document_services
from documents.pipeline import extract_file
from ledgers import exports, pipeline
from ledgers.rows import SectionRow
from ledgers.xlsx import write_ledger
from reminders import sending
from tasks.models import Assignment, Task
from units.registry import registry_from_db
from workdays import calendar

SEED_DIR = settings.BASE_DIR / "fixtures" / "seeds"
TABLE_2021 = SEED_DIR / "004_27fa458a6cee6f7a.txt"  # holds 2021年市《政府工作报告》重点工作责任分工方案


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    return median_times(fn, repeat)[0]


def median_times(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (the database server's excluded), in ms.

    On a shared machine the wall time carries other people's load; the CPU time shows what the
    request itself cost in Python."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return round(statistics.median(wall), 1), round(statistics.median(cpu), 1)


def count_queries(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


@dataclass
class Page:
    name: str
    username: str
    url: str
    # Measured with the dashboard's figure cache off (dashboard/cache.py): what the first request
    # after a change costs, beside the cached figure a reader usually gets.
    uncached: bool = False


def _url(name: str, *args, query: str = "") -> str | None:
    try:
        return reverse(name, args=args) + (f"?{query}" if query else "")
    except NoReverseMatch:  # an app not installed on this branch: its pages are left out
        return None


def pages_for(gen: int, review_document_id: int | None) -> list[Page]:
    """The pages measured, as the people who use them. `gen` is the city whose accounts log in."""
    sup, clerk, leader = f"scale{gen}_dcs1", f"scale{gen}_u001_lly", f"scale{gen}_ld"
    task = detail_task()
    pages = [
        ("ledger", sup, _url("tasks:ledger")),
        ("ledger_overdue", sup, _url("tasks:ledger", query="overdue=on")),
        ("ledger_shares", sup, _url("tasks:ledger", query="view=shares")),
        ("ledger_filtered_search", sup, _url("tasks:ledger", query="q=营商环境")),
        ("ledger_by_deadline", sup, _url("tasks:ledger", query="sort=deadline")),
        ("ledger_clerk", clerk, _url("tasks:ledger")),
        ("my_work", clerk, _url("tasks:my_work")),
        ("task_detail", sup, _url("tasks:detail", task.pk)),
        ("task_detail_clerk", task_clerk(task), _url("tasks:detail", task.pk)),
        ("dashboard", sup, _url("dashboard:index")),
        ("dashboard_leader", leader, _url("dashboard:index")),
        ("dashboard_data", sup, _url("dashboard:data")),
        ("dashboard_uncached", sup, _url("dashboard:index")),
        ("dashboard_data_uncached", sup, _url("dashboard:data")),
        ("workbench", sup, _url("dashboard:workbench")),
        ("search", sup, _url("search:results", query="q=营商环境")),
        ("search_clerk", clerk, _url("search:results", query="q=营商环境")),
        ("documents", sup, _url("documents:list")),
        ("units", sup, _url("units:list")),
        ("progress", clerk, _url("ledgers:progress")),
        ("messages", clerk, _url("reminders:messages")),
        ("supervision_orders", sup, _url("reminders:orders")),
        ("no_recipient", sup, _url("reminders:no_recipient")),
    ]
    if review_document_id:
        pages.append(("review_84_items", sup, _url("documents:review", review_document_id)))
    return [Page(name, user, url, uncached=name.endswith("_uncached")) for name, user, url in pages if url]


def detail_task() -> Task:
    """The first city's busiest task: eight shares, the most reports."""
    return (
        Task.objects.filter(text__contains="（测城任务")
        .annotate(n=Count("assignments"))
        .filter(n=8)
        .order_by("id")
        .first()
        or Task.objects.order_by("id").first()
    )


def task_clerk(task: Task) -> str:
    lead = task.assignments.filter(role="lead").select_related("unit").first()
    member = lead.unit.memberships.select_related("user").order_by("id").first()
    return member.user.username


def measure_pages(pages: list[Page], repeat: int, log=None) -> dict[str, dict]:
    """Median wall and CPU time of each page over `repeat` rounds, after one warm-up each; each
    round requests every page once, so that a slow moment of a shared machine falls on one
    sample of many pages rather than on every sample of one page, and the garbage collector
    runs before each request, outside the timed window."""
    clients: dict[str, Client] = {}
    getters = {}
    for page in pages:
        client = clients.get(page.username)
        if client is None:
            client = clients[page.username] = Client()
            client.force_login(User.objects.get(username=page.username))

        def get(client=client, page=page):
            with override_settings(DUBAN_DASHBOARD_CACHE_SECONDS=0) if page.uncached else contextlib.nullcontext():
                response = client.get(page.url)
            if response.status_code != 200:
                raise RuntimeError(f"{page.name}: {page.url} answered {response.status_code}")
            return response

        get()  # warm-up: templates compiled, caches filled, as on a running server
        getters[page.name] = get
    wall: dict[str, list[float]] = {name: [] for name in getters}
    cpu: dict[str, list[float]] = {name: [] for name in getters}
    for _ in range(repeat):
        for name, get in getters.items():
            # Each request pays for collecting its own garbage, not for the previous page's (the
            # 1.4 MB 统计看板 left enough to put a full collection into the next request).
            gc.collect()
            started, started_cpu = time.perf_counter(), time.process_time()
            get()
            wall[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - started_cpu) * 1000)
    results = {}
    for name, get in getters.items():
        results[name] = {
            "ms": round(statistics.median(wall[name]), 1),
            "cpu_ms": round(statistics.median(cpu[name]), 1),
            "queries": count_queries(get),
        }
        if log:
            log(f"  {name:28} {results[name]}")
    return results


def import_review_document(username: str) -> int:
    """Import the 2021 gazette (84 items in review) as a 督查室 would upload it."""
    actor = User.objects.get(username=username)
    upload = SimpleUploadedFile(TABLE_2021.name, TABLE_2021.read_bytes(), content_type="text/plain")
    return document_services.import_upload(upload, actor).pk


def synthetic_division_table(items: int) -> str:
    """A division table of `items` rows in the shape of the 2021 table, with registry unit names."""
    leads = ["区工信局", "区发改委", "区商务局", "区财政局", "区教体局", "区卫健委", "区住建局", "区农业农村水利局"]
    supports = ["各乡镇（街道）", "区市场监督管理局", "区自然资源分局", "区应急管理局", "区人社局"]
    lines = ["关于印发2026年重点工作责任分工方案的通知", "测城办发〔2026〕500号", "", "2026年重点工作责任分工方案", ""]
    lines += ["\t序号", "\t工作任务和要求", "\t牵头单位", "\t责任单位", ""]
    for i in range(items):
        if i % 25 == 0:
            lines += [f"\t（{'一二三四五六七八九十'[(i // 25) % 10]}）第{i // 25 + 1}部分重点工作。", ""]
        lines += [
            f"\t{i + 1}",
            f"\t推进第{i + 1}项重点工作，加快项目建设，2026年{i % 12 + 1}月底前完成。",
            f"\t{leads[i % len(leads)]}",
            f"\t{supports[i % len(supports)]}\n{leads[(i + 3) % len(leads)]}",
            "",
        ]
    return "\n".join(lines)


def measure_extraction(repeat: int) -> dict[str, dict]:
    registry = registry_from_db()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        synthetic = Path(folder) / "synthetic_500.txt"
        synthetic.write_text(synthetic_division_table(500), encoding="utf-8")
        for name, path in (("extract_2021_table", TABLE_2021), ("extract_500_items", synthetic)):
            found = extract_file(path, path.name, registry)
            ms = median_ms(lambda path=path: extract_file(path, path.name, registry), repeat)
            results[name] = {"ms": ms, "queries": count_queries(lambda path=path: extract_file(path, path.name,
                                                                                               registry)),
                             "items": len(found.items)}  # fmt: skip
    return results


def _openpyxl_floor(table: list[list]) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    for values in table:
        sheet.append(values)
    workbook.save(io.BytesIO())


def peak_memory_mib(fn: Callable[[], object]) -> float:
    """How far the process's memory rose above where it started while `fn` ran, in MiB.

    On Linux, the resident high-water mark is reset first (ledgers.pipeline.memory_mark) after
    handing freed memory back (gc, malloc_trim), so the run costs nothing extra; elsewhere
    tracemalloc counts Python's allocations (several times slower)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    mark = pipeline.memory_mark()
    if mark is None:
        tracemalloc.start()
        try:
            fn()
            return round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        finally:
            tracemalloc.stop()
    fn()
    return round((pipeline.memory_rise_kib(mark) or 0) / 1024, 1)


# Runs of the export and of its floor; the medians are reported (each run takes seconds).
EXPORT_RUNS = 3


def measure_export(username: str, repeat: int) -> dict[str, dict]:
    """The full ledger of every task as a 督查室 exports it (exports.export: the rows built here,
    written by a second process above settings.LEDGER_WRITER_PROCESS_ROWS), to a file as the
    export job and the command write it. A first run records the cells; openpyxl then writes the
    same cells unstyled (the floor) in write-only mode, from a list of values (`ws.append`).
    Medians of EXPORT_RUNS runs of each, run in turns (so that a busy moment of the machine falls
    on both); the export's queries, and how far the memory rose in its first timed run: this
    process's rise plus the writer process's own. CPU time is this process's alone."""
    user = User.objects.get(username=username)
    table: list[list] = []

    def recorded(ledger, rows):
        keys = [c.key for c in ledger.columns]
        table.extend([[ledger.title], [ledger.subtitle], [c.header for c in ledger.columns]])
        for row in rows:
            table.append([row.title] if isinstance(row, SectionRow) else [row.cells.get(k) for k in keys])
            yield row

    with tempfile.TemporaryDirectory() as folder:
        target = str(Path(folder) / "ledger.xlsx")
        ledger = exports.build(user, exports.readable_shares(user))
        write_ledger(replace(ledger, rows=recorded(ledger, ledger.rows)), target)
        stats: dict = {}
        runs: dict[str, list] = {"ms": [], "cpu_ms": [], "floor_ms": [], "floor_cpu_ms": []}

        def export_once():
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                stats["rows"] = exports.export(user, exports.readable_shares(user), target, stats=stats)
                runs["ms"].append((time.perf_counter() - started) * 1000)
                runs["cpu_ms"].append((time.process_time() - started_cpu) * 1000)
            stats["queries"] = len(captured)

        peak = peak_memory_mib(export_once) + round((stats.get("writer_peak_kib") or 0) / 1024, 1)
        for turn in range(EXPORT_RUNS):
            floor_ms, floor_cpu_ms = median_times(lambda: _openpyxl_floor(table), 1)
            runs["floor_ms"].append(floor_ms)
            runs["floor_cpu_ms"].append(floor_cpu_ms)
            if turn:
                export_once()
    median = {name: round(statistics.median(values), 1) for name, values in runs.items()}
    return {
        "ledger_export": {"ms": median["ms"], "cpu_ms": median["cpu_ms"], "queries": stats["queries"],
                          "rows": stats["rows"], "peak_mib": round(peak, 1),
                          "writer_process": "writer_peak_kib" in stats},
        "ledger_export_openpyxl_floor": {"ms": median["floor_ms"], "cpu_ms": median["floor_cpu_ms"], "queries": 0,
                                         "rows": len(table)},
    }  # fmt: skip


def measure_planning(repeat: int, suffix: str = "") -> dict[str, dict]:
    """Reminder planning for a working day at 10:00 (reminders.sending.run, dry run: the snapshot
    of open shares with their history, the plan, the recipients; nothing written or sent)."""
    # The calendar's cache starts afresh, so it is not reloaded (one more query) during the run.
    calendar.clear_cache()
    day = timezone.localdate()
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    now = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    open_shares = Assignment.objects.open().count()
    planned = 0

    def run():
        nonlocal planned
        planned = len(sending.run(now, dry_run=True).reminders)

    with CaptureQueriesContext(connection) as captured:  # one run: it takes seconds, not milliseconds
        ms, cpu_ms = median_times(run, 1)
    return {
        f"reminder_planning{suffix}": {"ms": ms, "cpu_ms": cpu_ms, "queries": len(captured),
                                       "open_shares": open_shares, "reminders_planned": planned}
    }  # fmt: skip


def scale_summary(gen: int) -> dict:
    return {
        "database": connection.vendor,
        "generations": gen,
        "units": apps.get_model("units", "Unit").objects.filter(note="基准测试合成数据").count(),
        "tasks": Task.objects.count(),
        "shares": Assignment.objects.count(),
        "open_shares": Assignment.objects.open().count(),
        "reports": apps.get_model("tasks", "ProgressReport").objects.count(),
        "reminders": apps.get_model("reminders", "Reminder").objects.count(),
        "supervision_orders": apps.get_model("reminders", "SupervisionOrder").objects.count(),
        "today": str(timezone.localdate()),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
