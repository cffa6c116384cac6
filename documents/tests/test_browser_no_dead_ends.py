"""End to end in headless Chromium (issue 11): a notice in which nothing is recognised is
pasted, kept, and turned into a published task by selecting a passage in the source pane."""

import os

import pytest

from testing.browser import chromium_page
from testing.personas import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

NOTICE = """首页 > 政务公开 > 通知公告
关于做好国庆节期间安全生产工作的通知
发布日期：2024-09-20 来源：区政府办 点击数：
各单位：
国庆节将至，请各单位于9月28日前完成辖区内燃气、消防设施安全隐患排查，发现问题立即整改。
请各单位安排好值班人员，确保联络畅通。
区政府办公室
2024年9月20日
打印本页 关闭窗口
"""


@pytest.mark.browser
def test_a_document_with_no_recognised_items_becomes_a_published_task(live_server, transactional_db, tmp_path):
    from documents.models import SourceDocument
    from tasks.models import Task
    from testing.personas import Personas

    personas = Personas()
    with chromium_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "supervisor")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=whoami]")

        page.goto(f"{live_server.url}/documents/upload/")
        page.click("[data-testid=paste-link]")
        page.fill("textarea[name=text]", NOTICE)
        page.click("[data-testid=paste-form] button[type=submit]")
        page.wait_for_selector("[data-testid=no-items]")
        assert "没有自动识别出工作任务" in page.inner_text("main")
        # the full text is there, without the page furniture
        source = page.inner_text("#source")
        assert "燃气、消防设施安全隐患排查" in source and "打印本页" not in source

        line = page.locator("#source li", has_text="燃气、消防设施")
        number = line.get_attribute("value")
        line.click(click_count=3)  # select the passage
        form = page.locator("[data-testid=passage-form]")
        form.wait_for(state="visible")
        assert "燃气、消防设施安全隐患排查" in form.locator("[data-testid=passage-text]").input_value()
        assert f"第{number}行" in page.inner_text("[data-testid=passage-lines]")
        form.locator("[data-testid=passage-lead]").fill("区发改委")
        form.locator("[data-testid=passage-support]").fill("区工信局")
        form.locator("[data-testid=passage-deadline]").fill("2024-09-28")
        page.screenshot(path=str(tmp_path / "passage.png"))
        form.locator("[data-testid=passage-submit]").click()

        row = page.locator("tr[data-testid=item-row]")
        row.first.wait_for()
        assert row.count() == 1
        assert f"人工选取原文第{number}行" in row.first.inner_text()
        row.first.get_by_role("button", name="确认").click()
        page.wait_for_selector("tr[data-testid=item-row] [data-testid=item-state]:has-text('已确认')")
        page.locator("button[data-testid=publish]").first.click()
        # The document's date (2024-09-28) has passed: publishing asks first, and this one
        # goes out as it is, knowingly.
        page.wait_for_selector("[data-testid=publish-confirm]")
        assert page.inner_text("[data-testid=overdue-count]") == "1"
        page.check("input[name=overdue_choice][value=as_is]")
        page.click("[data-testid=confirm-publish]")
        page.wait_for_selector("[data-testid=document-status]")
        assert "已发布 1 项任务" in page.inner_text("main")
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(tmp_path / "published-phone.png"), full_page=True)

    document = SourceDocument.objects.get()
    (task,) = Task.objects.filter(source_document=document)
    assert "燃气、消防设施安全隐患排查" in task.text
    assert {a.unit: a.role for a in task.assignments.all()} == {
        personas.lead_unit: "lead",
        personas.support_unit: "support",
    }
