"""Planning reads any number of open shares: no statement binds one variable per share, so the
bound-variable cap of SQLite (32766 or 250000 depending on the build; Django assumes 999) is never
reached, whatever the size of the city."""

import datetime as dt
import sqlite3
from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone

from reminders import sending, snapshot
from reminders.models import Kind, Level, Reminder
from tasks.models import Assignment, AssignmentRole, AssignmentState, Task

CAP = 999
SHARES = CAP + 201


@contextmanager
def variable_cap(limit: int):
    """Lower SQLite's cap on bound variables for the duration (the data is written before)."""
    raw = connection.connection
    before = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    try:
        yield
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's bound-variable cap")
def test_planning_over_more_open_shares_than_sqlite_binds(personas):
    created = timezone.make_aware(dt.datetime(2025, 9, 1, 9))
    tasks = Task.objects.bulk_create(
        Task(text=f"第{i}项工作。", deadline=dt.date(2025, 10, 31), created=created, updated=created,
             created_by=personas.supervisor, state=AssignmentState.IN_PROGRESS)
        for i in range(SHARES)
    )  # fmt: skip
    shares = Assignment.objects.bulk_create(
        Assignment(task=task, unit=personas.lead_unit, role=AssignmentRole.LEAD, deadline=task.deadline,
                   state=AssignmentState.IN_PROGRESS, created=created)
        for task in tasks
    )  # fmt: skip
    # Every share was reminded once already (提醒, the first overdue step): the history is read too.
    Reminder.objects.bulk_create(
        Reminder(assignment=a, kind=Kind.OVERDUE, level=Level.REMIND, period="2025-10-31#1",
                 due_date=a.deadline, planned_for=dt.date(2025, 11, 3), recipients=[], created=created)
        for a in shares
    )  # fmt: skip
    now = timezone.make_aware(dt.datetime(2025, 11, 10, 10))  # a Monday, five working days later
    with variable_cap(CAP):
        result = sending.run(now, dry_run=True)
        narrowed = snapshot.open_assignments([a.pk for a in shares])
    planned = [r for r in result.reminders if r["kind"] == Kind.OVERDUE]
    assert len(planned) == SHARES
    assert {r["level"] for r in planned} == {Level.URGE}  # the second step, from the history
    assert len(narrowed) == SHARES and all(len(a.history) == 1 for a in narrowed)
