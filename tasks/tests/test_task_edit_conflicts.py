"""Two supervisors editing one task never overwrite each other silently; history keeps the unit
a share had when something happened, whatever becomes of the share later."""

from django.urls import reverse

from tasks import services
from tasks.models import EventAction, TaskEvent
from tasks.tests.test_task_editing import _edit_form, _edit_values


def test_a_stale_task_edit_is_refused_and_changes_nothing(personas, task):
    shown = task.version
    services.edit_task(personas.supervisor, task, **_edit_values(task, title="甲改的标题"), version=shown)
    task.refresh_from_db()
    try:
        services.edit_task(personas.supervisor, task, **_edit_values(task, title="乙改的标题"), version=shown)
    except services.StaleVersion as stale:
        assert "任务已被他人修改" in stale.message and "标题" in stale.message
        assert stale.current_version == shown + 1
    else:
        raise AssertionError("a stale edit went through")
    task.refresh_from_db()
    assert task.title == "甲改的标题"
    assert task.events.filter(action=EventAction.EDITED).count() == 1


def test_the_stale_form_keeps_input_and_a_second_save_is_deliberate(client, personas, task):
    client.force_login(personas.supervisor)
    url = reverse("tasks:edit", args=[task.pk])
    page = client.get(url).content.decode()
    assert f'name="version" value="{task.version}"' in page
    shown = task.version
    services.edit_task(personas.supervisor, task, **_edit_values(task, title="甲改的标题"), version=shown)

    response = client.post(url, _edit_form(task, title="乙改的标题", version=shown))
    body = response.content.decode()
    assert response.status_code == 409
    assert "任务已被他人修改" in body
    assert "乙改的标题" in body  # what the person typed is kept
    assert f'name="version" value="{shown + 1}"' in body

    again = client.post(url, _edit_form(task, title="乙改的标题", version=shown + 1))
    assert again.status_code == 302
    task.refresh_from_db()
    assert task.title == "乙改的标题"


def test_history_keeps_the_unit_a_share_had_at_the_time(client, personas, task):
    support = task.assignments.get(unit=personas.support_unit)
    services.acknowledge(personas.support_clerk, support)
    services.reassign(personas.supervisor, support, unit=personas.other_unit, reason="错派")
    acknowledged = TaskEvent.objects.get(task=task, action=EventAction.ACKNOWLEDGED)
    assert acknowledged.unit_name == str(personas.support_unit)  # not rewritten by the 改派
    client.force_login(personas.supervisor)
    history = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert f"签收</strong> · {personas.support_unit}" in history
