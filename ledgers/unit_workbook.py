"""The per-unit workbook: what one unit owes, lead and supporting work on separate sheets.

It is also the form for the offline round trip (`ledgers.importer`): every row carries the
share's id and version in hidden columns, staff fill 进展情况, 存在问题, 下一步计划 and 完成比例
(the yellow columns), and a very hidden sheet keeps what was exported, so the import can tell
what someone edited from what changed in Duban meanwhile.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Prefetch
from django.utils import timezone

from tasks.models import OPEN_STATES, Assignment, AssignmentRole, AssignmentState, ProgressReport

from .rows import Column, Groups, deadline_cell, unit_names
from .selectors import unit_groups
from .xlsx import Book, Look, TableSheet, write_value

FORMAT = "duban-progress/1"
META_SHEET = "_duban"
EDITABLE = ("progress", "problems", "next_steps", "percent")
READ_ONLY = ("number", "text", "partners", "deadline", "state")
EDIT_FILL = "FFF2CC"  # the columns to fill in


def columns_for(role: str) -> tuple[Column, ...]:
    partners = "责任单位（配合）" if role == AssignmentRole.LEAD else "牵头单位"
    return (
        Column("id", "ID", 8, wrap=False, align="center"),
        Column("version", "版本", 6, wrap=False, align="center"),
        Column("number", "序号", 6, wrap=False, align="center"),
        Column("text", "工作任务和要求", 42),
        Column("partners", partners, 16),
        Column("deadline", "完成时限", 11, align="center"),
        Column("state", "状态", 8, wrap=False, align="center"),
        Column("progress", "进展情况", 36),
        Column("problems", "存在问题", 22),
        Column("next_steps", "下一步计划", 22),
        Column("percent", "完成比例(%)", 9, wrap=False, align="center"),
    )


HEADERS = {column.header: column.key for role in AssignmentRole.values for column in columns_for(role)}
SHEET_TITLES = {AssignmentRole.LEAD: "牵头任务", AssignmentRole.SUPPORT: "配合任务"}


def unit_shares(unit):
    """The unit's open shares in source order, with the task, the partners and the latest report."""
    reports = ProgressReport.objects.order_by("-created", "-id")
    partners = Assignment.objects.select_related("unit").order_by("unit__sort_order", "id")
    return (
        Assignment.objects.filter(unit=unit, state__in=OPEN_STATES)
        .select_related("task", "task__source_document", "task__source_item")
        .prefetch_related(Prefetch("reports", queryset=reports), Prefetch("task__assignments", queryset=partners))
        .order_by(
            F("task__source_document_id").asc(nulls_last=True),
            F("task__source_item__position").asc(nulls_last=True),
            "task__number",
            "task_id",
        )
    )


def current_values(assignment) -> dict:
    """What Duban holds now for the editable columns: the share's latest report and its percent."""
    reports = list(assignment.reports.all())
    latest = reports[0] if reports else None
    return {
        "progress": latest.progress if latest else "",
        "problems": latest.problems if latest else "",
        "next_steps": latest.next_steps if latest else "",
        "percent": assignment.percent,
    }


def row_values(assignment, groups: Groups = ()) -> dict:
    task = assignment.task
    other_role = AssignmentRole.SUPPORT if assignment.role == AssignmentRole.LEAD else AssignmentRole.LEAD
    partners = unit_names([a.unit for a in task.assignments.all() if a.role == other_role], groups)
    deadline = (
        f"{assignment.deadline.year}年{assignment.deadline.month}月{assignment.deadline.day}日"
        if assignment.deadline
        else deadline_cell(task)
    )
    return {
        "id": assignment.pk,
        "version": assignment.version,
        "number": task.number,
        "text": task.text,
        "partners": partners,
        "deadline": deadline,
        "state": AssignmentState(assignment.state).label,
        **current_values(assignment),
    }


def write_unit_workbook(unit, target, *, now: dt.datetime | None = None) -> int:
    """Write the unit's workbook to `target`; returns the number of shares written."""
    now = now or timezone.now()
    stamp = f"{timezone.localtime(now):%Y-%m-%d %H:%M}"
    workbook = Book(target)
    shares = list(unit_shares(unit))
    groups = unit_groups()
    snapshot = []
    for role in (AssignmentRole.LEAD, AssignmentRole.SUPPORT):
        sheet = TableSheet.start(
            workbook,
            SHEET_TITLES[role],
            title=f"{unit.name}工作任务进展填报表（{AssignmentRole(role).label}）",
            subtitle=(
                f"导出时间：{stamp}　请在黄色列填写进展情况、存在问题、下一步计划和完成比例（0–100 的整数），"
                "其他列仅供参考，修改不会导入；行可以排序、筛选，按隐藏的 ID 列匹配。"
            ),
            columns=columns_for(role),
            hidden=("id", "version"),
        )
        for assignment in shares:
            if assignment.role != role:
                continue
            values = row_values(assignment, groups)
            snapshot.append(values)
            sheet.row(values, fills={key: EDIT_FILL for key in EDITABLE})
        sheet.finish()
    # What was exported, for the import to tell edits from changes made in Duban meanwhile.
    meta = workbook.add_sheet(META_SHEET)
    meta.very_hidden()
    keys = ["id", "version", *EDITABLE, *READ_ONLY]
    plain = workbook.pair(Look(border=False))
    lines = [["format", FORMAT], ["unit", unit.pk], ["unit_name", unit.name], ["exported_at", stamp], keys]
    lines += ([values[key] for key in keys] for values in snapshot)
    for row, line in enumerate(lines):
        for col, value in enumerate(line):
            write_value(workbook, meta, row, col, value, plain)
    workbook.close()
    return len(snapshot)
