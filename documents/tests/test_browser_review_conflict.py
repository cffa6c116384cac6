"""In headless Chromium: the review counters follow htmx row updates, and an inline edit made
stale by another supervisor is refused with the person's input kept beside the current values."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from testing.browser import chromium_page
from testing.personas import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "002_5dcddffe22301220.txt"


@pytest.mark.browser
def test_counters_follow_row_updates_and_a_stale_edit_is_refused(live_server, transactional_db, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import Role
    from documents import services
    from documents.models import DraftItem
    from testing.personas import Personas, make_user
    from units.registry import load_registry

    personas = Personas()
    colleague = make_user("supervisor2", Role.SUPERVISOR, full_name="督查室李科长")
    load_registry()
    upload = SimpleUploadedFile(SEED.name, SEED.read_bytes(), content_type="text/plain")
    document = services.import_upload(upload, personas.supervisor)
    total = document.items.count()

    with chromium_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "supervisor")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=whoami]")
        page.goto(f"{live_server.url}/documents/{document.pk}/review/")
        counters = page.locator("[data-testid=review-counts]")
        assert f"待审核 {total} · 已确认 0" in counters.inner_text()

        # Accepting a row updates the header's counters without a reload.
        rows = page.locator("tr[data-testid=item-row]")
        rows.nth(0).get_by_role("button", name="确认").click()
        page.wait_for_selector(f"[data-testid=review-counts]:has-text('待审核 {total - 1} · 已确认 1')")
        rows.nth(1).get_by_role("button", name="排除").click()
        page.wait_for_selector(f"[data-testid=review-counts]:has-text('待审核 {total - 2} · 已确认 1')")
        assert page.locator("[data-testid=review-counts]").count() == 1

        # 王主任 opens the third item's edit form; 李科长 saves the same item meanwhile.
        third = rows.nth(2)
        item_id = int(third.get_attribute("data-item"))
        third.get_by_text("编辑").click()
        form = page.locator("[data-testid=item-edit-form]")
        form.locator("textarea[name=text]").fill("王主任改写的任务内容")
        services.update_item(colleague, DraftItem.objects.get(pk=item_id), text="李科长先保存的任务内容")
        form.get_by_role("button", name="保存").click()
        page.wait_for_selector("[data-testid=conflict]")
        warning = page.inner_text("[data-testid=conflict]")
        assert "督查室李科长" in warning and "李科长先保存的任务内容" in warning
        assert form.locator("textarea[name=text]").input_value() == "王主任改写的任务内容"
        assert DraftItem.objects.get(pk=item_id).text == "李科长先保存的任务内容"
        page.screenshot(path=str(tmp_path / "conflict.png"), full_page=True)

        # Saving again, having seen the current values, is a decision: it saves.
        form.get_by_role("button", name="保存").click()
        page.wait_for_selector("tr[data-testid=item-row] >> text=王主任改写的任务内容")
        assert DraftItem.objects.get(pk=item_id).text == "王主任改写的任务内容"
