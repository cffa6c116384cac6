"""The load test's CPU accounting (demo/management/commands/loadtest.py, CpuWindow): the CPU a
process tree spends inside the window is counted, per request, and nothing spent outside it."""

import os
import subprocess
import sys
import time

import psutil

from demo.management.commands.loadtest import CpuWindow

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def _spawn(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code])


def test_the_window_counts_the_cpu_of_the_server_tree_spent_inside_it(tmp_path):
    # "gunicorn": a master that idles, with a worker that burns 0.5 s of CPU before the window
    # (left out) and 0.6 s inside it, each step marked by a file; "locust" idles.
    ready, go, done = tmp_path / "ready", tmp_path / "go", tmp_path / "done"
    worker = (
        f"import pathlib, time\nready, go, done = (pathlib.Path(p) for p in {[str(ready), str(go), str(done)]!r})\n"
        f"{BURN.format(seconds=0.5)}ready.touch()\n"
        "while not go.exists(): time.sleep(0.01)\n"
        f"{BURN.format(seconds=0.6)}done.touch()\ntime.sleep(60)\n"
    )
    starts_worker = f"subprocess.Popen([sys.executable, '-c', {worker!r}])"
    master = _spawn(f"import subprocess, sys, time\n{starts_worker}\ntime.sleep(60)\n")
    client = _spawn("import time\ntime.sleep(60)\n")
    try:
        _wait(ready.exists)
        window = CpuWindow(master.pid, client.pid)
        go.touch()
        _wait(done.exists)
        window.close()
        summary = window.summary(requests=10)
    finally:
        for process in (master, client):
            for child in psutil.Process(process.pid).children(recursive=True):
                child.kill()
            process.kill()
            process.wait()
    assert 0.55 <= summary["gunicorn_s"] <= 0.9, summary
    assert 55 <= summary["gunicorn_ms_per_request"] <= 90, summary
    assert summary["locust_s"] < 0.1, summary
    assert 0 < summary["machine_busy_pct"] <= 100, summary


def _wait(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_the_server_times_are_read_from_the_access_log_lines_written_inside_the_window(tmp_path):
    log = tmp_path / "access.log"
    log.write_text("9000000 GET /before/ 200\n", encoding="utf-8")  # before the window: left out
    window = CpuWindow(os.getpid(), os.getpid(), log)
    with open(log, "a", encoding="utf-8") as out:
        for ms in range(1, 101):  # 1 … 100 ms
            out.write(f"{ms * 1000} GET /tasks/ 200\n")
        out.write("2500000 POST /tasks/assignments/1/report/ 302\n")
    window.close()
    with open(log, "a", encoding="utf-8") as out:
        out.write("9000000 GET /after/ 200\n")  # after it: left out
    times = window.summary(requests=101)["server_time"]
    assert times == {"requests": 101, "p50_ms": 51.0, "p95_ms": 96.0, "p99_ms": 100.0, "max_ms": 2500.0, "over_1s": 1}
