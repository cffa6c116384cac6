"""End to end in headless Chromium: upload a seed, review beside the source, fix, accept, publish."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from testing.browser import chromium_page
from testing.personas import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "002_5dcddffe22301220.txt"


@pytest.mark.browser
def test_supervisor_uploads_reviews_and_publishes(live_server, transactional_db, tmp_path):
    from documents.models import SourceDocument
    from tasks.models import Task
    from testing.personas import Personas
    from units.models import UnitAlias
    from units.registry import load_registry

    Personas()
    load_registry()
    # 区林草中心 is a name the registry does not know: the reviewer fixes it inline.
    plan = tmp_path / "农业产业化方案.txt"
    plan.write_text(SEED.read_text(encoding="utf-8").replace("区林业局", "区林草中心"), encoding="utf-8")

    with chromium_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "supervisor")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=whoami]")

        page.goto(f"{live_server.url}/documents/upload/")
        page.set_input_files("input[type=file]", str(plan))
        page.click("main button[type=submit]")
        page.wait_for_selector("[data-testid=review-items]")
        rows = page.locator("tr[data-testid=item-row]")
        assert rows.count() == 6
        assert page.locator("#source li").count() > 100

        # Clicking an item highlights its passage in the source.
        first = rows.nth(0)
        start = first.get_attribute("data-start")
        first.locator(".item-text").click()
        page.wait_for_selector(f"#L{start}.hl")
        assert "产业化育龙头" in page.inner_text(f"#L{start}")

        page.screenshot(path=str(tmp_path / "review.png"))

        # The unknown name is flagged; fixing it once fixes every row and becomes an alias.
        assert page.locator("[data-testid=unresolved]").count() >= 1
        chip = first.locator("[data-testid=unresolved]").first
        chip.locator("input[name=name]").fill("区林业局")
        with page.expect_navigation():  # the same name was fixed on other rows too: the page reloads
            chip.locator("button[type=submit]").click()
        page.wait_for_selector("[data-testid=review-items]")
        assert page.locator("[data-testid=unresolved]").count() == 0

        # Edit the first item's text inline, then accept it.
        page.locator("tr[data-testid=item-row]").nth(0).get_by_text("编辑").click()
        form = page.locator("[data-testid=item-edit-form]")
        form.locator("textarea[name=text]").fill("产业化育龙头：培育壮大一批龙头企业。")
        form.get_by_role("button", name="保存").click()
        page.wait_for_selector("tr[data-testid=item-row] >> text=培育壮大一批龙头企业")
        first = page.locator("tr[data-testid=item-row]").nth(0)
        first.get_by_role("button", name="确认").click()
        page.wait_for_selector("tr[data-testid=item-row]:first-child [data-testid=item-state]:has-text('已确认')")

        page.locator("button[data-testid=publish]").first.click()
        # The seed's deadlines (2021) have passed: publishing asks first (issue 13, point 2).
        page.wait_for_selector("[data-testid=publish-confirm]")
        assert page.inner_text("[data-testid=overdue-count]") == "1"
        page.check("input[name=overdue_choice][value=as_is]")
        page.click("[data-testid=confirm-publish]")
        page.wait_for_selector("[data-testid=document-status]")
        assert "已发布 1 项任务" in page.inner_text("main")
        assert "已发布" in page.inner_text("[data-testid=document-status]")
        page.screenshot(path=str(tmp_path / "published.png"), full_page=True)

    document = SourceDocument.objects.get()
    (task,) = Task.objects.filter(source_document=document)
    assert task.text == "产业化育龙头：培育壮大一批龙头企业。"
    units = {a.unit.name: a.role for a in task.assignments.select_related("unit")}
    assert units["区农业农村水利局"] == "lead"
    assert units["区林业局"] == "support"
    assert UnitAlias.objects.filter(alias="区林草中心", unit__name="区林业局").exists()
