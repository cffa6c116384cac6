"""Reads the ledgers share: tasks in source order with everything a row needs, in a fixed
number of queries, through the permission querysets (a clerk exports only what they may read)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from django.apps import apps
from django.db.models import Count, F, Lookup, OuterRef, QuerySet, Subquery

from tasks.lights import local_date
from tasks.models import Assignment, ProgressReport, Task
from units.models import UnitGroup


def source_ordered(tasks: QuerySet) -> QuerySet:
    """The order of the source table: document, then the item's position, then creation."""
    return tasks.order_by(
        F("source_document_id").asc(nulls_last=True), F("source_item__position").asc(nulls_last=True), "number", "id"
    )


# Tasks per batch: a batch's tasks, shares, shown reports' ids and reports are read in four
# queries, each proportional to the batch (indexes on the batch's ids, never a scan of every
# report). 2,000 tasks take about 50 ms of database time: short enough that the writer process
# (ledgers.pipeline) still has rows queued while the next batch is read (with 5,000 it ran dry
# at every batch and the export took 10% longer).
CHUNK = 2000
# The first batch is smaller, so that the first rows are ready (for the writer process,
# ledgers.pipeline) within a few tens of milliseconds.
FIRST_CHUNK = 500


class LedgerUnit:
    __slots__ = ("name", "pk")

    def __init__(self, pk: int, name: str):
        self.pk, self.name = pk, name


class LedgerDocument:
    __slots__ = ("pk", "title")

    def __init__(self, pk: int, title: str):
        self.pk, self.title = pk, title


class LedgerShare:
    """What a ledger row reads of one share (the unit's name included), without a model instance."""

    __slots__ = (
        "completion_requested_at",
        "created",
        "deadline",
        "last_reported_at",
        "percent",
        "pk",
        "role",
        "state",
        "task_id",
        "unit",
    )  # fmt: skip
    FIELDS = ("pk", "task_id", "unit_id", "unit__name", "role", "state", "percent", "deadline",
              "asked_on", "created_on", "reported_on")  # fmt: skip

    @staticmethod
    def local_dates() -> dict:
        """The moments a row needs, read as local dates: the lights and the 最近报送 column only
        compare and print days, and a date costs far less to read than a datetime."""
        return {
            "asked_on": local_date("completion_requested_at"),
            "created_on": local_date("created"),
            "reported_on": local_date("last_reported_at"),
        }


class _Shares(list):
    """A task's shares, read like the prefetched related manager (`task.assignments.all()`)."""

    def all(self):
        return self


class LedgerTask:
    """What a ledger row reads of one task and its shares (rows.task_cells, tasks.lights)."""

    __slots__ = (
        "assignments",
        "deadline",
        "deadline_text",
        "number",
        "ongoing",
        "pk",
        "report_due_day",
        "reporting_cycle",
        "section",
        "source_document",
        "state",
        "text",
    )  # fmt: skip
    FIELDS = ("pk", "text", "section", "number", "source_document_id", "source_document__title", "ongoing",
              "deadline", "deadline_text", "state", "reporting_cycle", "report_due_day")  # fmt: skip


class LedgerReport:
    """What a ledger row reads of a report; its attributes are the values() row itself."""

    # Only what the row prints: the report is the one chosen in SQL (_latest_report_id).
    FIELDS = ("pk", "progress", "problems", "next_steps", "percent", "is_consolidated")


class OneOf(Lookup):
    """`column IN (ids)` for a batch of ids, sent as one array parameter on PostgreSQL
    (`= ANY(%s)`): as thousands of separate parameters, the ids of a batch cost Django and the
    driver about 40 ms of CPU per query. Elsewhere (SQLite) a plain IN list. Used as an
    expression: `.filter(OneOf(F("task_id"), ids))`; `ids` must not be empty."""

    lookup_name = "one_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(value) for value in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, ids)
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", (*lhs_params, *ids)


def _as_tasks(tasks) -> QuerySet:
    return tasks if isinstance(tasks, QuerySet) and tasks.model is Task else Task.objects.filter(pk__in=tasks)


def _latest_report_id(reports: QuerySet) -> Subquery:
    """The report a ledger row shows for the task of the outer row, among `reports`: the task's
    latest consolidated report (the lead's for the whole task), else its latest report (the
    rule of rows.latest_progress), picked in SQL through the indexes on shares and reports, one
    task at a time, so it costs the same per task whatever the size of the reports table."""
    latest = reports.filter(assignment__task=OuterRef("pk")).order_by("-is_consolidated", "-created", "-pk")
    return Subquery(latest.values("pk")[:1])


def iter_tasks_with_reports(user, tasks, chunk: int = CHUNK) -> Iterator[tuple[LedgerTask, list]]:
    """(task, the report the person may read) for `tasks` (a Task queryset, or ids) in source
    order, `chunk` tasks at a time (the first batch smaller), so the ledger never sits in memory
    whole: the tasks' ids in source order come from one query read as it goes (a server-side
    cursor on PostgreSQL); each batch's tasks, their shares, the ids of the reports its rows
    show, and those reports from one query each."""
    reports = ProgressReport.objects.visible_to(user) if user is not None else ProgressReport.objects.all()
    ordered = source_ordered(_as_tasks(tasks)).values_list("pk", flat=True).iterator(chunk_size=chunk)
    size = min(chunk, FIRST_CHUNK)
    while batch := list(itertools.islice(ordered, size)):
        size = chunk
        by_id = _ledger_tasks_by_id(batch)
        shown = _latest_per_task(reports, batch)
        for task_id in batch:
            task = by_id.get(task_id)
            if task is not None:  # else deleted since the batch's ids were read
                yield task, shown.get(task_id, [])


