"""The workflow forms: each persona, refusals, input kept on error, concurrent edits."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks import services
from tasks.models import AssignmentState, ExtensionState


def _report_data(version, **extra):
    data = {"version": version, "progress": "完成立项审批", "problems": "", "next_steps": "开工", "percent": 40}
    data.update(extra)
    return data


class TestReport:
    def test_support_clerk_reports_with_files(self, as_user, support_assignment):
        client = as_user("support_clerk")
        url = reverse("tasks:report", args=[support_assignment.pk])
        assert client.get(url).status_code == 200
        files = [SimpleUploadedFile("一.pdf", b"%PDF-1.4 1"), SimpleUploadedFile("二.jpg", b"\xff\xd8\xff\xe0JPEG")]
        response = client.post(url, {**_report_data(1), "files": files})
        assert response.status_code == 302
        report = support_assignment.reports.get()
        assert sorted(e.original_name for e in report.evidence.all()) == ["一.pdf", "二.jpg"]

    def test_report_without_evidence_is_fine(self, as_user, support_assignment):
        response = as_user("support_clerk").post(reverse("tasks:report", args=[support_assignment.pk]), _report_data(1))
        assert response.status_code == 302

    def test_errors_keep_input(self, as_user, support_assignment):
        url = reverse("tasks:report", args=[support_assignment.pk])
        response = as_user("support_clerk").post(
            url, _report_data(1, progress="", problems="资金缺口三百万", percent=150)
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "资金缺口三百万" in body and "开工" in body
        assert not support_assignment.reports.exists()

    @pytest.mark.parametrize("who, status", [("other_clerk", 404), ("leader", 403), ("lead_clerk", 403)])
    def test_refused(self, as_user, support_assignment, who, status):
        client = as_user(who)
        url = reverse("tasks:report", args=[support_assignment.pk])
        assert client.get(url).status_code == status
        assert client.post(url, _report_data(1)).status_code == status
        assert not support_assignment.reports.exists()

    def test_supervisor_reports_for_the_unit_only_with_a_reason(self, as_user, support_assignment):
        url = reverse("tasks:report", args=[support_assignment.pk])
        refused = as_user("supervisor").post(url, _report_data(1))
        assert refused.status_code == 400 and "请填写代为办理的理由" in refused.content.decode()
        assert not support_assignment.reports.exists()
        response = as_user("supervisor").post(url, _report_data(1, on_behalf_reason="单位报来纸质材料"))
        assert response.status_code == 302

    def test_concurrent_edit_shows_what_changed_and_keeps_input(self, as_user, personas, lead_assignment):
        client = as_user("lead_clerk")
        url = reverse("tasks:report", args=[lead_assignment.pk])
        shown_version = lead_assignment.version
        # The head reports while the clerk is still typing.
        services.report_progress(personas.lead_head, lead_assignment, progress="主任先报", percent=30)
        response = client.post(url, _report_data(shown_version, progress="联络员写的很长的进展"))
        assert response.status_code == 409
        body = response.content.decode()
        assert 'data-testid="conflict"' in body and "联络员写的很长的进展" in body
        assert "报送进展" in body and "发改委主任" in body
        assert lead_assignment.reports.count() == 1
        # Submitting again, having seen the change, is a decision: it saves.
        lead_assignment.refresh_from_db()
        response = client.post(url, _report_data(lead_assignment.version, progress="联络员写的很长的进展"))
        assert response.status_code == 302
        assert lead_assignment.reports.count() == 2


class TestCompletionAndReview:
    def _ready(self, personas, support_assignment):
        services.report_progress(personas.support_clerk, support_assignment, progress="配合完成", percent=100)

    def test_lead_consolidates_and_requests(self, as_user, personas, lead_assignment, support_assignment):
        self._ready(personas, support_assignment)
        client = as_user("lead_clerk")
        url = reverse("tasks:complete", args=[lead_assignment.pk])
        assert "配合完成" in client.get(url).content.decode()
        data = {**_report_data(1, progress="汇总：全部完成", percent=100), "request_completion": "on"}
        assert client.post(url, data).status_code == 302
        lead_assignment.refresh_from_db()
        assert lead_assignment.state == AssignmentState.COMPLETION_REQUESTED

    def test_blocked_request_rolls_back_consolidation_and_keeps_input(self, as_user, lead_assignment):
        client = as_user("lead_clerk")
        url = reverse("tasks:complete", args=[lead_assignment.pk])
        data = {**_report_data(1, progress="汇总草稿内容"), "request_completion": "on"}
        response = client.post(url, data)
        assert response.status_code == 400
        body = response.content.decode()
        assert "区工信局尚未报送进展" in body and "汇总草稿内容" in body
        assert not lead_assignment.reports.exists()

    def test_support_cannot_open_complete(self, as_user, support_assignment):
        assert as_user("support_clerk").get(reverse("tasks:complete", args=[support_assignment.pk])).status_code == 403

    def _requested(self, personas, lead_assignment, support_assignment):
        self._ready(personas, support_assignment)
        services.consolidate(personas.lead_clerk, lead_assignment, progress="汇总", percent=100)
        services.request_completion(personas.lead_clerk, lead_assignment)
        lead_assignment.refresh_from_db()
        return lead_assignment

    def test_return_requires_reason_then_approve(self, as_user, personas, lead_assignment, support_assignment):
        assignment = self._requested(personas, lead_assignment, support_assignment)
        client = as_user("supervisor")
        url = reverse("tasks:review", args=[assignment.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, {"version": assignment.version, "decision": "return", "comment": ""})
        assert response.status_code == 400 and "退回时须填写理由" in response.content.decode()
        response = client.post(url, {"version": assignment.version, "decision": "return", "comment": "请补充佐证"})
        assert response.status_code == 302
        assignment.refresh_from_db()
        assert assignment.state == AssignmentState.IN_PROGRESS
        services.request_completion(personas.lead_clerk, assignment)
        assignment.refresh_from_db()
        response = client.post(url, {"version": assignment.version, "decision": "approve", "comment": "同意"})
        assert response.status_code == 302
        assignment.refresh_from_db()
        assert assignment.state == AssignmentState.DONE and assignment.task.state == AssignmentState.DONE

    @pytest.mark.parametrize("who, status", [("lead_clerk", 403), ("leader", 403), ("other_clerk", 404)])
    def test_review_refused(self, as_user, personas, lead_assignment, support_assignment, who, status):
        assignment = self._requested(personas, lead_assignment, support_assignment)
        url = reverse("tasks:review", args=[assignment.pk])
        response = as_user(who).post(url, {"version": assignment.version, "decision": "approve"})
        assert response.status_code == status
        assignment.refresh_from_db()
        assert assignment.state == AssignmentState.COMPLETION_REQUESTED


class TestExtensionsAndSupervision:
    def test_request_and_decide_extension(self, as_user, personas, lead_assignment):
        client = as_user("lead_clerk")
        url = reverse("tasks:request_extension", args=[lead_assignment.pk])
        response = client.post(url, {"requested_deadline": "2026-12-01", "reason": "我们写的理由"})
        assert response.status_code == 400 and "我们写的理由" in response.content.decode()
        assert client.post(url, {"requested_deadline": "2027-01-29", "reason": "资金未到位"}).status_code == 302
        extension = lead_assignment.extension_requests.get()
        decide = reverse("tasks:decide_extension", args=[extension.pk])
        assert client.post(decide, {"decision": "approve"}).status_code == 403
        assert as_user("leader").post(decide, {"decision": "approve"}).status_code == 403
        assert as_user("other_clerk").post(decide, {"decision": "approve"}).status_code == 404
        client = as_user("supervisor")
        response = client.post(decide, {"decision": "refuse", "comment": ""})
        assert response.status_code == 400
        assert client.post(decide, {"decision": "approve", "comment": "同意"}).status_code == 302
        extension.refresh_from_db()
        lead_assignment.refresh_from_db()
        assert extension.state == ExtensionState.APPROVED
        assert lead_assignment.deadline == dt.date(2027, 1, 29)
        assert lead_assignment.original_deadline == dt.date(2026, 12, 31)

    def test_other_unit_cannot_request_extension(self, as_user, lead_assignment):
        url = reverse("tasks:request_extension", args=[lead_assignment.pk])
        response = as_user("other_clerk").post(url, {"requested_deadline": "2027-01-29", "reason": "x"})
        assert response.status_code == 404

    def test_reassign_and_change_deadline(self, as_user, personas, support_assignment):
        client = as_user("supervisor")
        url = reverse("tasks:reassign", args=[support_assignment.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, {"version": 1, "unit": personas.other_unit.pk, "reason": ""})
        assert response.status_code == 400
        response = client.post(url, {"version": 1, "unit": personas.other_unit.pk, "reason": "职能调整"})
        assert response.status_code == 302
        support_assignment.refresh_from_db()
        assert support_assignment.unit == personas.other_unit
        url = reverse("tasks:change_deadline", args=[support_assignment.pk])
        stale = client.post(url, {"version": 1, "deadline": "2027-03-31", "reason": "会议调整"})
        assert stale.status_code == 409 and "会议调整" in stale.content.decode()
        response = client.post(
            url, {"version": support_assignment.version, "deadline": "2027-03-31", "reason": "会议调整"}
        )
        assert response.status_code == 302
        support_assignment.refresh_from_db()
        assert support_assignment.deadline == dt.date(2027, 3, 31)

    @pytest.mark.parametrize("name", ["reassign", "change_deadline"])
    @pytest.mark.parametrize("who, status", [("lead_clerk", 403), ("leader", 403), ("other_clerk", 404)])
    def test_supervisor_only(self, as_user, personas, lead_assignment, name, who, status):
        url = reverse(f"tasks:{name}", args=[lead_assignment.pk])
        data = {"version": 1, "unit": personas.other_unit.pk, "deadline": "2027-03-31", "reason": "x"}
        assert as_user(who).post(url, data).status_code == status
        lead_assignment.refresh_from_db()
        assert lead_assignment.unit == personas.lead_unit and lead_assignment.deadline == dt.date(2026, 12, 31)
