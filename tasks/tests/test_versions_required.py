"""Every versioned action refuses a request without a version (400), not only a stale one."""

import pytest
from django.urls import reverse

from documents.models import DraftItem
from tasks.models import AssignmentState


def task_form(task, **changes):
    data = {
        "number": task.number, "title": task.title, "section": task.section, "text": "改过的内容",
        "deadline": task.deadline.isoformat(), "deadline_text": task.deadline_text,
        "reporting_cycle": task.reporting_cycle, "responsible_leader": "", "tags": "", "reason": "勘误",
    }  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "0", "99999999999999999999"])
def test_editing_a_task_without_a_valid_version_is_refused(as_user, task, version):
    data = task_form(task)
    if version is not None:
        data["version"] = version
    response = as_user("supervisor").post(reverse("tasks:edit", args=[task.pk]), data)
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.text != "改过的内容" and task.version == 1


def test_editing_a_task_with_its_version_saves(as_user, task):
    response = as_user("supervisor").post(reverse("tasks:edit", args=[task.pk]), task_form(task, version=1))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.text == "改过的内容"


@pytest.mark.parametrize(
    ("who", "url_name", "data"),
    [
        ("support_clerk", "tasks:report", {"progress": "推进中", "percent": 10}),
        ("supervisor", "tasks:deadline", {"deadline": "2027-01-31", "reason": "调整"}),
        ("supervisor", "tasks:remove", {"reason": "误派"}),
        ("supervisor", "tasks:role", {"role": "lead", "reason": "调整"}),
    ],
)
def test_workflow_forms_without_a_version_are_refused(as_user, personas, support_assignment, who, url_name, data):
    names = {"tasks:deadline": "tasks:change_deadline",
             "tasks:remove": "tasks:remove_assignment", "tasks:role": "tasks:set_role"}  # fmt: skip
    url = reverse(names.get(url_name, url_name), args=[support_assignment.pk])
    response = as_user(who).post(url, data)
    assert response.status_code == 400
    support_assignment.refresh_from_db()
    assert support_assignment.version == 1
    assert not support_assignment.reports.exists() and not support_assignment.extension_requests.exists()


@pytest.mark.parametrize("version", [None, "abc", "99999999999999999999"])
def test_signing_for_work_without_a_version_is_refused(as_user, support_assignment, version):
    data = {} if version is None else {"version": version}
    response = as_user("support_clerk").post(reverse("tasks:acknowledge", args=[support_assignment.pk]), data)
    assert response.status_code == 400
    support_assignment.refresh_from_db()
    assert support_assignment.state == AssignmentState.PENDING


def test_signing_for_work_with_its_version_works(as_user, support_assignment):
    response = as_user("support_clerk").post(reverse("tasks:acknowledge", args=[support_assignment.pk]), {"version": 1})
    assert response.status_code == 302
    support_assignment.refresh_from_db()
    assert support_assignment.state == AssignmentState.IN_PROGRESS


@pytest.fixture
def draft_item(personas):
    from documents.models import SourceDocument

    document = SourceDocument.objects.create(title="草稿文件", text="1.推进项目建设")
    return DraftItem.objects.create(document=document, position=1, number="1", text="推进项目建设")


@pytest.mark.parametrize("action", ["item_accept", "item_reject", "item_split", "item_add_unit", "item_edit"])
def test_review_item_actions_without_a_version_are_refused(as_user, draft_item, action):
    data = {"at": 2, "written": "区发改委", "role": "support", "text": "改了", "lead_names": "", "support_names": ""}
    response = as_user("supervisor").post(reverse(f"documents:{action}", args=[draft_item.pk]), data)
    assert response.status_code == 400
    draft_item.refresh_from_db()
    assert draft_item.version == 1 and draft_item.text == "推进项目建设" and draft_item.state == "pending"
    assert DraftItem.objects.count() == 1


def test_merging_items_without_their_versions_is_refused(as_user, draft_item):
    second = DraftItem.objects.create(document=draft_item.document, position=2, number="2", text="第二项")
    url = reverse("documents:merge", args=[draft_item.document_id])
    response = as_user("supervisor").post(url, {"items": [draft_item.pk, second.pk], f"version-{draft_item.pk}": 1})
    assert response.status_code == 400
    assert DraftItem.objects.filter(state="merged").count() == 0
    huge = as_user("supervisor").post(url, {"items": ["99999999999999999999999", "abc"]})
    assert huge.status_code < 500
