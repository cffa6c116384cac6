"""代为办理: the supervision office doing a unit's own work for it, deliberately and on record.

A unit's work (签收, 报送进展, 汇总/申请办结, 申请延期) is the unit's. 督查室 may do it for the
unit only as a separate action with a reason (e.g. the unit has no account yet, or sent its
report on paper): every history row the action writes is flagged `on_behalf`, carries the
reason, and says for which unit. Pages never offer the unit's buttons to 督查室 on a unit's row;
they offer 代为办理 instead.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.guards import require_supervisor

from ..models import Assignment, TaskEvent

T = TypeVar("T")


def is_member(user, assignment: Assignment) -> bool:
    """Whether the person works for the assignment's unit (its own staff or head)."""
    return user.is_authenticated and user.memberships.filter(unit_id=assignment.unit_id).exists()


def needs_on_behalf(user, assignment: Assignment) -> bool:
    """A supervisor doing a unit's work must say so: the unit's own people never need to."""
    return user.is_authenticated and user.is_supervisor and not is_member(user, assignment)


@transaction.atomic
def act_on_behalf(actor, assignment: Assignment, *, reason: str, perform: Callable[[], T]) -> T:
    """Run one unit action (`perform`, a tasks.services call) for the unit, recorded as 代为办理.

    Rules: only the supervision office acts for a unit; a reason is required; the unit's own
    people act directly (refused here, so no row claims an on-behalf that was not one). The
    action's own checks and history rows are unchanged; each row it wrote is flagged and
    carries the reason, in the same transaction.
    """
    require_supervisor(actor, "仅督查室可以代为办理")
    if not needs_on_behalf(actor, assignment):
        raise ValidationError("本单位的事项请直接办理")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写代为办理的理由")
    before = TaskEvent.objects.filter(task_id=assignment.task_id).aggregate(last=Max("id"))["last"] or 0
    result = perform()
    TaskEvent.objects.filter(task_id=assignment.task_id, actor=actor, id__gt=before).update(
        on_behalf=True, on_behalf_reason=reason
    )
    return result
