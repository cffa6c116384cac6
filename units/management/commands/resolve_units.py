"""Show how the registry reads unit names: `manage.py resolve_units [--json] NAME...`."""

import json
import sys

from django.core.management.base import BaseCommand

from units.registry import current_registry
from units.resolver import Registry, resolve


class Command(BaseCommand):
    help = "把单位名称解析为名录中的单位（--json 输出 JSON 列表）。没有 NAME 时逐行读取标准输入。"

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", metavar="NAME", help="单位名称写法，如 区发改委")
        parser.add_argument("--json", action="store_true", help="输出 JSON 列表，每个输入一项")
        parser.add_argument("--fixture", help="用名录文件而不是数据库（默认：数据库有单位时用数据库）")

    def handle(self, *args, **options):
        names = options["names"] or [line.rstrip("\n") for line in sys.stdin if line.strip()]
        registry = Registry.from_fixture(options["fixture"]) if options["fixture"] else current_registry()
        resolutions = [resolve(name, registry) for name in names]
        if options["json"]:
            payload = [
                {"input": r.input, "units": [m.as_dict() for m in r.matches], "leftover": r.leftover}
                for r in resolutions
            ]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
            return
        for r in resolutions:
            self.stdout.write(r.input)
            for m in r.matches:
                self.stdout.write(f"  {m.written} → {m.name} [{m.kind}] {m.method} {m.score:.2f}")
            for piece in r.leftover:
                hints = "、".join(m.name for m in r.suggestions.get(piece, []))
                self.stdout.write(self.style.WARNING(f"  未识别：{piece}" + (f"（可能是：{hints}）" if hints else "")))
