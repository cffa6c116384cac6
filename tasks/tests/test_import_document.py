"""manage.py import_document FILE [--publish] [--user USERNAME] on the seed documents."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from documents.models import DraftItemUnit, ReviewState, SourceDocument
from tasks.models import Assignment, Task
from units.models import UnitAlias
from units.registry import load_registry

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
DIVISION_SEED = SEEDS / "004_27fa458a6cee6f7a.txt"


@pytest.fixture
def registry(personas):
    load_registry()


def run(*args) -> dict:
    out = StringIO()
    call_command("import_document", *map(str, args), stdout=out)
    return json.loads(out.getvalue())


def test_import_without_publish_saves_items_for_review(registry):
    summary = run(DIVISION_SEED)
    document = SourceDocument.objects.get(pk=summary["document"])
    assert summary["items"] == document.items.count() >= 80
    assert summary["published_tasks"] == 0 and summary["assignments"] == 0
    assert summary["left_for_review"] == summary["items"]
    assert document.uploaded_by.username == "supervisor"
    assert document.file.name.endswith(".txt")
    assert document.text
    assert not Task.objects.exists()


def test_import_with_publish_publishes_every_fully_resolved_item(registry, personas):
    summary = run(DIVISION_SEED, "--publish", "--user", "supervisor")
    document = SourceDocument.objects.get(pk=summary["document"])
    published = document.items.filter(state=ReviewState.PUBLISHED)
    assert summary["published_tasks"] == published.count() == Task.objects.count() > 0
    assert summary["assignments"] == Assignment.objects.count() >= summary["published_tasks"]
    assert summary["left_for_review"] == summary["items"] - summary["published_tasks"]
    for item in document.items.exclude(state=ReviewState.PUBLISHED):
        assert item.state == ReviewState.PENDING
    every_task_has_a_lead = all(t.assignments.filter(role="lead").exists() for t in Task.objects.all())
    assert every_task_has_a_lead


def test_an_alias_fixed_in_review_is_used_by_the_next_import(registry, personas, tmp_path):
    from documents import services

    seed = tmp_path / "plan.txt"
    seed.write_text(DIVISION_SEED.read_text(encoding="utf-8").replace("区商务局", "区数字经济办", 1), encoding="utf-8")
    first = run(seed)
    unresolved = DraftItemUnit.objects.get(item__document_id=first["document"], written="区数字经济办")
    assert unresolved.unit is None and unresolved.group is None
    services.set_item_unit(personas.supervisor, unresolved, unit=personas.other_unit)
    assert UnitAlias.objects.filter(alias="区数字经济办", unit=personas.other_unit).exists()

    # The next document (another 文号: the same file again would be refused as already imported).
    later = tmp_path / "later.txt"
    later.write_text(seed.read_text(encoding="utf-8").replace("〔2021〕20号", "〔2021〕35号"), encoding="utf-8")
    second = run(later)
    again = DraftItemUnit.objects.get(item__document_id=second["document"], written="区数字经济办")
    assert again.unit == personas.other_unit


def test_bad_input_exits_1_with_the_message_and_saves_nothing(registry, tmp_path, capsys):
    corrupt = tmp_path / "broken.docx"
    corrupt.write_bytes(b"this is not a zip file")
    with pytest.raises(CommandError) as caught:
        call_command("import_document", str(corrupt))
    assert caught.value.returncode == 1
    assert "docx" in str(caught.value) or "损坏" in str(caught.value) or "无法" in str(caught.value)
    assert not SourceDocument.objects.exists()


def test_no_items_saves_the_document_for_review_by_hand(registry, tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text("关于放假的通知\n\n各单位：国庆节放假七天。\n", encoding="utf-8")
    call_command("import_document", str(notice))
    document = SourceDocument.objects.get()
    assert document.items.count() == 0 and "国庆节放假七天" in document.text


def test_only_supervisors_may_be_named(registry, personas):
    with pytest.raises(CommandError, match="不是督查室"):
        call_command("import_document", str(DIVISION_SEED), "--user", "lead_clerk")
    assert not SourceDocument.objects.exists()


def test_exit_status_is_1_from_the_command_line(registry, tmp_path):
    """CommandError from call_command becomes exit status 1 and a stderr message via manage.py."""
    from django.core.management import ManagementUtility

    missing = tmp_path / "missing.txt"
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_document", str(missing)]).execute()
    assert exited.value.code == 1
