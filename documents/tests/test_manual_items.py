"""No dead ends (issue 11): pasted text imports like a file; a document without recognised
items is kept; a person makes an item from any passage, and it publishes as usual."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from documents import services
from documents.actions import manual
from documents.models import DraftItem, ItemRole, ReviewState, SourceDocument
from tasks.models import Task
from tasks.publishing import publish_document

REAL = Path(__file__).resolve().parent / "data" / "real"
NOTICE = (
    "关于做好国庆节期间值班工作的通知\n各单位：\n请各单位安排好值班人员，确保联络畅通。\n区政府办公室\n2024年9月20日\n"
)


def test_pasted_text_imports_like_the_same_file(personas):
    text = (REAL / "lishan_2023_field_lines.txt").read_text(encoding="utf-8")
    pasted = manual.import_pasted_text(personas.supervisor, text, title="立山区分工方案")
    uploaded = services.import_upload((REAL / "lishan_2023_field_lines.txt").open("rb"), personas.supervisor)
    assert pasted.title == "立山区分工方案"
    assert [i.text for i in pasted.items.all()] == [i.text for i in uploaded.items.all()]
    assert pasted.items.count() == 6
    assert pasted.file.name.endswith(".txt") and pasted.file.read().decode("utf-8").startswith("鞍山市立山区")
    first = pasted.items.first()
    assert first.provenance["source"].startswith("字段行")


def test_empty_paste_is_refused_with_a_message(personas):
    with pytest.raises(services.ImportFailed, match="没有粘贴任何文字"):
        manual.import_pasted_text(personas.supervisor, "   \n ")
    assert not SourceDocument.objects.exists()


def test_only_the_supervision_office_pastes_or_adds_items(personas):
    with pytest.raises(PermissionDenied):
        manual.import_pasted_text(personas.lead_clerk, NOTICE)
    document = manual.import_pasted_text(personas.supervisor, NOTICE)
    with pytest.raises(PermissionDenied):
        manual.add_item_from_passage(personas.lead_clerk, document, text="值班")


def test_an_item_from_a_passage_publishes_as_usual(personas):
    document = manual.import_pasted_text(personas.supervisor, NOTICE)
    assert document.items.count() == 0 and "值班人员" in document.text
    item = manual.add_item_from_passage(
        personas.supervisor,
        document,
        text="安排好国庆节值班人员，确保联络畅通。",
        source_start=3,
        source_end=3,
        lead_names=["区发改委"],
        support_names=["区工信局", "区发改委", "区航天局"],
        deadline=dt.date(2024, 9, 30),
    )
    assert item.state == ReviewState.PENDING and item.provenance["source"] == "人工选取原文第3行"
    leads = item.units.filter(role=ItemRole.LEAD)
    supports = item.units.filter(role=ItemRole.SUPPORT)
    assert [u.unit for u in leads] == [personas.lead_unit]
    assert [u.written for u in supports] == ["区工信局", "区航天局"]  # a lead is not also support
    assert supports.get(written="区航天局").unit is None  # unknown names stay flagged, never guessed
    services.remove_item_unit(personas.supervisor, supports.get(written="区航天局"))
    services.accept(personas.supervisor, DraftItem.objects.get(pk=item.pk))
    summary = publish_document(document, personas.supervisor)
    assert len(summary.tasks) == 1 and not summary.skipped
    task = Task.objects.get(source_item=item)
    assert task.text.startswith("安排好国庆节值班人员")
    assert {a.unit for a in task.assignments.all()} == {personas.lead_unit, personas.support_unit}


def test_a_passage_item_needs_text_and_clamps_its_lines(personas):
    document = manual.import_pasted_text(personas.supervisor, NOTICE)
    with pytest.raises(ValidationError):
        manual.add_item_from_passage(personas.supervisor, document, text="  ")
    item = manual.add_item_from_passage(personas.supervisor, document, text="值班", source_start=2, source_end=999)
    assert item.source_start == 2 and item.source_end == len(document.text.split("\n"))


def test_paste_and_passage_screens(client, personas):
    client.force_login(personas.supervisor)
    assert client.get("/documents/paste/").status_code == 200
    response = client.post("/documents/paste/", {"title": "", "text": NOTICE})
    document = SourceDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/documents/{document.pk}/review/"
    review = client.get(response["Location"]).content.decode()
    assert 'data-testid="no-items"' in review and "js/documents_manual.js" in review
    response = client.post(
        f"/documents/{document.pk}/items/new/",
        {"text": "确保联络畅通", "source_start": "3", "source_end": "3", "lead_names": "区发改委、区工信局"},
    )
    assert response.status_code == 302
    item = document.items.get()
    assert [u.written for u in item.units.order_by("position")] == ["区发改委", "区工信局"]
    review = client.get(f"/documents/{document.pk}/review/").content.decode()
    assert "人工选取原文第3行" in review
    bad = client.post("/documents/paste/", {"text": ""})
    assert bad.status_code == 400 and 'data-testid="paste-error"' in bad.content.decode()
    client.force_login(personas.lead_clerk)
    assert client.get("/documents/paste/").status_code == 403
