"""Reads the ledgers share: tasks in source order with everything a row needs, in a fixed
number of queries, through the permission querysets (a clerk exports only what they may read)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.apps import apps
from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from tasks.models import Assignment, ProgressReport, Task
from units.models import UnitGroup


def source_ordered(tasks: QuerySet) -> QuerySet:
    """The order of the source table: document, then the item's position, then creation."""
    return tasks.order_by(
        F("source_document_id").asc(nulls_last=True), F("source_item__position").asc(nulls_last=True), "number", "id"
    )


CHUNK = 500


def iter_tasks_with_reports(user, task_ids: list[int], chunk: int = CHUNK) -> Iterator[tuple[Task, list]]:
    """(task, reports the person may read) in the order of `task_ids`, fetched `chunk` tasks at a
    time: a fixed number of queries per chunk, and never the whole ledger in memory."""
    for start in range(0, len(task_ids), chunk):
        ids = task_ids[start : start + chunk]
        tasks = {task.pk: task for task in ledger_tasks(ids)}
        reports = reports_by_task(user, ids) if user is not None else all_reports_by_task(ids)
        for pk in ids:
            yield tasks[pk], reports.get(pk, [])


def ledger_tasks(task_ids_queryset) -> QuerySet:
    assignments = Assignment.objects.select_related("unit").order_by("role", "unit__sort_order", "id")
    return source_ordered(
        Task.objects.filter(pk__in=task_ids_queryset)
        .select_related("source_document", "source_item")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
    )


def reports_by_task(user, task_ids: list[int]) -> dict[int, list]:
    """The report the ledger shows per task, among those the person may read (一次上报、多方共享
    rules of ProgressReport): see `_latest_per_task`."""
    return _latest_per_task(ProgressReport.objects.visible_to(user), task_ids)


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
        .only("id", "assignment_id", "progress", "problems", "next_steps", "percent", "is_consolidated", "created")
    )
    grouped: dict[int, list] = defaultdict(list)
    for report in ranked:
        grouped[report.task_id].append(report)
    return grouped


def supervision_counts(task_ids: list[int]) -> dict[int, int] | None:
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
    rows = model.objects.filter(**{f"{path}__in": task_ids}).values(path).annotate(n=Count("pk"))
    counts = {task_id: 0 for task_id in task_ids}
    counts.update({row[path]: row["n"] for row in rows})
    return counts


def all_reports_by_task(task_ids: list[int]) -> dict[int, list]:
    """The report the ledger shows per task, for exports run from the command line by the operator."""
    return _latest_per_task(ProgressReport.objects.all(), task_ids)


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
