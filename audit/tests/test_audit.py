"""The security log and the 审计 page: what is recorded, who reads it, filters, export, read-only history."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import SecurityEvent, SecurityEventKind
from tasks import services
from tasks.models import TaskEvent


@pytest.fixture
def task(personas):
    p = personas
    task = services.create_task(
        p.supervisor, text="推进项目建设", lead_units=[p.lead_unit], support_units=[p.support_unit],
        deadline=dt.date(2026, 12, 31),
    )  # fmt: skip
    lead = task.assignments.get(unit=p.lead_unit)
    services.acknowledge(p.lead_clerk, lead)
    return task


def test_a_crafted_id_is_logged_as_a_refusal_with_user_and_address(client, personas, task):
    client.force_login(personas.other_clerk)
    assert client.get(reverse("tasks:detail", args=[task.pk]), REMOTE_ADDR="10.3.3.3").status_code == 404
    event = SecurityEvent.objects.get(kind=SecurityEventKind.REFUSED)
    assert event.user == personas.other_clerk and event.ip_address == "10.3.3.3"
    assert event.status == 404 and event.path == f"/tasks/{task.pk}/" and "404" in event.detail


def test_a_forbidden_change_is_logged(client, personas, task):
    client.force_login(personas.leader)
    assert client.get(reverse("tasks:edit", args=[task.pk])).status_code == 403
    event = SecurityEvent.objects.get(kind=SecurityEventKind.REFUSED)
    assert event.user == personas.leader and event.status == 403


def test_an_unknown_url_is_not_a_refusal(client, personas):
    client.force_login(personas.other_clerk)
    assert client.get("/no-such-page/").status_code == 404
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.REFUSED).exists()


@pytest.mark.parametrize(("who", "status"), [("supervisor", 200), ("leader", 403), ("lead_clerk", 403)])
def test_only_the_office_and_admins_open_the_audit_page(client, personas, who, status):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("audit:index")).status_code == status


def test_the_audit_page_lists_and_filters_security_events(client, personas, task):
    Client().post("/accounts/login/", {"username": "lead_clerk", "password": "wrong"}, REMOTE_ADDR="10.4.4.4")
    other = Client()
    other.force_login(personas.other_clerk)
    other.get(reverse("tasks:detail", args=[task.pk]))
    client.force_login(personas.supervisor)
    page = client.get(reverse("audit:index")).content.decode()
    assert "登录失败" in page and "10.4.4.4" in page and "拒绝访问" in page
    only_refusals = client.get(reverse("audit:index"), {"kind": "refused"}).content.decode()
    assert "拒绝访问" in only_refusals and "10.4.4.4" not in only_refusals
    by_user = client.get(reverse("audit:index"), {"user": personas.other_clerk.pk}).content.decode()
    assert f"/tasks/{task.pk}/" in by_user and "10.4.4.4" not in by_user
    by_unit = client.get(reverse("audit:index"), {"unit": personas.other_unit.pk}).content.decode()
    assert f"/tasks/{task.pk}/" in by_unit
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    future = client.get(reverse("audit:index"), {"since": tomorrow}).content.decode()
    assert "没有符合条件的记录" in future
    bad = client.get(reverse("audit:index"), {"since": "2026-13-45", "task": "99999999999999999999"})
    assert bad.status_code == 200


def test_the_task_history_is_listed_and_filtered_by_task_unit_and_user(client, personas, task):
    second = services.create_task(personas.supervisor, text="第二项", lead_units=[personas.other_unit])
    client.force_login(personas.supervisor)
    page = client.get(reverse("audit:index"), {"view": "history", "task": task.pk}).content.decode()
    assert "推进项目建设" in page and "签收" in page and "第二项" not in page
    by_unit = client.get(reverse("audit:index"), {"view": "history", "unit": personas.lead_unit.pk}).content.decode()
    assert "签收" in by_unit and "第二项" not in by_unit
    by_user = client.get(reverse("audit:index"), {"view": "history", "user": personas.lead_clerk.pk}).content.decode()
    assert "签收" in by_user and "创建" not in by_user
    assert second.pk


def test_the_export_is_a_csv_and_is_itself_logged(client, personas, task):
    client.force_login(personas.supervisor)
    response = client.get(reverse("audit:index"), {"view": "history", "export": "csv", "task": task.pk})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["时间", "任务编号", "任务", "事项"]
    assert {row[3] for row in rows[1:]} >= {"创建", "签收"}
    exported = SecurityEvent.objects.get(kind=SecurityEventKind.EXPORTED)
    assert exported.user == personas.supervisor and "办理记录" in exported.detail
    security_csv = client.get(reverse("audit:index"), {"export": "csv"})
    assert "导出数据" in security_csv.content.decode("utf-8-sig")


def test_history_rows_cannot_be_changed_or_deleted_in_the_admin(client, admin_user, task):
    client.force_login(admin_user)
    event = TaskEvent.objects.filter(task=task).first()
    change_url = f"/admin/tasks/taskevent/{event.pk}/change/"
    assert client.get(change_url).status_code == 200  # readable
    assert client.post(change_url, {"action": "edited", "comment": "改写历史"}).status_code == 403
    assert client.post(f"/admin/tasks/taskevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/tasks/task/{task.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/tasks/taskevent/add/").status_code == 403
    event.refresh_from_db()
    assert event.comment != "改写历史"
    assert TaskEvent.objects.filter(pk=event.pk).exists()
    listing = client.get("/admin/tasks/taskevent/").content.decode()
    assert "delete_selected" not in listing


def test_security_events_are_append_only(client, admin_user, personas):
    Client().post("/accounts/login/", {"username": "x", "password": "y"})
    event = SecurityEvent.objects.get()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        SecurityEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        SecurityEvent.objects.update(detail="x")
    event.detail = "改写"
    with pytest.raises(PermissionError):
        event.save()
    client.force_login(admin_user)
    assert client.post(f"/admin/audit/securityevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"/admin/audit/securityevent/{event.pk}/change/").status_code == 200
    assert SecurityEvent.objects.filter(pk=event.pk, detail="").exists()
