"""工作台 (issue 15): its counts read from the indexes alone and its rows written in Python say the
same as the lights and the template did."""

import datetime as dt
import itertools
import re
from zoneinfo import ZoneInfo

import time_machine
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import escape

from reminders.models import SupervisionOrder
from tasks import services
from tasks.lights import Light, assignment_light
from tasks.models import Assignment, AssignmentState, Task

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 10, 12)  # the Monday after the National Day holiday and its 调休 Saturday
DEADLINES = [None] + [dt.date(2026, 9, 26) + dt.timedelta(days=n) for n in range(0, 24)]
ASKED = [
    None,
    dt.datetime(2026, 10, 2, 16, tzinfo=SHANGHAI),
    dt.datetime(2026, 10, 9, 0, 10, tzinfo=SHANGHAI),
    dt.datetime(2026, 10, 11, 8, tzinfo=SHANGHAI),
]


def _every_case(personas) -> list[Assignment]:
    """One share (of its own task) per deadline × state × day it asked for completion."""
    units = [personas.lead_unit, personas.support_unit, personas.other_unit]
    cases = [
        case
        for case in itertools.product(DEADLINES, AssignmentState.values, ASKED)
        if case[1] == AssignmentState.COMPLETION_REQUESTED or case[2] is None
    ]
    tasks = Task.objects.bulk_create([Task(text=f"工作台 {n}") for n in range(len(cases))])
    Assignment.objects.bulk_create(
        Assignment(task=task, unit=units[n % 3], deadline=deadline, state=state, completion_requested_at=asked)
        for n, ((deadline, state, asked), task) in enumerate(zip(cases, tasks, strict=True))
    )
    return list(Assignment.objects.select_related("task"))


def test_counts_are_the_red_shares_the_queue_and_the_week(client, personas):
    everything = _every_case(personas)
    sunday = TODAY + dt.timedelta(days=6 - TODAY.weekday())
    expected = {
        "overdue": sum(1 for a in everything if assignment_light(a, TODAY) == Light.RED),
        "completions": sum(1 for a in everything if a.state == AssignmentState.COMPLETION_REQUESTED),
        "due_this_week": sum(
            1 for a in everything if a.state != AssignmentState.DONE and a.deadline and TODAY <= a.deadline <= sunday
        ),
    }
    assert all(expected.values())
    client.force_login(personas.supervisor)
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), SHANGHAI), tick=False):
        counts = client.get(reverse("dashboard:workbench")).context["counts"]
    assert {name: counts[name] for name in expected} == expected


def test_lists_are_the_first_ten_red_shares_and_due_this_week(client, personas):
    """逾期 and 本周到期 list the first ten shares by deadline (then task, then share) of every
    state they cover: the shares at work and those that asked for completion, chosen apart."""
    everything = _every_case(personas)
    sunday = TODAY + dt.timedelta(days=6 - TODAY.weekday())
    order = lambda a: (a.deadline, a.task_id, a.pk)  # noqa: E731
    red = sorted((a for a in everything if assignment_light(a, TODAY) == Light.RED), key=order)
    week = sorted(
        (a for a in everything if a.state != AssignmentState.DONE and a.deadline and TODAY <= a.deadline <= sunday),
        key=order,
    )
    for shares in (red[:10], week[:10]):  # both kinds of share among the first ten
        assert {a.state == AssignmentState.COMPLETION_REQUESTED for a in shares} == {True, False}
    client.force_login(personas.supervisor)
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), SHANGHAI), tick=False):
        context = client.get(reverse("dashboard:workbench")).context
    for name, shares in (("overdue", red), ("due_this_week", week)):
        shown = [int(task) for task in re.findall(r'href="/tasks/(\d+)/"', str(context[name]))]
        assert shown == [a.task_id for a in shares[:10]], name


def test_rows_escape_what_people_typed_and_link_each_task(client, personas):
    task = services.create_task(
        personas.supervisor,
        text="<script>alert(1)</script>的任务",
        number="7&8",
        lead_units=[personas.lead_unit],
        deadline=dt.date(2026, 1, 5),
    )
    share = task.assignments.get()
    services.report_progress(personas.lead_clerk, share, progress="进展<b>很好</b>" * 10, percent=100)
    share.refresh_from_db()
    services.request_completion(personas.lead_clerk, share)
    SupervisionOrder.objects.create(
        year=2026,
        serial=1,
        number="督办<1>号",
        assignment=share,
        task=task,
        unit=personas.lead_unit,
        leader_name="张&三",
    )
    client.force_login(personas.supervisor)
    body = client.get(reverse("dashboard:workbench")).content.decode()
    assert "<script>alert" not in body and "<b>很好" not in body
    assert "7&amp;8. &lt;script&gt;alert(1)&lt;/script&gt;的任务" in body
    assert f'href="{reverse("tasks:detail", args=[task.pk])}"' in body
    assert f'href="{reverse("tasks:review", args=[share.pk])}" data-testid="review-{share.pk}"' in body
    assert "督办&lt;1&gt;号" in body and "分管领导 张&amp;三" in body
    # The progress is cut as the template's |truncatechars:60 cut it.
    cut = truncatechars("进展<b>很好</b>" * 10, 60)
    assert len(cut) == 60 and f'<td class="d-none d-md-table-cell small">{escape(cut)}</td>' in body
