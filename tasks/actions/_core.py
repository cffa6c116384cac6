"""The private core of the task actions: history rows, row locks with version checks, saves.

Every action (the modules beside this one) runs in one transaction, checks permission, locks
what it changes (`lock_assignment`, `lock_task`), refuses a stale form (`accounts.guards.StaleVersion`)
and writes one TaskEvent with one TaskChange per changed field (`record`).
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.guards import StaleVersion, lock_versioned

from ..models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    EventAction,
    Task,
    TaskChange,
    TaskEvent,
)


class TransitionError(ValidationError):
    """The assignment's state does not allow this change (e.g. approving work nobody submitted)."""


Change = tuple[str, object, object]


def display_value(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def record(
    task: Task,
    actor,
    action: str,
    *,
    now: dt.datetime,
    assignment: Assignment | None = None,
    comment: str = "",
    changes: Sequence[Change] = (),
) -> TaskEvent:
    """Write one history row and one change row per field whose value really changed."""
    event = TaskEvent.objects.create(
        task=task,
        assignment=assignment,
        unit_name=str(assignment.unit) if assignment is not None else "",
        actor=actor,
        at=now,
        action=action,
        comment=comment,
    )
    TaskChange.objects.bulk_create(
        TaskChange(event=event, field=field, old_value=display_value(old), new_value=display_value(new))
        for field, old, new in changes
        if display_value(old) != display_value(new)
    )
    return event


def state_label(state: str) -> str:
    return AssignmentState(state).label


def lock_assignment(assignment: Assignment, expected_version: int | None) -> Assignment:
    """Re-read the assignment under a row lock and check the version the form carried.

    A stale version raises StaleVersion carrying the share's latest history rows.
    """
    queryset = Assignment.objects.select_related("task", "unit")
    try:
        return lock_versioned(queryset, assignment.pk, expected_version)
    except StaleVersion as stale:
        events = TaskEvent.objects.filter(assignment=stale.current).select_related("actor").prefetch_related("changes")
        stale.events = list(events)[-5:]
        stale.message = f"承办记录已被他人修改（版本 {stale.expected_version} → {stale.current_version}）"
        raise


def require_editable(actor, assignment: Assignment) -> None:
    if not Assignment.objects.editable_by(actor).filter(pk=assignment.pk).exists():
        raise PermissionDenied("无权办理该事项")


def require_reason(reason: str, what: str = "理由") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(f"请填写{what}")
    return reason


def save_versioned(assignment: Assignment, fields: Iterable[str]) -> None:
    assignment.version += 1
    assignment.save(update_fields=[*fields, "version"])


def sync_task_state(task: Task, now: dt.datetime) -> None:
    """A task's state follows its assignments.

    已办结 when every assignment is done; 申请办结 when every lead assignment has asked or is
    done; 办理中 once any unit has acknowledged; 待签收 before that.
    """
    assignments = list(task.assignments.all())
    states = {a.state for a in assignments}
    leads = [a for a in assignments if a.role == AssignmentRole.LEAD]
    if assignments and states == {AssignmentState.DONE}:
        new_state = AssignmentState.DONE
    elif leads and all(a.state in (AssignmentState.COMPLETION_REQUESTED, AssignmentState.DONE) for a in leads):
        new_state = AssignmentState.COMPLETION_REQUESTED
    elif states - {AssignmentState.PENDING}:
        new_state = AssignmentState.IN_PROGRESS
    else:
        new_state = AssignmentState.PENDING
    if task.state != new_state:
        task.state = new_state
        task.updated = now
        task.save(update_fields=["state", "updated"])


def lock_task(task: Task, expected_version: int | None = None) -> Task:
    """Re-read the task under a row lock (only its own row: the document join is nullable).

    A stale version raises StaleVersion whose message says who last edited the task and which
    fields, so the person can check before saving again deliberately.
    """
    try:
        return lock_versioned(Task.objects.all(), task.pk, expected_version, of=("self",))
    except StaleVersion as stale:
        stale.message = _stale_task_message(stale.current)
        raise


def _stale_task_message(task: Task) -> str:
    last = (
        TaskEvent.objects.filter(task=task, action=EventAction.EDITED)
        .select_related("actor")
        .prefetch_related("changes")
        .order_by("-at", "-id")
        .first()
    )
    if last is None:
        detail = ""
    else:
        who = last.actor.display_name if last.actor else "系统"
        fields = "、".join(change.field for change in last.changes.all())
        detail = f"：{who}于{timezone.localtime(last.at):%Y-%m-%d %H:%M}修改了{fields or '任务'}"
    return f"任务已被他人修改{detail}。请核对当前内容；再次保存将以您填写的内容为准。"


def locked_assignments(task: Task):
    """The task's shares under row locks, in a fixed order (pk) so concurrent edits never deadlock."""
    return Assignment.objects.select_for_update(of=("self",)).filter(task=task).order_by("pk")


def share_label(assignment: Assignment) -> str:
    """How a share reads in history once the row may be gone: 区工信局（配合）."""
    return f"{assignment.unit}（{AssignmentRole(assignment.role).label}）"
