"""The whole lifecycle in headless Chromium: report with an attachment, consolidate, return, approve."""

import datetime as dt
import os

import pytest
from django.urls import reverse

from testing.browser import login_page
from testing.personas import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls here are plain setup.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.mark.browser
def test_lifecycle(browser, live_server, transactional_db, personas, tmp_path):
    from tasks import services
    from tasks.models import AssignmentState, Task

    task = services.create_task(
        personas.supervisor,
        text="推进重点项目建设，按季度报送进展。",
        title="推进重点项目建设",
        number="1",
        deadline=dt.date(2026, 12, 31),
        lead_units=[personas.lead_unit],
        support_units=[personas.support_unit],
    )
    lead = task.assignments.get(unit=personas.lead_unit)
    support = task.assignments.get(unit=personas.support_unit)
    attachment = tmp_path / "现场照片.png"
    attachment.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)  # evidence is checked by content

    # 1. The supporting unit signs for it and reports with an attachment.
    page = login_page(browser, live_server, "support_clerk", PASSWORD)
    page.goto(live_server.url + reverse("tasks:my_work"))
    page.click(f"[data-testid=acknowledge-{support.pk}]")
    page.wait_for_selector("text=已签收")
    page.screenshot(path=str(tmp_path / "1-acknowledged.png"), full_page=True)
    page.goto(live_server.url + reverse("tasks:report", args=[support.pk]))
    page.fill("#id_progress", "已完成企业走访，形成问题清单。")
    page.fill("#id_percent", "100")
    page.set_input_files("#id_files", str(attachment))
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=进展已报送")
    assert page.locator("[data-testid=reports]").get_by_text("现场照片.png").count() == 1
    page.screenshot(path=str(tmp_path / "2-reported.png"), full_page=True)

    # 2. The lead unit consolidates and asks for completion.
    page = login_page(browser, live_server, "lead_clerk", PASSWORD)
    page.goto(live_server.url + reverse("tasks:complete", args=[lead.pk]))
    assert page.get_by_text("已完成企业走访").count() >= 1  # the lead reads the supporting report
    page.fill("#id_progress", "汇总：项目已开工，工信局问题清单已办结。")
    page.fill("#id_percent", "100")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=并已申请办结")
    page.screenshot(path=str(tmp_path / "3-requested.png"), full_page=True)

    # 3. The supervision office returns it with a reason.
    supervisor = login_page(browser, live_server, "supervisor", PASSWORD)
    supervisor.goto(live_server.url + reverse("tasks:review", args=[lead.pk]))
    supervisor.check("input[name=decision][value=return]")
    supervisor.click("[data-testid=submit]")
    supervisor.wait_for_selector("text=退回时须填写理由")
    supervisor.fill("#id_comment", "请补充开工证明")
    supervisor.click("[data-testid=submit]")
    supervisor.wait_for_selector("text=已退回")
    supervisor.screenshot(path=str(tmp_path / "4-returned.png"), full_page=True)

    # 4. The lead sees the reason and resubmits.
    page.goto(live_server.url + reverse("tasks:detail", args=[task.pk]))
    assert page.get_by_text("请补充开工证明").count() >= 1
    page.goto(live_server.url + reverse("tasks:complete", args=[lead.pk]))
    page.fill("#id_progress", "补充：施工许可证已取得。")
    page.fill("#id_percent", "100")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=并已申请办结")

    # 5. The supervision office approves (销号).
    supervisor.goto(live_server.url + reverse("tasks:review", args=[lead.pk]))
    supervisor.check("input[name=decision][value=approve]")
    supervisor.click("[data-testid=submit]")
    supervisor.wait_for_selector("text=已销号")

    # 6. The ledger shows it done; the detail shows its history.
    supervisor.goto(live_server.url + reverse("tasks:ledger") + "?state=done&view=shares")
    rows = supervisor.locator("[data-testid=assignments] tbody tr")
    assert rows.count() == 2
    assert supervisor.locator("[data-testid=assignments] td.state").all_inner_texts() == ["已办结", "已办结"]
    assert supervisor.locator("[data-testid=assignments] [data-light=grey]").count() == 2
    supervisor.screenshot(path=str(tmp_path / "5-ledger.png"), full_page=True)
    # By task (the default view): one row for the task, its two shares folded under it.
    supervisor.goto(live_server.url + reverse("tasks:ledger") + "?state=done")
    assert supervisor.locator("[data-testid=ledger-tasks] tbody tr[data-task]").count() == 1
    assert "2/2 已报送" in supervisor.inner_text(f"tr[data-task='{task.pk}']")
    assert supervisor.locator(f"[data-testid=shares-{task.pk}] tr[data-assignment]").count() == 2
    supervisor.goto(live_server.url + reverse("tasks:detail", args=[task.pk]))
    history = supervisor.locator("[data-testid=history]").inner_text()
    for action in ("创建", "签收", "报送进展", "汇总报送", "申请办结", "退回", "销号"):
        assert action in history, action
    assert "请补充开工证明" in history
    supervisor.screenshot(path=str(tmp_path / "6-detail.png"), full_page=True)

    assert Task.objects.get(pk=task.pk).state == AssignmentState.DONE
