"""The SQL form of the lights (Assignment.objects.with_light) agrees with assignment_light.

Lists judge thousands of rows in the database; single rows are judged in Python. Both must give
the same answer on every case: states × deadlines around the National Day holiday and a 调休
Saturday × reporting cycles × reporting history.
"""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from tasks.lights import Light, assignment_light, overdue_condition
from tasks.models import Assignment, AssignmentState, ReportingCycle, Task

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAYS = [dt.date(2026, 9, 23), dt.date(2026, 10, 8), dt.date(2026, 10, 9), dt.date(2026, 10, 12)]
DEADLINES = [None] + [dt.date(2026, 9, 20) + dt.timedelta(days=n) for n in range(0, 30, 2)] + [dt.date(2026, 10, 10)]
CYCLES = [ReportingCycle.NONE, ReportingCycle.MONTHLY, ReportingCycle.WEEKLY, ReportingCycle.QUARTERLY]
CREATED = [dt.datetime(2026, 6, 1, 9, tzinfo=SHANGHAI), dt.datetime(2026, 10, 8, 9, tzinfo=SHANGHAI)]
REPORTED = [None, dt.datetime(2026, 9, 2, 23, 30, tzinfo=SHANGHAI), dt.datetime(2026, 10, 8, 0, 5, tzinfo=SHANGHAI)]
ASKED = [dt.datetime(2026, 9, 30, 16, tzinfo=SHANGHAI), dt.datetime(2026, 10, 9, 8, tzinfo=SHANGHAI), None]


def test_sql_lights_agree_with_python_lights(personas):
    units = [personas.lead_unit, personas.support_unit, personas.other_unit]
    rows = []
    for n, (deadline, cycle, created, reported, state, asked) in enumerate(
        itertools.product(DEADLINES, CYCLES, CREATED, REPORTED, AssignmentState.values, ASKED)
    ):
        if state != AssignmentState.COMPLETION_REQUESTED and asked != ASKED[0]:
            continue  # the ask date only matters for 申请办结
        task = Task(text=f"case {n}", deadline=deadline, reporting_cycle=cycle)
        rows.append((task, Assignment(
            unit=units[n % 3], deadline=deadline, state=state, created=created, last_reported_at=reported,
            completion_requested_at=asked if state == AssignmentState.COMPLETION_REQUESTED else None,
        )))  # fmt: skip
    tasks = Task.objects.bulk_create([task for task, _ in rows])
    for task, (_, assignment) in zip(tasks, rows, strict=True):
        assignment.task = task
    Assignment.objects.bulk_create([a for _, a in rows])

    checked = 0
    for today in TODAYS:
        judged = Assignment.objects.with_light(today).select_related("task")
        for assignment in judged:
            assert assignment.light_code == assignment_light(assignment, today), (today, vars(assignment))
            checked += 1
    assert checked == 4 * len(rows) > 1000
    # Every colour occurs, so the comparison is not vacuous.
    colours = set(Assignment.objects.with_light(dt.date(2026, 10, 9)).values_list("light_code", flat=True))
    assert colours == {"green", "yellow", "red", "grey"}


def test_overdue_condition_selects_the_red_shares(personas):
    """The ledger's 仅看逾期 filter (overdue_condition, read from the index) selects exactly the
    shares whose light is red, requests for completion judged on the day they asked included."""
    units = [personas.lead_unit, personas.support_unit, personas.other_unit]
    shares = []
    for n, (deadline, state, asked) in enumerate(itertools.product(DEADLINES, AssignmentState.values, ASKED)):
        if state != AssignmentState.COMPLETION_REQUESTED and asked is not None:
            continue
        shares.append(Assignment(unit=units[n % 3], deadline=deadline, state=state,
                                 completion_requested_at=asked))  # fmt: skip
    # One task per share: a unit has one share of a task.
    tasks = Task.objects.bulk_create([Task(text=f"case {n}") for n in range(len(shares))])
    for share, own_task in zip(shares, tasks, strict=True):
        share.task = own_task
    Assignment.objects.bulk_create(shares)
    reds_seen = 0
    for today in TODAYS:
        everything = Assignment.objects.select_related("task")
        expected = {a.pk for a in everything if assignment_light(a, today) == Light.RED}
        assert set(everything.filter(overdue_condition(today, everything)).values_list("pk", flat=True)) == expected
        reds_seen += len(expected)
    assert reds_seen > 20
