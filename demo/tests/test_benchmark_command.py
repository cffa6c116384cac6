"""`manage.py benchmark --json` runs end to end in its own throwaway database (a real SQLite file in
WAL mode) and prints the shape the README documents; `seed_scale` is deterministic."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.models import Count

from demo.bench import synthetic_division_table
from demo.scale import build_city
from tasks.models import Assignment, AssignmentState, ProgressReport, Task

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.benchmark
def test_benchmark_json_shape_in_a_throwaway_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env["SQLITE_PATH"] = str(tmp_path / "live.sqlite3")
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark", "--units", "6", "--tasks", "30", "--reports", "120",
         "--repeat", "1", "--planning-shares", "150", "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"scale", "metrics", "ratios"}
    assert data["scale"]["sqlite_journal_mode"] == "wal"  # a file, not an in-memory database
    assert data["scale"]["1x"]["tasks"] == 30 and data["scale"]["2x"]["tasks"] == 60
    pages = (
        "ledger",
        "my_work",
        "task_detail",
        "dashboard",
        "dashboard_uncached",
        "workbench",
        "search",
        "review_84_items",
    )
    for name in pages:
        for key in (name, f"{name}_2x"):
            assert data["metrics"][key]["ms"] > 0 and data["metrics"][key]["queries"] > 0, key
        assert f"{name}_2x_vs_1x" in data["ratios"]
    # The uncached dashboard really counts (the cached one reads the cache instead).
    assert data["metrics"]["dashboard_uncached"]["queries"] > data["metrics"]["dashboard"]["queries"]
    assert data["metrics"]["ledger_export"]["rows"] == 30
    assert data["metrics"]["extract_2021_table"]["items"] == 84
    assert data["metrics"]["extract_500_items"]["items"] == 500
    assert data["ratios"]["ledger_export_vs_openpyxl"] > 0
    assert data["metrics"]["reminder_planning"]["open_shares"] >= 150
    assert data["metrics"]["reminder_planning"]["queries"] == data["metrics"]["reminder_planning_half"]["queries"]
    assert data["scale"]["1x"]["reminders"] > 0
    # The live database was never touched: it was not even created.
    assert not (tmp_path / "live.sqlite3").exists() or (tmp_path / "live.sqlite3").stat().st_size == 0


def _shape(prefix):
    rows = (
        Assignment.objects.filter(unit__name__startswith=prefix + "第")
        .order_by("id")
        .values_list("task__text", "unit__short_name", "role", "state", "deadline", "original_deadline")
    )
    return [(text.replace(prefix, ""), unit.replace(prefix, ""), *rest) for text, unit, *rest in rows]


@pytest.mark.django_db
def test_seed_scale_is_deterministic_and_marked_apart_from_the_demo():
    city = build_city(units=12, tasks=40, reports=200, seed=3)
    assert city.counts["tasks"] == Task.objects.count() == 40
    assert ProgressReport.objects.count() == 200
    assert all(1 <= n <= 8 for n in Task.objects.annotate(n=Count("assignments")).values_list("n", flat=True))
    assert all(name.startswith("测城") for name in Assignment.objects.values_list("unit__name", flat=True))
    assert Assignment.objects.exclude(state=AssignmentState.DONE).exists()
    assert Assignment.objects.filter(state=AssignmentState.DONE).exists()
    assert city.clerks[0] == "scale1_u001_lly"
    # The same seed builds the same city: generation 2 is generation 1 again under 测城二.
    twin = build_city(units=12, tasks=40, reports=200, seed=3, generation=2)
    assert twin.prefix == "测城二" and twin.counts == city.counts
    assert _shape("测城") == _shape("测城二")
    # Another seed builds another city.
    build_city(units=12, tasks=40, reports=200, seed=4, generation=3)
    assert _shape("测城") != _shape("测城三")


def test_the_synthetic_document_has_the_items_it_promises():
    text = synthetic_division_table(12)
    assert text.count("推进第") == 12
