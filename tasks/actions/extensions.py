"""延期申请: a unit asks for a later deadline; the supervision office approves or refuses."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.guards import require_supervisor

from ..models import (
    Assignment,
    EventAction,
    ExtensionRequest,
    ExtensionState,
)
from ._core import (
    Change,
    TransitionError,
    lock_assignment,
    record,
    require_editable,
    require_reason,
    save_versioned,
)


@transaction.atomic
def request_extension(
    actor, assignment: Assignment, *, requested_deadline: dt.date, reason: str, now=None
) -> ExtensionRequest:
    """延期申请: the unit asks for a later deadline with a reason; one open request at a time."""
    now = now or timezone.now()
    require_editable(actor, assignment)
    reason = require_reason(reason, "申请理由")
    assignment = lock_assignment(assignment, None)
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
    record(
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
    require_supervisor(actor)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.state != ExtensionState.PENDING:
        raise TransitionError("该申请已审批")
    comment = (comment or "").strip()
    if not approved:
        comment = require_reason(comment, "不同意的理由")
    assignment = lock_assignment(extension.assignment, None)
    extension.state = ExtensionState.APPROVED if approved else ExtensionState.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_comment = actor, now, comment
    extension.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
    changes: list[Change] = []
    if approved:
        changes.append(("完成时限", assignment.deadline, extension.requested_deadline))
        assignment.deadline = extension.requested_deadline
        save_versioned(assignment, ["deadline"])
    record(
        assignment.task,
        actor,
        EventAction.EXTENSION_APPROVED if approved else EventAction.EXTENSION_REFUSED,
        now=now,
        assignment=assignment,
        comment=comment,
        changes=changes,
    )
    return extension
