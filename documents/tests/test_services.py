"""documents.services: import in one transaction, and the review operations.

The pipeline is replaced by a fixed result here so these tests pin the persistence rules;
test_import_document.py and test_views_upload.py run the real pipeline on the seeds.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services
from documents.actions import importing
from documents.models import (
    DocumentKind,
    DraftItem,
    DraftItemUnit,
    ExtractionRun,
    ItemRole,
    ReviewState,
    SourceDocument,
)
from documents.readers.base import ReaderError
from units.models import GroupAlias, UnitAlias, UnitGroup, UnitKind, UnresolvedName
from units.registry import registry_from_db

SOURCE = "关于印发某工作分工方案的通知\n一、重点任务\n1.推进项目建设\n2.开展专项整治\n3.各乡镇落实\n"


def unit_entry(written, unit=None, group=None, method="exact"):
    return {
        "written": written,
        "canonical": (unit.name if unit else group.name if group else ""),
        "unit_id": unit.pk if unit else None,
        "group_id": group.pk if group else None,
        "method": method if (unit or group) else "",
        "score": 1.0 if (unit or group) else None,
    }


def fake_result(items, **metadata):
    return {
        "metadata": {
            "title": "昌江区某工作分工方案",
            "doc_number": "昌府办字〔2021〕20号",
            "issuer": "昌江区人民政府办公室",
            "issued_date": "2021-03-05",
            "kind": "division",
            "reporting_schedule": "每季度末月20日前报送",
            **metadata,
        },
        "text": SOURCE,
        "items": items,
        "warnings": ["第5行：疑似图片残留已忽略"],
        "reader": "txt",
        "extractors": ["division_table"],
    }


def item_entry(number, text, lead=(), support=(), **extra):
    return {
        "number": number,
        "section_path": ["一、重点任务"],
        "text": text,
        "lead_text": "、".join(e["written"] for e in lead),
        "support_text": "、".join(e["written"] for e in support),
        "lead_units": list(lead),
        "support_units": list(support),
        "responsible_leader": "",
        "deadline_text": "2021年12月底前",
        "deadline": dt.date(2021, 12, 31),
        "ongoing": False,
        "recurrence": "",
        "indicators": [],
        "source_start": 2 + int(number),
        "source_end": 2 + int(number),
        "kind": "task",
        **extra,
    }


@pytest.fixture
def fake_pipeline(monkeypatch):
    """Replace the pipeline; returns a setter for the result (or the ReaderError) it gives."""
    state = {"result": None, "error": None, "calls": 0}

    def extract_file(file, filename, registry=None, *, max_bytes=None):
        state["calls"] += 1
        if state["error"]:
            raise state["error"]
        return state["result"]

    monkeypatch.setattr(importing, "extract_file", extract_file)

    def set_result(result=None, error=None):
        state["result"], state["error"] = result, error
        return state

    return set_result


def upload(name="plan.txt", content=SOURCE):
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/plain")


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def township_group(personas):
    from units.models import Unit

    Unit.objects.create(name="荷塘乡", kind=UnitKind.TOWNSHIP)
    Unit.objects.create(name="西郊街道", kind=UnitKind.SUBDISTRICT)
    return UnitGroup.objects.create(name="各乡镇（街道）", kinds=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT])


@pytest.fixture
def three_items(personas, township_group):
    p = personas
    return fake_result(
        [
            item_entry(
                "1", "推进项目建设", [unit_entry("区发改委", p.lead_unit)], [unit_entry("区工信局", p.support_unit)]
            ),
            item_entry("2", "开展专项整治", [unit_entry("区某某办")]),
            item_entry("3", "各乡镇落实", [unit_entry("各乡镇（街道）", group=township_group, method="group")]),
        ]
    )


def test_import_saves_document_run_items_units_and_file(personas, fake_pipeline, three_items, settings):
    fake_pipeline(three_items)
    document = services.import_upload(upload(), personas.supervisor)

    document.refresh_from_db()
    assert document.title == "昌江区某工作分工方案"
    assert document.doc_number == "昌府办字〔2021〕20号"
    assert document.issued_date == dt.date(2021, 3, 5)
    assert document.kind == DocumentKind.DIVISION
    assert document.reporting_schedule.startswith("每季度")
    assert document.text == SOURCE
    assert document.uploaded_by == personas.supervisor
    assert document.original_filename == "plan.txt"
    assert Path(document.file.path).read_text(encoding="utf-8") == SOURCE

    run = ExtractionRun.objects.get(document=document)
    assert run.item_count == 3 and run.unresolved_count == 1 and run.reader == "txt"
    assert run.warnings == ["第5行：疑似图片残留已忽略"]

    items = list(document.items.order_by("position"))
    assert [i.number for i in items] == ["1", "2", "3"]
    assert all(i.state == ReviewState.PENDING for i in items)
    assert items[0].deadline == dt.date(2021, 12, 31) and items[0].source_start == 3
    first = {u.role: u for u in items[0].units.all()}
    assert first[ItemRole.LEAD].unit == personas.lead_unit
    assert first[ItemRole.SUPPORT].unit == personas.support_unit
    unresolved = items[1].units.get()
    assert unresolved.unit is None and unresolved.group is None and unresolved.written == "区某某办"
    assert items[1].has_unresolved
    assert items[2].units.get().group.name == "各乡镇（街道）"


def test_unresolved_names_go_to_the_registry_queue(personas, fake_pipeline, three_items):
    fake_pipeline(three_items)
    services.import_upload(upload(), personas.supervisor)
    queued = UnresolvedName.objects.get(text="区某某办")
    assert "第2项" in queued.context


def test_fixture_registry_names_map_to_database_units_by_name(personas, fake_pipeline):
    entry = {"written": "区发改委", "canonical": "区发展和改革委员会", "unit_id": None, "group_id": None}
    entry |= {"method": "exact", "score": 1.0}
    fake_pipeline(fake_result([item_entry("1", "任务", [entry])]))
    document = services.import_upload(upload(), personas.supervisor)
    assert document.items.get().units.get().unit == personas.lead_unit


def test_no_items_is_no_dead_end_the_document_is_saved_with_its_text(personas, fake_pipeline, settings):
    """A readable document with no recognised items is saved (text and file) for review by hand."""
    fake_pipeline(fake_result([]))
    document = services.import_upload(upload(), personas.supervisor)
    assert document.items.count() == 0
    assert document.runs.get().item_count == 0
    assert len(media_files(settings)) == 1


def test_reader_error_message_passes_through_and_saves_nothing(personas, fake_pipeline, settings):
    fake_pipeline(error=ReaderError("文件已损坏，无法读取"))
    with pytest.raises(services.ImportFailed) as caught:
        services.import_upload(upload("bad.docx"), personas.supervisor)
    assert caught.value.message == "文件已损坏，无法读取"
    assert not SourceDocument.objects.exists()
    assert media_files(settings) == []


def test_failure_mid_import_rolls_back_everything_and_leaves_no_file(
    personas, fake_pipeline, three_items, settings, monkeypatch
):
    """The file is stored and rows are written before the failure: all of it goes."""
    fake_pipeline(three_items)

    def broken(text, context=""):
        raise RuntimeError("database went away")

    monkeypatch.setattr("documents.actions.importing.record_unresolved", broken)
    with pytest.raises(RuntimeError):
        services.import_upload(upload(), personas.supervisor)
    assert not SourceDocument.objects.exists()
    assert not ExtractionRun.objects.exists()
    assert not DraftItem.objects.exists()
    assert not DraftItemUnit.objects.exists()
    assert not UnresolvedName.objects.exists()
    assert media_files(settings) == []


@pytest.mark.parametrize("who", ["leader", "lead_clerk", "lead_head", "other_clerk"])
def test_only_the_supervision_office_imports(personas, fake_pipeline, three_items, who):
    fake_pipeline(three_items)
    with pytest.raises(PermissionDenied):
        services.import_upload(upload(), getattr(personas, who))
    assert not SourceDocument.objects.exists()


# ---------------------------------------------------------------- review


@pytest.fixture
def document(personas, fake_pipeline, three_items):
    fake_pipeline(three_items)
    return services.import_upload(upload(), personas.supervisor)


def items_of(document):
    return list(document.items.order_by("position"))


def test_update_item_changes_text_deadline_and_units(personas, document):
    item = items_of(document)[0]
    services.update_item(
        personas.supervisor,
        item,
        text="  推进重点项目建设  ",
        deadline=dt.date(2021, 11, 30),
        deadline_text="11月底前",
        lead_names=["区工信局"],
        support_names=["区工信局", "区发改委", "区不存在局"],
    )
    item.refresh_from_db()
    assert item.text == "推进重点项目建设"
    assert item.deadline == dt.date(2021, 11, 30) and item.deadline_text == "11月底前"
    assert item.reviewed_by == personas.supervisor
    lead = list(item.units.filter(role=ItemRole.LEAD))
    support = list(item.units.filter(role=ItemRole.SUPPORT).order_by("position"))
    assert [u.unit for u in lead] == [personas.support_unit]
    # A name given in both roles is lead once; an unknown name stays, flagged.
    assert [u.written for u in support] == ["区发改委", "区不存在局"]
    assert support[0].unit == personas.lead_unit
    assert support[1].unit is None


def test_update_item_refuses_empty_text(personas, document):
    with pytest.raises(ValidationError):
        services.update_item(personas.supervisor, items_of(document)[0], text="  ")


def test_accept_reject_reopen(personas, document):
    item = items_of(document)[0]
    assert services.accept(personas.supervisor, item).state == ReviewState.ACCEPTED
    assert services.reject(personas.supervisor, item).state == ReviewState.REJECTED
    assert services.reopen(personas.supervisor, item).state == ReviewState.PENDING
    with pytest.raises(PermissionDenied):
        services.accept(personas.lead_clerk, item)


def test_merge_joins_texts_and_unions_units_into_the_first(personas, document):
    first, second, third = items_of(document)
    services.update_item(personas.supervisor, second, support_names=["区发改委"])
    merged = services.merge(personas.supervisor, [third, first, second])
    assert merged.pk == first.pk
    merged.refresh_from_db()
    assert merged.text == "推进项目建设\n开展专项整治\n各乡镇落实"
    assert (merged.source_start, merged.source_end) == (3, 5)
    rows = list(merged.units.all())
    written = sorted((u.role, u.written) for u in rows)
    # 区发改委 was lead on the first and support on the second: lead once.
    assert written == sorted(
        [("lead", "区发改委"), ("support", "区工信局"), ("lead", "区某某办"), ("lead", "各乡镇（街道）")]
    )
    for other in (second, third):
        other.refresh_from_db()
        assert other.state == ReviewState.MERGED and other.merged_into_id == first.pk


def test_merge_needs_two_items(personas, document):
    with pytest.raises(ValidationError):
        services.merge(personas.supervisor, items_of(document)[:1])


def test_split_at_offset_and_at_line(personas, document):
    first, second, _third = items_of(document)
    new = services.split(personas.supervisor, first, at=2)
    first.refresh_from_db()
    assert (first.text, new.text) == ("推进", "项目建设")
    assert new.position == first.position + 1
    assert sorted(u.written for u in new.units.all()) == ["区发改委", "区工信局"]
    assert [i.text for i in items_of(document)] == ["推进", "项目建设", "开展专项整治", "各乡镇落实"]

    services.update_item(personas.supervisor, second, text="第一行\n第二行")
    newer = services.split(personas.supervisor, second, line=1)
    assert newer.text == "第二行"
    with pytest.raises(ValidationError):
        services.split(personas.supervisor, newer, at=0)


def test_set_item_unit_saves_an_alias_the_next_resolution_uses(personas, document):
    from units.resolver import resolve

    item = items_of(document)[1]
    row = item.units.get()
    services.set_item_unit(personas.supervisor, row, unit=personas.other_unit)
    row.refresh_from_db()
    assert row.unit == personas.other_unit and row.method == "manual"
    assert UnitAlias.objects.filter(alias="区某某办", unit=personas.other_unit).exists()
    queued = UnresolvedName.objects.get(text="区某某办")
    assert queued.resolved_unit == personas.other_unit
    resolution = resolve("区某某办", registry_from_db())
    assert [m.unit_id for m in resolution.matches] == [personas.other_unit.pk]


def test_set_item_unit_to_a_group_saves_a_group_alias(personas, document, township_group):
    row = items_of(document)[1].units.get()
    services.set_item_unit(personas.supervisor, row, group=township_group)
    assert GroupAlias.objects.filter(alias="区某某办", group=township_group).exists()


def test_accept_all_resolved_skips_unresolved_and_confirmation_groups(personas, document, township_group):
    third = items_of(document)[2]
    count = services.accept_all_resolved(personas.supervisor, document)
    assert count == 2
    states = [i.state for i in items_of(document)]
    assert states == [ReviewState.ACCEPTED, ReviewState.PENDING, ReviewState.ACCEPTED]
    township_group.needs_confirmation = True
    township_group.save()
    services.reopen(personas.supervisor, third)
    assert services.accept_all_resolved(personas.supervisor, document) == 0


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("区发改委、区工信局", ["区发改委", "区工信局"]),
        ("区林业局，各街道（乡、镇）; 区商务局\n区科技局", ["区林业局", "各街道（乡、镇）", "区商务局", "区科技局"]),
        ("区政府办(外事办)、 ", ["区政府办(外事办)"]),
        ("", []),
    ],
)
def test_split_names_keeps_separators_inside_brackets(typed, names):
    assert services.split_names(typed) == names
