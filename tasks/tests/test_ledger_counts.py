"""The ledger's counts and pages read by the faster routes (issue 15) are the same rows as before.

- 仅看逾期 / 红灯: the task count is a UNION of the two disjoint overdue branches
  (AssignmentFilter.disjoint_parts); it must equal the tasks with a red share, around deadlines on
  holidays and weekends, requests for completion made on time and too late, and extensions.
- The search box alone: tasks counted and paged on their own table
  (AssignmentFilter.searched_tasks_alone); the same tasks the shares route finds.
"""

import datetime as dt
import itertools
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import QueryDict
from django.urls import reverse

from documents.models import SourceDocument
from tasks.filters import AssignmentFilter
from tasks.lights import Light, _literal, assignment_light
from tasks.models import Assignment, AssignmentState, Task

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Around the National Day holiday (10-01…10-08, with 调休 Saturday 10-10) and ordinary weekends.
TODAYS = [dt.date(2026, 9, 23), dt.date(2026, 10, 9), dt.date(2026, 10, 12), dt.date(2026, 10, 19)]
DEADLINES = [None] + [dt.date(2026, 9, 20) + dt.timedelta(days=n) for n in range(0, 30)]
ASKED = [
    None,
    dt.datetime(2026, 9, 30, 16, tzinfo=SHANGHAI),
    dt.datetime(2026, 10, 9, 0, 10, tzinfo=SHANGHAI),  # just after midnight: the local day counts
    dt.datetime(2026, 10, 12, 8, tzinfo=SHANGHAI),
]


def _total(body: str) -> int:
    return int(re.search(r'data-testid="ledger-total">(\d+)<', body).group(1))


def _task_ids(body: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'<tr data-task="(\d+)"', body)}


@pytest.fixture
def shares(personas):
    """Tasks of one to three shares over the grid of deadlines × states × request days (one task
    in three extended by an approved request: its shares' deadline moved, original kept)."""
    units = [personas.lead_unit, personas.support_unit, personas.other_unit]
    cases = [
        (deadline, state, asked)
        for deadline, state, asked in itertools.product(DEADLINES, AssignmentState.values, ASKED)
        if state == AssignmentState.COMPLETION_REQUESTED or asked is None
    ]
    tasks = Task.objects.bulk_create([Task(text=f"逾期测试 {n}") for n in range(len(cases))])
    rows = []
    for n, ((deadline, state, asked), task) in enumerate(zip(cases, tasks, strict=True)):
        extended = deadline and n % 3 == 0
        for k in range(n % 3 + 1):
            # The other shares of the task are open or done, and due a few days apart.
            own = (deadline, state, asked) if k == 0 else (deadline and deadline + dt.timedelta(days=4 * k),
                                                           AssignmentState.values[(n + k) % 2 * 3], None)  # fmt: skip
            rows.append(Assignment(
                task=task, unit=units[k], deadline=own[0] and own[0] + dt.timedelta(days=7 if extended else 0),
                original_deadline=own[0], state=own[1], completion_requested_at=own[2],
            ))  # fmt: skip
    return Assignment.objects.bulk_create(rows)


def _red(today) -> list[Assignment]:
    return [a for a in Assignment.objects.select_related("task") if assignment_light(a, today) == Light.RED]


@pytest.mark.parametrize("today", TODAYS)
def test_overdue_ledger_counts_the_tasks_with_a_red_share(client, personas, shares, today):
    red = _red(today)
    assert red, "the grid has overdue shares on every day"
    client.force_login(personas.supervisor)
    with time_machine.travel(dt.datetime.combine(today, dt.time(10), SHANGHAI), tick=False):
        for query in ("overdue=on", "light=red", "overdue=on&light=red"):
            body = client.get(f"{reverse('tasks:ledger')}?{query}").content.decode()
            assert _total(body) == len({a.task_id for a in red}), query
            shares_view = client.get(f"{reverse('tasks:ledger')}?{query}&view=shares").content.decode()
            assert _total(shares_view) == len(red), query
        # With another condition, each part keeps it.
        body = client.get(f"{reverse('tasks:ledger')}?overdue=on&unit={personas.support_unit.pk}").content.decode()
        assert _total(body) == len({a.task_id for a in red if a.unit_id == personas.support_unit.pk})


