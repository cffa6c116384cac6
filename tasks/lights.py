"""Traffic lights (红黄绿灯), overdue (逾期) and reporting periods: derived, never stored.

Every function takes `today` from the caller (take the clock once per operation).
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from . import calendar
from .models import AssignmentState, ReportingCycle


class Light(models.TextChoices):
    GREEN = "green", "正常"
    YELLOW = "yellow", "预警"
    RED = "red", "逾期"
    GREY = "grey", "已办结"


_SEVERITY = {Light.GREY: 0, Light.GREEN: 1, Light.YELLOW: 2, Light.RED: 3}


def period_start(cycle: str, today: dt.date) -> dt.date | None:
    """The first day of the reporting period that contains `today`, or None for 不定期."""
    if cycle == ReportingCycle.WEEKLY:
        return today - dt.timedelta(days=today.weekday())
    if cycle == ReportingCycle.BIWEEKLY:
        return today.replace(day=1 if today.day < 16 else 16)
    if cycle == ReportingCycle.MONTHLY:
        return today.replace(day=1)
    if cycle == ReportingCycle.QUARTERLY:
        return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if cycle == ReportingCycle.HALF_YEARLY:
        return dt.date(today.year, 1 if today.month < 7 else 7, 1)
    if cycle == ReportingCycle.YEARLY:
        return dt.date(today.year, 1, 1)
    return None


def period_label(cycle: str, today: dt.date) -> str:
    """The period a report made on `today` belongs to, e.g. 2026年11月, 2026年第4季度."""
    if cycle == ReportingCycle.WEEKLY:
        year, week, _ = today.isocalendar()
        return f"{year}年第{week}周"
    if cycle == ReportingCycle.BIWEEKLY:
        return f"{today.year}年{today.month}月{'上' if today.day < 16 else '下'}半月"
    if cycle == ReportingCycle.QUARTERLY:
        return f"{today.year}年第{(today.month - 1) // 3 + 1}季度"
    if cycle == ReportingCycle.HALF_YEARLY:
        return f"{today.year}年{'上' if today.month < 7 else '下'}半年"
    if cycle == ReportingCycle.YEARLY:
        return f"{today.year}年"
    return f"{today.year}年{today.month}月"


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def is_overdue(assignment, today: dt.date) -> bool:
    """逾期: an open assignment whose deadline in force has passed.

    A deadline on a non-working day runs to the next working day (calendar.effective_deadline).
    A unit that asked for completion is judged on the day it asked, not on the review's pace.
    Ongoing work and work without a deadline is never overdue.
    """
    if assignment.deadline is None or assignment.state == AssignmentState.DONE:
        return False
    due = calendar.effective_deadline(assignment.deadline)
    if assignment.state == AssignmentState.COMPLETION_REQUESTED and assignment.completion_requested_at:
        return _local_date(assignment.completion_requested_at) > due
    return today > due


def finished_on_time(assignment) -> bool | None:
    """Whether finished work was asked to be closed by the deadline in force (None while open)."""
    if assignment.state != AssignmentState.DONE:
        return None
    if assignment.deadline is None:
        return True
    asked = _local_date(assignment.completion_requested_at or assignment.completed_at)
    return asked is None or asked <= calendar.effective_deadline(assignment.deadline)


def report_missing(assignment, cycle: str, today: dt.date) -> bool:
    """No report in the current period, for a task with a reporting cycle, once a report is due.

    A report is due for a period only when the assignment existed before the period began.
    """
    start = period_start(cycle, today)
    if start is None or assignment.state not in (AssignmentState.PENDING, AssignmentState.IN_PROGRESS):
        return False
    if _local_date(assignment.created) >= start:
        return False
    last = _local_date(assignment.last_reported_at)
    return last is None or last < start


def assignment_light(assignment, today: dt.date, *, cycle: str | None = None) -> Light:
    """The light for one unit's share.

    Grey when done. Red when overdue (see is_overdue). Yellow when the deadline in force is
    within settings.DUBAN_YELLOW_WORKING_DAYS working days, or when no report was made in the
    current reporting period (see report_missing). Green otherwise.
    """
    if assignment.state == AssignmentState.DONE:
        return Light.GREY
    if is_overdue(assignment, today):
        return Light.RED
    if cycle is None:
        cycle = assignment.task.reporting_cycle
    if assignment.deadline is not None and assignment.state != AssignmentState.COMPLETION_REQUESTED:
        due = calendar.effective_deadline(assignment.deadline)
        if calendar.working_days_between(today, due) <= settings.DUBAN_YELLOW_WORKING_DAYS:
            return Light.YELLOW
    if report_missing(assignment, cycle, today):
        return Light.YELLOW
    return Light.GREEN


def task_light(task, today: dt.date) -> Light:
    """A task's light is its worst assignment's light; grey once every assignment is done."""
    lights = [assignment_light(a, today, cycle=task.reporting_cycle) for a in task.assignments.all()]
    if not lights:
        return Light.GREEN
    return max(lights, key=lambda light: _SEVERITY[light])
