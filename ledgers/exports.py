"""From a filtered list of shares to a ledger: what the export view, the command and the job share.

The ledger pages list shares (one row per unit and task); the 台账 lists tasks. A task is in the
export when at least one of its shares passes the filters and the person may read it, so the
export shows exactly what the filtered page shows, task by task.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from documents.models import SourceDocument
from tasks.filters import Asker, AssignmentFilter
from tasks.models import OPEN_STATES, Assignment, Task

from . import pipeline, rows, selectors
from .xlsx import Progress, write_ledger

LEDGER_TITLE = "工作任务台账"


def readable_shares(user) -> QuerySet:
    """Every share the person may read; None means a command run by the operator (everything)."""
    if user is None:
        return Assignment.objects.all()
    return Assignment.objects.visible_to(user)


def filtered_shares(user, params, today: dt.date) -> tuple[QuerySet, list[tuple[str, str]]]:
    """The shares the ledger page shows for these GET parameters, and the filters in words.

    Uses the ledger page's own FilterSet (tasks.filters.AssignmentFilter), so the export and the
    page cannot disagree; invalid values are ignored as the page ignores them.
    """
    shares = readable_shares(user)
    filterset = AssignmentFilter(params or None, queryset=shares, today=today, request=Asker(user))
    if not (filterset.is_bound and filterset.is_valid()):
        return shares, []
    return filterset.qs, describe_filters(filterset)


def describe_filters(filterset) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", False) or (isinstance(value, slice) and value.start is None and value.stop is None):
            continue
        field = filterset.form.fields[name]
        if isinstance(value, slice):
            start = value.start.date() if isinstance(value.start, dt.datetime) else value.start
            stop = value.stop.date() if isinstance(value.stop, dt.datetime) else value.stop
            text = f"{start or ''}至{stop or ''}"
        elif value is True:
            text = "是"
        elif hasattr(field, "choices") and not hasattr(value, "pk"):
            text = str(dict(field.choices).get(value, value))
        else:
            text = str(value)
        pairs.append((str(field.label), text))
    return pairs


def my_work_shares(user) -> QuerySet:
    """我的待办: the open shares of the person's units (the same rows as the page)."""
    return Assignment.objects.filter(unit__in=user.memberships.values("unit"), state__in=OPEN_STATES)


def count_tasks(shares: QuerySet) -> int:
    return Task.objects.filter(pk__in=shares.values("task_id")).count()


def build(
    user,
    shares: QuerySet,
    *,
    filters: Iterable[tuple[str, str]] = (),
    now: dt.datetime | None = None,
    title: str = "",
) -> rows.Ledger:
    """The ledger of every task with a share in `shares`, as `user` may read it.

    Its rows are an iterator, built chunk by chunk while the file is written.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    tasks = Task.objects.filter(pk__in=shares.values("task_id"))
    total = tasks.order_by().count()
    # Two at most: one document names the ledger, more head their tasks as sections.
    document_ids = list(tasks.values_list("source_document_id", flat=True).distinct().order_by()[:2])
    if not title:
        only = SourceDocument.objects.filter(pk__in=document_ids).first() if len(document_ids) == 1 else None
        title = f"{only.title}——{LEDGER_TITLE}" if only else LEDGER_TITLE
    stamp = f"{timezone.localtime(now):%Y-%m-%d %H:%M}"
    subtitle = f"导出时间：{stamp}　筛选：{rows.filter_summary(filters)}　共 {total} 项"
    counts = selectors.supervision_counts(among=tasks)
    return rows.Ledger(
        title=title,
        subtitle=subtitle,
        columns=rows.columns_for(counts),
        rows=rows.iter_ledger_rows(
            selectors.iter_tasks_with_reports(user, tasks),
            today=today,
            supervision_counts=counts,
            by_document=len(document_ids) > 1,
            groups=selectors.unit_groups(),
        ),
        total=total,
    )


def export(
    user, shares: QuerySet, target, *, filters=(), now=None, on_progress: Progress | None = None, stats=None
) -> int:
    """Build and write the ledger; returns the number of task rows.

    A ledger of more than `settings.LEDGER_WRITER_PROCESS_ROWS` tasks is written by a second
    process while this one reads (`ledgers.pipeline`); smaller ones here."""
    ledger = build(user, shares, filters=filters, now=now)
    beside = settings.LEDGER_WRITER_PROCESS_ROWS
    if beside and ledger.total > beside and pipeline.can_fork():
        return pipeline.write_ledger_beside(ledger, target, on_progress=on_progress, stats=stats)
    return write_ledger(ledger, target, on_progress=on_progress)


def filename(now: dt.datetime | None = None, stem: str = LEDGER_TITLE) -> str:
    return f"{stem}_{timezone.localtime(now or timezone.now()):%Y%m%d_%H%M}.xlsx"


MY_WORK = "my_work"


def job_shares(user, kind: str, params: dict, today: dt.date) -> tuple[QuerySet, list[tuple[str, str]]]:
    """The shares of an export request: the ledger page's filters, or 我的待办."""
    if kind == MY_WORK:
        return my_work_shares(user), [("范围", "我的待办")]
    return filtered_shares(user, params, today)
