"""ledgers.selectors: the export reads tasks a batch at a time, in source order, with the one
report each row shows."""

import datetime as dt

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ledgers import exports, selectors
from ledgers.selectors import OneOf
from tasks import services
from tasks.models import Task


def _share_batches(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].startswith('SELECT "tasks_assignment"."id"')]


def test_an_export_reads_its_tasks_a_batch_at_a_time(plan, personas):
    """The rows come while the file is written: the first row needs only the first batch of
    tasks read, never every task of the ledger at once."""
    services.report_progress(personas.support_clerk, plan[2].assignments.get(unit=personas.support_unit),
                             progress="第三项的进展", percent=20)  # fmt: skip
    rows = selectors.iter_tasks_with_reports(None, Task.objects.all(), chunk=2)
    with CaptureQueriesContext(connection) as captured:
        first, reports = next(rows)
        assert len(_share_batches(captured)) == 1
        assert first.pk == plan[0].pk and reports == []
        rest = list(rows)
    assert len(_share_batches(captured)) == 2
    assert [task.pk for task, _ in rest] == [t.pk for t in plan[1:]]
    assert [[r.progress for r in reports] for _, reports in rest] == [[], ["第三项的进展"], []]


def test_batches_keep_source_order_and_every_share_lead_first(plan, personas):
    services.add_assignment(personas.supervisor, plan[3], unit=personas.lead_unit, role="support", reason="补充")
    rows = selectors.iter_tasks_with_reports(None, Task.objects.all(), chunk=3)
    with CaptureQueriesContext(connection) as captured:
        tasks = [task for task, _ in rows]
    assert len(_share_batches(captured)) == 2
    assert [task.pk for task in tasks] == [t.pk for t in plan]
    assert [[(s.role, s.unit.name) for s in task.assignments] for task in tasks][::3] == [
        [("lead", personas.lead_unit.name), ("support", personas.support_unit.name)],
        [("lead", personas.other_unit.name), ("support", personas.lead_unit.name)],
    ]


def test_the_row_shows_the_latest_consolidated_report_even_when_a_later_one_exists(plan, personas):
    task = plan[0]
    lead = task.assignments.get(unit=personas.lead_unit)
    support = task.assignments.get(unit=personas.support_unit)
    t0 = timezone.now()
    services.consolidate(personas.lead_clerk, lead, progress="汇总", percent=40, now=t0)
    services.report_progress(personas.support_clerk, support, progress="更晚的配合进展", percent=60,
                             now=t0 + dt.timedelta(hours=1))  # fmt: skip
    shown = dict(selectors.iter_tasks_with_reports(None, Task.objects.filter(pk=task.pk)))
    assert [r.progress for r in shown[next(iter(shown))]] == ["汇总"]
    # A supporting clerk reads the lead's consolidated report too (一次上报、多方共享).
    shown = dict(selectors.iter_tasks_with_reports(personas.support_clerk, Task.objects.filter(pk=task.pk)))
    assert [r.progress for r in next(iter(shown.values()))] == ["汇总"]


def test_one_of_matches_a_large_batch_of_ids(plan):
    ids = [t.pk for t in plan[:2]] + list(range(10**6, 10**6 + 3000))  # past SQLite's old 999 limit
    found = Task.objects.filter(OneOf(F("pk"), ids)).values_list("pk", flat=True)
    assert sorted(found) == sorted(t.pk for t in plan[:2])


def test_an_export_counts_supervision_orders_without_an_entry_per_task(plan, personas):
    assert selectors.supervision_counts(among=Task.objects.all()) == {}
    ledger = exports.build(personas.supervisor, exports.readable_shares(personas.supervisor))
    assert [row.cells["supervision"] for row in ledger.rows if hasattr(row, "cells")] == [0, 0, 0, 0]
    assert ledger.total == 4 and "共 4 项" in ledger.subtitle
