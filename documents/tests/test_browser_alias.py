"""A supervisor maps an unknown unit name in the browser; the next import recognises it."""

import os

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from testing.browser import chromium_page
from testing.personas import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DOCUMENT = (
    "关于印发《数字政府建设工作责任分工》的通知\n\n各乡（镇）人民政府、街道办事处，区政府各部门：\n"
    "现将责任分工印发给你们，请认真贯彻落实。\n\n"
    "\t序号\n\t工作任务\n\t牵头单位\n\t责任单位\n\n"
    "\t1\n\t推进政务数据共享，年底前完成数据目录编制。\n\t区数据资源中心\n\t区发改委\n\n"
    "\t2\n\t建设一网通办平台，提升网上办事比例。\n\t区政府办\n\t区数据资源中心\n"
)


def import_text(actor, document=DOCUMENT):
    from documents.services import import_upload

    return import_upload(ContentFile(document.encode(), name="数字政府分工.txt"), actor)


@pytest.mark.browser
def test_map_unknown_name_in_browser_then_reimport_resolves(live_server, transactional_db, personas, tmp_path):
    from documents.models import DraftItemUnit
    from units.models import Unit, UnresolvedName
    from units.registry import load_registry

    load_registry()
    first = import_text(personas.supervisor)
    unknown = DraftItemUnit.objects.filter(item__document=first, written="区数据资源中心")
    assert unknown.count() == 2 and not unknown.filter(unit__isnull=False).exists()
    entry = UnresolvedName.objects.get(text="区数据资源中心")
    target = Unit.objects.get(name="区政府办公室")

    with chromium_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "supervisor")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/units/unresolved/")
        form = page.locator(f"form[action='{reverse('units:unresolved_map', args=[entry.pk])}']")
        form.locator("input[type=search]").fill("政府办")
        form.locator("select").select_option(f"unit:{target.pk}")
        form.locator("button").click()
        page.wait_for_selector("text=以后导入时自动识别")
        page.screenshot(path=str(tmp_path / "mapped.png"), full_page=True)

    # The document in review took the name at once (issue 13, point 3)...
    assert set(unknown.values_list("unit_id", flat=True)) == {target.pk}
    # ...and the next document recognises it (the same file again would be refused as imported).
    second = import_text(personas.supervisor, DOCUMENT.replace("数字政府建设", "数字乡村建设"))
    resolved = DraftItemUnit.objects.filter(item__document=second, written="区数据资源中心")
    assert resolved.count() == 2
    assert set(resolved.values_list("unit_id", flat=True)) == {target.pk}
    assert set(resolved.values_list("method", flat=True)) == {"alias"}
