"""Everyday use in Chromium (issue 13): who sees which buttons and 代为办理 (5), a report typed
before a stale form is not lost (4), the keyboard and contrast checks (6)."""

import datetime as dt
import os

import pytest
from django.urls import reverse

from documents.tests.test_services import (  # noqa: F401 - fixtures
    fake_pipeline,
    fake_result,
    item_entry,
    unit_entry,
    upload,
)
from testing.a11y import contrast_ratio
from testing.browser import login_page
from testing.personas import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

LONG_REPORT = "一、项目前期手续已全部办结。二、完成投资1.2亿元，占年度计划的60%。" * 8


@pytest.fixture
def task(transactional_db, personas):
    from tasks import services

    return services.create_task(
        personas.supervisor,
        text="推进重点项目建设，按季度报送进展。",
        title="推进重点项目建设",
        number="1",
        deadline=dt.date(2026, 12, 31),
        lead_units=[personas.lead_unit],
        support_units=[personas.support_unit],
    )


def row(page, assignment):
    return page.locator(f"[data-testid=task-assignments] tr[data-assignment='{assignment.pk}']")


def test_each_role_sees_its_own_buttons_and_acts_for_a_unit_only_on_purpose(browser, live_server, personas, task):
    lead = task.assignments.get(unit=personas.lead_unit)
    support = task.assignments.get(unit=personas.support_unit)
    url = live_server.url + reverse("tasks:detail", args=[task.pk])

    page = login_page(browser, live_server, "supervisor", PASSWORD)
    page.goto(url)
    for assignment in (lead, support):
        buttons = row(page, assignment).locator("a, button").all_inner_texts()
        assert not {"签收", "报送进展", "汇总/申请办结", "申请延期"} & set(buttons), buttons
        assert {"改派", "调整时限", "代为办理"} <= set(buttons), buttons
    # 代为办理 is a page of its own, with a reason; refused without one.
    row(page, support).get_by_text("代为办理").click()
    page.wait_for_selector("[data-testid=on-behalf-notice]")
    page.fill("#on-behalf-reason", "区工信局账号尚未开通，电话确认已收到任务")
    page.get_by_role("button", name="代为签收").click()
    page.wait_for_selector("text=已签收")
    history = page.inner_text("[data-testid=history]")
    assert "督查室代为办理" in history and "账号尚未开通" in history
    page.context.close()

    page = login_page(browser, live_server, "support_clerk", PASSWORD)
    page.goto(url)
    own = set(row(page, support).locator("a, button").all_inner_texts())
    assert {"报送进展", "申请延期"} <= own and not {"改派", "代为办理", "调整时限"} & own, own
    assert row(page, lead).locator("a, button").count() == 0
    page.context.close()


def test_a_long_report_survives_a_stale_form(browser, live_server, personas, task):
    """The clerk types a long report, logs in again in another tab (new CSRF token), submits the
    stale form: a Chinese page says nothing was saved and the text is kept; back on the form the
    draft is restored; once sent it is gone from the browser."""
    support = task.assignments.get(unit=personas.support_unit)
    form_url = live_server.url + reverse("tasks:report", args=[support.pk])
    page = login_page(browser, live_server, "support_clerk", PASSWORD)
    page.goto(form_url)
    assert "自动保存在本机" in page.inner_text("[data-testid=draft-status]")
    page.fill("#id_progress", LONG_REPORT)
    page.fill("#id_percent", "60")
    page.wait_for_selector("[data-testid=draft-status]:has-text('草稿已于')")

    # Another tab: log out and in again (a new session and a new CSRF token).
    other = page.context.new_page()
    other.goto(live_server.url + reverse("tasks:my_work"))
    other.get_by_role("button", name="退出").click()
    other.goto(live_server.url + "/accounts/login/")
    other.fill("#id_username", "support_clerk")
    other.fill("#id_password", PASSWORD)
    other.click("button[type=submit]")
    other.wait_for_selector("[data-testid=whoami]")
    other.close()

    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=error-csrf]")
    assert "您填写的文字没有丢失" in page.inner_text("main")
    assert not support.reports.exists()

    page.click("[data-testid=back-to-form]")
    page.wait_for_selector("[data-testid=draft-status]:has-text('已恢复')")
    assert page.input_value("#id_progress") == LONG_REPORT
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=进展已报送")
    assert support.reports.get().progress == LONG_REPORT
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('duban-draft:')).length") == 0
    page.context.close()


