"""What a unit does with its share: 签收, 报送进展, 汇总报送 (the lead), 申请办结."""

import datetime as dt
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .. import evidence
from ..lights import period_label
from ..models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    EventAction,
    Evidence,
    ProgressReport,
)
from ._core import (
    Change,
    TransitionError,
    lock_assignment,
    record,
    require_editable,
    save_versioned,
    sync_task_state,
)


@transaction.atomic
def acknowledge(actor, assignment: Assignment, *, version: int | None = None, now=None) -> Assignment:
    """签收: the unit confirms it has the task. 待签收 → 办理中."""
    now = now or timezone.now()
    require_editable(actor, assignment)
    assignment = lock_assignment(assignment, version)
    if assignment.state != AssignmentState.PENDING:
        raise TransitionError("该事项已签收")
    _acknowledge(actor, assignment, now)
    save_versioned(assignment, ["state", "acknowledged_at", "acknowledged_by"])
    record(
        assignment.task,
        actor,
        EventAction.ACKNOWLEDGED,
        now=now,
        assignment=assignment,
        changes=[("状态", "待签收", "办理中")],
    )
    sync_task_state(assignment.task, now)
    return assignment


def _acknowledge(actor, assignment: Assignment, now: dt.datetime) -> None:
    assignment.state = AssignmentState.IN_PROGRESS
    assignment.acknowledged_at = now
    assignment.acknowledged_by = actor


def _check_percent(percent) -> int:
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        raise ValidationError("完成进度须为0到100之间的整数") from None
    if not 0 <= percent <= 100:
        raise ValidationError("完成进度须为0到100之间的整数")
    return percent


def _require_lead(assignment: Assignment) -> None:
    if assignment.role != AssignmentRole.LEAD:
        raise PermissionDenied("仅牵头单位可以办理")


@transaction.atomic
def report_progress(
    actor,
    assignment: Assignment,
    *,
    progress: str,
    problems: str = "",
    next_steps: str = "",
    percent: int = 0,
    files=(),
    period: str = "",
    consolidated: bool = False,
    version: int | None = None,
    now=None,
) -> ProgressReport:
    """进展报送 for the unit's own share, with optional evidence files (减负: never required).

    `consolidated=True` is 汇总报送: the lead unit's report for the whole task, drawn from its
    supporting units' (only the lead may send one)."""
    now = now or timezone.now()
    require_editable(actor, assignment)
    if consolidated:
        _require_lead(assignment)
    assignment = lock_assignment(assignment, version)
    if not (progress or "").strip():
        raise ValidationError("请填写进展情况")
    percent = _check_percent(percent)
    if assignment.state not in (AssignmentState.PENDING, AssignmentState.IN_PROGRESS):
        raise TransitionError(f"事项{assignment.get_state_display()}，不能报送进展")
    # Every file is checked before anything is written (tasks/evidence.py): one refused file
    # refuses the whole report.
    checked_files = [(upload, evidence.inspect(upload)) for upload in files or ()]

    changes: list[Change] = []
    if assignment.state == AssignmentState.PENDING:
        # Reporting is the clearest acknowledgement there is: never ask twice.
        _acknowledge(actor, assignment, now)
        changes.append(("状态", "待签收", "办理中"))
    changes.append(("完成进度", f"{assignment.percent}%", f"{percent}%"))
    report = ProgressReport.objects.create(
        assignment=assignment,
        period=period or period_label(assignment.task.reporting_cycle, timezone.localdate(now)),
        progress=progress.strip(),
        problems=(problems or "").strip(),
        next_steps=(next_steps or "").strip(),
        percent=percent,
        is_consolidated=consolidated,
        author=actor,
        created=now,
    )
    for upload, kind in checked_files:
        original_name = PurePath(getattr(upload, "name", "") or "").name[:255]
        upload.name = evidence.storage_name(kind)
        Evidence.objects.create(
            report=report,
            file=upload,
            original_name=original_name,
            size=getattr(upload, "size", 0) or 0,
            uploaded_by=actor,
            created=now,
        )
    assignment.percent = percent
    assignment.last_reported_at = now
    save_versioned(assignment, ["state", "acknowledged_at", "acknowledged_by", "percent", "last_reported_at"])
    record(
        assignment.task,
        actor,
        EventAction.CONSOLIDATED if consolidated else EventAction.REPORTED,
        now=now,
        assignment=assignment,
        comment=report.period,  # the text itself is in the report, read under its own rules
        changes=changes,
    )
    sync_task_state(assignment.task, now)
    return report


def consolidate(actor, assignment: Assignment, **report) -> ProgressReport:
    """汇总报送: `report_progress` with `consolidated=True`."""
    return report_progress(actor, assignment, consolidated=True, **report)


def completion_blockers(assignment: Assignment) -> list[str]:
    """Why the lead may not ask for completion yet: its own report, and each supporting unit
    that has neither finished nor reported."""
    blockers = []
    if assignment.last_reported_at is None:
        blockers.append("牵头单位尚未报送进展")
    others = assignment.task.assignments.exclude(pk=assignment.pk).select_related("unit")
    for other in others:
        if other.role == AssignmentRole.SUPPORT and other.state != AssignmentState.DONE and not other.last_reported_at:
            blockers.append(f"{other.unit}尚未报送进展")
    return blockers


@transaction.atomic
def request_completion(
    actor, assignment: Assignment, *, comment: str = "", version: int | None = None, now=None
) -> Assignment:
    """申请办结 by the lead unit, once it and every supporting unit has reported. 办理中 → 申请办结."""
    now = now or timezone.now()
    require_editable(actor, assignment)
    _require_lead(assignment)
    assignment = lock_assignment(assignment, version)
    if assignment.state != AssignmentState.IN_PROGRESS:
        raise TransitionError(f"事项{assignment.get_state_display()}，不能申请办结")
    blockers = completion_blockers(assignment)
    if blockers:
        raise TransitionError("；".join(blockers))
    assignment.state = AssignmentState.COMPLETION_REQUESTED
    assignment.completion_requested_at = now
    save_versioned(assignment, ["state", "completion_requested_at"])
    record(
        assignment.task,
        actor,
        EventAction.COMPLETION_REQUESTED,
        now=now,
        assignment=assignment,
        comment=(comment or "").strip(),
        changes=[("状态", "办理中", "申请办结")],
    )
    sync_task_state(assignment.task, now)
    return assignment


def latest_consolidated(assignment: Assignment) -> ProgressReport | None:
    return assignment.reports.order_by("-is_consolidated", "-created", "-id").first()
