"""The dashboard's figures equal the ledger's counts for the same filters, over generated data.

Every number the dashboard draws (data.json) carries the ledger link that lists the rows it
counts: opening each link must show exactly that many rows. A few figures are also checked
against the lights' rules in Python (tasks.lights), row by row.
"""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tasks.lights import Light, assignment_light, task_light
from tasks.models import Assignment, AssignmentState, Task
from workdays import calendar

from .world import NOW, TODAY, build_world

TOTAL = re.compile(r'data-testid="ledger-total">(\d+)<')
ROW_IDS = re.compile(r'<tr[^>]*data-assignment="(\d+)"')
TASK_IDS = re.compile(r'<tr data-task="(\d+)"')


def figures_in(data, path=()):
    """Every {"n", "url"} figure in the dashboard's data, with where it sits."""
    if isinstance(data, dict):
        if set(data) >= {"n", "url"} and isinstance(data["n"], int):
            yield path, data
        for key, value in data.items():
            yield from figures_in(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from figures_in(value, (*path, i))


def ledger_total(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    match = TOTAL.search(response.content.decode())
    assert match, url
    return int(match.group(1))


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def dashboard_data(client, **params) -> dict:
    response = client.get(reverse("dashboard:data"), params)
    assert response.status_code == 200
    return json.loads(response.content)


def assert_every_figure_opens_its_rows(client, data) -> int:
    checked = 0
    for path, figure in figures_in(data):
        assert ledger_total(client, figure["url"]) == figure["n"], (path, figure)
        checked += 1
    return checked


@pytest.mark.parametrize("seed", [1, 2])
def test_every_figure_equals_the_ledger_rows_it_links_to(client, personas, frozen, seed):
    build_world(personas, seed=seed)
    client.force_login(personas.leader)
    data = dashboard_data(client)
    checked = assert_every_figure_opens_its_rows(client, data)
    assert checked > 100
    assert data["headline"]["tasks"]["n"] == Task.objects.count()
    assert data["headline"]["shares"]["n"] == Assignment.objects.count()


@pytest.mark.parametrize(
    "filters",
    [
        {"unit_kind": "township"},
        {"document": "null", "leader": "张副区长"},
        {"section_exact": "一、重点工作", "deadline_after": "2026-05-01", "deadline_before": "2026-07-31"},
        {"leader": "null"},
    ],
)
def test_filtered_figures_equal_the_ledger(client, personas, frozen, filters):
    build_world(personas, seed=7)
    client.force_login(personas.supervisor)
    data = dashboard_data(client, **filters)
    assert data["filters"] == filters
    for _path, figure in figures_in(data):
        for key, value in filters.items():
            assert f"{key}=" in figure["url"], (key, figure["url"])
            assert value
    assert_every_figure_opens_its_rows(client, data)


def test_the_page_draws_the_numbers_of_data_json(client, personas, frozen):
    build_world(personas, seed=4)
    client.force_login(personas.leader)
    data = dashboard_data(client)
    page = client.get(reverse("dashboard:index")).content.decode()
    links = re.findall(r'<a class="figure-link" href="([^"]+)" data-n="(\d+)"', page)
    drawn = {(url.replace("&amp;", "&"), int(n)) for url, n in links}
    expected = {(figure["url"], figure["n"]) for _path, figure in figures_in(data) if "overdue" not in _path[:1]}
    assert expected <= drawn
    # Every number on the page (rates included) is a link to the ledger.
    every_link = re.findall(r'class="figure-link[^"]*" href="([^"]+)"', page)
    assert len(every_link) > len(drawn)
    assert all(url.startswith(reverse("tasks:ledger")) for url in every_link)


def test_unit_overdue_links_list_exactly_the_overdue_shares(client, personas, frozen):
    """Checked against the Python rules (lights.assignment_light), not the SQL they share."""
    build_world(personas, seed=5)
    client.force_login(personas.leader)
    data = dashboard_data(client)
    today = timezone.localdate()
    assert today == TODAY
    for role, rows in data["units"].items():
        for row in rows:
            shares = Assignment.objects.filter(unit_id=row["unit_id"], role=role).select_related("task")
            expected = {a.pk for a in shares if assignment_light(a, today) == Light.RED}
            body = client.get(row["overdue"]["url"]).content.decode()
            assert {int(i) for i in ROW_IDS.findall(body)} == expected, row["unit"]
            assert row["overdue"]["n"] == len(expected)


def test_task_lights_and_on_time_agree_with_the_python_rules(client, personas, frozen):
    build_world(personas, seed=6)
    client.force_login(personas.leader)
    data = dashboard_data(client)
    today = timezone.localdate()
    tasks = list(Task.objects.prefetch_related("assignments"))
    for row in data["lights"]["tasks"]:
        expected = {t.pk for t in tasks if task_light(t, today) == row["light"]}
        body = client.get(row["url"]).content.decode()
        assert {int(i) for i in TASK_IDS.findall(body)} == expected, row["light"]
    on_time = set()
    for share in Assignment.objects.filter(state=AssignmentState.DONE):
        finished = timezone.localdate(share.completion_requested_at or share.completed_at)
        if share.deadline is None or finished <= calendar.effective_deadline(share.deadline):
            on_time.add(share.pk)
    body = client.get(data["headline"]["shares_on_time"]["url"]).content.decode()
    assert {int(i) for i in ROW_IDS.findall(body)} == on_time


def test_new_overdue_per_week_agrees_with_the_python_rules(client, personas, frozen):
    build_world(personas, seed=8, tasks=30)
    client.force_login(personas.leader)
    data = dashboard_data(client)
    today = timezone.localdate()
    shares = list(Assignment.objects.filter(deadline__isnull=False))
    for week in data["trend"]:
        start, end = dt.date.fromisoformat(week["start"]), dt.date.fromisoformat(week["end"])
        expected = set()
        for share in shares:
            first_overdue = calendar.effective_deadline(share.deadline) + dt.timedelta(days=1)
            finished_at = share.completion_requested_at or share.completed_at
            finished = timezone.localdate(finished_at) if finished_at else None
            late = finished is None or finished >= first_overdue
            if start <= first_overdue <= min(end, today) and late:
                expected.add(share.pk)
        assert week["new_overdue"]["n"] == len(expected), week["start"]
        completed = {
            a.pk
            for a in Assignment.objects.filter(state=AssignmentState.DONE)
            if start <= timezone.localdate(a.completed_at) <= end
        }
        assert week["completed"]["n"] == len(completed), week["start"]


def test_burden_reduction_no_metric_counts_activity(client, personas, frozen):
    """减负: units are compared by outcomes; nothing counts logins, clicks, words or reports."""
    build_world(personas, seed=9)
    client.force_login(personas.leader)
    text = json.dumps(dashboard_data(client))
    for banned in ("login", "click", "word", "report_count", "reports", "visits"):
        assert f'"{banned}' not in text, banned
