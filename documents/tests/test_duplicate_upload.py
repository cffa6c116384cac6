"""A file imported once is recognised when uploaded again: nothing is created, and the page
links to the first import (issue 13, point 1)."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.models import DraftItem, ExtractionRun, SourceDocument
from documents.tests.test_services import (  # noqa: F401 - fixtures
    fake_pipeline,
    fake_result,
    item_entry,
    unit_entry,
    upload,
)
from testing.personas import PASSWORD
from units.registry import load_registry

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "003_ecc2df1f51e8834e.txt"


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def counts():
    return SourceDocument.objects.count(), DraftItem.objects.count(), ExtractionRun.objects.count(), len(media_files())


@pytest.fixture
def supervisor_client(client, personas):
    load_registry()
    assert client.login(username="supervisor", password=PASSWORD)
    return client


def test_a_second_upload_of_the_same_file_creates_nothing_and_links_to_the_first(supervisor_client):
    content = SEED.read_bytes()
    first = supervisor_client.post(reverse("documents:upload"), {"file": SimpleUploadedFile(SEED.name, content)})
    assert first.status_code == 302
    original = SourceDocument.objects.get()
    assert len(original.content_hash) == 64
    before = counts()

    again = supervisor_client.post(reverse("documents:upload"), {"file": SimpleUploadedFile("副本.txt", content)})

    assert again.status_code == 400
    assert counts() == before
    page = again.content.decode()
    assert "未重复导入" in page and original.title in page
    assert reverse("documents:detail", args=[original.pk]) in page
    assert reverse("documents:review", args=[original.pk]) in page  # still in review: go on reviewing


def test_the_same_document_saved_again_is_recognised_by_its_number_and_title(personas, fake_pipeline):  # noqa: F811
    p = personas
    fake_pipeline(fake_result([item_entry("1", "推进项目建设", [unit_entry("区发改委", p.lead_unit)])]))
    first = services.import_upload(upload("plan.txt"), p.supervisor)
    before = counts()
    # Other bytes (e.g. the .docx of the same notice), same 文号 and title.
    with pytest.raises(services.AlreadyImported) as caught:
        services.import_upload(upload("plan.docx", content="另存为的版本"), p.supervisor)
    assert caught.value.document == first
    assert "文号 昌府办字〔2021〕20号、标题相同" in caught.value.message
    assert counts() == before


def test_another_number_or_another_file_imports(personas, fake_pipeline):  # noqa: F811
    p = personas
    items = [item_entry("1", "推进项目建设", [unit_entry("区发改委", p.lead_unit)])]
    fake_pipeline(fake_result(items))
    services.import_upload(upload("plan.txt"), p.supervisor)
    fake_pipeline(fake_result(items, doc_number="昌府办字〔2022〕3号"))
    services.import_upload(upload("plan2.txt", content="第二份文件"), p.supervisor)
    assert SourceDocument.objects.count() == 2


def test_the_migration_fills_existing_hashes_oldest_copy_first(personas, settings):
    """0005 hashes the files already stored; a later copy of the same file keeps an empty hash so
    the unique constraint holds, and the oldest is the one a new upload is pointed to."""
    migration = importlib.import_module("documents.migrations.0005_sourcedocument_content_hash")
    older = SourceDocument(title="甲")
    older.file.save("a.txt", ContentFile(b"same bytes"), save=True)
    copy = SourceDocument(title="甲（重复）")
    copy.file.save("b.txt", ContentFile(b"same bytes"), save=True)
    other = SourceDocument(title="乙")
    other.file.save("c.txt", ContentFile(b"other bytes"), save=True)
    gone = SourceDocument.objects.create(title="丙", file="documents/missing.txt")

    migration.fill_hashes(apps, None)

    values = dict(SourceDocument.objects.values_list("title", "content_hash"))
    assert len(values["甲"]) == 64 and len(values["乙"]) == 64 and values["甲"] != values["乙"]
    assert values["甲（重复）"] == "" and values[gone.title] == ""
    assert services.find_duplicate(digest=values["甲"])[0] == older
