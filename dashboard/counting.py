"""Every count of the 统计看板 in one SQL statement, over one scan of the counted shares.

The counted shares (Scope.shares: the ledger's filter set, the person's scope) are judged once,
row by row, in a common table expression: light, done, on time, no report this period, extension
requested, under an open 督办单, completed or newly overdue in each trend week. Everything the
page shows is then grouped from that one scan, in the same statement:
- per unit and role (承办 counts, lights);
- per task (a derived table), then per document, section and 分管领导 (tasks, tasks done, tasks
  with an overdue share, shares, shares overdue) and the task totals (by state and worst light);
- the trend weeks.

The conditions are the ones the ledger's filters use (tasks.lights, tasks.filters), written as the
same ORM expressions; only the grouping around them is SQL text, portable between PostgreSQL and
SQLite. Before this, each group was its own scan of the shares (and the task lights came back as
one row per task into Python).
"""

import datetime as dt
import itertools
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When

from reminders.models import OrderState, SupervisionOrder
from tasks.filters import became_overdue_parts, completed_between
from tasks.lights import SEVERITY, Light, on_time_condition, report_missing_condition
from tasks.models import AssignmentState, ExtensionRequest, Task

RED, YELLOW, GREEN, GREY = (SEVERITY[light] for light in (Light.RED, Light.YELLOW, Light.GREEN, Light.GREY))
UNIT_COUNTS = (
    "assigned",
    "done",
    "on_time",
    "overdue",
    "no_report",
    "extensions",
    "grey",
    "green",
    "yellow",
    "red",
    "supervised",
)
GROUP_COUNTS = ("tasks", "tasks_done", "tasks_overdue", "shares", "shares_overdue")
TASK_COUNTS = ("total", "done", "grey", "green", "yellow", "red")
DIMENSIONS = {"document": "doc", "section": "section", "leader": "leader"}


@dataclass
class Counts:
    units: list[dict] = field(default_factory=list)  # {unit, role, **UNIT_COUNTS}
    groups: dict[str, list[dict]] = field(default_factory=dict)  # name -> [{key, **GROUP_COUNTS}]
    tasks: dict = field(default_factory=dict)  # TASK_COUNTS, worst light over the counted shares
    trend: list[tuple[int, int]] = field(default_factory=list)  # (completed, newly overdue) per week


def _flag(condition) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def severity_of(light: Case) -> Case:
    """lights.light_annotation's rules, giving the severity number (灰 0 < 绿 1 < 黄 2 < 红 3) at
    once: the same conditions in the same order, judged once per row (lights.severity_annotation
    compares the light's text with each light in turn, judging the rules up to four times)."""
    cases = [When(case.condition, then=Value(SEVERITY[Light(case.result.value)])) for case in light.cases]
    return Case(*cases, default=Value(SEVERITY[Light(light.default.value)]), output_field=IntegerField())


def _share_rows(scope, weeks: list[tuple[dt.date, dt.date]]):
    """The counted shares, one row each, with every condition judged once (0/1 columns), and the
    trend week (0…) each was completed in and each first became overdue in, if any.

    Only the share's own numbers: the task's columns (state, document, section, 分管领导) are
    joined to the per-task rows (20,000, not every share), which keeps the rows PostgreSQL
    stores for the groupings narrow. The trend weeks follow one another, so a share is completed (or
    becomes overdue) in at most one of them: one column each, with the weeks' conditions in
    order, rather than a 0/1 column per week and condition."""
    scope.with_light(scope.shares)  # judges the light's rules once (Scope.light)
    # `id IN (uncorrelated subquery)`: PostgreSQL reads each table once into a hash (a correlated
    # EXISTS probed the index once per share); the same shares as tasks.filters' EXISTS.
    extension = Q(pk__in=ExtensionRequest.objects.order_by().values("assignment"))
    supervised = Q(pk__in=SupervisionOrder.objects.filter(state=OrderState.OPEN).order_by().values("assignment"))
    columns = {
        "c_task": F("task_id"),
        "c_unit": F("unit_id"),
        "c_role": F("role"),
        "c_sev": severity_of(scope.light),
        "f_done": _flag(Q(state=AssignmentState.DONE)),
        "f_on_time": _flag(on_time_condition()),
        "f_no_report": _flag(report_missing_condition(scope.today)),
        "f_extension": _flag(extension),
        "f_supervised": _flag(supervised),
        "c_completed_week": _week_of([completed_between(start, end) for start, end in weeks]),
        "c_overdue_week": _overdue_week(weeks, scope.today),
    }
    queryset = scope.with_light(scope.with_outcomes(scope.shares)).annotate(**columns).order_by().values(*columns)
    return queryset.query.sql_with_params()


def _week_of(conditions: list[Q]) -> Case:
    """The index of the first condition a row meets (the weeks' conditions are disjoint), or NULL."""
    whens = [When(condition, then=Value(i)) for i, condition in enumerate(conditions)]
    return Case(*whens, default=Value(None), output_field=IntegerField())


def _overdue_week(weeks: list[tuple[dt.date, dt.date]], today: dt.date) -> Case | Value:
    """The week a share first became overdue in (became_overdue_condition): whether it did within
    the weeks at all is judged once (the weeks follow one another, so their deadline ranges do
    too), then only its deadline places it in a week. One copy of the date in force (a CASE over
    every moved deadline) in the statement, not one per week."""
    overall = became_overdue_parts(weeks[0][0], weeks[-1][1], today) if weeks else None
    if overall is None:
        return Value(None, output_field=IntegerField())
    parts = [became_overdue_parts(start, end, today) for start, end in weeks]
    week = _week_of([Q(pk__in=[]) if part is None else part[0] for part in parts])
    deadlines, late = overall
    return Case(When(deadlines & late, then=week), default=Value(None), output_field=IntegerField())


