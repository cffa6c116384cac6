"""python manage.py remind [--date YYYY-MM-DD] [--dry-run] [--json]"""

import contextlib
import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders import sending
from reminders.models import ReminderPolicy


class Command(BaseCommand):
    help = "计划并发送某日的提醒（提醒·催办·督办）；--dry-run 只计划不发送。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期（YYYY-MM-DD）的每日发送时间计划，默认现在")
        parser.add_argument("--dry-run", action="store_true", help="只计划，不记录、不发送")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, date=None, dry_run=False, json=False, **options):
        if date:
            try:
                day = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from None
            now = sending.moment_for(day, ReminderPolicy.load())
        else:
            now = timezone.now()
        result = sending.run(now, dry_run=dry_run)
        delivered = {"sent": 0, "failed": 0}
        if not dry_run:
            sending.close_orders(now)
            # The development console email backend prints to stdout; keep --json output clean.
            with contextlib.redirect_stdout(sys.stderr if json else sys.stdout):
                delivered = sending.deliver_pending()
        if result.working_day and not result.in_hours:
            self.stderr.write("现在不在工作时间，不发送提醒。")
        output = result.as_json()
        if json:
            self.stdout.write(_dumps(output))
            return
        self.stdout.write(
            f"{output['date']} {'工作日' if output['working_day'] else '非工作日'}："
            f"提醒 {len(output['reminders'])} 条，消息 {output['messages']} 份，本次发送 {output['sent']} 份；"
            f"邮件/群消息发出 {delivered['sent']}，失败 {delivered['failed']}"
        )
        for row in output["reminders"]:
            self.stdout.write(
                f"  {row['level']:<9} {row['kind']:<10} 承办#{row['assignment']} 任务#{row['task']} "
                f"{row['unit']} → {', '.join(row['recipients']) or '（无接收人）'}"
            )


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