@pytest.mark.parametrize("today", TODAYS)
def test_disjoint_parts_split_the_selection_exactly(personas, shares, today):
    data = QueryDict("overdue=on&q=逾期测试")
    filterset = AssignmentFilter(data, queryset=Assignment.objects.all(), today=today)
    assert filterset.is_valid()
    parts = [set(part.values_list("pk", flat=True)) for part in filterset.disjoint_parts()]
    assert len(parts) == 2 and not parts[0] & parts[1]
    assert parts[0] | parts[1] == set(filterset.qs.values_list("pk", flat=True)) == {a.pk for a in _red(today)}
    assert all(part for part in parts), "both branches occur"
    plain = AssignmentFilter(QueryDict("q=逾期测试"), queryset=Assignment.objects.all(), today=today)
    assert plain.is_valid() and len(plain.disjoint_parts()) == 1


def test_dates_are_written_into_the_statement_only_as_dates():
    assert _literal(dt.date(2026, 10, 3), "::date") == "'2026-10-03'::date"
    for value in ("2026-10-03'; DROP TABLE x; --", dt.datetime(2026, 10, 3, 8), None):
        with pytest.raises(TypeError):
            _literal(value, "")


@pytest.fixture
def searched(personas):
    """Tasks found by 营商环境 in their text, their title, their document's title or as their
    序号, beside tasks it does not find; one of them shared only with another unit."""
    from tasks import services

    document = SourceDocument.objects.create(title="优化营商环境工作方案")
    found, missed = [], []
    for n, (fields, hit) in enumerate([
        ({"text": "持续优化营商环境，推进改革。"}, True),
        ({"text": "其他工作", "title": "营商环境评价"}, True),
        ({"text": "按文件落实"}, True),  # by its document
        ({"text": "序号查找", "number": "营商环境"}, True),
        ({"text": "营商 环境（中间有空格）"}, False),
        ({"text": "安全生产"}, False),
    ]):  # fmt: skip
        units = [personas.other_unit] if n == 1 else [personas.lead_unit]
        task = services.create_task(personas.supervisor, lead_units=units, **fields)
        if n == 2:
            Task.objects.filter(pk=task.pk).update(source_document=document)
        (found if hit else missed).append(task)
    return found, missed


def test_search_alone_finds_the_same_tasks_by_either_route(as_user, personas, searched):
    found, _missed = searched
    url = f"{reverse('tasks:ledger')}?q=营商环境"
    body = as_user("supervisor").get(url).content.decode()
    assert _total(body) == len(found) and _task_ids(body) == {t.pk for t in found}
    # With a condition every task meets (each has a lead share) the search goes through the
    # shares, the route it took before: the same tasks.
    through_shares = as_user("supervisor").get(url + "&role=lead").content.decode()
    assert _total(through_shares) == _total(body) and _task_ids(through_shares) == _task_ids(body)
    # A clerk reads only their unit's tasks: the route through their shares.
    clerk = as_user("lead_clerk").get(url).content.decode()
    assert _task_ids(clerk) == {t.pk for t in found if t.assignments.filter(unit=personas.lead_unit).exists()}


def test_search_alone_is_taken_only_without_other_conditions(personas, searched):
    def alone(query):
        filterset = AssignmentFilter(QueryDict(query), queryset=Assignment.objects.all(), request=None)
        return filterset.searched_tasks_alone()

    assert {t.pk for t in alone("q=营商环境")} == {t.pk for t in searched[0]}
    assert alone("q=营商环境&state=pending") is None
    assert alone("q=营商环境&overdue=on") is None
    assert alone("q=%20%20") is None and alone("") is None
    assert alone("q=营商环境&deadline_after=&deadline_before=") is not None  # an empty range is no condition
