"""Reads the ledgers share: tasks in source order with everything a row needs, in a fixed
number of queries, through the permission querysets (a clerk exports only what they may read)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator

from django.apps import apps
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from tasks.lights import local_date
from tasks.models import Assignment, ProgressReport, Task
from units.models import UnitGroup


def source_ordered(tasks: QuerySet) -> QuerySet:
    """The order of the source table: document, then the item's position, then creation."""
    return tasks.order_by(
        F("source_document_id").asc(nulls_last=True), F("source_item__position").asc(nulls_last=True), "number", "id"
    )


# Tasks per batch: the reports of a batch are ranked in one query (which reads the reports table
# through), so fewer, larger batches; a batch of 5,000 tasks with their shares is a few MB.
CHUNK = 5000


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

    FIELDS = ("pk", "assignment_id", "task_id", "progress", "problems", "next_steps", "percent",
              "is_consolidated", "created")  # fmt: skip


def _as_tasks(tasks) -> QuerySet:
    return tasks if isinstance(tasks, QuerySet) and tasks.model is Task else Task.objects.filter(pk__in=tasks)


def iter_tasks_with_reports(user, tasks, chunk: int = CHUNK) -> Iterator[tuple[LedgerTask, list]]:
    """(task, the report the person may read) for `tasks` (a Task queryset, or ids) in source
    order, `chunk` tasks at a time: the tasks and shares come from one query read as it goes (a
    server-side cursor on PostgreSQL), the reports from one query per chunk, so the ledger never
    sits in memory whole."""
    reports = ProgressReport.objects.visible_to(user) if user is not None else ProgressReport.objects.all()
    rows = _iter_ledger_tasks(_as_tasks(tasks), chunk)
    while batch := list(itertools.islice(rows, chunk)):
        latest = _latest_per_task(reports, [task.pk for task in batch])
        for task in batch:
            yield task, latest.get(task.pk, [])


def ledger_tasks(tasks) -> list[LedgerTask]:
    """The tasks (a Task queryset or ids) in source order with their shares, as LedgerTask rows."""
    return list(_iter_ledger_tasks(_as_tasks(tasks), CHUNK))


def _iter_ledger_tasks(tasks: QuerySet, chunk: int) -> Iterator[LedgerTask]:
    """Every share of `tasks` with its task's columns, in the tasks' source order (then lead
    first, then the unit's place in the registry): one query, one statement, so tasks and shares
    are read from the same snapshot. Every task of a ledger has at least one share (that is how
    it got in). One object per unit and per document."""
    units: dict[int, LedgerUnit] = {}
    documents: dict[int, LedgerDocument] = {}
    rows = (
        Assignment.objects.filter(task__in=tasks.values("pk"))
        .annotate(**LedgerShare.local_dates())
        .order_by(
            F("task__source_document_id").asc(nulls_last=True),
            F("task__source_item__position").asc(nulls_last=True),
            "task__number",
            "task_id",
            "role",
            "unit__sort_order",
            "id",
        )
        .values_list(*LedgerShare.FIELDS, *(f"task__{name}" for name in LedgerTask.FIELDS[1:]))
        .iterator(chunk_size=chunk)
    )
    task = None
    for (pk, task_id, unit_id, unit_name, role, state, percent, deadline, asked, created, reported,
         *columns) in rows:  # fmt: skip
        if task is None or task.pk != task_id:
            if task is not None:
                yield task
            task = LedgerTask()
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
        share = LedgerShare()
        share.pk, share.task_id, share.role, share.state, share.percent = pk, task_id, role, state, percent
        share.deadline, share.completion_requested_at, share.created = deadline, asked, created
        share.last_reported_at = reported
        share.unit = units.get(unit_id) or units.setdefault(unit_id, LedgerUnit(unit_id, unit_name))
        task.assignments.append(share)
    if task is not None:
        yield task


def reports_by_task(user, task_ids: list[int]) -> dict[int, list]:
    """The report the ledger shows per task, among those the person may read (一次上报、多方共享
    rules of ProgressReport): see `_latest_per_task`."""
    return _latest_per_task(ProgressReport.objects.visible_to(user), task_ids)


def all_reports_by_task(task_ids: list[int]) -> dict[int, list]:
    """The report the ledger shows per task, for exports run from the command line by the operator."""
    return _latest_per_task(ProgressReport.objects.all(), task_ids)


def _latest_per_task(reports: QuerySet, task_ids: list[int]) -> dict[int, list]:
    """{task id: [its latest consolidated report, else its latest report]}: the one report
    rows.latest_progress picks, chosen in SQL (a window ranking per task), so an export of the
    whole city reads one report per task instead of every report ever made."""
    ranked = (
        reports.filter(assignment__task_id__in=task_ids)
        .annotate(
            task_id=F("assignment__task_id"),
            rank=Window(
                RowNumber(),
                partition_by=F("assignment__task_id"),
                order_by=[F("is_consolidated").desc(), F("created").desc(), F("id").desc()],
            ),
        )
        .filter(rank=1)
        # values(), not values_list(): filtering on a window wraps the query, and values_list()
        # then returns the annotation's columns out of the order asked for.
        .values(*LedgerReport.FIELDS)
    )
    grouped: dict[int, list] = defaultdict(list)
    for row in ranked:
        report = LedgerReport()
        report.__dict__ = row  # the row's keys are the report's attributes
        grouped[report.task_id].append(report)
    return grouped


def supervision_counts(task_ids: list[int], among: QuerySet | None = None) -> dict[int, int] | None:
    """督办 per task, when the reminders app records supervision orders; None (no column) otherwise.

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
    # `among`: the same tasks as a queryset, read as a subquery rather than a list of every id.
    rows = model.objects.filter(**{f"{path}__in": task_ids if among is None else among.values("pk")})
    rows = rows.values(path).annotate(n=Count("pk"))
    counts = {task_id: 0 for task_id in task_ids}
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
