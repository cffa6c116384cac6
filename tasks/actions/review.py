"""The supervision office decides a completion request: 销号 (approve) or 退回 (return)."""

from django.db import transaction
from django.utils import timezone

from accounts.guards import require_supervisor

from ..models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    EventAction,
    ReviewState,
)
from ._core import (
    TransitionError,
    lock_assignment,
    record,
    require_reason,
    save_versioned,
    state_label,
    sync_task_state,
)
from .unit_work import latest_consolidated


@transaction.atomic
def approve(actor, assignment: Assignment, *, comment: str = "", version: int | None = None, now=None) -> Assignment:
    """销号: the supervision office closes a lead assignment that asked for completion.

    Once every lead assignment of the task is closed, the supporting assignments close too.
    """
    now = now or timezone.now()
    require_supervisor(actor)
    assignment = lock_assignment(assignment, version)
    if assignment.state != AssignmentState.COMPLETION_REQUESTED:
        raise TransitionError(f"事项{assignment.get_state_display()}，不能销号")
    assignment.state = AssignmentState.DONE
    assignment.completed_at = now
    assignment.percent = 100
    save_versioned(assignment, ["state", "completed_at", "percent"])
    report = latest_consolidated(assignment)
    if report is not None:
        report.review_state, report.review_comment = ReviewState.ACCEPTED, (comment or "").strip()
        report.reviewed_by, report.reviewed_at = actor, now
        report.save(update_fields=["review_state", "review_comment", "reviewed_by", "reviewed_at"])
    task = assignment.task
    record(
        task,
        actor,
        EventAction.APPROVED,
        now=now,
        assignment=assignment,
        comment=(comment or "").strip(),
        changes=[("状态", "申请办结", "已办结")],
    )
    siblings = task.assignments.exclude(pk=assignment.pk)
    if not siblings.filter(role=AssignmentRole.LEAD).exclude(state=AssignmentState.DONE).exists():
        for other in siblings.exclude(state=AssignmentState.DONE).select_related("unit"):
            old = other.state
            other.state, other.completed_at = AssignmentState.DONE, now
            save_versioned(other, ["state", "completed_at"])
            record(
                task,
                actor,
                EventAction.APPROVED,
                now=now,
                assignment=other,
                comment="随牵头单位销号",
                changes=[("状态", state_label(old), "已办结")],
            )
    sync_task_state(task, now)
    return assignment


@transaction.atomic
def return_for_revision(
    actor, assignment: Assignment, *, reason: str, version: int | None = None, now=None
) -> Assignment:
    """退回: the supervision office sends a completion request back, with a reason. 申请办结 → 办理中."""
    now = now or timezone.now()
    require_supervisor(actor)
    reason = require_reason(reason, "退回理由")
    assignment = lock_assignment(assignment, version)
    if assignment.state != AssignmentState.COMPLETION_REQUESTED:
        raise TransitionError(f"事项{assignment.get_state_display()}，不能退回")
    assignment.state = AssignmentState.IN_PROGRESS
    assignment.completion_requested_at = None
    save_versioned(assignment, ["state", "completion_requested_at"])
    report = latest_consolidated(assignment)
    if report is not None:
        report.review_state, report.review_comment = ReviewState.RETURNED, reason
        report.reviewed_by, report.reviewed_at = actor, now
        report.save(update_fields=["review_state", "review_comment", "reviewed_by", "reviewed_at"])
    record(
        assignment.task,
        actor,
        EventAction.RETURNED,
        now=now,
        assignment=assignment,
        comment=reason,
        changes=[("状态", "申请办结", "办理中")],
    )
    sync_task_state(assignment.task, now)
    return assignment
