"""The upload screen with the real pipeline: a seed imports; bad files show a message and save nothing."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import SourceDocument
from testing.personas import PASSWORD
from units.registry import load_registry

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "003_ecc2df1f51e8834e.txt"


@pytest.fixture
def supervisor_client(client, personas):
    load_registry()
    assert client.login(username="supervisor", password=PASSWORD)
    return client


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post(client, name: str, content: bytes):
    return client.post(reverse("documents:upload"), {"file": SimpleUploadedFile(name, content)})


def test_the_form_is_shown(supervisor_client):
    response = supervisor_client.get(reverse("documents:upload"))
    assert response.status_code == 200 and 'type="file"' in response.content.decode()


def test_a_seed_imports_and_opens_the_review_screen(supervisor_client):
    response = post(supervisor_client, SEED.name, SEED.read_bytes())
    document = SourceDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:review", args=[document.pk])
    assert document.items.count() >= 10
    assert "政务公开" in document.title
    assert len(media_files()) == 1


def corrupt_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><broken")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.txt", b""),
        ("broken.docx", b"PK\x03\x04 not really a zip"),
        ("half.docx", corrupt_docx()),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100),
        ("scan.pdf", b"%PDF-1.4\n" + b"\x00" * 200),
    ],
)
def test_bad_files_show_a_message_and_save_nothing(supervisor_client, name, content):
    response = post(supervisor_client, name, content)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="upload-error"' in html
    assert 'type="file"' in html  # the form is still there
    assert not SourceDocument.objects.exists()
    assert media_files() == []


def test_a_document_without_recognised_items_is_saved_and_opens_in_review(supervisor_client):
    response = post(supervisor_client, "notice.txt", "关于放假的通知\n各单位：国庆节放假七天。\n".encode())
    document = SourceDocument.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/documents/{document.pk}/review/")
    page = supervisor_client.get(response["Location"]).content.decode()
    assert "国庆节放假七天" in page and 'data-testid="no-items"' in page and 'data-testid="passage-form"' in page


def test_an_oversized_file_is_refused(supervisor_client, settings):
    settings.MAX_UPLOAD_MB = 1
    response = post(supervisor_client, "big.txt", SEED.read_bytes() * 200)
    assert response.status_code == 400
    assert "超过 1 MB" in response.content.decode()
    assert not SourceDocument.objects.exists()
    assert media_files() == []
