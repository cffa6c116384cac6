"""Every business change to tasks and assignments: one function per change (GUIDE §2).

Each function takes the acting user explicitly, runs in one transaction, checks permission
(PermissionDenied), refuses a transition the state does not allow (TransitionError), refuses a
stale form (Conflict, when the caller passes the version it showed), and writes one TaskEvent
with one TaskChange per changed field. Views and jobs call these; they never change models.

States of an assignment: 待签收 → 办理中 → 申请办结 → 已办结 (销号); 退回 goes back to 办理中.
Only the lead unit (牵头) asks for completion; the supervision office approves or returns.
Once every lead assignment is approved the supporting assignments close with it.
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from units.models import Unit

from .models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    EventAction,
    Evidence,
    ExtensionRequest,
    ExtensionState,
    ProgressReport,
    ReportingCycle,
    ReviewState,
    Task,
    TaskChange,
    TaskEvent,
)


class StaleTask(ValidationError):
    """Someone edited the task after the form was shown; nothing was changed.

    The message says who and what; `current_version` lets the form carry the new version, so
    saving again is a deliberate decision.
    """

    def __init__(self, task: Task, expected_version: int) -> None:
        self.current_version = task.version
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
        super().__init__(f"任务已被他人修改{detail}。请核对当前内容；再次保存将以您填写的内容为准。")


class TransitionError(ValidationError):
    """The assignment's state does not allow this change (e.g. approving work nobody submitted)."""


class Conflict(Exception):
    """Someone saved the assignment after the form was shown; nothing was changed.

    `current` is the assignment as it is now; `events` are its latest history rows, for the
    screen that shows the user what changed while keeping what they typed.
    """

    def __init__(self, current: Assignment, expected_version: int) -> None:
        self.current = current
        self.expected_version = expected_version
        self.events = list(
            TaskEvent.objects.filter(assignment=current).select_related("actor").prefetch_related("changes")
        )[-5:]
        super().__init__(f"承办记录已被他人修改（版本 {expected_version} → {current.version}）")


Change = tuple[str, object, object]


