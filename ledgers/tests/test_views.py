"""The export buttons, the export job pages and the progress import pages."""

import datetime as dt
import io
import os

from django.urls import reverse
from django.utils import timezone

from ledgers import jobs
from ledgers.models import ExportJob, JobState, ProgressImport
from ledgers.unit_workbook import write_unit_workbook
from tasks import services
from tasks.models import Assignment, ProgressReport

from .conftest import open_xlsx, table_rows
from .test_import_progress import edit


def task_texts(response) -> list[str]:
    ws = open_xlsx(response).active
    return [row[1] for row in table_rows(ws) if isinstance(row[0], int)]


def test_the_ledger_export_has_exactly_the_pages_filters(client, plan, personas):
    client.force_login(personas.supervisor)
    response = client.get(reverse("ledgers:export"), {"unit": personas.support_unit.pk, "page": 3})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert task_texts(response) == ["推进重点项目建设。", "开展促消费活动。"]
    response = client.get(reverse("ledgers:export"), {"q": "双减"})
    assert task_texts(response) == ["落实义务教育“双减”。"]
    assert "搜索：双减" in open_xlsx(client.get(reverse("ledgers:export"), {"q": "双减"})).active["A2"].value


def test_a_clerk_exports_only_what_they_may_read(client, plan, personas):
    client.force_login(personas.other_clerk)
    assert task_texts(client.get(reverse("ledgers:export"))) == ["落实义务教育“双减”。"]
    # A crafted filter for another unit's work finds nothing rather than leaking it.
    assert task_texts(client.get(reverse("ledgers:export"), {"unit": personas.lead_unit.pk})) == []


def test_my_work_export(client, plan, personas):
    client.force_login(personas.support_clerk)
    assert task_texts(client.get(reverse("ledgers:export_my_work"))) == ["推进重点项目建设。", "开展促消费活动。"]


def test_buttons_pass_the_filters_through(client, plan, personas, document):
    client.force_login(personas.supervisor)
    page = client.get(reverse("tasks:ledger"), {"unit": personas.lead_unit.pk, "state": "pending"}).content.decode()
    assert f'href="/ledgers/export/?unit={personas.lead_unit.pk}&amp;state=pending"' in page
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert f'href="/ledgers/export/?document={document.pk}"' in page
    client.force_login(personas.lead_clerk)
    assert 'data-testid="export-my-work"' in client.get(reverse("tasks:my_work")).content.decode()


