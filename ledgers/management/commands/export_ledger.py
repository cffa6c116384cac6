"""python manage.py export_ledger (--document ID | --all) [--unit ID] [--state STATE] [--user NAME] --out F.xlsx"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ledgers import exports
from tasks.states import AssignmentState


class Command(BaseCommand):
    help = "导出工作任务台账（.xlsx）：按文件或全部任务，可按承办单位、状态筛选。"

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--document", type=int, help="来源文件 ID")
        which.add_argument("--all", action="store_true", help="全部已发布任务")
        parser.add_argument("--unit", type=int, help="只导出该单位承办的任务（单位 ID）")
        parser.add_argument("--state", choices=AssignmentState.values, help="只导出该状态的承办事项所属任务")
        parser.add_argument("--user", help="以该用户的权限导出（默认：全部）")
        parser.add_argument("--out", required=True, help="输出文件 .xlsx")

    def handle(self, *args, **options):
        if not options["out"].lower().endswith(".xlsx"):
            raise CommandError("--out 须为 .xlsx 文件")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户不存在：{options['user']}")
        params = {key: str(options[key]) for key in ("document", "unit", "state") if options.get(key) not in (None, "")}
        now = timezone.now()
        shares, filters = exports.filtered_shares(user, params, timezone.localdate(now))
        if params and not filters:
            raise CommandError(f"筛选条件无效：{params}（文件或单位不存在？）")
        count = exports.export(user, shares, options["out"], filters=filters, now=now)
        self.stdout.write(json.dumps({"out": options["out"], "tasks": count}, ensure_ascii=False))