def test_keyboard_reaches_the_first_task_in_three_presses_and_focus_shows(browser, live_server, personas, task):
    from tasks import services

    for n in range(60):  # a ledger with pagination
        services.create_task(personas.supervisor, text=f"第{n}项任务", lead_units=[personas.lead_unit])
    page = login_page(browser, live_server, "supervisor", PASSWORD)
    page.goto(live_server.url + reverse("tasks:ledger"))
    # Before: 36 presses through the menu and the twelve filter fields. Now the first Tab
    # reaches 跳到任务列表; Enter lands on the list's rows; the next Tab is the first task.
    presses, on_task = 0, False
    while presses < 40 and not on_task:
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("document.activeElement.dataset.testid") == "skip-link":
            assert presses == 1
            page.keyboard.press("Enter")
            presses += 1
        on_task = page.evaluate("document.activeElement.closest('#results tbody a') !== null")
    assert on_task and presses == 3, presses
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith("/tasks/")

    # The nav's focus ring stands out from the red bar (non-text contrast, 3:1), and its link
    # text reaches 4.5:1.
    page.focus(".navbar-duban a.nav-link[href='/tasks/']")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = contrast_ratio(page, ":focus", prop="outlineColor", against=".navbar-duban")
    assert ring >= 3, ring
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert contrast_ratio(page, ".navbar-duban a.nav-link[href='/tasks/']") >= 4.5
    assert page.get_attribute(".navbar-duban a.nav-link[href='/tasks/']", "aria-current") == "page"
    # Links and outline buttons on the grey body.
    assert contrast_ratio(page, "#results a[href^='/tasks/']") >= 4.5
    assert contrast_ratio(page, "[data-testid=ledger-filters] .btn-link") >= 4.5
    assert page.get_attribute("nav.navbar-duban", "aria-label") == "主导航"
    assert page.locator("nav[aria-label=分页]").count() == 1
    page.context.close()


def test_the_review_highlight_by_keyboard(browser, live_server, transactional_db, personas, fake_pipeline):  # noqa: F811
    from documents.services import import_upload

    p = personas
    fake_pipeline(
        fake_result(
            [
                item_entry("1", "推进项目建设", [unit_entry("区发改委", p.lead_unit)]),
                item_entry("2", "开展专项整治", [unit_entry("区工信局", p.support_unit)]),
            ]
        )
    )
    document = import_upload(upload(), p.supervisor)
    second = document.items.order_by("position")[1]
    page = login_page(browser, live_server, "supervisor", PASSWORD)
    page.goto(live_server.url + reverse("documents:review", args=[document.pk]))
    page.focus(f"#item-{second.pk} [data-locate]")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#item-{second.pk}.selected")
    assert page.locator(f"#L{second.source_start}.hl").count() == 1
    assert page.get_attribute(f"#item-{second.pk} [data-locate]", "aria-pressed") == "true"
    # The deadline's original wording (2021年12月底前) stays inside its column, off the status badge.
    overflowing = page.evaluate(
        "Array.from(document.querySelectorAll('#items td.deadline-cell'))"
        ".filter(td => td.scrollWidth > td.clientWidth + 1).length"
    )
    assert page.locator("#items td.deadline-cell").count() == 2 and overflowing == 0
    page.context.close()


def test_a_long_report_survives_an_expired_session(browser, live_server, personas, task):
    """The session ends while the clerk types (here: its cookie is gone); sending leads to the
    login page, and after logging in the form comes back with the text restored."""
    support = task.assignments.get(unit=personas.support_unit)
    page = login_page(browser, live_server, "support_clerk", PASSWORD)
    page.goto(live_server.url + reverse("tasks:report", args=[support.pk]))
    page.fill("#id_progress", LONG_REPORT)
    page.fill("#id_percent", "60")
    page.wait_for_selector("[data-testid=draft-status]:has-text('草稿已于')")
    page.context.clear_cookies(name="sessionid")

    page.click("[data-testid=submit]")
    page.wait_for_selector("#id_username")
    assert not support.reports.exists()
    page.fill("#id_username", "support_clerk")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=draft-status]:has-text('已恢复')")
    assert page.input_value("#id_progress") == LONG_REPORT and page.input_value("#id_percent") == "60"
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=进展已报送")
    assert support.reports.get().progress == LONG_REPORT
    page.context.close()


def test_on_a_phone_my_work_shows_the_buttons_without_scrolling_sideways(browser, live_server, personas, task):
    """390 px wide: the deadline and the light sit under the task, and 签收 is on the screen."""
    lead = task.assignments.get(unit=personas.lead_unit)
    page = login_page(browser, live_server, "lead_clerk", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("tasks:my_work"))
    table = page.locator("[data-testid=assignments]")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth"), "the table fits the screen"
    button = page.locator(f"[data-testid=acknowledge-{lead.pk}]")
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    cell = page.locator(f"tr[data-assignment='{lead.pk}'] td.col-task")
    assert "时限 2026-12-31" in cell.inner_text()
    button.click()
    page.wait_for_selector(f"tr[data-assignment='{lead.pk}'] >> text=办理中")
    # On a wide screen the deadline has its own column again, and the task cell does not repeat it.
    page.set_viewport_size({"width": 1366, "height": 768})
    assert "时限 2026-12-31" not in page.locator(f"tr[data-assignment='{lead.pk}'] td.col-task").inner_text()
    page.context.close()
