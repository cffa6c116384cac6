"""Load test: `manage.py loadtest [--users 50] [--run-time 60] [--workers 4] [--port 8117]` (`make loadtest`).

Runs on the loopback only and for a bounded time: seeds the synthetic city into the configured
database when it is not there yet, starts gunicorn (DEBUG=0, static files collected into a
temporary folder) on 127.0.0.1, runs locust headless (demo/loadtest/locustfile.py) with clerks
and supervisors, stops gunicorn, then checks that every report the clients saw accepted is in
the database. Prints p50/p95/p99, requests/s, errors and lost writes as JSON.
"""

import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.models import User
from documents.models import SourceDocument
from tasks.models import ProgressReport
from units.registry import load_registry

from ...scale import build_city

LOCUSTFILE = Path(__file__).resolve().parents[2] / "loadtest" / "locustfile.py"
WINDOW_STARTS = "sessions logged in; measuring for"  # the locustfile's lines
WINDOW_ENDS = "measured window over"
# gunicorn's access log, a line per request: how long the server spent on it (microseconds, from
# reading the request to the end of the response: no time queued before a worker took it),
# method, path, status. The window is the part of the file written between its two marks.
ACCESS_FORMAT = "%(D)s %(m)s %(U)s %(s)s"


def _cpu_seconds(processes) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:  # ended meanwhile: its parent counts it once it has reaped it
            continue
        # A process's own time, and that of its children that ended and were reaped (a parent's
        # figure: PostgreSQL's backends of connections closed in the window, a restarted worker).
        total += times.user + times.system + times.children_user + times.children_system
    return total


class CpuWindow:
    """CPU seconds spent, between open and close, by gunicorn (master and workers), by every
    PostgreSQL process on this machine (the server is local in the load test) and by locust; and
    how busy the whole machine was (other work on it shows there)."""

    def __init__(self, gunicorn_pid: int, locust_pid: int, access_log: Path | None = None):
        self.gunicorn = psutil.Process(gunicorn_pid)
        self.locust = psutil.Process(locust_pid)
        self.access_log = access_log
        self.closed = False
        self.start = self.read()
        self.log_from = self._log_size()

    def groups(self) -> dict[str, list]:
        gunicorn = [self.gunicorn, *self.gunicorn.children(recursive=True)]
        postgres = [p for p in psutil.process_iter(["name"]) if p.info["name"] in ("postgres", "postmaster")]
        return {"gunicorn": gunicorn, "postgres": postgres, "locust": [self.locust]}

    def read(self) -> dict[str, float]:
        seconds = {name: _cpu_seconds(processes) for name, processes in self.groups().items()}
        machine = psutil.cpu_times()
        seconds["machine_busy"] = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
        seconds["wall"] = time.monotonic()
        return seconds

    def close(self) -> None:
        self.end = self.read()
        self.log_to = self._log_size()
        self.closed = True

    def _log_size(self) -> int:
        return self.access_log.stat().st_size if self.access_log and self.access_log.exists() else 0

    def server_times(self) -> dict:
        """Percentiles of the time the server itself spent per request in the window (the
        clients' figures add the time a request waited for a free worker)."""
        if not self.access_log or self.log_to <= self.log_from:
            return {}
        with open(self.access_log, "rb") as log:
            log.seek(self.log_from)
            lines = log.read(self.log_to - self.log_from).decode("utf-8", "replace").splitlines()
        times = sorted(int(line.split(" ", 1)[0]) / 1000 for line in lines if line[:1].isdigit())
        if not times:
            return {}

        def at(share: float) -> float:
            return round(times[min(len(times) - 1, int(share * len(times)))], 1)

        return {"requests": len(times), "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99),
                "max_ms": round(times[-1], 1), "over_1s": sum(t > 1000 for t in times)}  # fmt: skip

    def summary(self, requests: int) -> dict:
        used = {name: self.end[name] - self.start[name] for name in self.start}
        wall = used.pop("wall")
        per_request = {f"{name}_ms_per_request": round(used[name] * 1000 / max(requests, 1), 1)
                       for name in ("gunicorn", "postgres", "locust")}  # fmt: skip
        return {
            **{f"{name}_s": round(value, 1) for name, value in used.items() if name != "machine_busy"},
            **per_request,
            # Counters read a moment apart can add up to a hair over the wall time: at most 100 %.
            "machine_busy_pct": min(100.0, round(100 * used["machine_busy"] / (wall * (os.cpu_count() or 1)), 1)),
            "window_s": round(wall, 1),
            "server_time": self.server_times(),
        }


