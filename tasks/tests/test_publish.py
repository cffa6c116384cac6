"""tasks.publishing.publish_document: accepted draft items become tasks and assignments."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from documents import services
from documents.models import DocumentStatus, ReviewState
from documents.tests.test_services import (  # noqa: F401 - fixtures
    fake_pipeline,
    fake_result,
    item_entry,
    township_group,
    unit_entry,
    upload,
)
from tasks.models import Assignment, AssignmentRole, Indicator, ReportingCycle, Task, TaskEvent
from tasks.publishing import publish_document, reporting_cycle
from units.models import Unit, UnitKind


def import_items(personas, fake_pipeline, items, **metadata):  # noqa: F811 - the fixture, passed on
    fake_pipeline(fake_result(items, **metadata))
    return services.import_upload(upload(), personas.supervisor)


def accept_all(personas, document):
    for item in document.items.all():
        services.accept(personas.supervisor, item)


def roles(task):
    return sorted((a.unit.name, a.role) for a in task.assignments.select_related("unit"))


def test_one_task_per_accepted_item_with_lead_and_support(personas, fake_pipeline):  # noqa: F811
    p = personas
    document = import_items(
        p,
        fake_pipeline,
        [
            item_entry(
                "1",
                "推进项目建设",
                [unit_entry("区发改委", p.lead_unit)],
                [unit_entry("区工信局", p.support_unit), unit_entry("区发改委", p.lead_unit)],
                responsible_leader="张三",
                indicators=[{"name": "新增规上企业", "measure": "家", "targets": {"2023": 5, "2024": 8}}],
            ),
            item_entry("2", "不发布的条目", [unit_entry("区教体局", p.other_unit)]),
        ],
    )
    first, second = document.items.order_by("position")
    services.accept(p.supervisor, first)
    services.reject(p.supervisor, second)

    summary = publish_document(document, p.supervisor)

    assert len(summary.tasks) == 1 and len(summary.assignments) == 2 and summary.skipped == []
    task = summary.tasks[0]
    assert task.text == "推进项目建设" and task.number == "1" and task.section == "一、重点任务"
    assert task.deadline == dt.date(2021, 12, 31) and task.deadline_text == "2021年12月底前"
    assert task.source_document == document and task.source_item == first
    assert task.responsible_leader == "张三"
    # The document's 每季度末月20日前报送 sets the cycle when the item names none.
    assert task.reporting_cycle == ReportingCycle.QUARTERLY
    # 区发改委 listed as lead and as support: lead once.
    assert roles(task) == sorted([("区发展和改革委员会", "lead"), ("区工业和信息化局", "support")])
    assert all(a.deadline == dt.date(2021, 12, 31) for a in task.assignments.all())
    assert sorted(Indicator.objects.filter(task=task).values_list("name", "year", "target")) == [
        ("新增规上企业", 2023, "5"),
        ("新增规上企业", 2024, "8"),
    ]
    assert TaskEvent.objects.filter(task=task, action="created").count() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    document.refresh_from_db()
    assert first.state == ReviewState.PUBLISHED and second.state == ReviewState.REJECTED
    assert document.status == DocumentStatus.PUBLISHED and document.published_at is not None


def test_groups_expand_to_their_member_units(personas, fake_pipeline, township_group):  # noqa: F811
    p = personas
    document = import_items(
        p,
        fake_pipeline,
        [
            item_entry(
                "1",
                "各乡镇落实",
                [unit_entry("区发改委", p.lead_unit)],
                [unit_entry("各乡镇（街道）", group=township_group, method="group")],
            )
        ],
    )
    accept_all(p, document)
    summary = publish_document(document, p.supervisor)
    (task,) = summary.tasks
    assert roles(task) == sorted([("区发展和改革委员会", "lead"), ("荷塘乡", "support"), ("西郊街道", "support")])


def test_groups_needing_confirmation_and_unresolved_names_block_the_item(
    personas,
    fake_pipeline,  # noqa: F811
    township_group,  # noqa: F811
):
    p = personas
    township_group.needs_confirmation = True
    township_group.save()
    document = import_items(
        p,
        fake_pipeline,
        [
            item_entry("1", "有待确认单位组", [unit_entry("各乡镇（街道）", group=township_group)]),
            item_entry("2", "有未识别单位", [unit_entry("区发改委", p.lead_unit)], [unit_entry("区某某办")]),
            item_entry("3", "可以发布", [unit_entry("区发改委", p.lead_unit)]),
        ],
    )
    accept_all(p, document)
    summary = publish_document(document, p.supervisor)
    assert [t.text for t in summary.tasks] == ["可以发布"]
    skipped = {s.item.number: s.reasons for s in summary.skipped}
    assert skipped["1"] == ["单位组“各乡镇（街道）”需确认具体单位"]
    assert skipped["2"] == ["单位“区某某办”未识别"]
    states = dict(document.items.values_list("number", "state"))
    assert states == {"1": ReviewState.ACCEPTED, "2": ReviewState.ACCEPTED, "3": ReviewState.PUBLISHED}

    # Fixed in review, the blocked item publishes next time.
    row = document.items.get(number="2").units.get(written="区某某办")
    services.set_item_unit(p.supervisor, row, unit=p.other_unit)
    again = publish_document(document, p.supervisor)
    assert [t.text for t in again.tasks] == ["有未识别单位"]


def test_publishing_twice_creates_nothing_new(personas, fake_pipeline):  # noqa: F811
    p = personas
    document = import_items(p, fake_pipeline, [item_entry("1", "任务", [unit_entry("区发改委", p.lead_unit)])])
    accept_all(p, document)
    publish_document(document, p.supervisor)
    counts = (Task.objects.count(), Assignment.objects.count(), TaskEvent.objects.count())
    summary = publish_document(document, p.supervisor)
    assert summary.tasks == [] and summary.assignments == []
    assert (Task.objects.count(), Assignment.objects.count(), TaskEvent.objects.count()) == counts


def test_retired_units_follow_their_successor(personas, fake_pipeline):  # noqa: F811
    p = personas
    successor = Unit.objects.create(name="吕蒙街道", kind=UnitKind.SUBDISTRICT)
    retired = Unit.objects.create(name="吕蒙乡", kind=UnitKind.TOWNSHIP, active=False, successor=successor)
    document = import_items(p, fake_pipeline, [item_entry("1", "任务", [unit_entry("吕蒙乡", retired)])])
    accept_all(p, document)
    (task,) = publish_document(document, p.supervisor).tasks
    assert roles(task) == [("吕蒙街道", AssignmentRole.LEAD)]


def test_only_given_items_are_published(personas, fake_pipeline):  # noqa: F811
    p = personas
    document = import_items(
        p,
        fake_pipeline,
        [item_entry(str(n), f"任务{n}", [unit_entry("区发改委", p.lead_unit)]) for n in (1, 2)],
    )
    accept_all(p, document)
    first = document.items.get(number="1")
    summary = publish_document(document, p.supervisor, items=[first])
    assert [t.source_item_id for t in summary.tasks] == [first.pk]


@pytest.mark.parametrize("who", ["leader", "lead_clerk", "support_clerk"])
def test_only_the_supervision_office_publishes(personas, fake_pipeline, who):  # noqa: F811
    p = personas
    document = import_items(p, fake_pipeline, [item_entry("1", "任务", [unit_entry("区发改委", p.lead_unit)])])
    accept_all(p, document)
    with pytest.raises(PermissionDenied):
        publish_document(document, getattr(p, who))
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("texts", "cycle"),
    [
        (("每月", ""), ReportingCycle.MONTHLY),
        (("", "每季度末月20日前报送"), ReportingCycle.QUARTERLY),
        (("每半月", "每季度"), ReportingCycle.BIWEEKLY),
        (("每半年报送一次",), ReportingCycle.HALF_YEARLY),
        (("monthly",), ReportingCycle.MONTHLY),
        (("", ""), ReportingCycle.NONE),
    ],
)
def test_reporting_cycle_from_recurrence_then_document(texts, cycle):
    assert reporting_cycle(*texts) == cycle


def test_the_plans_indicator_table_is_published_once(personas, fake_pipeline):  # noqa: F811
    p = personas
    fake_pipeline(
        {
            **fake_result([item_entry("1", "任务", [unit_entry("区发改委", p.lead_unit)])]),
            "indicators": [{"name": "地区生产总值增速", "unit": "%", "targets": {"2023": "7", "2024": "7.5"}}],
        }
    )
    document = services.import_upload(upload(), p.supervisor)
    accept_all(p, document)
    publish_document(document, p.supervisor)
    publish_document(document, p.supervisor)
    rows = Indicator.objects.filter(source_document=document, task__isnull=True)
    assert sorted(rows.values_list("name", "measure", "year", "target")) == [
        ("地区生产总值增速", "%", 2023, "7"),
        ("地区生产总值增速", "%", 2024, "7.5"),
    ]
