"""我的待办, 任务台账, task detail, statistics, evidence: every page × persona, crafted ids."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks import services

PERSONAS = ["supervisor", "leader", "lead_clerk", "lead_head", "support_clerk", "other_clerk"]


def test_login_required(client, task):
    for url in (reverse("tasks:ledger"), reverse("tasks:my_work"), reverse("tasks:detail", args=[task.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_home_sends_people_to_their_screen(as_user):
    assert as_user("supervisor").get("/")["Location"] == reverse("dashboard:workbench")
    assert as_user("leader").get("/")["Location"] == reverse("dashboard:index")
    assert as_user("support_clerk").get("/")["Location"] == reverse("tasks:my_work")


class TestMyWork:
    def test_lists_own_unit_open_assignments_soonest_first(self, as_user, personas, task):
        later = services.create_task(
            personas.supervisor, text="后到期的任务", deadline=dt.date(2027, 6, 30), lead_units=[personas.support_unit]
        )
        response = as_user("support_clerk").get(reverse("tasks:my_work"))
        body = response.content.decode()
        assert response.status_code == 200
        assert body.index("推进重点项目建设") < body.index("后到期的任务")
        assert "签收" in body
        assert later.pk

    def test_other_unit_sees_nothing_of_ours(self, as_user, task, other_task):
        body = as_user("other_clerk").get(reverse("tasks:my_work")).content.decode()
        assert "推进重点项目建设" not in body and "校园安全检查" in body

    def test_one_click_acknowledge(self, as_user, support_assignment):
        client = as_user("support_clerk")
        response = client.post(reverse("tasks:acknowledge", args=[support_assignment.pk]), {"version": 1})
        assert response.status_code == 302
        support_assignment.refresh_from_db()
        assert support_assignment.state == "in_progress"

    @pytest.mark.parametrize("who, status", [("other_clerk", 404), ("leader", 403), ("lead_clerk", 403)])
    def test_acknowledge_refused(self, as_user, support_assignment, who, status):
        response = as_user(who).post(reverse("tasks:acknowledge", args=[support_assignment.pk]))
        assert response.status_code == status
        support_assignment.refresh_from_db()
        assert support_assignment.state == "pending"

    def test_acknowledge_is_post_only(self, as_user, support_assignment):
        assert (
            as_user("support_clerk").get(reverse("tasks:acknowledge", args=[support_assignment.pk])).status_code == 405
        )


class TestLedger:
    @pytest.mark.parametrize("who", PERSONAS)
    def test_every_persona_opens_it(self, as_user, task, other_task, who):
        response = as_user(who).get(reverse("tasks:ledger"))
        assert response.status_code == 200
        body = response.content.decode()
        sees_other = who in ("supervisor", "leader", "other_clerk")
        assert ("校园安全检查" in body) == sees_other
        assert ("推进重点项目建设" in body) == (who != "other_clerk")

    def test_filters_in_the_url(self, as_user, personas, task, other_task):
        client = as_user("supervisor")
        body = client.get(reverse("tasks:ledger"), {"unit": personas.other_unit.pk}).content.decode()
        assert "校园安全检查" in body and "推进重点项目建设" not in body
        body = client.get(reverse("tasks:ledger"), {"q": "重点项目", "role": "support"}).content.decode()
        assert "区工信局" in body and "校园安全检查" not in body
        body = client.get(reverse("tasks:ledger"), {"state": "done"}).content.decode()
        assert "没有符合条件的事项" in body
        body = client.get(reverse("tasks:ledger"), {"deadline_after": "2026-12-01", "deadline_before": "2026-12-31"})
        assert "推进重点项目建设" in body.content.decode()
        assert client.get(reverse("tasks:ledger"), {"light": "grey"}).status_code == 200
        assert client.get(reverse("tasks:ledger"), {"sort": "-deadline", "page": 1}).status_code == 200

    def test_one_row_per_task_with_its_shares_folded_under_it(self, as_user, personas, task, other_task):
        from documents.models import SourceDocument

        document = SourceDocument.objects.create(title="重点工作分工方案")
        task.source_document = document
        task.save()
        body = as_user("supervisor").get(reverse("tasks:ledger")).content.decode()
        assert body.count("<tr data-task=") == 2
        assert 'data-testid="ledger-total">2<' in body and "项任务" in body
        # Document and section are group headers, not repeated per row.
        assert body.count("重点工作分工方案") == 2  # the group header and the document filter's option
        assert 'class="ledger-group"' in body and "一、重点工作" in body
        # The shares unfold under the task, lead and supporting units as chips.
        assert f'data-testid="shares-{task.pk}"' in body
        assert body.count("data-assignment=") == 3
        assert "区发改委" in body and "区工信局" in body
        assert "0/2 已报送" in body

    def test_share_view_is_a_toggle_that_keeps_the_filters(self, as_user, personas, task, other_task):
        client = as_user("supervisor")
        body = client.get(reverse("tasks:ledger"), {"q": "重点项目"}).content.decode()
        assert "?q=%E9%87%8D%E7%82%B9%E9%A1%B9%E7%9B%AE&amp;view=shares" in body
        body = client.get(reverse("tasks:ledger"), {"q": "重点项目", "view": "shares"}).content.decode()
        assert 'data-testid="ledger-total">2<' in body and "条承办" in body
        assert body.count("<tr data-assignment=") == 2

    def test_waiting_filters(self, as_user, personas, lead_assignment, support_assignment):
        p = personas
        client = as_user("supervisor")
        services.report_progress(p.support_clerk, support_assignment, progress="进展", percent=50)
        services.request_extension(
            p.support_clerk, support_assignment, requested_deadline=dt.date(2027, 3, 31), reason="材料未齐"
        )
        body = client.get(reverse("tasks:ledger"), {"waiting": "extension", "view": "shares"}).content.decode()
        assert f'data-assignment="{support_assignment.pk}"' in body and 'data-testid="ledger-total">1<' in body
        body = client.get(reverse("tasks:ledger"), {"waiting": "completion"}).content.decode()
        assert "没有符合条件的事项" in body
        services.consolidate(p.lead_clerk, lead_assignment, progress="汇总", percent=100)
        services.request_completion(p.lead_clerk, lead_assignment)
        body = client.get(reverse("tasks:ledger"), {"waiting": "completion"}).content.decode()
        assert f'data-task="{lead_assignment.task_id}"' in body

    def test_conditions_from_dashboard_links_are_shown_and_kept(self, as_user, personas, task):
        client = as_user("leader")
        url = reverse("tasks:ledger") + f"?view=shares&unit={personas.lead_unit.pk}&role=lead&no_report=on"
        body = client.get(url).content.decode()
        assert 'data-testid="link-conditions"' in body and "本期未报送" in body
        assert '<input type="hidden" name="no_report" value="True">' in body

    def test_bad_filter_values_do_not_crash(self, as_user, task):
        response = as_user("supervisor").get(reverse("tasks:ledger"), {"unit": "abc", "deadline_after": "x"})
        assert response.status_code == 200


class TestDetail:
    @pytest.mark.parametrize("who", ["supervisor", "leader", "lead_clerk", "lead_head", "support_clerk"])
    def test_sharing_personas_read_it(self, as_user, task, who):
        response = as_user(who).get(reverse("tasks:detail", args=[task.pk]))
        assert response.status_code == 200
        assert "区发改委" in response.content.decode() or "区发展和改革委员会" in response.content.decode()

    def test_crafted_id_is_404(self, as_user, task, other_task):
        assert as_user("other_clerk").get(reverse("tasks:detail", args=[task.pk])).status_code == 404
        assert as_user("support_clerk").get(reverse("tasks:detail", args=[other_task.pk])).status_code == 404
        assert as_user("supervisor").get(reverse("tasks:detail", args=[999999])).status_code == 404

    def test_leader_sees_no_action_buttons(self, as_user, task, lead_assignment):
        body = as_user("leader").get(reverse("tasks:detail", args=[task.pk])).content.decode()
        for name in ("report", "complete", "reassign", "change_deadline", "request_extension", "acknowledge"):
            assert reverse(f"tasks:{name}", args=[lead_assignment.pk]) not in body, name

    def test_support_unit_cannot_act_for_lead(self, as_user, task, lead_assignment):
        body = as_user("support_clerk").get(reverse("tasks:detail", args=[task.pk])).content.decode()
        assert reverse("tasks:report", args=[lead_assignment.pk]) not in body

    def test_report_sharing(self, as_user, personas, lead_assignment, support_assignment):
        services.report_progress(personas.support_clerk, support_assignment, progress="工信局自报内容", percent=10)
        services.report_progress(personas.lead_clerk, lead_assignment, progress="发改委自报内容", percent=10)
        services.consolidate(personas.lead_clerk, lead_assignment, progress="发改委汇总内容", percent=20)
        url = reverse("tasks:detail", args=[lead_assignment.task_id])
        lead_body = as_user("lead_clerk").get(url).content.decode()
        assert "工信局自报内容" in lead_body  # a lead reads its supporting units' reports
        support_body = as_user("support_clerk").get(url).content.decode()
        assert "发改委汇总内容" in support_body and "工信局自报内容" in support_body
        assert "发改委自报内容" not in support_body

    def test_shows_source_passage_and_history(self, as_user, personas, task):
        from documents.models import DraftItem, SourceDocument

        document = SourceDocument.objects.create(title="关于印发重点工作分工方案的通知")
        item = DraftItem.objects.create(document=document, text="原文：推进重点项目建设", number="（一）")
        task.source_document, task.source_item = document, item
        task.save()
        body = as_user("support_clerk").get(reverse("tasks:detail", args=[task.pk])).content.decode()
        assert "原文：推进重点项目建设" in body and "关于印发重点工作分工方案的通知" in body
        assert "创建" in body


class TestEvidence:
    def test_download_permissions(self, as_user, personas, support_assignment):
        upload = SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff\xe0JPEG")
        report = services.report_progress(
            personas.support_clerk, support_assignment, progress="有附件", percent=5, files=[upload]
        )
        evidence = report.evidence.get()
        url = reverse("tasks:evidence", args=[evidence.pk])
        for who in ("support_clerk", "lead_clerk", "supervisor", "leader"):
            response = as_user(who).get(url)
            assert response.status_code == 200, who
            assert b"".join(response.streaming_content) == b"\xff\xd8\xff\xe0JPEG"
        assert as_user("other_clerk").get(url).status_code == 404


class TestStats:
    """The 统计 page became the 统计看板 (dashboard/tests cover it); old bookmarks land there."""

    def test_old_address_redirects_to_the_dashboard(self, as_user):
        response = as_user("leader").get(reverse("tasks:stats") + "?document=1")
        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard:index") + "?document=1"


def test_calendar_warning_only_for_those_who_can_enter_the_year(as_user, task):
    """2027 is beyond the package: the supervision office is asked to enter it, unit staff are not."""
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        supervisor_page = as_user("supervisor").get(reverse("tasks:ledger")).content.decode()
        clerk_page = as_user("lead_clerk").get(reverse("tasks:my_work")).content.decode()
    assert "2027年的节假日安排尚未录入" in supervisor_page
    assert "尚未录入" not in clerk_page
