"""python manage.py import_progress FILE.xlsx --user USERNAME [--apply] --json"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ledgers import importer


class Command(BaseCommand):
    help = "导入单位进展填报表：默认只预览；--apply 在一个事务中报送全部有变化的行。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="以该用户身份报送（须属于填报表所属单位，或为督查室）")
        parser.add_argument("--apply", action="store_true", help="确认导入（默认只预览）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在：{options['user']}")
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{path}") from exc
        try:
            parsed = importer.read_workbook(data, path.name)
            outcome = importer.apply(user, parsed) if options["apply"] else importer.plan(user, parsed)
        except importer.ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        result = outcome.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"共 {result['rows']} 行：变更 {len(result['changed'])}，冲突 {len(result['conflicts'])}，"
            f"错误 {len(result['errors'])}，忽略的改动 {len(result['ignored'])}；"
            + ("已导入。" if result["applied"] else "未导入（预览，加 --apply 确认）。")
        )
