"""No N+1 on the task screens: the number of queries per page does not grow with the rows.

Each page is rendered at two sizes (SMALL and LARGE rows) and must take the same number of
queries; a fixed ceiling on top keeps a constant but wasteful page from creeping up unseen.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks import discussion, services, widgets
from tasks.models import ReportingCycle
from units.models import Unit, UnitKind
from workdays import calendar

SMALL, LARGE = 3, 30
TODAY = dt.date(2026, 6, 15)


def count_queries(client, url: str) -> int:
    """Queries to render `url`, starting from a cold calendar cache and no kept filter options
    each time (as a new process)."""
    calendar.clear_cache()
    widgets.clear_cache()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def build_tasks(personas, n: int, *, prefix: str) -> list:
    """n tasks led by 区发改委 and supported by 区工信局 plus one unit of their own, in every
    state and light: overdue, due soon, on track, ongoing, with reports, evidence, extensions."""
    p = personas
    tasks = []
    for i in range(n):
        extra = Unit.objects.create(name=f"{prefix}单位{i}", kind=UnitKind.TOWNSHIP)
        deadline = [dt.date(2026, 1, 10), dt.date(2026, 6, 17), dt.date(2026, 12, 31), None][i % 4]
        task = services.create_task(
            p.supervisor,
            text=f"{prefix}任务{i}：推进重点项目建设",
            number=str(i + 1),
            section="一、重点工作",
            deadline=deadline,
            ongoing=deadline is None,
            reporting_cycle=[ReportingCycle.MONTHLY, ReportingCycle.NONE, ReportingCycle.QUARTERLY][i % 3],
            lead_units=[p.lead_unit],
            support_units=[p.support_unit, extra],
        )
        lead = task.assignments.get(unit=p.lead_unit)
        support = task.assignments.get(unit=p.support_unit)
        if i % 2:
            services.report_progress(
                p.support_clerk,
                support,
                progress="已完成前期工作",
                percent=40,
                files=[SimpleUploadedFile(f"evidence{i}.pdf", b"%PDF-1.4 evidence")],
            )
        if i % 3 == 0 and deadline is not None:
            services.request_extension(
                p.lead_clerk, lead, requested_deadline=deadline + dt.timedelta(days=30), reason="需要更多时间"
            )
        tasks.append(task)
    return tasks


@pytest.fixture
def frozen_today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def assert_constant(as_user, personas, url_for, who: str, *, ceiling: int):
    """Render the page at SMALL rows and again at LARGE rows; the counts must be equal."""
    client = as_user(who)
    build_tasks(personas, SMALL, prefix="甲")
    small = count_queries(client, url_for())
    build_tasks(personas, LARGE - SMALL, prefix="乙")
    large = count_queries(client, url_for())
    assert small == large, f"{url_for()}: {small} queries at {SMALL} tasks, {large} at {LARGE}"
    assert large <= ceiling, f"{url_for()}: {large} queries (ceiling {ceiling})"


LEDGER_FILTERS = [
    "",
    "?light=red",
    "?light=yellow",
    "?overdue=on",
    "?state=pending&role=lead",
    "?q=推进&section=重点",
    "?deadline_min=2026-01-01&deadline_max=2026-12-31",
    "?sort=-deadline",
    "?sort=unit",
    # The dashboard's drill-through conditions.
    "?task_light=red",
    "?task_state=done&unit_kind=township",
    "?ontime=yes",
    "?no_report=on&role=support",
    "?extension=any",
    "?waiting=completion",
    "?waiting=extension",
    "?completed_after=2026-06-01&completed_before=2026-06-30",
    "?became_overdue_after=2026-01-01&became_overdue_before=2026-06-15",
    "?leader=null&document=null&section_exact=一、重点工作",
]


# 10, plus the bell's unread count in the header (reminders).
LEDGER_CEILING = 11


@pytest.mark.parametrize("query", LEDGER_FILTERS)
@pytest.mark.parametrize("who", ["supervisor", "lead_clerk"])
def test_ledger_by_share(as_user, personas, frozen_today, who, query):
    """The per-share view (`view=shares`) under the same filters."""
    url = reverse("tasks:ledger") + (query + "&" if query else "?") + "view=shares"
    assert_constant(as_user, personas, lambda: url, who, ceiling=LEDGER_CEILING)


@pytest.mark.parametrize("query", LEDGER_FILTERS)
@pytest.mark.parametrize("who", ["supervisor", "lead_clerk"])
def test_ledger(as_user, personas, frozen_today, who, query):
    """The ledger by task (the default view): one row per task, its shares folded under it."""
    assert_constant(as_user, personas, lambda: reverse("tasks:ledger") + query, who, ceiling=LEDGER_CEILING)


def test_ledger_filtered_by_unit_and_document(as_user, personas, frozen_today):
    url = lambda: reverse("tasks:ledger") + f"?unit={personas.support_unit.pk}"  # noqa: E731
    assert_constant(as_user, personas, url, "supervisor", ceiling=LEDGER_CEILING)


@pytest.mark.parametrize("who", ["lead_clerk", "support_clerk", "supervisor"])
def test_my_work(as_user, personas, frozen_today, who):
    assert_constant(as_user, personas, lambda: reverse("tasks:my_work"), who, ceiling=7)


def build_busy_task(personas, n: int, task=None):
    """One task with n more supporting units, each with a report carrying two files, extension
    requests and the history rows all of that writes."""
    p = personas
    if task is None:
        task = services.create_task(
            p.supervisor,
            text="一个很多单位承办的任务",
            deadline=dt.date(2026, 9, 30),
            reporting_cycle=ReportingCycle.MONTHLY,
            lead_units=[p.lead_unit],
            support_units=[p.support_unit],
        )
    start = task.assignments.count()
    for i in range(start, start + n):
        unit = Unit.objects.create(name=f"承办单位{i}", kind=UnitKind.TOWNSHIP)
        assignment = task.assignments.create(unit=unit, role="support", deadline=task.deadline)
        services.acknowledge(p.supervisor, assignment)
        files = [SimpleUploadedFile(f"a{i}.pdf", b"%PDF-1.4 a"), SimpleUploadedFile(f"b{i}.pdf", b"%PDF-1.4 b")]
        services.report_progress(p.supervisor, assignment, progress=f"第{i}家进展", percent=30, files=files)
        extension = services.request_extension(
            p.supervisor, assignment, requested_deadline=dt.date(2026, 10, 31), reason="材料未齐"
        )
        if i % 2:
            services.decide_extension(p.supervisor, extension, approved=True)
        # 批示 and discussion, mentioning the new unit: one query each, whatever their number.
        discussion.post_instruction(p.leader, task, text=f"第{i}条批示")
        discussion.post_comment(p.supervisor, task, text=f"@承办单位{i} 请报送，@区发改委 汇总")
    return task


@pytest.mark.parametrize("who", ["supervisor", "leader", "lead_clerk", "support_clerk"])
def test_task_detail(as_user, personas, frozen_today, who):
    client = as_user(who)
    task = build_busy_task(personas, SMALL)
    url = reverse("tasks:detail", args=[task.pk])
    small = count_queries(client, url)
    build_busy_task(personas, LARGE - SMALL, task=task)
    large = count_queries(client, url)
    assert small == large, f"task detail: {small} queries at {SMALL} units, {large} at {LARGE}"
    # 15 before the 批示 and the discussion: + the reader's units, the instructions, the comments
    # with their mentioned units, and the written forms of the task's units for the mentions.
    # + the bell's unread count and the task's 督办单 (reminders).
    assert large <= 21, large