class Command(BaseCommand):
    help = "压力测试：gunicorn + locust（仅本机回环地址，限时），检查报送无丢失。"

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50, help="并发会话数")
        parser.add_argument("--run-time", type=int, default=60, help="登录后持续的秒数")
        parser.add_argument(
            "--settle", type=int, default=0, help="全部登录后再等这么多秒才开始计时（默认 0：最后一个会话登录即开始）"
        )
        parser.add_argument("--workers", type=int, default=4, help="gunicorn 进程数")
        parser.add_argument("--threads", type=int, default=1, help="每个 gunicorn 进程的线程数")
        parser.add_argument("--port", type=int, default=8117)
        parser.add_argument("--units", type=int, default=400, help="（数据库中没有合成数据时）生成的单位数")
        parser.add_argument("--tasks", type=int, default=20000)
        parser.add_argument("--reports", type=int, default=200000)
        parser.add_argument("--out", default="", help="把结果 JSON 另存到这个文件")

    def handle(self, *args, users, run_time, settle, workers, threads, port, units, tasks, reports, out, **options):
        if not User.objects.filter(username="scale1_dcs1").exists():
            self.stderr.write(f"seeding the synthetic city ({units} units, {tasks} tasks, {reports} reports)…")
            load_registry()
            build_city(units=units, tasks=tasks, reports=reports)
        city_units = User.objects.filter(username__regex=r"^scale1_u\d+_lly$").count()
        documents = list(
            SourceDocument.objects.filter(title__startswith="测城关于").order_by("id").values_list("pk", flat=True)
        )
        work = Path(tempfile.mkdtemp(prefix="duban-loadtest-"))
        accepted_file = work / "accepted.tsv"
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(work / "static"),
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7"),
            "LOG_LEVEL": "WARNING",
            # Production settings over plain HTTP on the loopback: nginx would do the redirect to HTTPS.
            "SECURE_SSL_REDIRECT": "0",
        }
        if connection.vendor == "sqlite":
            env["SQLITE_PATH"] = str(settings.DATABASES["default"]["NAME"])
        python = sys.executable
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR, env=env, check=True
        )
        server = subprocess.Popen(
            [python, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--threads", str(threads), "--timeout", "60", "--log-level", "warning",
             "--access-logfile", str(work / "access.log"), "--access-logformat", ACCESS_FORMAT],
            cwd=settings.BASE_DIR, env=env,
        )  # fmt: skip
        try:
            self.wait_for(port, server)
            started = time.time()
            locust = subprocess.Popen(
                [python, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--users", str(users),
                 "--spawn-rate", str(users), "--run-time", f"{run_time + settle + 240}s", "--host", f"http://127.0.0.1:{port}",
                 "--csv", str(work / "stats"), "--only-summary", "--stop-timeout", "10",
                 "--loglevel", "WARNING"],
                cwd=settings.BASE_DIR, stdout=subprocess.PIPE, text=True, encoding="utf-8",
                env={**env, "LOADTEST_ACCEPTED": str(accepted_file), "LOADTEST_UNITS": str(city_units),
                     "LOADTEST_USERS": str(users), "LOADTEST_SECONDS": str(run_time), "LOADTEST_SETTLE": str(settle),
                     "LOADTEST_DOCUMENTS": ",".join(map(str, documents))},
            )  # fmt: skip
            cpu = self.follow(
                locust, server, deadline=time.time() + run_time + settle + 300, access_log=work / "access.log"
            )
            elapsed = time.time() - started
            elapsed = time.time() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
        result = self.summarise(work, accepted_file, users, run_time, workers, threads, elapsed)
        result["settle_s"] = settle
        result["cpu"] = cpu.summary(result["requests"]) if cpu else None
        text = json.dumps(result, ensure_ascii=False, indent=1)
        self.stdout.write(text)
        if out:
            Path(out).write_text(text, encoding="utf-8")
        if result["lost_writes"]:
            raise CommandError(f"{result['lost_writes']} 条已受理的报送不在数据库中")

    def follow(
        self, locust: subprocess.Popen, server: subprocess.Popen, deadline: float, access_log: Path
    ) -> "CpuWindow | None":
        """Echo locust's output; read the CPU time of gunicorn, PostgreSQL and locust over the
        measured window, which the locustfile marks with a line at its start and at its end."""
        window = None
        try:
            for line in locust.stdout:
                self.stdout.write(line.rstrip("\n"))
                if WINDOW_STARTS in line:
                    window = CpuWindow(server.pid, locust.pid, access_log)
                elif WINDOW_ENDS in line and window:
                    window.close()
                if time.time() > deadline:
                    break
        finally:
            try:
                locust.wait(timeout=max(1.0, deadline - time.time()))
            except subprocess.TimeoutExpired:
                locust.kill()
                locust.wait()
        return window if window and window.closed else None

    def wait_for(self, port: int, server: subprocess.Popen) -> None:
        deadline = time.time() + 60
        while time.time() < deadline:
            if server.poll() is not None:
                raise CommandError("gunicorn 未能启动")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                    return
            except OSError as error:
                self.stderr.write(f"waiting for gunicorn: {error!r}")
                time.sleep(0.5)
        raise CommandError("gunicorn 60 秒内没有应答")

    def summarise(self, work: Path, accepted_file: Path, users, run_time, workers, threads, elapsed) -> dict:
        with open(work / "stats_stats.csv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        total = next(r for r in rows if r["Name"] == "Aggregated")
        per_page = {
            r["Name"]: {"requests": int(r["Request Count"]), "failures": int(r["Failure Count"]),
                        "p50_ms": float(r["50%"]), "p95_ms": float(r["95%"]), "p99_ms": float(r["99%"])}
            for r in rows if r["Name"] != "Aggregated" and int(r["Request Count"])  # logins: before the window
        }  # fmt: skip
        accepted = []
        if accepted_file.exists():
            accepted = [line.split("\t", 1)[1] for line in accepted_file.read_text(encoding="utf-8").splitlines()]
        found = set(ProgressReport.objects.filter(progress__in=accepted).values_list("progress", flat=True))
        return {
            "database": connection.vendor,
            "users": users,
            "run_time_s": run_time,
            "gunicorn": {"workers": workers, "threads": threads},
            "requests": int(total["Request Count"]),
            "errors": int(total["Failure Count"]),
            "requests_per_s": round(float(total["Requests/s"]), 1),
            "p50_ms": float(total["50%"]),
            "p95_ms": float(total["95%"]),
            "p99_ms": float(total["99%"]),
            "reports_accepted": len(accepted),
            "lost_writes": len(set(accepted) - found),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
            "elapsed_s": round(elapsed, 1),
            "pages": per_page,
        }
