"""Database → planning input: open assignments with their reminder history, and the policy."""

import datetime as dt

from django.utils import timezone

from tasks.models import OPEN_STATES, Assignment, ReportingCycle
from workdays import calendar

from . import planning
from .models import Reminder, ReminderPolicy

CALENDAR = planning.Calendar(
    is_working_day=calendar.is_working_day,
    add_working_days=calendar.add_working_days,
    working_days_between=calendar.working_days_between,
    effective_deadline=calendar.effective_deadline,
)


def policy_of(policy: ReminderPolicy) -> planning.Policy:
    return planning.Policy(
        lead_days=tuple(policy.lead_days_list),
        overdue_every=policy.overdue_every,
        urge_from_step=policy.urge_from_step,
        supervise_from_step=policy.supervise_from_step,
        report_lead_days=policy.report_lead_days,
    )


def _date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def open_assignments(assignment_ids=None) -> list[planning.OpenAssignment]:
    """Every open assignment that can be reminded of something (a deadline or a reporting cycle)."""
    queryset = (
        Assignment.objects.filter(state__in=OPEN_STATES)
        .exclude(deadline__isnull=True, task__reporting_cycle=ReportingCycle.NONE)
        .select_related("task", "unit")
        .order_by("id")
    )
    if assignment_ids is not None:
        queryset = queryset.filter(pk__in=assignment_ids)
    rows = list(queryset)
    history: dict[int, list[planning.PastReminder]] = {}
    past = Reminder.objects.filter(assignment__in=[a.pk for a in rows]).values_list(
        "assignment_id", "kind", "level", "period", "planned_for"
    )
    for assignment_id, kind, level, period, planned_for in past:
        history.setdefault(assignment_id, []).append(planning.PastReminder(kind, level, period, planned_for))
    return [
        planning.OpenAssignment(
            id=a.pk,
            task_id=a.task_id,
            unit_id=a.unit_id,
            unit_name=a.unit.name,
            state=a.state,
            deadline=a.deadline,
            created=_date(a.created),
            reporting_cycle=a.task.reporting_cycle,
            report_due_day=a.task.report_due_day,
            last_reported=_date(a.last_reported_at),
            history=tuple(history.get(a.pk, ())),
        )
        for a in rows
    ]
