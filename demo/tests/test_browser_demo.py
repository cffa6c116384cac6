"""The demo data (published seed documents) works in the browser for every role."""

import os

import pytest
from django.core.management import call_command
from django.urls import reverse

from testing.browser import chromium_page

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def login(page, live_server, username):
    from demo.accounts import DEMO_PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]")


@pytest.mark.browser
def test_demo_unit_reports_and_supervisor_and_leader_see_it(live_server, transactional_db, tmp_path):
    from tasks.models import Assignment, AssignmentState

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
    mine = (
        Assignment.objects.filter(unit__short_name="区发改委", role="lead", task__source_document__isnull=False)
        .select_related("task")
        .order_by("task__deadline", "pk")
        .first()
    )
    assert mine is not None, "load_demo published the seed documents"

    with chromium_page() as page:
        # 区发改委's clerk sees the published work, signs for one item and reports on it.
        login(page, live_server, "fgw_lly")
        page.goto(live_server.url + reverse("tasks:my_work"))
        assert page.locator(f"[data-testid=acknowledge-{mine.pk}]").count() == 1
        page.click(f"[data-testid=acknowledge-{mine.pk}]")
        page.wait_for_selector("text=已签收")
        page.goto(live_server.url + reverse("tasks:report", args=[mine.pk]))
        page.fill("#id_progress", "已召开专题会议，制定推进方案。")
        page.fill("#id_percent", "40")
        page.click("[data-testid=submit]")
        page.wait_for_selector("text=进展已报送")
        page.screenshot(path=str(tmp_path / "clerk.png"), full_page=True)

        # The supervision office reads it on the task page, with the source passage.
        page.context.clear_cookies()
        login(page, live_server, "duchashi")
        page.goto(live_server.url + reverse("tasks:detail", args=[mine.task_id]))
        assert "已召开专题会议" in page.inner_text("[data-testid=reports]")
        assert page.locator("[data-testid=source-passage]").count() == 1
        assert "报送进展" in page.inner_text("[data-testid=history]")

        # The leader reads the same page and the ledger, and is offered no action.
        page.context.clear_cookies()
        login(page, live_server, "lingdao")
        page.goto(live_server.url + reverse("tasks:detail", args=[mine.task_id]))
        assert "已召开专题会议" in page.inner_text("[data-testid=reports]")
        assert page.locator("[data-testid^=acknowledge-]").count() == 0
        assert page.locator("form[method=post] button:has-text('签收')").count() == 0
        page.goto(live_server.url + reverse("tasks:ledger") + "?q=" + mine.task.text[:6])
        page.screenshot(path=str(tmp_path / "leader-ledger.png"), full_page=True)
        assert page.locator("[data-testid=task-total]").count() + page.locator("table tbody tr").count() > 0

    mine.refresh_from_db()
    assert mine.state == AssignmentState.IN_PROGRESS
    assert mine.percent == 40
