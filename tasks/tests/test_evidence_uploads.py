"""Evidence files: allowed by content, capped, stored under random names, served safely."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.evidence import inspect
from tasks.models import Evidence

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def ooxml(kind: str = "word", *, macro: bool = False, content_type: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        types = content_type or "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        package.writestr("[Content_Types].xml", f'<Types><Override ContentType="{types}"/></Types>')
        package.writestr(f"{kind}/document.xml", "<document/>")
        if macro:
            package.writestr(f"{kind}/vbaProject.bin", b"\x00VBA")
    return buffer.getvalue()


def archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("evil.exe", b"MZ")
    return buffer.getvalue()


ACCEPTED = [
    ("现场.pdf", PDF, "application/pdf"),
    ("照片.png", PNG, "image/png"),
    ("照片.JPEG", JPEG, "image/jpeg"),
    ("报告.docx", ooxml("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("台账.xlsx", ooxml("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("旧报告.doc", OLE, "application/msword"),
]
REFUSED = [
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60, "类型不在允许范围内"),
    ("run.sh", b"#!/bin/sh\necho hi\n", "类型不在允许范围内"),
    ("run.bat", b"@echo off\r\n", "类型不在允许范围内"),
    ("page.html", b"<html><script>alert(1)</script></html>", "类型不在允许范围内"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "类型不在允许范围内"),
    ("app.js", b"alert(1)", "类型不在允许范围内"),
    ("宏.docm", ooxml("word", macro=True), "类型不在允许范围内"),
    ("宏.docx", ooxml("word", macro=True), "含有宏"),
    ("宏2.xlsx", ooxml("xl", content_type="application/vnd.ms-excel.sheet.macroEnabled.main+xml"), "含有宏"),
    ("宏.doc", OLE + "_VBA_PROJECT".encode("utf-16-le"), "含有宏"),
    ("伪装.pdf", b"MZ\x90\x00 an executable", "内容无法识别"),
    ("伪装.png", b"<html><script>alert(1)</script>", "内容无法识别"),
    ("伪装.docx", PDF, "扩展名与文件内容不符"),
    ("伪装.jpg", PNG, "扩展名与文件内容不符"),
    ("压缩包.docx", archive(), "不是有效的 Office 文档"),
    ("坏.xlsx", b"PK\x03\x04 broken", "不是有效的 Office 文档"),
    ("空.pdf", b"", "空文件"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED)
def test_allowed_kinds_are_told_by_content(name, content, content_type):
    assert inspect(SimpleUploadedFile(name, content)).content_type == content_type


@pytest.mark.parametrize(("name", "content", "message"), REFUSED)
def test_hostile_files_are_refused_with_a_reason(name, content, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        inspect(SimpleUploadedFile(name, content))
    assert message in refused.value.messages[0]


@pytest.fixture
def as_support(client, personas):
    client.force_login(personas.support_clerk)
    return client


def report(client, assignment, *files):
    data = {"version": assignment.version, "progress": "推进中", "percent": 20, "files": list(files)}
    return client.post(reverse("tasks:report", args=[assignment.pk]), data)


@pytest.mark.parametrize(("name", "content", "message"), REFUSED[:8])
def test_a_report_with_one_hostile_file_is_refused_whole(as_support, support_assignment, name, content, message):
    response = report(
        as_support, support_assignment, SimpleUploadedFile("好.pdf", PDF), SimpleUploadedFile(name, content)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not support_assignment.reports.exists() and not Evidence.objects.exists()


def test_files_over_the_cap_are_refused(as_support, support_assignment, settings):
    settings.MAX_EVIDENCE_MB = 1
    big = SimpleUploadedFile("大.pdf", PDF + b"0" * (1024 * 1024))
    response = report(as_support, support_assignment, big)
    assert response.status_code == 400 and "超过 1 MB" in response.content.decode()
    assert not Evidence.objects.exists()


def test_files_are_stored_under_random_names_and_keep_their_original_name(as_support, support_assignment):
    response = report(
        as_support,
        support_assignment,
        SimpleUploadedFile("../../etc/现场 照片.png", PNG),
        SimpleUploadedFile("a.pdf", PDF),
    )
    assert response.status_code == 302
    first, second = Evidence.objects.order_by("id")
    assert first.original_name == "现场 照片.png"
    stored = first.file.name.rsplit("/", 1)[-1]
    assert first.file.name.startswith("evidence/") and len(stored) == 36 and stored.endswith(".png")
    assert "现场" not in first.file.name and ".." not in first.file.name
    assert second.file.name.endswith(".pdf") and second.file.name != first.file.name


@pytest.mark.parametrize(
    ("name", "content", "content_type", "inline"),
    [("现场.pdf", PDF, "application/pdf", True), ("照片.png", PNG, "image/png", True),
     ("报告.docx", ooxml("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False)],
)  # fmt: skip
def test_images_and_pdfs_preview_inline_other_files_download(
    as_support, client, personas, support_assignment, name, content, content_type, inline
):
    assert report(as_support, support_assignment, SimpleUploadedFile(name, content)).status_code == 302
    evidence = Evidence.objects.get()
    client.force_login(personas.lead_clerk)  # the lead unit reads its supporting units' reports
    response = client.get(reverse("tasks:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline" if inline else "attachment")
    assert b"".join(response.streaming_content) == content
    forced = client.get(reverse("tasks:evidence", args=[evidence.pk]), {"download": "1"})
    assert forced["Content-Disposition"].startswith("attachment")
    page = client.get(reverse("tasks:detail", args=[support_assignment.task_id])).content.decode()
    assert ("?download=1" in page) == inline
    client.force_login(personas.other_clerk)
    assert client.get(reverse("tasks:evidence", args=[evidence.pk])).status_code == 404


def test_a_file_stored_before_the_allow_list_downloads_as_octet_stream(client, personas, support_assignment):
    from django.core.files.base import ContentFile

    from tasks import services

    report_row = services.report_progress(personas.support_clerk, support_assignment, progress="旧报告", percent=5)
    old = Evidence(report=report_row, original_name="旧.html", uploaded_by=personas.support_clerk)
    old.file.save("evidence/2025/01/旧.html", ContentFile(b"<script>alert(1)</script>"), save=True)
    client.force_login(personas.support_clerk)
    response = client.get(reverse("tasks:evidence", args=[old.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
