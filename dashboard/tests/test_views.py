"""统计看板, data.json and the 工作台 × persona; landing after login; 我的待办's returned flag."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.urls import reverse

from documents.models import DocumentStatus, DraftItem, SourceDocument
from tasks import services
from units.models import UnresolvedName

from .world import NOW, build_world

PERSONAS = ["supervisor", "leader", "lead_clerk", "lead_head", "support_clerk", "other_clerk"]


def test_login_required(client):
    for name in ("dashboard:index", "dashboard:workbench"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.get(reverse("dashboard:data"))
    assert response.status_code == 401
    assert json.loads(response.content) == {"error": "请先登录"}


def test_landing_after_login(client, personas):
    """LOGIN_REDIRECT_URL is the role-based home: leaders → 统计看板, 督查室 → 工作台, staff → 我的待办."""
    from testing.personas import PASSWORD

    for who, target in (
        ("leader", "dashboard:index"),
        ("supervisor", "dashboard:workbench"),
        ("support_clerk", "tasks:my_work"),
    ):
        client.logout()
        response = client.post(reverse("login"), {"username": who, "password": PASSWORD}, follow=True)
        assert response.redirect_chain[-1][0] == reverse(target), who
        assert response.status_code == 200


class TestDashboard:
    @pytest.mark.parametrize("who", PERSONAS)
    def test_opens_for_everyone(self, as_user, task, other_task, who):
        response = as_user(who).get(reverse("dashboard:index"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "chart.umd.min.js" in body and "js/dashboard.js" in body
        assert "<script>" not in body and " style=" not in body  # CSP: no inline script or style

    def test_counts_what_the_person_reads(self, as_user, task, other_task):
        data = json.loads(as_user("supervisor").get(reverse("dashboard:data")).content)
        assert data["headline"]["tasks"]["n"] == 2 and data["headline"]["shares"]["n"] == 3

    def test_unit_staff_get_only_their_unit(self, as_user, personas, task, other_task):
        """The lead unit reads its supporting unit's share on the ledger, but its figures count its own."""
        data = json.loads(as_user("lead_clerk").get(reverse("dashboard:data")).content)
        assert data["filters"] == {"unit": str(personas.lead_unit.pk)}
        assert data["headline"]["tasks"]["n"] == 1 and data["headline"]["shares"]["n"] == 1
        assert [row["unit_id"] for row in data["units"]["lead"]] == [personas.lead_unit.pk]
        assert data["units"]["support"] == []
        # Asking for another unit changes nothing: the unit is not theirs to choose.
        data = json.loads(
            as_user("lead_clerk").get(reverse("dashboard:data"), {"unit": personas.other_unit.pk}).content
        )
        assert data["filters"] == {"unit": str(personas.lead_unit.pk)}

    def test_filters_in_the_url(self, as_user, personas, task, other_task):
        task.responsible_leader = "张副区长"
        task.save()
        client = as_user("leader")
        data = json.loads(client.get(reverse("dashboard:data"), {"leader": "张副区长"}).content)
        assert data["headline"]["tasks"]["n"] == 1
        assert data["leaders"][0]["label"] == "张副区长"
        body = client.get(reverse("dashboard:index"), {"leader": "张副区长"}).content.decode()
        assert 'value="张副区长" selected' in body

    def test_a_document_filter_counts_that_documents_tasks(self, as_user, personas, task, other_task):
        document = SourceDocument.objects.create(title="关于印发重点工作分工的通知", status=DocumentStatus.PUBLISHED)
        task.source_document = document
        task.save()
        for who in ("supervisor", "leader", "lead_clerk"):
            client = as_user(who)
            data = json.loads(client.get(reverse("dashboard:data"), {"document": str(document.pk)}).content)
            assert data["errors"] == [] and data["headline"]["tasks"]["n"] == 1, who
            assert [row["label"] for row in data["documents"]] == ["关于印发重点工作分工的通知"], who
            body = client.get(reverse("dashboard:index"), {"document": str(document.pk)}).content.decode()
            assert "筛选条件无效" not in body and f'value="{document.pk}" selected' in body, who

    def test_bad_filter_values_are_reported_not_crashed(self, as_user, task):
        client = as_user("leader")
        response = client.get(reverse("dashboard:index"), {"document": "abc", "deadline_after": "x"})
        assert response.status_code == 200
        assert "筛选条件无效" in response.content.decode()
        data = json.loads(client.get(reverse("dashboard:data"), {"document": "999999"}).content)
        assert data["errors"] and data["headline"]["tasks"]["n"] == 1


