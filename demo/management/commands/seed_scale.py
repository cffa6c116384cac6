"""Build a synthetic city for measurement: `manage.py seed_scale --units 400 --tasks 20000 --reports 200000`.

Measurement only, never the demo: every name carries 测城 and every account starts with
`scale` (password `scale2026`). Writes to the configured database (SQLite file or
DATABASE_URL) and refuses to run twice on the same database unless `--generation` names a
new city beside the first (the benchmark uses generation 2 to double the data).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from units.registry import load_registry

from ...scale import PASSWORD, build_city


class Command(BaseCommand):
    help = "生成用于性能测量的合成城市数据（单位、人员、文件、任务、承办、报送历史），与演示数据分开。"

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=400)
        parser.add_argument("--tasks", type=int, default=20000)
        parser.add_argument("--reports", type=int, default=200000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--generation", type=int, default=1, help="2 adds a second city of the same size")

    def handle(self, *args, units, tasks, reports, seed, generation, **options):
        if min(units, tasks, reports) < 0 or units < 1 or generation < 1:
            raise CommandError("--units 至少为 1，--tasks/--reports 不能为负数")
        if User.objects.filter(username=f"scale{generation}_dcs1").exists():
            raise CommandError(
                f"第 {generation} 代合成数据已存在：请换一个空数据库，或用 --generation {generation + 1}"
            )
        started = time.perf_counter()
        load_registry()  # the real registry too, so imports and the review screen resolve names

        def log(message):
            self.stdout.write(f"  {time.perf_counter() - started:6.1f} s  {message}")

        city = build_city(units=units, tasks=tasks, reports=reports, seed=seed, generation=generation, log=log)
        self.stdout.write(self.style.SUCCESS(f"{city.prefix}: {city.counts} in {time.perf_counter() - started:.1f} s"))
        self.stdout.write(
            f"登录（密码 {PASSWORD}）："
            f"督查室 {city.supervisors[0]}，区领导 {city.leaders[0]}，联络员 {city.clerks[0]} …"
        )
