"""新建任务 (issue 11): a task made by hand from a 领导批示 goes through the same workflow and
history as a task published from a document."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import DocumentKind, SourceDocument
from tasks import services
from tasks.actions.by_hand import create_task_by_hand
from tasks.models import AssignmentRole, AssignmentState, ReportingCycle, Task


def post(client, **overrides):
    data = {
        "source_kind": DocumentKind.INSTRUCTION,
        "source_text": "王区长9月20日批示",
        "text": "请区发改委牵头，会同区工信局梳理重点企业用工需求，10月底前形成报告。",
        "title": "重点企业用工需求",
        "lead_names": "区发改委",
        "support_names": "区工信局",
        "deadline": "2026-10-30",
        "reporting_cycle": ReportingCycle.MONTHLY,
        "responsible_leader": "王区长",
        "source_file": SimpleUploadedFile("批示件.txt", "王区长批示：请抓紧办理。".encode()),
    }
    data.update(overrides)
    return client.post("/tasks/new/", {k: v for k, v in data.items() if v is not None})


def test_a_hand_made_task_goes_through_the_whole_workflow(client, personas):
    client.force_login(personas.supervisor)
    assert client.get("/tasks/new/").status_code == 200
    response = post(client)
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tasks/{task.pk}/"
    assert task.reporting_cycle == ReportingCycle.MONTHLY and task.responsible_leader == "王区长"
    assert task.deadline == dt.date(2026, 10, 30) and task.created_by == personas.supervisor
    source = task.source_document
    assert source.kind == DocumentKind.INSTRUCTION and source.title == "王区长9月20日批示"
    assert source.file.read().decode() == "王区长批示：请抓紧办理。"
    lead = task.assignments.get(role=AssignmentRole.LEAD)
    support = task.assignments.get(role=AssignmentRole.SUPPORT)
    assert (lead.unit, support.unit) == (personas.lead_unit, personas.support_unit)
    assert task.events.filter(action="created").exists()
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "王区长9月20日批示" in page

    services.acknowledge(personas.lead_clerk, lead)
    services.report_progress(personas.support_clerk, support, progress="已摸排12家企业。")
    services.consolidate(personas.lead_clerk, lead, progress="已形成用工需求报告。", percent=100)
    services.request_completion(personas.lead_clerk, lead, comment="报告已报送")
    services.approve(personas.supervisor, lead, comment="同意销号")
    lead.refresh_from_db()
    support.refresh_from_db()
    assert lead.state == AssignmentState.DONE and support.state == AssignmentState.DONE
    actions = list(task.events.order_by("id").values_list("action", flat=True))
    assert actions[0] == "created" and len(actions) >= 5


def test_the_form_explains_what_is_missing_and_saves_nothing(client, personas):
    client.force_login(personas.supervisor)
    response = post(client, lead_names="区航天局", deadline="", source_text="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "未识别的单位：区航天局" in html and "请填写任务来源" in html
    assert "请填写完成时限，或勾选长期任务" in html
    assert not Task.objects.exists() and not SourceDocument.objects.exists()


def test_an_ongoing_task_needs_no_deadline_and_groups_expand(client, personas):
    client.force_login(personas.supervisor)
    response = post(client, deadline="", ongoing="on", source_file=None, support_names="区工信局、区教体局")
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.ongoing and task.deadline is None
    assert task.assignments.count() == 3


def test_only_the_supervision_office_creates_tasks(client, personas):
    client.force_login(personas.lead_clerk)
    assert client.get("/tasks/new/").status_code == 403
    assert post(client).status_code == 403
    with pytest.raises(PermissionDenied):
        create_task_by_hand(
            personas.lead_clerk,
            text="x",
            source_kind=DocumentKind.NOTICE,
            source_text="电话通知",
            lead_units=[personas.lead_unit],
            deadline=dt.date(2026, 12, 31),
        )
    assert not SourceDocument.objects.exists()


@pytest.mark.browser
def test_the_new_task_page_in_chromium(live_server, transactional_db, tmp_path):
    import os

    from testing.browser import chromium_page
    from testing.personas import PASSWORD, Personas

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    personas = Personas()
    with chromium_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "supervisor")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=whoami]")
        page.goto(f"{live_server.url}/tasks/")
        page.click("[data-testid=new-task]")
        form = page.locator("[data-testid=hand-task-form]")
        page.wait_for_selector("#unit-options option", state="attached")  # the registry's names load
        form.locator("[name=source_kind]").select_option(DocumentKind.MEETING)
        form.locator("[name=source_text]").fill("区政府第12次常务会议决定")
        form.locator("[name=text]").fill("开展城区燃气管网安全隐患排查整治。")
        form.locator("[name=lead_names]").fill("区发改委")
        form.locator("[name=deadline]").fill("2026-12-31")
        form.locator("[name=reporting_cycle]").select_option(ReportingCycle.QUARTERLY)
        page.screenshot(path=str(tmp_path / "new-task.png"), full_page=True)
        form.locator("[data-testid=submit]").click()
        page.wait_for_url(f"{live_server.url}/tasks/*/")
        assert "开展城区燃气管网安全隐患排查整治" in page.inner_text("main")
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server.url}/tasks/new/")
        page.screenshot(path=str(tmp_path / "new-task-phone.png"), full_page=True)
    task = Task.objects.get()
    assert task.source_document.kind == DocumentKind.MEETING
    assert [a.unit for a in task.assignments.all()] == [personas.lead_unit]
