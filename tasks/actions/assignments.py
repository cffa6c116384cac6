"""Who carries a task and by when: 改派, 调整时限, adding, removing and re-roling shares, unit merges."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.guards import require_supervisor
from units.models import Unit

from ..models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    EventAction,
    ExtensionState,
    Task,
    TaskEvent,
)
from ._core import (
    TransitionError,
    lock_assignment,
    lock_task,
    record,
    require_reason,
    save_versioned,
    share_label,
    state_label,
    sync_task_state,
)


@transaction.atomic
def reassign(
    actor, assignment: Assignment, *, unit: Unit, reason: str, version: int | None = None, now=None
) -> Assignment:
    """改派: the supervision office moves an open share to another unit, which must sign for it afresh."""
    now = now or timezone.now()
    require_supervisor(actor)
    reason = require_reason(reason, "改派理由")
    assignment = lock_assignment(assignment, version)
    if assignment.state == AssignmentState.DONE:
        raise TransitionError("已办结的事项不能改派")
    unit = unit.current()
    if unit.pk == assignment.unit_id:
        raise ValidationError("改派单位与原承办单位相同")
    if assignment.task.assignments.filter(unit=unit).exists():
        raise ValidationError(f"{unit}已是该任务的承办单位")
    old_unit, old_state = assignment.unit, assignment.state
    assignment.unit = unit
    assignment.state = AssignmentState.PENDING
    assignment.acknowledged_at = assignment.acknowledged_by = None
    assignment.completion_requested_at = None
    save_versioned(assignment, ["unit", "state", "acknowledged_at", "acknowledged_by", "completion_requested_at"])
    record(
        assignment.task,
        actor,
        EventAction.REASSIGNED,
        now=now,
        assignment=assignment,
        comment=reason,
        changes=[("承办单位", old_unit, unit), ("状态", state_label(old_state), "待签收")],
    )
    sync_task_state(assignment.task, now)
    return assignment


@transaction.atomic
def change_deadline(
    actor,
    assignment: Assignment,
    *,
    deadline: dt.date | None,
    reason: str,
    version: int | None = None,
    now=None,
) -> Assignment:
    """调整时限: the supervision office sets a new deadline in force; the original stays on record."""
    now = now or timezone.now()
    require_supervisor(actor)
    reason = require_reason(reason, "调整理由")
    assignment = lock_assignment(assignment, version)
    if assignment.state == AssignmentState.DONE:
        raise TransitionError("已办结的事项不能调整时限")
    old = assignment.deadline
    if old == deadline:
        raise ValidationError("新时限与现时限相同")
    assignment.deadline = deadline
    save_versioned(assignment, ["deadline"])
    record(
        assignment.task,
        actor,
        EventAction.DEADLINE_CHANGED,
        now=now,
        assignment=assignment,
        comment=reason,
        changes=[("完成时限", old, deadline)],
    )
    return assignment


@transaction.atomic
def add_assignment(actor, task: Task, *, unit: Unit, role: str, reason: str, now=None) -> Assignment:
    """增加承办单位: the supervision office adds a unit to a published task, as lead or supporting.

    A retired unit is replaced by the unit that carries its work today (Unit.current()). A unit
    already on the task is refused (change its role instead). The new share starts 待签收 with
    the task's deadline. A finished task takes no new unit.
    """
    now = now or timezone.now()
    require_supervisor(actor)
    reason = require_reason(reason, "增加理由")
    if role not in AssignmentRole.values:
        raise ValidationError("承办角色无效")
    task = lock_task(task)
    if task.state == AssignmentState.DONE:
        raise TransitionError("任务已办结，不能增加承办单位")
    unit = unit.current()
    if not unit.active:
        raise ValidationError(f"{unit}已停用，不能承办任务")
    if task.assignments.filter(unit=unit).exists():
        raise ValidationError(f"{unit}已是该任务的承办单位")
    assignment = Assignment.objects.create(
        task=task,
        unit=unit,
        role=role,
        deadline=task.deadline,
        original_deadline=task.deadline,
        state=AssignmentState.PENDING,
        created=now,
    )
    record(
        task,
        actor,
        EventAction.ASSIGNMENT_ADDED,
        now=now,
        assignment=assignment,
        comment=reason,
        changes=[("承办单位", "", share_label(assignment))],
    )
    sync_task_state(task, now)
    return assignment


@transaction.atomic
def remove_assignment(actor, assignment: Assignment, *, reason: str, version: int | None = None, now=None) -> TaskEvent:
    """移除承办单位: the supervision office removes a share assigned by mistake.

    Refused once the unit has reported or the share is closed (the work is on record: reassign
    it instead), for the task's only share (the task would fall off every list), and for the
    only lead while other shares remain (make another unit lead first, with set_role). The
    history stays on the task: the removal event names the unit and its role, and the share's
    earlier events keep their place with the share unlinked.
    """
    now = now or timezone.now()
    require_supervisor(actor)
    reason = require_reason(reason, "移除理由")
    task = lock_task(assignment.task)
    assignment = lock_assignment(assignment, version)
    if assignment.state == AssignmentState.DONE:
        raise TransitionError(f"{assignment.unit}的承办已办结，不能移除")
    if assignment.reports.exists():
        raise TransitionError(f"{assignment.unit}已报送进展，不能移除；如属错派，请改派给正确的单位")
    others = task.assignments.exclude(pk=assignment.pk)
    if not others.exists():
        raise ValidationError(f"{assignment.unit}是该任务唯一的承办单位，不能移除；如属错派，请改派")
    if assignment.is_lead and not others.filter(role=AssignmentRole.LEAD).exists():
        raise ValidationError(f"{assignment.unit}是唯一的牵头单位，请先将其他单位设为牵头再移除")
    label = share_label(assignment)
    event = record(
        task,
        actor,
        EventAction.ASSIGNMENT_REMOVED,
        now=now,
        comment=f"移除{label}：{reason}",
        changes=[("承办单位", label, "")],
    )
    assignment.delete()  # its extension requests go with it; its events stay, unlinked (SET_NULL)
    sync_task_state(task, now)
    return event


@transaction.atomic
def set_role(
    actor, assignment: Assignment, *, role: str, reason: str, version: int | None = None, now=None
) -> Assignment:
    """设为牵头 / 设为配合: the supervision office corrects a unit's role on a task.

    A task keeps at least one lead: the only lead is demoted only after another is promoted.
    A closed share keeps its role, and a lead that has asked for completion is reviewed (or
    returned) before it can become a supporting unit.
    """
    now = now or timezone.now()
    require_supervisor(actor)
    reason = require_reason(reason, "调整理由")
    if role not in AssignmentRole.values:
        raise ValidationError("承办角色无效")
    task = lock_task(assignment.task)
    assignment = lock_assignment(assignment, version)
    if assignment.role == role:
        raise ValidationError(f"{assignment.unit}已是{AssignmentRole(role).label}单位")
    if assignment.state == AssignmentState.DONE:
        raise TransitionError(f"{assignment.unit}的承办已办结，不能调整角色")
    if role == AssignmentRole.SUPPORT:
        if assignment.state == AssignmentState.COMPLETION_REQUESTED:
            raise TransitionError(f"{assignment.unit}已申请办结，请先审核或退回，再调整角色")
        if not task.assignments.exclude(pk=assignment.pk).filter(role=AssignmentRole.LEAD).exists():
            raise ValidationError(f"{assignment.unit}是唯一的牵头单位，请先将其他单位设为牵头")
    old = assignment.role
    assignment.role = role
    save_versioned(assignment, ["role"])
    record(
        task,
        actor,
        EventAction.ROLE_CHANGED,
        now=now,
        assignment=assignment,
        comment=reason,
        changes=[("角色", AssignmentRole(old).label, AssignmentRole(role).label)],
    )
    sync_task_state(task, now)
    return assignment


@transaction.atomic
def move_assignments_for_merge(actor, *, source: Unit, target: Unit, now=None) -> int:
    """单位合并: every assignment of `source` becomes `target`'s, with history on each task.

    Where `target` already has a share of the same task, the two become one: the reports and
    extension requests move onto `target`'s assignment, the stronger role (牵头) is kept, and
    `source`'s row goes. Returns how many assignments were moved or folded in.
    """
    now = now or timezone.now()
    require_supervisor(actor)
    moved = 0
    # Ordered by pk: the default ordering joins tasks → documents (nullable), which PostgreSQL
    # cannot lock FOR UPDATE.
    rows = Assignment.objects.select_for_update(of=("self",)).filter(unit=source).order_by("pk")
    for assignment in rows.select_related("task"):
        existing = (
            Assignment.objects.select_for_update().filter(task=assignment.task, unit=target).order_by("pk").first()
        )
        if existing is None:
            assignment.unit = target
            save_versioned(assignment, ["unit"])
            kept = assignment
        else:
            assignment.reports.update(assignment=existing)
            if existing.extension_requests.filter(state=ExtensionState.PENDING).exists():
                assignment.extension_requests.filter(state=ExtensionState.PENDING).update(
                    state=ExtensionState.REFUSED, decided_by=actor, decided_at=now,
                    decision_comment=f"单位合并，以{target}的申请为准",
                )  # fmt: skip
            assignment.extension_requests.update(assignment=existing)
            if assignment.role == AssignmentRole.LEAD and existing.role != AssignmentRole.LEAD:
                existing.role = AssignmentRole.LEAD
                save_versioned(existing, ["role"])
            TaskEvent.objects.filter(assignment=assignment).update(assignment=existing)
            assignment.delete()
            kept = existing
        record(
            kept.task, actor, EventAction.UNITS_MERGED, now=now, assignment=kept,
            comment=f"{source.name}并入{target.name}", changes=[("承办单位", source, target)],
        )  # fmt: skip
        sync_task_state(kept.task, now)
        moved += 1
    return moved
