"""督查室 corrects a published task in headless Chromium: edit it, add a unit found with the search box,
promote it, remove the unit assigned by mistake."""

import datetime as dt
import os

import pytest
from django.urls import reverse

from testing.browser import login_page
from testing.personas import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls here are plain setup.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.mark.browser
def test_supervisor_corrects_a_task(browser, live_server, transactional_db, personas, tmp_path):
    from tasks import services
    from tasks.models import AssignmentRole, Task

    task = services.create_task(
        personas.supervisor,
        text="推进重点项目建设。",
        title="推进重点项目建设",
        number="1",
        deadline=dt.date(2026, 12, 31),
        lead_units=[personas.lead_unit],
        support_units=[personas.support_unit],
    )
    detail = live_server.url + reverse("tasks:detail", args=[task.pk])
    page = login_page(browser, live_server, "supervisor", PASSWORD)

    # 1. Edit: a missing reason keeps what was typed; with one, the change is saved and recorded.
    page.goto(detail)
    page.click("[data-testid=edit-task]")
    page.fill("#id_title", "推进重点项目建设（勘误）")
    page.fill("#id_deadline", "2027-03-31")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=这个字段是必填项")
    assert page.input_value("#id_title") == "推进重点项目建设（勘误）"
    page.fill("#id_reason", "文件勘误")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=任务已修改")

    # 2. Add a unit found by typing part of its name into the search box.
    page.click("[data-testid=add-assignment]")
    page.fill("[data-filter-select=id_unit]", "教体")
    assert page.locator("#id_unit option:not([hidden])").all_inner_texts() == ["区教育体育局（区教体局）"]
    page.select_option("#id_unit", label="区教育体育局（区教体局）")
    page.fill("#id_reason", "漏派")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=已增加区教体局为配合单位")

    # 3. Promote it, then remove the lead assigned by mistake.
    added = task.assignments.get(unit=personas.other_unit)
    page.click(f"tr[data-assignment='{added.pk}'] >> text=设为牵头")
    page.fill("#id_reason", "改由教体局牵头")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=已将区教体局设为牵头单位")
    lead = task.assignments.get(unit=personas.lead_unit)
    page.click(f"tr[data-assignment='{lead.pk}'] >> text=移除")
    page.fill("#id_reason", "牵头单位错派")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=已移除区发改委")
    history = page.locator("[data-testid=history]").inner_text()
    for line in ("修改", "增加承办单位", "调整角色", "移除区发改委（牵头）：牵头单位错派"):
        assert line in history, line
    page.screenshot(path=str(tmp_path / "corrected.png"), full_page=True)

    task = Task.objects.get(pk=task.pk)
    assert task.title == "推进重点项目建设（勘误）" and task.deadline == dt.date(2027, 3, 31)
    roles = dict(task.assignments.values_list("unit__short_name", "role"))
    assert roles == {"区工信局": AssignmentRole.SUPPORT, "区教体局": AssignmentRole.LEAD}
