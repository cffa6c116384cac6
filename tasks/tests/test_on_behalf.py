"""Who sees which buttons, and 代为办理 (issue 13, point 5): each role is offered its own actions;
督查室 acts for a unit only deliberately, with a reason, recorded as such."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tasks import services
from tasks.actions.on_behalf import act_on_behalf
from tasks.models import AssignmentState, EventAction, TaskEvent

UNIT_WORK = ("acknowledge", "report", "complete", "request_extension")
SUPERVISION = ("reassign", "change_deadline", "set_role")


def urls(names, assignment):
    return {name: reverse(f"tasks:{name}", args=[assignment.pk]) for name in names}


def test_the_supervisor_is_offered_no_unit_buttons_but_on_behalf(as_user, task, lead_assignment, support_assignment):
    body = as_user("supervisor").get(reverse("tasks:detail", args=[task.pk])).content.decode()
    for assignment in (lead_assignment, support_assignment):
        for name, url in urls(UNIT_WORK, assignment).items():
            assert f'action="{url}"' not in body and f'href="{url}"' not in body, name
        for name, url in urls(SUPERVISION, assignment).items():
            assert url in body, name
        assert reverse("tasks:on_behalf", args=[assignment.pk]) in body


def test_a_unit_sees_its_own_buttons_only(as_user, task, lead_assignment, support_assignment):
    body = as_user("support_clerk").get(reverse("tasks:detail", args=[task.pk])).content.decode()
    own = urls(("acknowledge", "report", "request_extension"), support_assignment)
    assert all(url in body for url in own.values())
    assert reverse("tasks:complete", args=[support_assignment.pk]) not in body  # only the lead consolidates
    for assignment in (lead_assignment, support_assignment):
        assert reverse("tasks:on_behalf", args=[assignment.pk]) not in body
        assert not any(url in body for url in urls(SUPERVISION, assignment).values())
    lead_body = as_user("lead_clerk").get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert reverse("tasks:complete", args=[lead_assignment.pk]) in lead_body
    assert reverse("tasks:report", args=[support_assignment.pk]) not in lead_body


def test_acknowledging_for_a_unit_needs_a_reason_and_is_recorded_as_on_behalf(as_user, personas, support_assignment):
    client = as_user("supervisor")
    url = reverse("tasks:acknowledge", args=[support_assignment.pk])
    refused = client.post(url, {"version": 1, "next": "detail"}, follow=True)
    assert "请填写代为办理的理由" in refused.content.decode()
    support_assignment.refresh_from_db()
    assert support_assignment.state == AssignmentState.PENDING

    client.post(url, {"version": 1, "next": "detail", "on_behalf_reason": "单位尚未开通账号，电话确认已收到"})

    support_assignment.refresh_from_db()
    assert support_assignment.state == AssignmentState.IN_PROGRESS
    event = TaskEvent.objects.get(assignment=support_assignment, action=EventAction.ACKNOWLEDGED)
    assert event.on_behalf and event.on_behalf_reason == "单位尚未开通账号，电话确认已收到"
    assert event.actor == personas.supervisor
    page = client.get(reverse("tasks:detail", args=[support_assignment.task_id])).content.decode()
    assert "督查室代为办理" in page and "单位尚未开通账号" in page


def test_a_unit_acting_itself_is_not_on_behalf(as_user, support_assignment):
    as_user("support_clerk").post(reverse("tasks:acknowledge", args=[support_assignment.pk]), {"version": 1})
    event = TaskEvent.objects.get(assignment=support_assignment, action=EventAction.ACKNOWLEDGED)
    assert not event.on_behalf and event.on_behalf_reason == ""


def test_a_report_for_the_unit_flags_every_row_it_wrote(personas, lead_assignment):
    act_on_behalf(
        personas.supervisor,
        lead_assignment,
        reason="纸质报告录入",
        perform=lambda: services.report_progress(personas.supervisor, lead_assignment, progress="已开工", percent=30),
    )
    events = TaskEvent.objects.filter(assignment=lead_assignment)
    assert [(e.action, e.on_behalf) for e in events] == [(EventAction.REPORTED, True)]
    assert not TaskEvent.objects.filter(action=EventAction.CREATED, on_behalf=True).exists()


@pytest.mark.parametrize(("who", "error"), [("lead_clerk", PermissionDenied), ("leader", PermissionDenied)])
def test_only_the_supervision_office_acts_for_a_unit(personas, lead_assignment, who, error):
    with pytest.raises(error):
        act_on_behalf(getattr(personas, who), lead_assignment, reason="x", perform=lambda: None)


def test_no_reason_no_action(personas, lead_assignment):
    with pytest.raises(ValidationError):
        act_on_behalf(
            personas.supervisor,
            lead_assignment,
            reason="  ",
            perform=lambda: services.acknowledge(personas.supervisor, lead_assignment),
        )
    lead_assignment.refresh_from_db()
    assert lead_assignment.state == AssignmentState.PENDING


def test_the_on_behalf_page(as_user, lead_assignment):
    page = as_user("supervisor").get(reverse("tasks:on_behalf", args=[lead_assignment.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "代为签收" in body and "代为汇总/申请办结" in body
    form = as_user("supervisor").get(reverse("tasks:report", args=[lead_assignment.pk])).content.decode()
    assert "代为办理理由" in form and 'data-testid="on-behalf-notice"' in form
    assert as_user("lead_clerk").get(reverse("tasks:on_behalf", args=[lead_assignment.pk])).status_code == 403
    own_form = as_user("lead_clerk").get(reverse("tasks:report", args=[lead_assignment.pk])).content.decode()
    assert "代为办理理由" not in own_form
