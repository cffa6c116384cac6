"""No N+1 on the dashboard, its data and the 工作台: the same number of queries at 1× and 2× data."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workdays import calendar

from .world import NOW, build_world


def count_queries(client, url: str) -> int:
    calendar.clear_cache()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


PAGES = [
    # Uncached (each world changes the data): the counts are one statement (dashboard.counting).
    # Each count includes reading the holiday calendar (cleared first; a server keeps it 5 minutes).
    ("dashboard:index", "", "leader", 15),
    ("dashboard:index", "?unit_kind=township&leader=null", "supervisor", 16),
    ("dashboard:index", "", "lead_clerk", 16),
    ("dashboard:data", "", "leader", 10),
    ("dashboard:data", "?document=null", "support_clerk", 11),
    ("dashboard:workbench", "", "supervisor", 15),
]


@pytest.mark.parametrize("name, query, who, ceiling", PAGES)
def test_constant_queries_at_1x_and_2x_data(client, personas, name, query, who, ceiling):
    url = reverse(name) + query
    client.force_login(getattr(personas, who))
    with time_machine.travel(NOW, tick=False):
        build_world(personas, seed=11, tasks=12, prefix="甲")
        small = count_queries(client, url)
        build_world(personas, seed=12, tasks=12, prefix="乙")
        large = count_queries(client, url)
    assert small == large, f"{url}: {small} queries at 1× data, {large} at 2×"
    assert large <= ceiling, f"{url}: {large} queries (ceiling {ceiling})"