class TestWorkbench:
    @pytest.mark.parametrize("who", ["leader", "lead_clerk", "other_clerk"])
    def test_only_for_the_supervision_office(self, as_user, who):
        assert as_user(who).get(reverse("dashboard:workbench")).status_code == 403

    def test_everything_waiting_is_one_click_away(self, as_user, personas, task, lead_assignment, support_assignment):
        p = personas
        services.report_progress(p.support_clerk, support_assignment, progress="工信局进展", percent=50)
        services.consolidate(p.lead_clerk, lead_assignment, progress="汇总", percent=100)
        services.request_completion(p.lead_clerk, lead_assignment)
        extension = services.request_extension(
            p.support_clerk, support_assignment, requested_deadline=dt.date(2027, 3, 31), reason="材料未齐"
        )
        UnresolvedName.objects.create(text="区航天局", occurrences=3)
        document = SourceDocument.objects.create(title="待审核的分工方案", status=DocumentStatus.EXTRACTED)
        published = SourceDocument.objects.create(title="已发布但留有条目", status=DocumentStatus.PUBLISHED)
        DraftItem.objects.create(document=published, text="区直有关单位负责的条目")
        SourceDocument.objects.create(title="全部发布完毕", status=DocumentStatus.PUBLISHED)
        body = as_user("supervisor").get(reverse("dashboard:workbench")).content.decode()
        assert 'data-testid="waiting-total">5<' in body
        assert reverse("documents:review", args=[published.pk]) in body and "1 条待审核" in body
        assert "全部发布完毕" not in body
        assert reverse("tasks:review", args=[lead_assignment.pk]) in body
        assert reverse("tasks:decide_extension", args=[extension.pk]) in body
        assert reverse("units:unresolved") in body and "区航天局" in body
        assert reverse("documents:review", args=[document.pk]) in body

    def test_recent_returns_show_their_reason(self, as_user, personas, lead_assignment, support_assignment):
        p = personas
        services.report_progress(p.support_clerk, support_assignment, progress="进展", percent=50)
        services.consolidate(p.lead_clerk, lead_assignment, progress="汇总", percent=100)
        services.request_completion(p.lead_clerk, lead_assignment)
        services.return_for_revision(p.supervisor, lead_assignment, reason="请补充开工证明")
        body = as_user("supervisor").get(reverse("dashboard:workbench")).content.decode()
        assert "请补充开工证明" in body


class TestMyWork:
    def test_a_returned_request_is_flagged_with_its_reason(
        self, as_user, personas, lead_assignment, support_assignment
    ):
        p = personas
        services.report_progress(p.support_clerk, support_assignment, progress="进展", percent=50)
        services.consolidate(p.lead_clerk, lead_assignment, progress="第一次汇总内容", percent=100)
        services.request_completion(p.lead_clerk, lead_assignment)
        services.return_for_revision(p.supervisor, lead_assignment, reason="请补充开工证明")
        body = as_user("lead_clerk").get(reverse("tasks:my_work")).content.decode()
        assert f'data-testid="returned-{lead_assignment.pk}"' in body and "请补充开工证明" in body
        # The consolidated form starts from the last report.
        form = as_user("lead_clerk").get(reverse("tasks:complete", args=[lead_assignment.pk])).content.decode()
        assert "第一次汇总内容" in form
        # A new consolidated report clears the flag.
        lead_assignment.refresh_from_db()
        services.consolidate(p.lead_clerk, lead_assignment, progress="补充后的汇总", percent=100)
        body = as_user("lead_clerk").get(reverse("tasks:my_work")).content.decode()
        assert f'data-testid="returned-{lead_assignment.pk}"' not in body

    @pytest.mark.parametrize("who, target", [("leader", "dashboard:index"), ("supervisor", "dashboard:workbench")])
    def test_people_without_a_unit_are_sent_to_their_screen(self, as_user, who, target):
        body = as_user(who).get(reverse("tasks:my_work")).content.decode()
        assert "您不属于任何承办单位" not in body
        assert reverse(target) in body and 'data-testid="no-unit"' in body


def test_nav_names_the_dashboard_and_the_workbench(as_user):
    body = as_user("supervisor").get(reverse("tasks:ledger")).content.decode()
    assert ">统计看板<" in body and ">工作台<" in body and "/tasks/stats/" not in body
    body = as_user("leader").get(reverse("tasks:ledger")).content.decode()
    assert ">统计看板<" in body and ">工作台<" not in body


def test_workbench_counts_equal_the_ledger_rows_they_link_to(client, personas):
    """The 工作台's overdue, due-this-week and waiting lists open the ledger on the same rows."""
    with time_machine.travel(NOW, tick=False):
        build_world(personas, seed=31, tasks=20)
        client.force_login(personas.supervisor)
        response = client.get(reverse("dashboard:workbench"))
        counts, links = response.context["counts"], response.context["links"]
        for name, url in links.items():
            body = client.get(url).content.decode()
            total = int(re.search(r'data-testid="ledger-total">(\d+)<', body).group(1))
            assert total == counts[name], name
    assert counts["overdue"] > 0 and counts["completions"] + counts["extensions"] > 0


@pytest.mark.parametrize(
    "who, url",
    [
        ("supervisor", "/dashboard/workbench/"),
        ("supervisor", "/tasks/"),
        ("supervisor", "/tasks/?view=shares"),
        ("lead_clerk", "/tasks/my/"),
        ("leader", "/dashboard/?leader=null"),
    ],
)
def test_pages_hold_under_a_strict_csp(as_user, task, who, url):
    """No inline script, style attribute or event handler on these pages (a CSP without unsafe-inline)."""
    body = as_user(who).get(url).content.decode()
    assert "<script>" not in body and " style=" not in body
    assert not re.search(r"\son[a-z]+=", body)


def test_open_supervision_orders_are_counted_and_listed_for_the_office(client, personas, lead_assignment):
    """督办 (the highest reminder level) reaches the dashboard and the 工作台, each linked to the ledger."""
    from reminders.models import SupervisionOrder

    SupervisionOrder.objects.create(
        year=2026,
        serial=1,
        number="督办〔2026〕第1号",
        assignment=lead_assignment,
        task=lead_assignment.task,
        unit=lead_assignment.unit,
    )
    client.force_login(personas.supervisor)
    data = client.get(reverse("dashboard:data")).json()
    assert data["headline"]["shares_supervised"]["n"] == 1
    ledger = client.get(data["headline"]["shares_supervised"]["url"])
    assert ledger.context["table"].paginator.count == 1
    page = client.get(reverse("dashboard:workbench")).content.decode()
    assert "督办〔2026〕第1号" in page and "督办中（1）" in page
