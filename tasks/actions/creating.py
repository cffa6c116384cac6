"""Creating tasks: the supervision office publishes one task with one share per unit."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.guards import require_supervisor
from units.models import Unit

from ..models import (
    Assignment,
    AssignmentRole,
    EventAction,
    ReportingCycle,
    Task,
)
from ._core import (
    record,
)


def clean_report_due_day(cycle: str, day: int | None) -> int | None:
    """A report due day (1–31) means something only for monthly and longer cycles."""
    if day in (None, "") or cycle in (ReportingCycle.NONE, ReportingCycle.WEEKLY, ReportingCycle.BIWEEKLY):
        return None
    day = int(day)
    if not 1 <= day <= 31:
        raise ValidationError("报送截止日须为 1–31")
    return day


@transaction.atomic
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
    (the first listed unit leads unless the document says otherwise).
    """
    require_supervisor(actor)
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
        report_due_day=clean_report_due_day(reporting_cycle, report_due_day),
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
    record(task, actor, EventAction.CREATED, now=now, comment=comment)
    return task
