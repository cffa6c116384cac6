"""ledgers.rows: rows and cells from tasks, with no file written."""

import datetime as dt

from django.utils import timezone

from ledgers import rows, selectors
from ledgers.rows import SectionRow, TaskRow
from tasks import services
from tasks.lights import Light
from tasks.models import Task

TODAY = dt.date(2026, 11, 30)


def build(tasks, user=None, **kwargs):
    tasks = list(selectors.ledger_tasks(Task.objects.filter(pk__in=[t.pk for t in tasks]).values("pk")))
    ids = [t.pk for t in tasks]
    reports = selectors.reports_by_task(user, ids) if user else selectors.all_reports_by_task(ids)
    return rows.build_ledger(tasks, reports, today=TODAY, title="台账", **kwargs)


def test_section_rows_once_each_in_source_order(plan):
    ledger = build(plan)
    kinds = [(r.level, r.title) if isinstance(r, SectionRow) else r.cells["seq"] for r in ledger.rows]
    assert kinds == [(0, "一、稳增长"), (1, "（一）扩大投资"), 1, 2, (1, "（二）促进消费"), 3, (0, "二、惠民生"), 4]


def test_cells_follow_the_source_table(plan, personas):
    ledger = build(plan)
    first = ledger.task_rows[0].cells
    assert first["text"] == "推进重点项目建设。"
    assert first["lead"] == "区发展和改革委员会"
    assert first["support"] == "区工业和信息化局"
    assert first["deadline"] == "2026年12月31日"
    assert first["state"] == "待签收"
    assert first["percent"] == "0%"
    assert first["progress"] == "" and first["reported"] == ""
    assert [c.header for c in ledger.columns][:5] == [
        "序号",
        "工作任务和要求",
        "牵头单位",
        "责任单位（配合）",
        "完成时限",
    ]


def test_progress_is_the_latest_consolidated_report_else_the_latest_report(plan, personas):
    task = plan[0]
    lead = task.assignments.get(unit=personas.lead_unit)
    support = task.assignments.get(unit=personas.support_unit)
    t0 = timezone.now()
    services.report_progress(personas.support_clerk, support, progress="配合单位进展", percent=30, now=t0)
    assert build([task]).task_rows[0].cells["progress"] == "配合单位进展"
    services.consolidate(
        personas.lead_clerk, lead, progress="汇总进展", problems="资金不足", percent=50, now=t0 + dt.timedelta(hours=1)
    )
    services.report_progress(
        personas.support_clerk, support, progress="更晚的配合进展", percent=60, now=t0 + dt.timedelta(hours=2)
    )
    cells = build([task]).task_rows[0].cells
    assert cells["progress"] == "汇总进展\n存在问题：资金不足"
    assert cells["percent"] == "50%"
    assert cells["reported"] == f"{timezone.localtime(t0 + dt.timedelta(hours=2)):%Y-%m-%d}"


def test_a_clerk_sees_only_the_reports_they_may_read(plan, personas):
    """A supporting unit does not read another supporting unit's report through the ledger."""
    task = plan[0]
    services.add_assignment(personas.supervisor, task, unit=personas.other_unit, role="support", reason="补充")
    other = task.assignments.get(unit=personas.other_unit)
    services.report_progress(personas.other_clerk, other, progress="教体局的进展", percent=10)
    assert build([task], user=personas.support_clerk).task_rows[0].cells["progress"] == ""
    assert build([task], user=personas.lead_clerk).task_rows[0].cells["progress"] == "教体局的进展"


def test_light_word_and_code(plan):
    row = build(plan).task_rows[0]
    assert isinstance(row, TaskRow)
    # Due 2026-12-31, a month away from TODAY with no reporting cycle: green.
    assert row.light == Light.GREEN and row.cells["light"] == "绿灯"


def test_several_documents_head_their_tasks(plan, personas):
    other = services.create_task(
        personas.supervisor, text="没有来源文件的任务。", section="一、稳增长", lead_units=[personas.lead_unit]
    )
    ledger = build([*plan, other], by_document=True)
    titles = [r.title for r in ledger.rows if isinstance(r, SectionRow) and r.level == 0]
    assert titles == ["《关于印发2026年重点工作任务责任分工的通知》", "其他任务"]


def test_the_supervision_column_counts_the_reminders_orders(plan):
    # The reminders app is installed: every task gets a count (0 without any 督办单).
    assert selectors.supervision_counts([t.pk for t in plan]) == {t.pk: 0 for t in plan}
    assert "督办" not in [c.header for c in build(plan).columns]  # no counts given, no column
    ledger = build(plan, supervision_counts={plan[0].pk: 2})
    assert ledger.columns[-1].header == "督办" and ledger.task_rows[0].cells["supervision"] == 2


def test_filter_summary():
    assert rows.filter_summary([]) == "全部"
    assert rows.filter_summary([("承办单位", "区发改委"), ("状态", "")]) == "承办单位：区发改委"


def test_a_whole_group_is_written_by_its_name(personas):
    from units.models import Unit, UnitGroup

    towns = [Unit.objects.create(name=f"{n}镇", kind="乡镇") for n in ("甲", "乙", "丙")]
    UnitGroup.objects.create(name="各乡镇（街道）", kinds=["乡镇", "街道"])
    UnitGroup.objects.create(name="区直有关单位", needs_confirmation=True)
    groups = selectors.unit_groups()
    assert groups == [("各乡镇（街道）", frozenset(t.pk for t in towns))]
    assert rows.unit_names([personas.support_unit, *towns], groups) == "区工业和信息化局、各乡镇（街道）"
    assert rows.unit_names([personas.support_unit, *towns[:2]], groups) == "区工业和信息化局、甲镇、乙镇"
