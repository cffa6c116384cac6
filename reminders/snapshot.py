"""Database → planning input: open assignments with their reminder history, and the policy."""

from django.db import connection
from django.db.models import QuerySet

from tasks.lights import local_date
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


# An explicit list of assignment ids is read this many at a time: SQLite caps the bound
# variables of one statement (at 32766 or 250000 depending on how it was built; Django assumes 999).
ID_CHUNK = 10000

OPEN_FIELDS = ("id", "task_id", "unit_id", "unit__name", "state", "deadline", "created_on",
               "task__reporting_cycle", "task__report_due_day", "reported_on")  # fmt: skip


def open_assignments(assignment_ids=None) -> list[planning.OpenAssignment]:
    """Every open assignment that can be reminded of something (a deadline or a reporting cycle),
    with its reminder history: two queries, whatever the number of shares (the history is read
    through a subquery, never a list of ids). `assignment_ids` narrows it down (ids or a queryset
    of ids); a long list is read in chunks."""
    if assignment_ids is None or isinstance(assignment_ids, QuerySet):
        return _open_assignments(assignment_ids)
    ids = sorted(set(assignment_ids))
    chunk = min(ID_CHUNK, (connection.features.max_query_params or ID_CHUNK) - 10)
    found: list[planning.OpenAssignment] = []
    for start in range(0, len(ids), chunk):
        found += _open_assignments(ids[start : start + chunk])
    return found


def _open_assignments(assignment_ids) -> list[planning.OpenAssignment]:
    queryset = Assignment.objects.filter(state__in=OPEN_STATES).exclude(
        deadline__isnull=True, task__reporting_cycle=ReportingCycle.NONE
    )
    if assignment_ids is not None:
        queryset = queryset.filter(pk__in=assignment_ids)
    history: dict[int, list[planning.PastReminder]] = {}
    past = (
        Reminder.objects.filter(assignment__in=queryset.values("pk"))
        .order_by("assignment_id", "id")
        .values_list("assignment_id", "kind", "level", "period", "planned_for")
    )
    for assignment_id, kind, level, period, planned_for in past:
        history.setdefault(assignment_id, []).append(planning.PastReminder(kind, level, period, planned_for))
    # Creation and the last report are only compared as days: read as local dates in SQL (the
    # lights' rule, timezone.localdate), one tuple per share rather than a model instance.
    rows = (
        queryset.annotate(created_on=local_date("created"), reported_on=local_date("last_reported_at"))
        .order_by("id")
        .values_list(*OPEN_FIELDS)
    )
    make = planning.OpenAssignment.from_values
    return [
        make(
            pk,
            task_id,
            unit_id,
            unit_name,
            state,
            deadline,
            created,
            cycle,
            due_day,
            reported,
            tuple(history.get(pk, ())),
        )
        for pk, task_id, unit_id, unit_name, state, deadline, created, cycle, due_day, reported in rows
    ]
