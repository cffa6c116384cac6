"""No N+1 on the document screens: the list, a document's page and the review screen take the
same number of queries at SMALL and at LARGE rows, and a real seed stays under a ceiling."""

import itertools
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import services
from documents.models import ReviewState
from documents.tests.test_services import (  # noqa: F401 - fixtures
    fake_pipeline,
    fake_result,
    item_entry,
    township_group,
    unit_entry,
    upload,
)
from tasks import services as task_services
from tasks.models import Task
from units.models import Unit, UnitGroup, UnitKind

SMALL, LARGE = 3, 30
SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def unit_kinds(personas, township_group):  # noqa: F811
    """Every kind of unit chip: resolved, group by kind, group to confirm, explicit-member group,
    a retired unit with a chain of successors, and an unresolved name."""
    merged_into = Unit.objects.create(name="吕蒙街道", kind=UnitKind.SUBDISTRICT)
    middle = Unit.objects.create(name="吕蒙镇", kind=UnitKind.TOWNSHIP, active=False, successor=merged_into)
    retired = Unit.objects.create(name="吕蒙乡", kind=UnitKind.TOWNSHIP, active=False, successor=middle)
    to_confirm = UnitGroup.objects.create(name="区直有关单位", needs_confirmation=True)
    committee = UnitGroup.objects.create(name="区安委会成员单位")
    committee.members.add(personas.lead_unit, personas.support_unit)
    empty = UnitGroup.objects.create(name="某某成员单位")
    return {
        "retired": retired,
        "township": township_group,
        "to_confirm": to_confirm,
        "committee": committee,
        "empty": empty,
    }


def many_items(personas, kinds, n: int, *, offset: int = 0) -> list[dict]:
    p = personas
    items = []
    for i in range(offset + 1, offset + n + 1):
        lead = [unit_entry("区发改委", p.lead_unit)]
        support = [
            unit_entry("区工信局", p.support_unit),
            unit_entry("吕蒙乡", kinds["retired"]),
            unit_entry("各乡镇（街道）", group=kinds["township"], method="group"),
            unit_entry("区直有关单位", group=kinds["to_confirm"], method="group"),
            unit_entry("区安委会成员单位", group=kinds["committee"], method="group"),
            unit_entry("某某成员单位", group=kinds["empty"], method="group"),
            unit_entry(f"区某某办{i}"),
        ]
        items.append(item_entry(str(i), f"第{i}项工作任务", lead, support))
    return items


_serial = itertools.count(1)


def import_items(personas, fake_pipeline, items):  # noqa: F811
    """Each call imports another document (its own bytes and 文号): a repeat would be refused."""
    n = next(_serial)
    fake_pipeline(fake_result(items, doc_number=f"昌府办字〔2021〕{n}号"))
    return services.import_upload(upload(content=f"{n}\n"), personas.supervisor)


def _as_published(personas, document) -> None:
    """Units read a document only once it became tasks their unit shares (issue 14): mark every
    item published and give the document a task led by 区发改委."""
    task = task_services.create_task(personas.supervisor, text="已发布的任务", lead_units=[personas.lead_unit])
    Task.objects.filter(pk=task.pk).update(source_document=document)
    document.items.update(state=ReviewState.PUBLISHED)


def _login(client, user):
    client.force_login(user)
    return client


def test_document_list(client, personas, fake_pipeline, unit_kinds):  # noqa: F811
    _login(client, personas.lead_clerk)
    url = reverse("documents:list")
    for _ in range(SMALL):
        import_items(personas, fake_pipeline, many_items(personas, unit_kinds, 2))
    small = count_queries(client, url)
    for _ in range(LARGE - SMALL):
        import_items(personas, fake_pipeline, many_items(personas, unit_kinds, 2))
    large = count_queries(client, url)
    assert small == large, f"document list: {small} queries at {SMALL} documents, {large} at {LARGE}"
    assert large <= 5


def _grow(personas, fake_pipeline, unit_kinds, url_name: str, client, *, publish=False):  # noqa: F811
    """Queries of one document's page at SMALL items and at LARGE items (same document shape)."""
    small_doc = import_items(personas, fake_pipeline, many_items(personas, unit_kinds, SMALL))
    large_doc = import_items(personas, fake_pipeline, many_items(personas, unit_kinds, LARGE))
    for doc in (small_doc, large_doc) if publish else ():
        _as_published(personas, doc)
    small = count_queries(client, reverse(url_name, args=[small_doc.pk]))
    large = count_queries(client, reverse(url_name, args=[large_doc.pk]))
    return small, large


@pytest.mark.parametrize("who", ["supervisor", "lead_clerk"])
def test_document_detail(client, personas, fake_pipeline, unit_kinds, who):  # noqa: F811
    _login(client, getattr(personas, who))
    small, large = _grow(personas, fake_pipeline, unit_kinds, "documents:detail", client, publish=who != "supervisor")
    assert small == large, f"document detail: {small} queries at {SMALL} items, {large} at {LARGE}"
    assert large <= 13  # 12, plus the bell's unread count (reminders)


def test_review_screen(client, personas, fake_pipeline, unit_kinds):  # noqa: F811
    _login(client, personas.supervisor)
    small, large = _grow(personas, fake_pipeline, unit_kinds, "documents:review", client)
    assert small == large, f"review screen: {small} queries at {SMALL} items, {large} at {LARGE}"
    assert large <= 12


def test_review_screen_after_review_work(client, personas, fake_pipeline, unit_kinds):  # noqa: F811
    """Accepted, rejected, merged and split items render without a query per row."""
    _login(client, personas.supervisor)
    document = import_items(personas, fake_pipeline, many_items(personas, unit_kinds, LARGE))
    items = list(document.items.order_by("position"))
    services.accept(personas.supervisor, items[0])
    services.reject(personas.supervisor, items[1])
    services.merge(personas.supervisor, items[2:5])
    services.split(personas.supervisor, items[6], at=2)
    url = reverse("documents:review", args=[document.pk])
    assert count_queries(client, url) <= 12


@pytest.mark.parametrize("seed", ["004_27fa458a6cee6f7a.txt", "002_5dcddffe22301220.txt"])
def test_real_seed_pages_stay_under_a_ceiling(client, personas, seed):
    """The whole pipeline on a real seed (84 items in 004), against the district's registry."""
    from units.registry import load_registry

    load_registry()
    upload_file = SimpleUploadedFile(seed, (SEEDS / seed).read_bytes(), content_type="text/plain")
    document = services.import_upload(upload_file, personas.supervisor)
    assert document.items.count() > 5
    _login(client, personas.supervisor)
    assert count_queries(client, reverse("documents:detail", args=[document.pk])) <= 12
    assert count_queries(client, reverse("documents:review", args=[document.pk])) <= 12
    assert count_queries(client, reverse("documents:list")) <= 5
