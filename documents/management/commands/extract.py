"""python manage.py extract FILE [--json]: read, extract and resolve a document; save nothing."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from documents.pipeline import ReaderError, extract_file
from units.models import Unit
from units.registry import Registry, current_registry


class Command(BaseCommand):
    help = "读取文件并抽取工作任务（不保存），--json 输出 JSON。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="输出 JSON（testing/gold/score.py.txt 评分的格式）")
        parser.add_argument("--max-mb", type=int, default=None, help="文件大小上限（MB）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        max_bytes = options["max_mb"] * 1024 * 1024 if options["max_mb"] else None
        try:
            result = extract_file(path, path.name, self.registry(), max_bytes=max_bytes)
        except ReaderError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
            return
        meta = result.metadata
        self.stdout.write(f"标题：{meta.title or '（未识别）'}")
        self.stdout.write(
            f"文号：{meta.doc_number or '—'}  日期：{meta.issued_date or '—'}  发文机关：{meta.issuer or '—'}"
        )
        self.stdout.write(
            f"类别：{meta.to_json()['kind_label']}  读取：{result.reader}  抽取：{'、'.join(result.extractors)}"
        )
        if meta.reporting_schedule:
            self.stdout.write(f"报送要求：{meta.reporting_schedule}")
        self.stdout.write("")
        for n, item in enumerate(result.items, 1):
            lead = "、".join(u.written + ("" if u.canonical else "(?)") for u in item.lead_units) or "—"
            support = "、".join(u.written + ("" if u.canonical else "(?)") for u in item.support_units) or "—"
            deadline = item.deadline.isoformat() if item.deadline else ("长期" if item.ongoing else "—")
            if item.recurrence:
                deadline += f"（{item.recurrence}）"
            self.stdout.write(f"{n:>3}. [{item.number or '-'}] {item.text[:60]}")
            self.stdout.write(
                f"     牵头：{lead}  配合：{support}  时限：{deadline}  行 {item.source_start}-{item.source_end}"
            )
        if result.indicators:
            self.stdout.write(f"\n指标 {len(result.indicators)} 项：")
            for ind in result.indicators:
                targets = "，".join(f"{y}: {v}" for y, v in ind["targets"].items())
                self.stdout.write(f"  {ind['name']}  {targets}")
        for warning in result.warnings:
            self.stderr.write(f"提示：{warning}")
        self.stdout.write(f"\n共 {len(result.items)} 项，未识别单位 {result.unresolved_count} 个。")

    def registry(self) -> Registry:
        """The district's registry; on a machine whose database is not set up yet (no `migrate`),
        the bundled registry file, said on stderr: this command saves nothing, so it need not wait
        for a database. Anywhere else a database that cannot be read is a fault and shows."""
        if Unit._meta.db_table not in connection.introspection.table_names():
            self.stderr.write("提示：数据库尚未初始化（manage.py migrate），按内置单位名录解析单位名称。")
            return Registry.from_fixture()
        return current_registry()
