"""Before publishing: items already overdue are counted, and 督查室 gives them a new deadline in
one step (recorded) or publishes them knowingly; an item already published from the same source
never becomes a second task (issue 13, points 1 and 2)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from documents import services
from documents.models import ReviewState, SourceDocument
from documents.tests.test_services import (  # noqa: F401 - fixtures
    fake_pipeline,
    fake_result,
    item_entry,
    unit_entry,
    upload,
)
from tasks.models import EventAction, Task, TaskEvent
from tasks.publishing import overdue_items, publish_document


@pytest.fixture
def document(personas, fake_pipeline):  # noqa: F811
    """Two items due 2021-12-31 (long past), one ongoing: accepted, ready to publish."""
    p = personas
    fake_pipeline(
        fake_result(
            [
                item_entry(
                    "1", "推进项目建设", [unit_entry("区发改委", p.lead_unit)], [unit_entry("区工信局", p.support_unit)]
                ),
                item_entry("2", "开展专项整治", [unit_entry("区教体局", p.other_unit)]),
                item_entry("3", "长期坚持", [unit_entry("区教体局", p.other_unit)], deadline=None, ongoing=True),
            ]
        )
    )
    document = services.import_upload(upload(), p.supervisor)
    for item in document.items.all():
        services.accept(p.supervisor, item)
    return document


def future(days=30) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_overdue_items_are_the_accepted_ones_already_past(document):
    assert [i.number for i in overdue_items(document, timezone.localdate())] == ["1", "2"]
    assert overdue_items(document, dt.date(2021, 12, 1)) == []


def test_publishing_asks_first_and_creates_nothing(client, personas, document):
    client.force_login(personas.supervisor)
    detail = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "已确认的条目中有 2 项完成时限已过" in detail
    response = client.post(reverse("tasks:publish", args=[document.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="overdue-count">2<' in page and "2021-12-31" in page
    assert not Task.objects.exists()


def test_a_new_deadline_for_the_overdue_items_in_one_step_is_recorded(client, personas, document):
    client.force_login(personas.supervisor)
    new = future()
    response = client.post(
        reverse("tasks:publish", args=[document.pk]),
        {
            "overdue_choice": "new_deadline",
            "new_deadline": new.isoformat(),
            "reason": "原方案时限已过，按区政府要求顺延",
        },
        follow=True,
    )
    assert "其中 2 项原时限已过" in response.content.decode()
    moved = Task.objects.filter(number__in=["1", "2"])
    assert {t.deadline for t in moved} == {new}
    for task in moved:
        assert {(a.deadline, a.original_deadline) for a in task.assignments.all()} == {(new, dt.date(2021, 12, 31))}
        event = TaskEvent.objects.get(task=task, action=EventAction.DEADLINE_CHANGED)
        assert event.actor == personas.supervisor and "按区政府要求顺延" in event.comment
        change = event.changes.get()
        assert (change.field, change.old_value, change.new_value) == ("完成时限", "2021-12-31", new.isoformat())
    ongoing = Task.objects.get(number="3")
    assert ongoing.deadline is None and not ongoing.events.filter(action=EventAction.DEADLINE_CHANGED).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"overdue_choice": "new_deadline", "new_deadline": "", "reason": "顺延"},
        {"overdue_choice": "new_deadline", "new_deadline": "2030-01-10", "reason": ""},
        {"overdue_choice": "new_deadline", "new_deadline": "2020-01-10", "reason": "顺延"},
        {},
    ],
)
def test_an_incomplete_choice_publishes_nothing(client, personas, document, data):
    client.force_login(personas.supervisor)
    if data:
        response = client.post(reverse("tasks:publish", args=[document.pk]), data)
        assert response.status_code == 400
    else:
        response = client.post(reverse("tasks:publish", args=[document.pk]), {"overdue_choice": "maybe"})
        assert response.status_code == 400
    assert not Task.objects.exists()


def test_publishing_as_is_knowingly_keeps_the_dates(client, personas, document):
    client.force_login(personas.supervisor)
    response = client.post(reverse("tasks:publish", args=[document.pk]), {"overdue_choice": "as_is"}, follow=True)
    assert "其中 2 项按原时限发布，已逾期" in response.content.decode()
    assert Task.objects.get(number="1").deadline == dt.date(2021, 12, 31)
    assert not TaskEvent.objects.filter(action=EventAction.DEADLINE_CHANGED).exists()


def test_the_service_refuses_a_past_new_deadline_or_no_reason(personas, document):
    with pytest.raises(ValidationError):
        publish_document(document, personas.supervisor, overdue_deadline=future(), overdue_reason=" ")
    with pytest.raises(ValidationError):
        publish_document(document, personas.supervisor, overdue_deadline=dt.date(2020, 1, 1), overdue_reason="x")
    assert not Task.objects.exists()


def test_an_item_published_from_an_earlier_copy_of_the_same_file_is_not_published_twice(
    personas,
    document,
    fake_pipeline,  # noqa: F811
):
    """Copies imported before duplicates were refused (same 文号 and title): the second copy's
    items are skipped with the task they already are."""
    first = publish_document(document, personas.supervisor)
    assert len(first.tasks) == 3
    fake_pipeline(
        fake_result(
            [
                item_entry("1", "推进项目建设", [unit_entry("区发改委", personas.lead_unit)]),
                item_entry("4", "新增的一项", [unit_entry("区发改委", personas.lead_unit)]),
            ],
            doc_number="临时",
        )
    )
    copy = services.import_upload(upload(content="旧副本"), personas.supervisor)
    SourceDocument.objects.filter(pk=copy.pk).update(doc_number=document.doc_number, content_hash="")
    copy.refresh_from_db()
    for item in copy.items.all():
        services.accept(personas.supervisor, item)

    summary = publish_document(copy, personas.supervisor)

    assert [t.number for t in summary.tasks] == ["4"]
    twin = Task.objects.get(source_document=document, number="1")
    assert [(s.item.number, s.reasons) for s in summary.skipped] == [
        ("1", [f"同一来源文件的该条目已发布为任务 #{twin.pk}"])
    ]
    assert Task.objects.filter(number="1").count() == 1
    assert copy.items.get(number="1").state == ReviewState.ACCEPTED
