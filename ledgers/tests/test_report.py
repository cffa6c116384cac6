"""manage.py export_report --month: summary rates, overdue working days, completions, extensions."""

import datetime as dt
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from tasks import services

from .conftest import open_xlsx

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0, tzinfo=TZ)


@pytest.fixture
def month_of_work(personas):
    p = personas

    def make(text, lead, deadline, when):
        return services.create_task(
            p.supervisor, text=text, deadline=deadline, lead_units=[lead], now=when
        ).assignments.get()

    done = make("按时办结的任务。", p.lead_unit, dt.date(2026, 11, 10), at(2))
    late = make("逾期未办结的任务。", p.support_unit, dt.date(2026, 11, 13), at(2))
    extended = make("获准延期的任务。", p.other_unit, dt.date(2026, 11, 20), at(2))
    services.report_progress(p.lead_clerk, done, progress="完成", percent=100, now=at(3))
    done.refresh_from_db()
    services.request_completion(p.lead_clerk, done, now=at(5))
    done.refresh_from_db()
    services.approve(p.supervisor, done, now=at(6))
    request = services.request_extension(
        p.other_clerk, extended, requested_deadline=dt.date(2026, 12, 20), reason="待上级批复", now=at(18)
    )
    services.decide_extension(p.supervisor, request, approved=True, comment="同意", now=at(19))
    return done, late, extended


def run(*args) -> dict:
    out = StringIO()
    call_command("export_report", *map(str, args), stdout=out)
    return json.loads(out.getvalue())


def test_the_monthly_report(month_of_work, tmp_path):
    path = tmp_path / "r.xlsx"
    with time_machine.travel(at(5, 12), tick=False):
        counts = run("--month", "2026-11", "--out", path)
    assert counts["sheets"] == {"汇总": 3, "逾期事项": 1, "本月办结": 1, "延期审批": 1}
    wb = open_xlsx(path)
    summary = {row[0]: row for row in wb["汇总"].iter_rows(min_row=4, values_only=True)}
    assert summary["区发展和改革委员会"][1:6] == (1, 1, 1.0, 1, 1.0)
    assert summary["区工业和信息化局"][1:4] == (1, 0, 0) and summary["区工业和信息化局"][6] == 1
    assert summary["区教育体育局"][6] == 0  # the extension moved its deadline past the month
    assert wb["汇总"].cell(4, 4).number_format == "0.0%"
    overdue = list(wb["逾期事项"].iter_rows(min_row=4, values_only=True))
    # 2026-11-13 (Fri) → 11-30 (Mon): 16–20, 23–27 and 30 November are 11 working days.
    assert overdue == [(1, "区工业和信息化局", "牵头", "逾期未办结的任务。", None, "2026-11-13", 11, "待签收")]
    completed = list(wb["本月办结"].iter_rows(min_row=4, values_only=True))
    assert completed == [(1, "区发展和改革委员会", "牵头", "按时办结的任务。", "2026-11-10", "2026-11-06", "按时")]
    extension = next(wb["延期审批"].iter_rows(min_row=4, values_only=True))
    assert extension[1:7] == ("区教育体育局", "获准延期的任务。", "2026-11-20", "2026-12-20", "待上级批复", "已同意")
    for ws in wb:
        assert ws.freeze_panes == "A4" and ws.page_setup.orientation == "landscape"


def test_the_current_month_counts_overdue_days_to_today(month_of_work, tmp_path):
    path = tmp_path / "r.xlsx"
    with time_machine.travel(at(18), tick=False):
        run("--month", "2026-11", "--out", path)
    overdue = list(open_xlsx(path)["逾期事项"].iter_rows(min_row=4, values_only=True))
    assert overdue[0][6] == 3  # 16, 17 and 18 November


def test_bad_month():
    with pytest.raises(CommandError, match="YYYY-MM"):
        run("--month", "2026-13", "--out", "x.xlsx")