def _display(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _record(
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
        TaskChange(event=event, field=field, old_value=_display(old), new_value=_display(new))
        for field, old, new in changes
        if _display(old) != _display(new)
    )
    return event


def _state_label(state: str) -> str:
    return AssignmentState(state).label


def _lock(assignment: Assignment, expected_version: int | None) -> Assignment:
    """Re-read the assignment under a row lock and check the version the form carried."""
    current = Assignment.objects.select_for_update().select_related("task", "unit").get(pk=assignment.pk)
    if expected_version is not None and int(expected_version) != current.version:
        raise Conflict(current, int(expected_version))
    return current


def _require_editable(actor, assignment: Assignment) -> None:
    if not Assignment.objects.editable_by(actor).filter(pk=assignment.pk).exists():
        raise PermissionDenied("无权办理该事项")


def _require_supervisor(actor) -> None:
    if not actor.is_authenticated or not actor.is_supervisor:
        raise PermissionDenied("仅督查室可以办理")


def _require_reason(reason: str, what: str = "理由") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(f"请填写{what}")
    return reason


def _save(assignment: Assignment, fields: Iterable[str]) -> None:
    assignment.version += 1
    assignment.save(update_fields=[*fields, "version"])


def _sync_task_state(task: Task, now: dt.datetime) -> None:
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


# ---------------------------------------------------------------- creating


@transaction.atomic
def _due_day(cycle: str, day: int | None) -> int | None:
    """A report due day (1–31) means something only for monthly and longer cycles."""
    if day in (None, "") or cycle in (ReportingCycle.NONE, ReportingCycle.WEEKLY, ReportingCycle.BIWEEKLY):
        return None
    day = int(day)
    if not 1 <= day <= 31:
        raise ValidationError("报送截止日须为 1–31")
    return day


def create_task(
    actor,
    *,
    text: str,
    lead_units: Sequence[Unit],
    support_units: Sequence[Unit] = (),
    source_document=None,
    source_item=None,
    section: str = "",
    number: str = "",
    title: str = "",
    deadline: dt.date | None = None,
    deadline_text: str = "",
    ongoing: bool = False,
    reporting_cycle: str = ReportingCycle.NONE,
    report_due_day: int | None = None,
    responsible_leader: str = "",
    tags: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> Task:
    """Create a task and one assignment per unit (the supervision office publishes).

    Units arrive already resolved (groups expanded by the caller). A retired unit is replaced
    by the unit that carries its work today (Unit.current()). A unit named twice keeps its
    first role, lead before support. With no lead unit, the first supporting unit leads
    (GUIDE: the first listed is the lead unless the document says otherwise).
    """
    _require_supervisor(actor)
    now = now or timezone.now()
    if not (text or "").strip():
        raise ValidationError("任务内容不能为空")
    roles: dict[int, tuple[Unit, str]] = {}
    for role, units in ((AssignmentRole.LEAD, lead_units), (AssignmentRole.SUPPORT, support_units)):
        for unit in units:
            unit = unit.current()
            roles.setdefault(unit.pk, (unit, role))
    if not roles:
        raise ValidationError("至少需要一个承办单位")
    if not any(role == AssignmentRole.LEAD for _unit, role in roles.values()):
        first = next(iter(roles))
        roles[first] = (roles[first][0], AssignmentRole.LEAD)
    if ongoing:
        deadline = None
    task = Task.objects.create(
        source_document=source_document,
        source_item=source_item,
        section=section,
        number=number,
        title=title,
        text=text,
        deadline=deadline,
        deadline_text=deadline_text,
        ongoing=ongoing,
        reporting_cycle=reporting_cycle,
        report_due_day=_due_day(reporting_cycle, report_due_day),
        responsible_leader=responsible_leader,
        tags=list(tags),
        created=now,
        created_by=actor,
        updated=now,
    )
    Assignment.objects.bulk_create(
        Assignment(task=task, unit=unit, role=role, deadline=deadline, original_deadline=deadline, created=now)
        for unit, role in roles.values()
    )
    leads = "、".join(str(u) for u, r in roles.values() if r == AssignmentRole.LEAD)
    supports = "、".join(str(u) for u, r in roles.values() if r == AssignmentRole.SUPPORT)
    comment = f"牵头：{leads}" + (f"；配合：{supports}" if supports else "")
    _record(task, actor, EventAction.CREATED, now=now, comment=comment)
    return task


# ---------------------------------------------------------------- unit work


@transaction.atomic
def acknowledge(actor, assignment: Assignment, *, version: int | None = None, now=None) -> Assignment:
    """签收: the unit confirms it has the task. 待签收 → 办理中."""
    now = now or timezone.now()
    _require_editable(actor, assignment)
    assignment = _lock(assignment, version)
    if assignment.state != AssignmentState.PENDING:
        raise TransitionError("该事项已签收")
    _acknowledge(actor, assignment, now)
    _save(assignment, ["state", "acknowledged_at", "acknowledged_by"])
    _record(
        assignment.task,
        actor,
        EventAction.ACKNOWLEDGED,
        now=now,
        assignment=assignment,
        changes=[("状态", "待签收", "办理中")],
    )
    _sync_task_state(assignment.task, now)
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


def _write_report(
    actor,
    assignment: Assignment,
    *,
    progress: str,
    problems: str,
    next_steps: str,
    percent: int,
    files,
    period: str,
    consolidated: bool,
    now: dt.datetime,
) -> ProgressReport:
    if not (progress or "").strip():
        raise ValidationError("请填写进展情况")
    percent = _check_percent(percent)
    if assignment.state not in (AssignmentState.PENDING, AssignmentState.IN_PROGRESS):
        raise TransitionError(f"事项{assignment.get_state_display()}，不能报送进展")
    from .lights import period_label

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
    for upload in files or ():
        Evidence.objects.create(
            report=report,
            file=upload,
            original_name=getattr(upload, "name", "")[:255],
            size=getattr(upload, "size", 0) or 0,
            uploaded_by=actor,
            created=now,
        )
    assignment.percent = percent
    assignment.last_reported_at = now
    _save(assignment, ["state", "acknowledged_at", "acknowledged_by", "percent", "last_reported_at"])
    _record(
        assignment.task,
        actor,
        EventAction.CONSOLIDATED if consolidated else EventAction.REPORTED,
        now=now,
        assignment=assignment,
        comment=report.period,  # the text itself is in the report, read under its own rules
        changes=changes,
    )
    _sync_task_state(assignment.task, now)
    return report


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
    version: int | None = None,
    now=None,
) -> ProgressReport:
    """进展报送 for the unit's own share, with optional evidence files (减负: never required)."""
    now = now or timezone.now()
    _require_editable(actor, assignment)
    assignment = _lock(assignment, version)
    return _write_report(
        actor,
        assignment,
        progress=progress,
        problems=problems,
        next_steps=next_steps,
        percent=percent,
        files=files,
        period=period,
        consolidated=False,
        now=now,
    )


def _require_lead(assignment: Assignment) -> None:
    if assignment.role != AssignmentRole.LEAD:
        raise PermissionDenied("仅牵头单位可以办理")


@transaction.atomic
def consolidate(
    actor,
    assignment: Assignment,
    *,
    progress: str,
    problems: str = "",
    next_steps: str = "",
    percent: int = 0,
    files=(),
    period: str = "",
    version: int | None = None,
    now=None,
) -> ProgressReport:
    """汇总报送: the lead unit's report for the whole task, drawn from its supporting units'."""
    now = now or timezone.now()
    _require_editable(actor, assignment)
    _require_lead(assignment)
    assignment = _lock(assignment, version)
    return _write_report(
        actor,
        assignment,
        progress=progress,
        problems=problems,
        next_steps=next_steps,
        percent=percent,
        files=files,
        period=period,
        consolidated=True,
        now=now,
    )


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
    _require_editable(actor, assignment)
    _require_lead(assignment)
    assignment = _lock(assignment, version)
    if assignment.state != AssignmentState.IN_PROGRESS:
        raise TransitionError(f"事项{assignment.get_state_display()}，不能申请办结")
    blockers = completion_blockers(assignment)
    if blockers:
        raise TransitionError("；".join(blockers))
    assignment.state = AssignmentState.COMPLETION_REQUESTED
    assignment.completion_requested_at = now
    _save(assignment, ["state", "completion_requested_at"])
    _record(
        assignment.task,
        actor,
        EventAction.COMPLETION_REQUESTED,
        now=now,
        assignment=assignment,
        comment=(comment or "").strip(),
        changes=[("状态", "办理中", "申请办结")],
    )
    _sync_task_state(assignment.task, now)
    return assignment


# ---------------------------------------------------------------- supervision office


def _latest_consolidated(assignment: Assignment) -> ProgressReport | None:
    return assignment.reports.order_by("-is_consolidated", "-created", "-id").first()


@transaction.atomic
def approve(actor, assignment: Assignment, *, comment: str = "", version: int | None = None, now=None) -> Assignment:
    """销号: the supervision office closes a lead assignment that asked for completion.

    Once every lead assignment of the task is closed, the supporting assignments close too.
    """
    now = now or timezone.now()
    _require_supervisor(actor)
    assignment = _lock(assignment, version)
    if assignment.state != AssignmentState.COMPLETION_REQUESTED:
        raise TransitionError(f"事项{assignment.get_state_display()}，不能销号")
    assignment.state = AssignmentState.DONE
    assignment.completed_at = now
    assignment.percent = 100
    _save(assignment, ["state", "completed_at", "percent"])
    report = _latest_consolidated(assignment)
    if report is not None:
        report.review_state, report.review_comment = ReviewState.ACCEPTED, (comment or "").strip()
        report.reviewed_by, report.reviewed_at = actor, now
        report.save(update_fields=["review_state", "review_comment", "reviewed_by", "reviewed_at"])
    task = assignment.task
    _record(
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
            _save(other, ["state", "completed_at"])
            _record(
                task,
                actor,
                EventAction.APPROVED,
                now=now,
                assignment=other,
                comment="随牵头单位销号",
                changes=[("状态", _state_label(old), "已办结")],
            )
    _sync_task_state(task, now)
    return assignment


@transaction.atomic
def return_for_revision(
    actor, assignment: Assignment, *, reason: str, version: int | None = None, now=None
) -> Assignment:
    """退回: the supervision office sends a completion request back, with a reason. 申请办结 → 办理中."""
    now = now or timezone.now()
    _require_supervisor(actor)
    reason = _require_reason(reason, "退回理由")
    assignment = _lock(assignment, version)
    if assignment.state != AssignmentState.COMPLETION_REQUESTED:
        raise TransitionError(f"事项{assignment.get_state_display()}，不能退回")
    assignment.state = AssignmentState.IN_PROGRESS
    assignment.completion_requested_at = None
    _save(assignment, ["state", "completion_requested_at"])
    report = _latest_consolidated(assignment)
    if report is not None:
        report.review_state, report.review_comment = ReviewState.RETURNED, reason
        report.reviewed_by, report.reviewed_at = actor, now
        report.save(update_fields=["review_state", "review_comment", "reviewed_by", "reviewed_at"])
    _record(
        assignment.task,
        actor,
        EventAction.RETURNED,
        now=now,
        assignment=assignment,
        comment=reason,
        changes=[("状态", "申请办结", "办理中")],
    )
    _sync_task_state(assignment.task, now)
    return assignment


@transaction.atomic
def reassign(
    actor, assignment: Assignment, *, unit: Unit, reason: str, version: int | None = None, now=None
) -> Assignment:
    """改派: the supervision office moves an open share to another unit, which must sign for it afresh."""
    now = now or timezone.now()
    _require_supervisor(actor)
    reason = _require_reason(reason, "改派理由")
    assignment = _lock(assignment, version)
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
    _save(assignment, ["unit", "state", "acknowledged_at", "acknowledged_by", "completion_requested_at"])
    _record(
        assignment.task,
        actor,
        EventAction.REASSIGNED,
        now=now,
        assignment=assignment,
        comment=reason,
        changes=[("承办单位", old_unit, unit), ("状态", _state_label(old_state), "待签收")],
    )
    _sync_task_state(assignment.task, now)
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
    _require_supervisor(actor)
    reason = _require_reason(reason, "调整理由")
    assignment = _lock(assignment, version)
    if assignment.state == AssignmentState.DONE:
        raise TransitionError("已办结的事项不能调整时限")
    old = assignment.deadline
    if old == deadline:
        raise ValidationError("新时限与现时限相同")
    assignment.deadline = deadline
    _save(assignment, ["deadline"])
    _record(
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
def request_extension(
    actor, assignment: Assignment, *, requested_deadline: dt.date, reason: str, now=None
) -> ExtensionRequest:
    """延期申请: the unit asks for a later deadline with a reason; one open request at a time."""
    now = now or timezone.now()
    _require_editable(actor, assignment)
    reason = _require_reason(reason, "申请理由")
    assignment = _lock(assignment, None)
    if not assignment.is_open:
        raise TransitionError("已办结的事项不能申请延期")
    if assignment.deadline is None:
        raise TransitionError("该事项没有完成时限，无需延期")
    if requested_deadline <= assignment.deadline:
        raise ValidationError("申请延至的日期须晚于现时限")
    if assignment.extension_requests.filter(state=ExtensionState.PENDING).exists():
        raise TransitionError("已有待审批的延期申请")
    extension = ExtensionRequest.objects.create(
        assignment=assignment,
        deadline_before=assignment.deadline,
        requested_deadline=requested_deadline,
        reason=reason,
        requested_by=actor,
        requested_at=now,
    )
    _record(
        assignment.task,
        actor,
        EventAction.EXTENSION_REQUESTED,
        now=now,
        assignment=assignment,
        comment=f"申请延至{requested_deadline:%Y-%m-%d}：{reason}",
    )
    return extension


@transaction.atomic
def decide_extension(
    actor, extension: ExtensionRequest, *, approved: bool, comment: str = "", now=None
) -> ExtensionRequest:
    """审批延期: approval moves the deadline in force; the original deadline stays on record.

    A refusal needs a comment saying why.
    """
    now = now or timezone.now()
    _require_supervisor(actor)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.state != ExtensionState.PENDING:
        raise TransitionError("该申请已审批")
    comment = (comment or "").strip()
    if not approved:
        comment = _require_reason(comment, "不同意的理由")
    assignment = _lock(extension.assignment, None)
    extension.state = ExtensionState.APPROVED if approved else ExtensionState.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_comment = actor, now, comment
    extension.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
    changes: list[Change] = []
    if approved:
        changes.append(("完成时限", assignment.deadline, extension.requested_deadline))
        assignment.deadline = extension.requested_deadline
        _save(assignment, ["deadline"])
    _record(
        assignment.task,
        actor,
        EventAction.EXTENSION_APPROVED if approved else EventAction.EXTENSION_REFUSED,
        now=now,
        assignment=assignment,
        comment=comment,
        changes=changes,
    )
    return extension


@transaction.atomic
def move_assignments_for_merge(actor, *, source: Unit, target: Unit, now=None) -> int:
    """单位合并: every assignment of `source` becomes `target`'s, with history on each task.

    Where `target` already has a share of the same task, the two become one: the reports and
    extension requests move onto `target`'s assignment, the stronger role (牵头) is kept, and
    `source`'s row goes. Returns how many assignments were moved or folded in.
    """
    now = now or timezone.now()
    _require_supervisor(actor)
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
            _save(assignment, ["unit"])
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
                _save(existing, ["role"])
            TaskEvent.objects.filter(assignment=assignment).update(assignment=existing)
            assignment.delete()
            kept = existing
        _record(
            kept.task, actor, EventAction.UNITS_MERGED, now=now, assignment=kept,
            comment=f"{source.name}并入{target.name}", changes=[("承办单位", source, target)],
        )  # fmt: skip
        _sync_task_state(kept.task, now)
        moved += 1
    return moved


# ---------------------------------------------------------------- correcting a published task


def _lock_task(task: Task) -> Task:
    """Re-read the task under a row lock (only its own row: the document join is nullable)."""
    return Task.objects.select_for_update(of=("self",)).get(pk=task.pk)


def _locked_assignments(task: Task):
    """The task's shares under row locks, in a fixed order (pk) so concurrent edits never deadlock."""
    return Assignment.objects.select_for_update(of=("self",)).filter(task=task).order_by("pk")


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


def _share_label(assignment: Assignment) -> str:
    """How a share reads in history once the row may be gone: 区工信局（配合）."""
    return f"{assignment.unit}（{AssignmentRole(assignment.role).label}）"


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
    report_due_day: int | None = None,
    version: int | None = None,
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
    _require_supervisor(actor)
    reason = _require_reason(reason, "修改理由")
    text = (text or "").strip()
    if not text:
        raise ValidationError("任务内容不能为空")
    if reporting_cycle not in ReportingCycle.values:
        raise ValidationError("报送周期无效")
    if ongoing:
        deadline = None
    task = _lock_task(task)
    if version is not None and int(version) != task.version:
        raise StaleTask(task, int(version))
    new_values = {
        "text": text,
        "title": (title or "").strip(),
        "section": (section or "").strip(),
        "number": (number or "").strip(),
        "deadline": deadline,
        "deadline_text": (deadline_text or "").strip(),
        "ongoing": bool(ongoing),
        "reporting_cycle": reporting_cycle,
        "report_due_day": _due_day(reporting_cycle, report_due_day),
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
    _record(task, actor, EventAction.EDITED, now=now, comment=reason, changes=changes)
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
    for assignment in _locked_assignments(task).select_related("unit"):
        if assignment.deadline != old_deadline or assignment.pk in extended or not assignment.is_open:
            continue
        assignment.deadline = task.deadline
        fields = ["deadline"]
        if assignment.original_deadline is None:
            # A share that never had a date (the task was 长期) records its first one.
            assignment.original_deadline = task.deadline
            fields.append("original_deadline")
        _save(assignment, fields)
        _record(
            task,
            actor,
            EventAction.DEADLINE_CHANGED,
            now=now,
            assignment=assignment,
            comment=f"随任务时限调整：{reason}",
            changes=[("完成时限", old_deadline, task.deadline)],
        )


@transaction.atomic
def add_assignment(actor, task: Task, *, unit: Unit, role: str, reason: str, now=None) -> Assignment:
    """增加承办单位: the supervision office adds a unit to a published task, as lead or supporting.

    A retired unit is replaced by the unit that carries its work today (Unit.current()). A unit
    already on the task is refused (change its role instead). The new share starts 待签收 with
    the task's deadline. A finished task takes no new unit.
    """
    now = now or timezone.now()
    _require_supervisor(actor)
    reason = _require_reason(reason, "增加理由")
    if role not in AssignmentRole.values:
        raise ValidationError("承办角色无效")
    task = _lock_task(task)
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
    _record(
        task,
        actor,
        EventAction.ASSIGNMENT_ADDED,
        now=now,
        assignment=assignment,
        comment=reason,
        changes=[("承办单位", "", _share_label(assignment))],
    )
    _sync_task_state(task, now)
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
    _require_supervisor(actor)
    reason = _require_reason(reason, "移除理由")
    task = _lock_task(assignment.task)
    assignment = _lock(assignment, version)
    if assignment.state == AssignmentState.DONE:
        raise TransitionError(f"{assignment.unit}的承办已办结，不能移除")
    if assignment.reports.exists():
        raise TransitionError(f"{assignment.unit}已报送进展，不能移除；如属错派，请改派给正确的单位")
    others = task.assignments.exclude(pk=assignment.pk)
    if not others.exists():
        raise ValidationError(f"{assignment.unit}是该任务唯一的承办单位，不能移除；如属错派，请改派")
    if assignment.is_lead and not others.filter(role=AssignmentRole.LEAD).exists():
        raise ValidationError(f"{assignment.unit}是唯一的牵头单位，请先将其他单位设为牵头再移除")
    label = _share_label(assignment)
    event = _record(
        task,
        actor,
        EventAction.ASSIGNMENT_REMOVED,
        now=now,
        comment=f"移除{label}：{reason}",
        changes=[("承办单位", label, "")],
    )
    assignment.delete()  # its extension requests go with it; its events stay, unlinked (SET_NULL)
    _sync_task_state(task, now)
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
    _require_supervisor(actor)
    reason = _require_reason(reason, "调整理由")
    if role not in AssignmentRole.values:
        raise ValidationError("承办角色无效")
    task = _lock_task(assignment.task)
    assignment = _lock(assignment, version)
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
    _save(assignment, ["role"])
    _record(
        task,
        actor,
        EventAction.ROLE_CHANGED,
        now=now,
        assignment=assignment,
        comment=reason,
        changes=[("角色", AssignmentRole(old).label, AssignmentRole(role).label)],
    )
    _sync_task_state(task, now)
    return assignment
