"""`manage.py benchmark` runs end to end in its own throwaway database and reports every measure."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.benchmark
def test_benchmark_runs_in_a_throwaway_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env["SQLITE_PATH"] = str(tmp_path / "live.sqlite3")
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark", "--tasks", "30", "--repeat", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for measure in ("extract 5 seed documents", "任务台账 (supervisor)", "我的待办", "统计", "peak memory"):
        assert measure in result.stdout, result.stdout
    # The live database was never touched: it was not even created.
    assert not (tmp_path / "live.sqlite3").exists() or (tmp_path / "live.sqlite3").stat().st_size == 0
