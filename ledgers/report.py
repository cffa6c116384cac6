"""The monthly report workbook (月度报表): summary by unit, overdue work, work completed in the
month and the extension decisions of the month.

Rates, as the summary sheet states them:
- 完成率 = shares closed (销号) by the month's end ÷ shares that existed by then;
- 按时率 = shares closed on or before their deadline in force (a deadline on a non-working day
  runs to the next working day; no deadline counts as on time) ÷ shares closed by the month's end;
- 逾期工作日 counts working days on the official calendar (workdays.calendar) from the deadline
  to the report date (the month's last day, or today for the current month).
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections import defaultdict

from django.utils import timezone

from tasks.models import Assignment, AssignmentState, ExtensionRequest, ExtensionState
from workdays import calendar

from .rows import Column
from .xlsx import Book, TableSheet

PERCENT = "0.0%"


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def on_time(share) -> bool:
    if share.deadline is None or share.completed_at is None:
        return share.completed_at is not None
    return _date(share.completed_at) <= calendar.effective_deadline(share.deadline)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, month_calendar.monthrange(year, month)[1])


def write_monthly_report(year: int, month: int, target, *, now: dt.datetime | None = None) -> dict:
    """Write the report for `year`-`month`; returns the row counts per sheet."""
    now = now or timezone.now()
    first, last = month_bounds(year, month)
    as_of = min(last, timezone.localdate(now))
    end = _end_of_day(last)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    stamp = f"导出时间：{timezone.localtime(now):%Y-%m-%d %H:%M}　统计截至：{as_of:%Y-%m-%d}"
    label = f"{year}年{month}月"
    shares = list(
        Assignment.objects.filter(created__lt=end)
        .select_related("unit", "task", "task__source_document")
        .order_by("unit__sort_order", "unit__name", "task_id")
    )
    reports_in_month = defaultdict(int)
    for unit_id in Assignment.objects.filter(reports__created__gte=start, reports__created__lt=end).values_list(
        "unit_id", flat=True
    ):
        reports_in_month[unit_id] += 1

    workbook = Book(target)
    counts = {}

    # Summary by unit.
    summary_columns = (
        Column("unit", "承办单位", 24),
        Column("total", "承办事项", 9, wrap=False, align="center"),
        Column("done", "已办结", 8, wrap=False, align="center"),
        Column("completion", "完成率", 9, wrap=False, align="center"),
        Column("on_time", "按时办结", 9, wrap=False, align="center"),
        Column("on_time_rate", "按时率", 9, wrap=False, align="center"),
        Column("overdue", "逾期未办结", 10, wrap=False, align="center"),
        Column("reports", "本月报送", 9, wrap=False, align="center"),
    )
    sheet = TableSheet.start(
        workbook,
        "汇总",
        title=f"{label}督办事项完成情况汇总",
        subtitle=f"{stamp}　完成率＝已办结÷承办事项；按时率＝按时办结÷已办结（截至月末）",
        columns=summary_columns,
    )
    by_unit: dict[int, dict] = {}
    overdue_rows = []
    for share in shares:
        entry = by_unit.setdefault(
            share.unit_id, {"unit": share.unit.name, "total": 0, "done": 0, "on_time": 0, "overdue": 0}
        )
        entry["total"] += 1
        closed = share.completed_at is not None and share.completed_at < end
        if closed:
            entry["done"] += 1
            entry["on_time"] += on_time(share)
        elif share.deadline is not None:
            due = calendar.effective_deadline(share.deadline)
            asked = (
                _date(share.completion_requested_at) if share.state == AssignmentState.COMPLETION_REQUESTED else None
            )
            judged = asked if asked and asked <= as_of else as_of
            if judged > due:
                entry["overdue"] += 1
                overdue_rows.append((share, due, calendar.working_days_between(due, judged)))
    for unit_id, entry in by_unit.items():
        sheet.row(
            {
                **entry,
                "completion": entry["done"] / entry["total"] if entry["total"] else 0,
                "on_time_rate": entry["on_time"] / entry["done"] if entry["done"] else None,
                "reports": reports_in_month.get(unit_id, 0),
            },
            formats={"completion": PERCENT, "on_time_rate": PERCENT},
        )
    sheet.finish()
    counts["汇总"] = len(by_unit)

    # Overdue work, longest first.
    sheet = TableSheet.start(
        workbook,
        "逾期事项",
        title=f"{label}逾期未办结事项",
        subtitle=f"{stamp}　逾期工作日按国务院节假日安排（含调休）计算",
        columns=(
            Column("seq", "序号", 6, wrap=False, align="center"),
            Column("unit", "承办单位", 18),
            Column("role", "角色", 6, wrap=False, align="center"),
            Column("task", "工作任务", 48),
            Column("document", "来源文件", 26),
            Column("deadline", "完成时限", 11, wrap=False, align="center"),
            Column("days", "逾期工作日", 10, wrap=False, align="center"),
            Column("state", "状态", 9, wrap=False, align="center"),
        ),
    )
    overdue_rows.sort(key=lambda item: (-item[2], item[0].unit.sort_order, item[0].pk))
    for seq, (share, _due, days) in enumerate(overdue_rows, start=1):
        sheet.row(
            {
                "seq": seq,
                "unit": share.unit.name,
                "role": share.get_role_display(),
                "task": share.task.text,
                "document": share.task.source_document.title if share.task.source_document else "",
                "deadline": f"{share.deadline:%Y-%m-%d}",
                "days": days,
                "state": share.get_state_display(),
            }
        )
    sheet.finish()
    counts["逾期事项"] = len(overdue_rows)

    # Completed in the month.
    completed = [s for s in shares if s.completed_at is not None and start <= s.completed_at < end]
    sheet = TableSheet.start(
        workbook,
        "本月办结",
        title=f"{label}办结事项",
        subtitle=stamp,
        columns=(
            Column("seq", "序号", 6, wrap=False, align="center"),
            Column("unit", "承办单位", 18),
            Column("role", "角色", 6, wrap=False, align="center"),
            Column("task", "工作任务", 52),
            Column("deadline", "完成时限", 11, wrap=False, align="center"),
            Column("completed", "办结日期", 11, wrap=False, align="center"),
            Column("on_time", "是否按时", 9, wrap=False, align="center"),
        ),
    )
    for seq, share in enumerate(completed, start=1):
        sheet.row(
            {
                "seq": seq,
                "unit": share.unit.name,
                "role": share.get_role_display(),
                "task": share.task.text,
                "deadline": f"{share.deadline:%Y-%m-%d}" if share.deadline else "长期",
                "completed": f"{_date(share.completed_at):%Y-%m-%d}",
                "on_time": "按时" if on_time(share) else "逾期",
            }
        )
    sheet.finish()
    counts["本月办结"] = len(completed)

    # Extension decisions of the month.
    decisions = list(
        ExtensionRequest.objects.filter(decided_at__gte=start, decided_at__lt=end)
        .exclude(state=ExtensionState.PENDING)
        .select_related("assignment__unit", "assignment__task", "decided_by")
        .order_by("decided_at", "id")
    )
    sheet = TableSheet.start(
        workbook,
        "延期审批",
        title=f"{label}延期申请审批情况",
        subtitle=stamp,
        columns=(
            Column("seq", "序号", 6, wrap=False, align="center"),
            Column("unit", "承办单位", 18),
            Column("task", "工作任务", 40),
            Column("before", "原时限", 11, wrap=False, align="center"),
            Column("requested", "申请延至", 11, wrap=False, align="center"),
            Column("reason", "申请理由", 24),
            Column("state", "审批结果", 9, wrap=False, align="center"),
            Column("comment", "审批意见", 20),
            Column("decided", "审批时间", 16, wrap=False, align="center"),
        ),
    )
    for seq, decision in enumerate(decisions, start=1):
        sheet.row(
            {
                "seq": seq,
                "unit": decision.assignment.unit.name,
                "task": decision.assignment.task.text,
                "before": f"{decision.deadline_before:%Y-%m-%d}" if decision.deadline_before else "",
                "requested": f"{decision.requested_deadline:%Y-%m-%d}",
                "reason": decision.reason,
                "state": decision.get_state_display(),
                "comment": decision.decision_comment,
                "decided": f"{timezone.localtime(decision.decided_at):%Y-%m-%d %H:%M}",
            }
        )
    sheet.finish()
    counts["延期审批"] = len(decisions)
    workbook.close()
    return counts
