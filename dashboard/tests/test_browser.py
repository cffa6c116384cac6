"""In headless Chromium: 区领导 land on the 统计看板 and drill into a unit's overdue number;
督查室 land on the 工作台 and approve a completion request from it. Screenshots at 1366 px
and at phone width (390 px) go to the test's tmp_path."""

import os

import pytest
from django.urls import reverse
from django.utils import timezone

from testing.browser import login_page
from testing.personas import PASSWORD

from .world import build_world

# Playwright's sync API runs an event loop in this thread; Django's ORM calls here are plain setup.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def shots(page, tmp_path, name: str) -> None:
    """Full-page screenshots at 1366 px and 390 px; the tall phone page also in 1,600 px slices."""
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
    total = page.evaluate("document.documentElement.scrollHeight")
    for i, top in enumerate(range(0, total, 1600)):
        clip = {"x": 0, "y": top, "width": 390, "height": min(1600, total - top)}
        page.screenshot(path=str(tmp_path / f"{name}-390-part{i}.png"), full_page=True, clip=clip)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.mark.browser
def test_leader_lands_on_the_dashboard_and_opens_a_units_overdue_tasks(
    browser, live_server, transactional_db, personas, tmp_path
):
    from tasks.lights import Light, assignment_light
    from tasks.models import Assignment

    build_world(personas, seed=21, tasks=30, today=timezone.localdate())
    page = login_page(browser, live_server, "leader", PASSWORD)
    assert page.url == live_server.url + reverse("dashboard:index")
    page.wait_for_selector("#chart-units")
    assert page.locator("script:not([src])").count() == 1  # only the json_script data block
    shots(page, tmp_path, "dashboard")
    # Printed for a meeting: no navigation, no filters, no buttons; the tables stay.
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("[data-testid=dashboard-filters]").is_visible()
    assert not page.locator("[data-print]").is_visible()
    assert page.locator("[data-testid=units-lead]").is_visible()
    page.screenshot(path=str(tmp_path / "dashboard-print.png"), full_page=True)
    page.emulate_media(media="screen")

    # The lead unit with the most overdue shares: click its number in the 牵头 table.
    rows = page.locator("[data-testid=units-lead] tbody tr[data-unit]")
    best, best_n = None, 0
    for i in range(rows.count()):
        n = int(rows.nth(i).locator(".fig-overdue a").inner_text())
        if n > best_n:
            best, best_n = rows.nth(i), n
    assert best is not None, "the generated data has overdue lead shares"
    unit_id = int(best.get_attribute("data-unit"))
    best.locator(".fig-overdue a").click()
    page.wait_for_selector("[data-testid=ledger-total]")
    assert int(page.inner_text("[data-testid=ledger-total]")) == best_n
    shown = {
        int(x)
        for x in page.locator("[data-testid=assignments] tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.assignment)"
        )
    }
    today = timezone.localdate()
    expected = {
        a.pk
        for a in Assignment.objects.filter(unit_id=unit_id, role="lead").select_related("task")
        if assignment_light(a, today) == Light.RED
    }
    assert shown == expected
    assert page.locator("[data-testid=assignments] [data-light=red]").count() == best_n
    shots(page, tmp_path, "ledger-unit-overdue")

    # The same rows by task, expandable to their shares; then the whole ledger by task.
    page.click("[data-testid=view-1]")
    page.wait_for_selector("[data-testid=ledger-tasks]")
    assert page.locator("[data-testid=ledger-tasks] tbody tr[data-task]").count() == best_n
    page.goto(live_server.url + reverse("tasks:ledger"))
    first = page.locator("[data-testid=ledger-tasks] details").first
    first.locator("summary").click()
    assert first.locator("tr[data-assignment]").count() >= 1
    shots(page, tmp_path, "ledger-tasks")
    page.emulate_media(media="print")
    assert not page.locator("[data-testid=ledger-filters]").is_visible()
    page.screenshot(path=str(tmp_path / "ledger-tasks-print.png"), full_page=True)
    page.emulate_media(media="screen")
    # No column so narrow that its header wraps one character per line.
    for header in page.locator("[data-testid=ledger-tasks] thead th:visible").all():
        box = header.bounding_box()
        assert box["height"] < 40, header.inner_text()


@pytest.mark.browser
def test_supervisor_approves_a_request_from_the_workbench(
    browser, live_server, transactional_db, personas, lead_assignment, support_assignment, tmp_path
):
    from tasks import services
    from tasks.models import AssignmentState

    p = personas
    services.report_progress(p.support_clerk, support_assignment, progress="工信局已完成配套工作", percent=100)
    services.consolidate(p.lead_clerk, lead_assignment, progress="项目已全部开工", percent=100)
    services.request_completion(p.lead_clerk, lead_assignment)
    build_world(personas, seed=22, tasks=12, today=timezone.localdate())

    page = login_page(browser, live_server, "supervisor", PASSWORD)
    assert page.url == live_server.url + reverse("dashboard:workbench")
    waiting = int(page.inner_text("[data-testid=count-completions]"))
    assert waiting >= 1
    shots(page, tmp_path, "workbench")
    page.click(f"[data-testid=review-{lead_assignment.pk}]")
    page.check("input[name=decision][value=approve]")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=已销号")
    lead_assignment.refresh_from_db()
    assert lead_assignment.state == AssignmentState.DONE
    page.goto(live_server.url + reverse("dashboard:workbench"))
    assert int(page.inner_text("[data-testid=count-completions]")) == waiting - 1
    assert page.locator(f"[data-testid=review-{lead_assignment.pk}]").count() == 0