def test_a_large_export_runs_as_a_job_readable_only_by_whoever_asked(
    client, plan, personas, settings, django_capture_on_commit_callbacks
):
    settings.LEDGER_ASYNC_ROWS = 2
    client.force_login(personas.supervisor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(reverse("ledgers:export"))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledgers:job", args=[job.token])
    assert len(callbacks) == 1 and job.state == JobState.QUEUED and job.total_rows == 4
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and "排队中" in page

    jobs.run_export(job.pk)
    jobs.run_export(job.pk)  # a second delivery does nothing
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.percent == 100
    status = client.get(reverse("ledgers:job_status", args=[job.token])).content.decode()
    assert "hx-trigger" not in status and 'data-testid="job-download"' in status
    download = client.get(reverse("ledgers:job_download", args=[job.token]))
    assert len(task_texts(download)) == 4

    client.force_login(personas.leader)
    for name in ("ledgers:job", "ledgers:job_status", "ledgers:job_download"):
        assert client.get(reverse(name, args=[job.token])).status_code == 404


def test_an_export_file_is_kept_for_a_day(client, plan, personas, settings):
    settings.LEDGER_ASYNC_ROWS = 0
    client.force_login(personas.supervisor)
    client.get(reverse("ledgers:export"))
    job = ExportJob.objects.get()
    jobs.run_export(job.pk)
    job.refresh_from_db()
    path = job.file.path
    later = timezone.now() + dt.timedelta(days=1, minutes=1)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(reverse("ledgers:job_download", args=[job.token])).status_code == 404
    assert jobs.purge_expired(later) == 1
    assert not ExportJob.objects.exists()
    assert not os.path.exists(path)


def upload(client, data: bytes, name="填报表.xlsx"):
    handle = io.BytesIO(data)
    handle.name = name
    return client.post(reverse("ledgers:upload"), {"file": handle})


def unit_workbook(unit) -> bytes:
    buffer = io.BytesIO()
    write_unit_workbook(unit, buffer)
    return buffer.getvalue()


def test_progress_page_download_upload_preview_confirm(client, plan, personas):
    client.force_login(personas.lead_clerk)
    page = client.get(reverse("ledgers:progress")).content.decode()
    assert "下载「区发展和改革委员会」填报表" in page
    download = client.get(reverse("ledgers:unit_workbook"))
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    share = Assignment.objects.filter(unit=personas.lead_unit).order_by("task_id").first()
    edited = edit(data, {share.pk: {"progress": "离线填写：已开工", "percent": 35}})

    response = upload(client, edited)
    record = ProgressImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledgers:preview", args=[record.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "离线填写：已开工" in preview and "将报送 1" in preview and 'data-testid="import-confirm"' in preview
    assert not ProgressReport.objects.exists()

    client.post(reverse("ledgers:confirm", args=[record.pk]), {"rows": "forged"})
    assert share.reports.get().progress == "离线填写：已开工"
    record.refresh_from_db()
    assert record.applied_at and record.result["changed"] == [
        {"assignment": share.pk, "fields": ["进展情况", "完成比例"]}
    ]
    client.post(reverse("ledgers:confirm", args=[record.pk]))
    assert ProgressReport.objects.count() == 1

    client.force_login(personas.support_clerk)
    assert client.get(reverse("ledgers:preview", args=[record.pk])).status_code == 404
    assert client.post(reverse("ledgers:confirm", args=[record.pk])).status_code == 404


def test_a_change_between_preview_and_confirm_is_not_overwritten(client, plan, personas):
    client.force_login(personas.lead_clerk)
    share = Assignment.objects.filter(unit=personas.lead_unit).order_by("task_id").first()
    upload(client, edit(unit_workbook(personas.lead_unit), {share.pk: {"progress": "离线", "percent": 5}}))
    record = ProgressImport.objects.get()
    services.report_progress(personas.lead_head, share, progress="在线", percent=9)
    client.post(reverse("ledgers:confirm", args=[record.pk]))
    assert [r.progress for r in share.reports.all()] == ["在线"]
    record.refresh_from_db()
    assert record.result["conflicts"][0]["assignment"] == share.pk and record.result["applied"] is False


def test_bad_uploads_answer_400_with_a_chinese_message(client, plan, personas):
    client.force_login(personas.support_clerk)
    response = upload(client, unit_workbook(personas.lead_unit))
    assert response.status_code == 400
    assert "这是「区发展和改革委员会」的进展填报表" in response.content.decode()
    response = upload(client, b"PK\x03\x04 broken", name="x.xlsx")
    assert response.status_code == 400 and "无法" in response.content.decode()
    response = upload(client, unit_workbook(personas.support_unit), name="x.xlsm")
    assert response.status_code == 400 and "含宏" in response.content.decode()
    assert not ProgressImport.objects.exists()


def test_unit_workbook_permissions(client, plan, personas):
    client.force_login(personas.lead_clerk)
    assert client.get(reverse("ledgers:unit_workbook"), {"unit": personas.other_unit.pk}).status_code == 404
    client.force_login(personas.supervisor)
    response = client.get(reverse("ledgers:unit_workbook"), {"unit": personas.other_unit.pk})
    assert open_xlsx(response)["牵头任务"]["A1"].value.startswith("区教育体育局")
    response = client.get(reverse("ledgers:unit_workbook"), {"unit": ""})
    assert response.status_code == 400 and "请先选择" in response.content.decode()
    client.force_login(personas.leader)
    response = client.get(reverse("ledgers:unit_workbook"), {"unit": personas.lead_unit.pk})
    assert response.status_code == 200


def test_monthly_report_download(client, plan, personas):
    client.force_login(personas.lead_clerk)
    assert client.get(reverse("ledgers:report"), {"month": "2026-11"}).status_code == 403
    client.force_login(personas.leader)
    response = client.get(reverse("ledgers:report"), {"month": "2026-11"})
    assert open_xlsx(response).sheetnames == ["汇总", "逾期事项", "本月办结", "延期审批"]
    response = client.get(reverse("ledgers:report"), {"month": "2026-13"})
    assert response.status_code == 400 and "YYYY-MM" in response.content.decode()


def test_an_unreachable_broker_fails_the_job_not_the_request(
    client, plan, personas, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.LEDGER_ASYNC_ROWS = 0

    def refuse(job_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(jobs.export_ledger_job, "delay", refuse)
    client.force_login(personas.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("ledgers:export"))
    assert response.status_code == 302
    response = client.get(response["Location"])
    job = ExportJob.objects.get()
    assert job.state == JobState.FAILED and "暂不可用" in response.content.decode()


def test_confirm_rechecks_who_may_import(client, plan, personas):
    """Someone who left the unit after uploading cannot confirm: a message, nothing saved."""
    client.force_login(personas.lead_clerk)
    share = Assignment.objects.filter(unit=personas.lead_unit).order_by("task_id").first()
    upload(client, edit(unit_workbook(personas.lead_unit), {share.pk: {"progress": "离线", "percent": 5}}))
    record = ProgressImport.objects.get()
    personas.lead_clerk.memberships.all().delete()
    response = client.post(reverse("ledgers:confirm", args=[record.pk]), follow=True)
    assert "不能导入" in response.content.decode()
    assert not ProgressReport.objects.exists()
    record.refresh_from_db()
    assert record.applied_at is None


def test_every_export_is_written_to_the_security_log(client, plan, personas):
    """Exports leave the building: who took which ledger, and how many tasks, is recorded."""
    from audit.models import SecurityEvent, SecurityEventKind

    client.force_login(personas.lead_clerk)
    assert client.get(reverse("ledgers:export")).status_code == 200
    assert client.get(reverse("ledgers:unit_workbook")).status_code == 200
    events = SecurityEvent.objects.filter(kind=SecurityEventKind.EXPORTED, user=personas.lead_clerk)
    details = [event.detail for event in events.order_by("id")]
    assert len(details) == 2
    assert details[0].startswith("任务台账") and "行）" in details[0]
    assert details[1] == f"进展填报表：{personas.lead_unit.name}"


def test_the_document_filter_is_applied_not_ignored(client, plan, personas):
    """The document filter's choices depend on who asks: the export must ask as the person,
    or the filter is invalid and every task comes out (a ledger of one document became all)."""
    from documents.models import DocumentStatus, SourceDocument

    other = SourceDocument.objects.create(title="另一份文件", status=DocumentStatus.PUBLISHED)
    services.create_task(
        personas.supervisor, text="另一份文件的任务。", source_document=other, lead_units=[personas.lead_unit]
    )
    client.force_login(personas.supervisor)
    assert task_texts(client.get(reverse("ledgers:export"), {"document": other.pk})) == ["另一份文件的任务。"]
    client.force_login(personas.lead_clerk)
    assert task_texts(client.get(reverse("ledgers:export"), {"document": other.pk})) == ["另一份文件的任务。"]