def ledger_tasks(tasks) -> list[LedgerTask]:
    """The tasks (a Task queryset or ids) in source order with their shares, as LedgerTask rows."""
    ordered = list(source_ordered(_as_tasks(tasks)).values_list("pk", flat=True))
    by_id = _ledger_tasks_by_id(ordered)
    return [by_id[task_id] for task_id in ordered if task_id in by_id]


def _ledger_tasks_by_id(task_ids: list[int]) -> dict[int, LedgerTask]:
    """{task id: LedgerTask} with every share of these tasks (lead first, then the unit's place in
    the registry): the tasks' columns from one query, their shares from another (a task's columns
    once, not once per share). One object per unit and per document."""
    if not task_ids:
        return {}
    documents: dict[int, LedgerDocument] = {}
    tasks: dict[int, LedgerTask] = {}
    for task_id, *columns in Task.objects.filter(OneOf(F("pk"), task_ids)).values_list(*LedgerTask.FIELDS):
        task = tasks[task_id] = LedgerTask()
        task.pk = task_id
        (task.text, task.section, task.number, document_id, title, task.ongoing, task.deadline,
         task.deadline_text, task.state, task.reporting_cycle, task.report_due_day) = columns  # fmt: skip
        if document_id is None:
            task.source_document = None
        else:
            task.source_document = documents.get(document_id) or documents.setdefault(
                document_id, LedgerDocument(document_id, title)
            )
        task.assignments = _Shares()
    units: dict[int, LedgerUnit] = {}
    rows = (
        Assignment.objects.filter(OneOf(F("task_id"), task_ids))
        .annotate(**LedgerShare.local_dates())
        .order_by("task_id", "role", "unit__sort_order", "id")
        .values_list(*LedgerShare.FIELDS)
    )
    for pk, task_id, unit_id, unit_name, role, state, percent, deadline, asked, created, reported in rows:
        task = tasks.get(task_id)
        if task is None:  # a task created after its batch's tasks were read
            continue
        share = LedgerShare()
        share.pk, share.task_id, share.role, share.state, share.percent = pk, task_id, role, state, percent
        share.deadline, share.completion_requested_at, share.created = deadline, asked, created
        share.last_reported_at = reported
        share.unit = units.get(unit_id) or units.setdefault(unit_id, LedgerUnit(unit_id, unit_name))
        task.assignments.append(share)
    return tasks


def _reports_by_id(report_ids: list[int]) -> dict[int, LedgerReport]:
    found: dict[int, LedgerReport] = {}
    if not report_ids:
        return found
    for row in ProgressReport.objects.filter(OneOf(F("pk"), report_ids)).values(*LedgerReport.FIELDS):
        report = LedgerReport()
        report.__dict__ = row  # the row's keys are the report's attributes
        found[report.pk] = report
    return found


def reports_by_task(user, task_ids: list[int]) -> dict[int, list]:
    """The report the ledger shows per task, among those the person may read (一次上报、多方共享
    rules of ProgressReport): see `_latest_report_id`."""
    return _latest_per_task(ProgressReport.objects.visible_to(user), task_ids)


def all_reports_by_task(task_ids: list[int]) -> dict[int, list]:
    """The report the ledger shows per task, for exports run from the command line by the operator."""
    return _latest_per_task(ProgressReport.objects.all(), task_ids)


def _latest_per_task(reports: QuerySet, task_ids: list[int]) -> dict[int, list]:
    """{task id: [the one report rows.latest_progress would pick]} for the tasks with one."""
    if not task_ids:
        return {}
    shown = dict(
        Task.objects.filter(OneOf(F("pk"), task_ids))
        .annotate(shown_report=_latest_report_id(reports))
        .filter(shown_report__isnull=False)
        .values_list("pk", "shown_report")
    )
    found = _reports_by_id(list(shown.values()))
    return {task_id: [found[report_id]] for task_id, report_id in shown.items() if report_id in found}


def supervision_counts(task_ids: list[int] | None = None, among: QuerySet | None = None) -> dict[int, int] | None:
    """督办 per task, when the reminders app records supervision orders; None (no column) otherwise.

    For `task_ids`, every one of them (0 without an order); for `among` alone (the same tasks as
    a queryset, read as a subquery rather than a list of every id), only the tasks with orders:
    the ledger reads a missing task as 0, so an export holds no entry per task.

    Looked up through the app registry, never imported: ledgers must not depend on reminders.
    """
    try:
        model = apps.get_model("reminders", "SupervisionOrder")
    except (LookupError, ValueError):
        return None
    for field in model._meta.get_fields():
        related = getattr(field, "related_model", None)
        if getattr(field, "many_to_one", False) and related is Task:
            path = field.name
            break
        if getattr(field, "many_to_one", False) and related is Assignment:
            path = f"{field.name}__task"
            break
    else:
        return None
    rows = model.objects.filter(**{f"{path}__in": task_ids if among is None else among.values("pk")})
    rows = rows.values(path).annotate(n=Count("pk")).order_by()
    counts = {task_id: 0 for task_id in task_ids or ()}
    counts.update({row[path]: row["n"] for row in rows})
    return counts


def unit_groups() -> list[tuple[str, frozenset[int]]]:
    """The registry's groups with their current members, largest first (rows.unit_names).

    Open-ended groups (区直有关单位: members confirmed case by case) never stand for units.
    """
    groups = []
    for group in UnitGroup.objects.filter(needs_confirmation=False):
        members = frozenset(group.member_units().values_list("pk", flat=True))
        if len(members) >= 2:
            groups.append((group.name, members))
    return sorted(groups, key=lambda item: (-len(item[1]), item[0]))
