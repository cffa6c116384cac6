"""消息 and 提醒规则 in headless Chromium, as personas, at desktop and phone widths."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse

from testing.browser import login_page
from testing.personas import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

D = dt.date


def shots(tmp_path) -> Path:
    folder = Path(os.getenv("DUBAN_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.browser
def test_a_clerk_reads_messages_from_the_bell(
    browser, live_server, transactional_db, year_end_task, personas, at, tmp_path
):
    from reminders import sending

    sending.run(at(D(2022, 1, 4)))
    sending.run(at(D(2022, 1, 11)))  # the next overdue step: a second digest
    folder = shots(tmp_path)
    page = login_page(browser, live_server, "lead_clerk", PASSWORD)
    assert page.locator("[data-testid=bell-count]").inner_text() == "2"
    page.click("[data-testid=bell]")
    page.wait_for_selector("[data-testid=messages]")
    assert page.locator("[data-testid=message][data-read='0']").count() == 2
    page.screenshot(path=str(folder / "messages-1366.png"), full_page=True)
    page.locator("[data-testid=mark-read]").first.click()
    page.wait_for_selector("[data-testid=message][data-read='1']")
    assert page.locator("[data-testid=bell-count]").inner_text() == "1"
    page.click("[data-testid=read-all]")
    page.wait_for_selector("text=已将 1 条消息标为已读")
    assert page.locator("[data-testid=bell-count]").count() == 0
    page.get_by_role("link", name="推进重点项目建设").first.click()
    page.wait_for_url(f"**{reverse('tasks:detail', args=[year_end_task.pk])}")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("reminders:messages"))
    page.screenshot(path=str(folder / "messages-390.png"), full_page=True)
    # The page fits the phone: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.browser
def test_the_office_edits_the_policy_and_urges_from_the_task_page(
    browser, live_server, transactional_db, year_end_task, personas, tmp_path
):
    from reminders.models import ReminderPolicy

    folder = shots(tmp_path)
    page = login_page(browser, live_server, "supervisor", PASSWORD)
    page.get_by_role("link", name="提醒规则").click()
    page.fill("#id_lead_days", "7,3,1")
    page.fill("#id_send_hour", "20")
    page.click("[data-testid=save-policy]")
    page.wait_for_selector("text=每日发送时间须在工作时间内")
    assert ReminderPolicy.load().send_hour == 9
    page.fill("#id_send_hour", "10")
    page.click("[data-testid=save-policy]")
    page.wait_for_selector("text=提醒规则已保存")
    assert ReminderPolicy.load().lead_days_list == [7, 3, 1]
    page.screenshot(path=str(folder / "policy-1366.png"), full_page=True)

    page.goto(live_server.url + reverse("tasks:detail", args=[year_end_task.pk]))
    lead_row = page.locator(f"tr[data-assignment='{year_end_task.assignments.get(unit=personas.lead_unit).pk}']")
    lead_row.locator("[data-testid=urge]").click()
    page.wait_for_selector(".alert")
    lead_row.locator("[data-testid=urge]").click()
    page.wait_for_selector("[data-testid=supervision-orders]")
    assert "督办〔" in page.locator("[data-testid=supervision-orders]").inner_text()
    page.screenshot(path=str(folder / "task-orders-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("reminders:policy"))
    page.screenshot(path=str(folder / "policy-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
