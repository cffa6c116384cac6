"""In headless Chromium: the ledger downloaded from the page with a filter set, and the offline
progress round trip through the 进展填报 page."""

import os

import pytest
from django.urls import reverse

from testing.browser import login_page
from testing.personas import PASSWORD

from .conftest import open_xlsx, table_rows
from .test_import_progress import edit

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SHOTS = os.getenv("LEDGER_SCREENSHOTS")  # a folder to keep the screenshots in, when set


def shot(page, tmp_path, name):
    folder = SHOTS or tmp_path
    page.screenshot(path=os.path.join(folder, f"ledgers-{name}.png"), full_page=True)


@pytest.mark.browser
def test_download_the_filtered_ledger_from_the_page(browser, live_server, transactional_db, plan, personas, tmp_path):
    page = login_page(browser, live_server, "supervisor", PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + reverse("tasks:ledger"))
    page.select_option("#id_unit", str(personas.support_unit.pk))
    page.click("[data-testid=ledger-filters] button")
    page.wait_for_url("**unit=*")
    shot(page, tmp_path, "ledger-filtered")
    with page.expect_download() as download_info:
        page.click("[data-testid=export-ledger]")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "ledger.xlsx"
    download.save_as(path)
    ws = open_xlsx(path).active
    texts = [row[1] for row in table_rows(ws) if isinstance(row[0], int)]
    assert texts == ["推进重点项目建设。", "开展促消费活动。"]
    assert "承办单位：" in ws["A2"].value


@pytest.mark.browser
def test_offline_progress_round_trip_in_the_browser(browser, live_server, transactional_db, plan, personas, tmp_path):
    from tasks.models import Assignment

    page = login_page(browser, live_server, "lead_clerk", PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + reverse("tasks:my_work"))
    page.click("text=离线填报")
    shot(page, tmp_path, "progress-page")
    with page.expect_download() as download_info:
        page.click("[data-testid=unit-workbook]")
    data = open(download_info.value.path(), "rb").read()  # noqa: SIM115 - Playwright's temporary file
    share = Assignment.objects.filter(unit=personas.lead_unit).order_by("task_id").first()
    edited = tmp_path / "填报表.xlsx"
    edited.write_bytes(edit(data, {share.pk: {"progress": "浏览器上传：项目已开工", "percent": 45}}))
    page.set_input_files("#id_file", str(edited))
    page.click("[data-testid=upload-form] button")
    page.wait_for_selector("[data-testid=import-changed]")
    assert page.locator("[data-testid=import-changed]").get_by_text("浏览器上传：项目已开工").count() == 1
    shot(page, tmp_path, "preview")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, tmp_path, "preview-phone")
    page.click("[data-testid=import-confirm]")
    page.wait_for_selector("[data-testid=import-applied]")
    assert share.reports.get().progress == "浏览器上传：项目已开工"


@pytest.mark.browser
def test_a_large_export_shows_a_progress_bar_then_the_download(
    browser, live_server, transactional_db, plan, personas, tmp_path, settings, monkeypatch
):
    """The page polls with htmx while the job runs; the worker's part is played here by calling
    the job's plain function (the real worker is tested in test_celery_export)."""
    from ledgers import jobs, pipeline
    from ledgers.models import ExportJob

    settings.LEDGER_ASYNC_ROWS = 1
    settings.LEDGER_WRITER_PROCESS_ROWS = 1  # written by the writer process, as large exports are
    beside = []
    write_beside = pipeline.write_ledger_beside
    monkeypatch.setattr(pipeline, "write_ledger_beside", lambda *a, **k: beside.append(1) or write_beside(*a, **k))
    queued = []
    monkeypatch.setattr(jobs.export_ledger_job, "delay", queued.append)
    page = login_page(browser, live_server, "supervisor", PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + reverse("tasks:ledger") + f"?unit={personas.lead_unit.pk}")
    page.click("[data-testid=export-ledger]")
    page.wait_for_selector("[data-testid=job-status][data-state=queued]")
    shot(page, tmp_path, "job-queued")
    job = ExportJob.objects.get()
    assert queued == [job.pk]
    jobs.run_export(job.pk)
    assert beside == [1]
    page.wait_for_selector("[data-testid=job-download]", timeout=10000)
    shot(page, tmp_path, "job-done")
    with page.expect_download() as download_info:
        page.click("[data-testid=job-download]")
    with open(download_info.value.path(), "rb") as handle:
        ws = open_xlsx(handle.read()).active
    assert [r[1] for r in table_rows(ws) if isinstance(r[0], int)] == [
        "推进重点项目建设。",
        "=SUM(A1:A3) 加快专项债券项目开工。",
    ]
