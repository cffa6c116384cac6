"""Measure Duban on a synthetic city: `manage.py benchmark [--json]`.

By default it builds its own throwaway database on the configured server (PostgreSQL through
DATABASE_URL, or a real SQLite file in WAL mode beside the configured one, never in memory),
seeds a city with demo.scale at the given size, measures, adds a second city of the same size,
measures again, and drops the database. `--here` measures the configured database as it is
(after `seed_scale`), once. See README, "Performance".
"""

import gc
import json
import os
import resource
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.models import User
from documents.models import SourceDocument
from units.registry import load_registry

from ... import bench
from ...scale import build_city, top_up_open_shares


def settle_after_seeding() -> None:
    """Leave out of the measurement what seeding left in this process: whatever of it is still
    alive is moved out of the garbage collector's reach (gc.freeze), so that the collections
    during the measured requests do not traverse it (a web process never holds it). Without
    this, pages at 2x, measured after seeding a second city in the same process, took up to 1.4x
    the CPU they take in a fresh process on the same database."""
    gc.collect()
    gc.freeze()


class Command(BaseCommand):
    help = "在合成城市数据上测量各页面、台账导出、提醒计划和抽取的耗时与查询数（默认在临时数据库中，含两倍数据）。"

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=400)
        parser.add_argument("--tasks", type=int, default=20000)
        parser.add_argument("--reports", type=int, default=200000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repeat", type=int, default=5, help="页面测量的重复次数（取中位数）")
        parser.add_argument("--json", action="store_true", help="只输出 JSON")
        parser.add_argument("--here", action="store_true", help="直接测量当前数据库（须先运行 seed_scale），不建临时库")
        parser.add_argument("--no-double", action="store_true", help="不测两倍数据")
        parser.add_argument("--planning-shares", type=int, default=100000, help="提醒计划测量时的未办结承办数")
        parser.add_argument("--pages", default="", help="只测这些页面（逗号分隔的名称），其余测量跳过")

    def handle(self, *args, **options):
        # Measure what production runs: no debug cursor recording every query, no template debug
        # info, and no test instrumentation of template rendering (so no setup_test_environment).
        settings.DEBUG = False
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        self.quiet = options["json"]
        self.only = {name for name in options["pages"].split(",") if name}
        started = time.perf_counter()
        if options["here"]:
            if not User.objects.filter(username="scale1_dcs1").exists():
                raise CommandError("当前数据库没有合成数据：先运行 manage.py seed_scale")
            result = self.measure_here(options)
        else:
            result = self.measure_throwaway(options)
        result["scale"]["seconds"] = round(time.perf_counter() - started, 1)
        result["scale"]["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        result["scale"]["load_average"] = [round(x, 2) for x in os.getloadavg()]
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=None if self.quiet else 1))

    def log(self, message: str) -> None:
        if not self.quiet:
            self.stderr.write(message)

    def measure_here(self, options) -> dict:
        gens = 2 if User.objects.filter(username="scale2_dcs1").exists() else 1
        review = self.review_document()
        metrics = self.measure_all(options["repeat"], review, suffix="")
        return {"scale": bench.scale_summary(gens), "metrics": metrics, "ratios": {}}

    def review_document(self) -> int:
        existing = SourceDocument.objects.filter(original_filename=bench.TABLE_2021.name).first()
        return existing.pk if existing else bench.import_review_document("scale1_dcs1")

    def measure_throwaway(self, options) -> dict:
        settings_dict = connection.settings_dict
        folder = None
        if connection.vendor == "sqlite":
            # A real file in WAL mode (the configured OPTIONS apply), as the app runs; never :memory:.
            folder = tempfile.mkdtemp(prefix="duban-bench-")
            settings_dict.setdefault("TEST", {})["NAME"] = str(Path(folder) / "bench.sqlite3")
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
        try:
            return self.run_scales(options)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def run_scales(self, options) -> dict:
        size = {k: options[k] for k in ("units", "tasks", "reports")}
        load_registry()
        t = time.perf_counter()
        build_city(**size, seed=options["seed"], generation=1, log=self.log)
        settle_after_seeding()
        self.log(f"seeded 1x in {time.perf_counter() - t:.1f} s")
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        else:
            mode = "n/a"
        review = bench.import_review_document("scale1_dcs1")
        metrics = self.measure_all(options["repeat"], review, suffix="")
        if not self.only:
            metrics.update(bench.measure_extraction(options["repeat"]))
        scale = {**size, "seed": options["seed"], "repeat": options["repeat"], "sqlite_journal_mode": mode}
        scale["1x"] = bench.scale_summary(1)
        ratios = {}
        if not options["no_double"]:
            t = time.perf_counter()
            build_city(**size, seed=options["seed"], generation=2, log=self.log)
            settle_after_seeding()
            self.log(f"seeded 2x in {time.perf_counter() - t:.1f} s")
            doubled = self.measure_all(options["repeat"], review, suffix="_2x")
            scale["2x"] = bench.scale_summary(2)
            metrics.update(doubled)
            for name in list(metrics):
                if name.endswith("_2x") and name[:-3] in metrics and metrics[name[:-3]]["ms"]:
                    ratios[f"{name[:-3]}_2x_vs_1x"] = round(metrics[name]["ms"] / metrics[name[:-3]]["ms"], 2)
        if not self.only and options["planning_shares"]:
            # Reminder planning at half and at the full number of open shares: the time should
            # grow with the shares, the queries not at all.
            for fraction, suffix in ((2, "_half"), (1, "")):
                target = options["planning_shares"] // fraction
                reached = top_up_open_shares(target, seed=options["seed"])
                self.log(f"{reached} open shares")
                metrics.update(bench.measure_planning(options["repeat"], suffix))
            if metrics["reminder_planning_half"]["ms"]:
                ratios["reminder_planning_full_vs_half"] = round(
                    metrics["reminder_planning"]["ms"] / metrics["reminder_planning_half"]["ms"], 2
                )
        if metrics.get("ledger_export_openpyxl_floor", {}).get("ms"):
            ratios["ledger_export_vs_openpyxl"] = round(
                metrics["ledger_export"]["ms"] / metrics["ledger_export_openpyxl_floor"]["ms"], 2
            )
        if "ledger_export_2x" in metrics and metrics["ledger_export"].get("peak_mib"):
            ratios["ledger_export_memory_2x_vs_1x"] = round(
                metrics["ledger_export_2x"]["peak_mib"] / metrics["ledger_export"]["peak_mib"], 2
            )
        return {"scale": scale, "metrics": metrics, "ratios": ratios}

    def measure_all(self, repeat: int, review: int, suffix: str) -> dict:
        t = time.perf_counter()
        pages = bench.pages_for(1, review)
        if self.only:
            pages = [p for p in pages if p.name in self.only]
        results = bench.measure_pages(pages, repeat, log=self.log)
        self.log(f"pages{suffix} in {time.perf_counter() - t:.1f} s")
        if self.only:
            return {f"{name}{suffix}": value for name, value in results.items()}
        t = time.perf_counter()
        results.update(bench.measure_export("scale1_dcs1", repeat))
        self.log(f"export{suffix} in {time.perf_counter() - t:.1f} s")
        return {f"{name}{suffix}": value for name, value in results.items()}
