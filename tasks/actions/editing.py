"""督查室 corrects a published task: its fields, with history field by field.

A new task deadline flows to the shares still on the old one.
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.guards import require_supervisor

from ..models import (
    EventAction,
    ExtensionRequest,
    ExtensionState,
    ReportingCycle,
    Task,
)
from ._core import (
    Change,
    lock_task,
    locked_assignments,
    record,
    require_reason,
    save_versioned,
)
from .creating import clean_report_due_day


@transaction.atomic
def edit_task(
    actor,
    task: Task,
    *,
    text: str,
    title: str,
    section: str,
    number: str,
    deadline: dt.date | None,
    deadline_text: str,
    ongoing: bool,
    reporting_cycle: str,
    responsible_leader: str,
    tags: Sequence[str],
    reason: str,
    version: int | None = None,
    report_due_day: int | None = None,
    now=None,
) -> Task:
    """修改任务: the supervision office corrects a published task, with a reason.

    One history row with one change row per changed field. A changed task deadline flows to
    every open share whose deadline still equals the old task deadline; a share whose own
    deadline was changed, that had an extension approved, or that is already closed keeps its
    date. Each share that follows gets its own history row. A 长期 (ongoing) task has no
    deadline, so marking a task ongoing clears the deadline of the shares that follow it.
    """
    now = now or timezone.now()
    require_supervisor(actor)
    reason = require_reason(reason, "修改理由")
    text = (text or "").strip()
    if not text:
        raise ValidationError("任务内容不能为空")
    if reporting_cycle not in ReportingCycle.values:
        raise ValidationError("报送周期无效")
    if ongoing:
        deadline = None
    task = lock_task(task, version)
    new_values = {
        "text": text,
        "title": (title or "").strip(),
        "section": (section or "").strip(),
        "number": (number or "").strip(),
        "deadline": deadline,
        "deadline_text": (deadline_text or "").strip(),
        "ongoing": bool(ongoing),
        "reporting_cycle": reporting_cycle,
        "report_due_day": clean_report_due_day(reporting_cycle, report_due_day),
        "responsible_leader": (responsible_leader or "").strip(),
        "tags": _clean_tags(tags),
    }
    shown = {
        "ongoing": _yes_no,
        "reporting_cycle": _cycle_label,
        "report_due_day": lambda day: f"{day}日" if day else "期末",
        "tags": "、".join,
    }
    changes: list[Change] = []
    changed_fields = []
    for field, new in new_values.items():
        old = getattr(task, field)
        if old == new:
            continue
        show = shown.get(field, lambda value: value)
        changes.append((Task._meta.get_field(field).verbose_name, show(old), show(new)))
        changed_fields.append(field)
    if not changed_fields:
        raise ValidationError("没有修改任何内容")
    old_deadline = task.deadline
    for field in changed_fields:
        setattr(task, field, new_values[field])
    task.updated = now
    task.version += 1
    task.save(update_fields=[*changed_fields, "updated", "version"])
    record(task, actor, EventAction.EDITED, now=now, comment=reason, changes=changes)
    if "deadline" in changed_fields:
        _flow_task_deadline(actor, task, old_deadline, reason=reason, now=now)
    return task


def _flow_task_deadline(actor, task: Task, old_deadline: dt.date | None, *, reason: str, now: dt.datetime) -> None:
    """Move the shares that still follow the task's deadline to its new one (see edit_task)."""
    extended = set(
        ExtensionRequest.objects.filter(assignment__task=task, state=ExtensionState.APPROVED).values_list(
            "assignment_id", flat=True
        )
    )
    for assignment in locked_assignments(task).select_related("unit"):
        if assignment.deadline != old_deadline or assignment.pk in extended or not assignment.is_open:
            continue
        assignment.deadline = task.deadline
        fields = ["deadline"]
        if assignment.original_deadline is None:
            # A share that never had a date (the task was 长期) records its first one.
            assignment.original_deadline = task.deadline
            fields.append("original_deadline")
        save_versioned(assignment, fields)
        record(
            task,
            actor,
            EventAction.DEADLINE_CHANGED,
            now=now,
            assignment=assignment,
            comment=f"随任务时限调整：{reason}",
            changes=[("完成时限", old_deadline, task.deadline)],
        )


def _clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags without blanks or repeats, in the order given."""
    cleaned: list[str] = []
    for tag in tags or ():
        tag = str(tag).strip()
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _cycle_label(value: str) -> str:
    return ReportingCycle(value).label
