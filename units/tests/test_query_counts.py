"""No N+1 on the unit registry pages: the number of queries does not grow with the rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks import services as task_services
from testing.personas import make_user
from units import services
from units.models import Unit, UnitGroup, UnitKind

SMALL, LARGE = 3, 30


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def add_units(personas, n: int, *, prefix: str, parent: Unit, group: UnitGroup) -> None:
    """n units with a parent, members, aliases, open tasks, a group, and a retired predecessor each."""
    for i in range(n):
        unit = Unit.objects.create(name=f"{prefix}街道{i}", kind=UnitKind.SUBDISTRICT, parent=parent)
        Unit.objects.create(name=f"{prefix}乡{i}", kind=UnitKind.TOWNSHIP, active=False, successor=unit)
        make_user(f"{prefix}clerk{i}", "staff", unit)
        services.add_alias(unit, f"{prefix}别名{i}", personas.supervisor)
        group.members.add(unit)
        task_services.create_task(
            personas.supervisor, text=f"{prefix}任务{i}", deadline=dt.date(2026, 12, 31), lead_units=[unit]
        )


@pytest.fixture
def registry(personas):
    parent = Unit.objects.create(name="区城市管理局", kind=UnitKind.DEPARTMENT)
    group = UnitGroup.objects.create(name="区安委会成员单位")
    return parent, group


@pytest.mark.parametrize("query", ["", "?retired=1", "?kind=subdistrict", "?q=街道", "?q=别名"])
@pytest.mark.parametrize("who", ["supervisor", "lead_clerk"])
def test_unit_list(client, personas, registry, who, query):
    parent, group = registry
    client.force_login(getattr(personas, who))
    url = reverse("units:list") + query
    add_units(personas, SMALL, prefix="甲", parent=parent, group=group)
    small = count_queries(client, url)
    add_units(personas, LARGE - SMALL, prefix="乙", parent=parent, group=group)
    large = count_queries(client, url)
    assert small == large, f"{url}: {small} queries at {SMALL} units, {large} at {LARGE}"
    assert large <= 6


def test_unit_detail(client, personas, registry):
    """A unit with many aliases, members, children, predecessors, groups and history rows."""
    parent, group = registry
    client.force_login(personas.supervisor)
    url = reverse("units:detail", args=[parent.pk])
    add_units(personas, SMALL, prefix="甲", parent=parent, group=group)
    for i in range(SMALL):
        services.add_alias(parent, f"城管别名{i}", personas.supervisor)
    small = count_queries(client, url)
    add_units(personas, LARGE - SMALL, prefix="乙", parent=parent, group=group)
    for i in range(SMALL, LARGE):
        services.add_alias(parent, f"城管别名{i}", personas.supervisor)
        make_user(f"cg{i}", "staff", parent)
    large = count_queries(client, url)
    assert small == large, f"unit detail: {small} queries at {SMALL} rows, {large} at {LARGE}"
    assert large <= 14


def test_retired_unit_detail(client, personas, registry):
    """A retired unit at the end of a long chain of successors: the chain is not walked per row."""
    parent, group = registry
    client.force_login(personas.lead_clerk)
    add_units(personas, LARGE, prefix="甲", parent=parent, group=group)
    retired = Unit.objects.filter(active=False).first()
    assert count_queries(client, reverse("units:detail", args=[retired.pk])) <= 14