def _is(column: str, value: int) -> str:
    return f"CASE WHEN {column} = {int(value)} THEN 1 ELSE 0 END"


def _consecutive(weeks: list[tuple[dt.date, dt.date]]) -> bool:
    day = dt.timedelta(days=1)
    return all(start <= end for start, end in weeks) and all(
        end + day == following for (_start, end), (following, _end) in itertools.pairwise(weeks)
    )


def count_all(scope, weeks: list[tuple[dt.date, dt.date]]) -> Counts:
    """All the counts, in one statement."""
    if not _consecutive(weeks):
        raise ValueError("the trend weeks must follow one another, without gaps or overlaps")
    shares_sql, shares_params = _share_rows(scope, weeks)
    params = list(shares_params)
    done = "%s"
    width = max(len(UNIT_COUNTS), len(TASK_COUNTS), len(GROUP_COUNTS))

    def branch(kind: str, key: str, role: str, counts: list[str], source: str, group: str = "") -> str:
        counts = counts + ["0"] * (width - len(counts))
        numbers = ", ".join(f"{c} AS n{i}" for i, c in enumerate(counts))
        # Only this module's constants and column names go into the text; values are parameters.
        return f"SELECT '{kind}' AS kind, {key} AS k, {role} AS r, {numbers} FROM {source}{group}"  # noqa: S608

    branches = [
        branch(
            "unit",
            "CAST(c_unit AS TEXT)",
            "c_role",
            [
                "COUNT(*)",
                "SUM(f_done)",
                "SUM(f_on_time)",
                f"SUM({_is('c_sev', RED)})",
                "SUM(f_no_report)",
                "SUM(f_extension)",
                f"SUM({_is('c_sev', GREY)})",
                f"SUM({_is('c_sev', GREEN)})",
                f"SUM({_is('c_sev', YELLOW)})",
                f"SUM({_is('c_sev', RED)})",
                "SUM(f_supervised)",
            ],
            "s",
            " GROUP BY c_unit, c_role",
        )
    ]
    for name, column in DIMENSIONS.items():
        branches.append(
            branch(
                name,
                f"CAST({column} AS TEXT)",
                "''",
                [
                    "COUNT(*)",
                    f"SUM(CASE WHEN task_state = {done} THEN 1 ELSE 0 END)",
                    "SUM(CASE WHEN red > 0 THEN 1 ELSE 0 END)",
                    "SUM(shares)",
                    "SUM(red)",
                ],
                "t",
                f" GROUP BY {column}",
            )
        )
        params.append(AssignmentState.DONE)
    branches.append(
        branch(
            "tasks",
            "''",
            "''",
            [
                "COUNT(*)",
                f"SUM(CASE WHEN task_state = {done} THEN 1 ELSE 0 END)",
                *(f"SUM({_is('worst', severity)})" for severity in (GREY, GREEN, YELLOW, RED)),
            ],
            "t",
        )
    )
    params.append(AssignmentState.DONE)
    for kind, column in (("completed", "c_completed_week"), ("overdue", "c_overdue_week")):
        # One row per week with any (a week without is counted 0 below).
        branches.append(
            branch(
                kind,
                f"CAST({column} AS TEXT)",
                "''",
                ["COUNT(*)"],
                "s",
                f" WHERE {column} IS NOT NULL GROUP BY {column}",
            )
        )
    task = Task._meta
    fields = {
        name: task.get_field(name).column
        for name in ("id", "state", "source_document", "section", "responsible_leader")
    }
    sql = (  # the ORM's SQL for the shares (with its parameters), then the groupings above
        f"WITH s AS ({shares_sql}), "  # noqa: S608
        f"t AS (SELECT per_task.*, task.{fields['state']} AS task_state, task.{fields['source_document']} AS doc, "
        f"task.{fields['section']} AS section, task.{fields['responsible_leader']} AS leader "
        f"FROM (SELECT c_task, COUNT(*) AS shares, SUM({_is('c_sev', RED)}) AS red, MAX(c_sev) AS worst "
        f"FROM s GROUP BY c_task) per_task INNER JOIN {task.db_table} task ON task.{fields['id']} = per_task.c_task) "
        + " UNION ALL ".join(branches)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counts = Counts(groups={name: [] for name in DIMENSIONS})
    trend = {"completed": [0] * len(weeks), "overdue": [0] * len(weeks)}
    for kind, key, role, *numbers in rows:
        numbers = [int(n or 0) for n in numbers]
        if kind == "unit":
            counts.units.append({"unit": int(key), "role": role, **dict(zip(UNIT_COUNTS, numbers, strict=False))})
        elif kind == "tasks":
            counts.tasks = dict(zip(TASK_COUNTS, numbers, strict=False))
        elif kind in trend:
            trend[kind][int(key)] = numbers[0]
        else:
            counts.groups[kind].append({"key": key, **dict(zip(GROUP_COUNTS, numbers, strict=False))})
    counts.trend = list(zip(trend["completed"], trend["overdue"], strict=True))
    return counts
