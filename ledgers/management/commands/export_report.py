"""python manage.py export_report --month YYYY-MM --out F.xlsx"""

import json
import re

from django.core.management.base import BaseCommand, CommandError

from ledgers.report import write_monthly_report


class Command(BaseCommand):
    help = "导出月度报表：按单位汇总（完成率、按时率）、逾期事项、本月办结、延期审批。"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--out", required=True)

    def handle(self, *args, **options):
        match = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", options["month"])
        if not match:
            raise CommandError("--month 格式为 YYYY-MM，例如 2026-11")
        counts = write_monthly_report(int(match[1]), int(match[2]), options["out"])
        self.stdout.write(json.dumps({"out": options["out"], "sheets": counts}, ensure_ascii=False))
