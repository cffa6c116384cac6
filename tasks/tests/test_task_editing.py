"""Correcting a published task (督查室): edit its fields, add or remove a unit, change a unit's role.

Services first (history field by field, deadline propagation, refusals, permissions), then each
screen for each persona.
"""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tasks import services
from tasks.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    EventAction,
    ReportingCycle,
    Task,
    TaskEvent,
)
from units.models import Unit

OLD = dt.date(2026, 12, 31)
NEW = dt.date(2027, 3, 31)
NOT_SUPERVISORS = ["leader", "lead_clerk", "lead_head", "support_clerk", "other_clerk"]


def _edit_values(task: Task, **changes) -> dict:
    """edit_task's arguments with the task's current values, overridden by `changes`."""
    values = {
        "text": task.text,
        "title": task.title,
        "section": task.section,
        "number": task.number,
        "deadline": task.deadline,
        "deadline_text": task.deadline_text,
        "ongoing": task.ongoing,
        "reporting_cycle": task.reporting_cycle,
        "responsible_leader": task.responsible_leader,
        "tags": list(task.tags),
        "reason": "文件勘误",
    }
    values.update(changes)
    return values


def _changes(event: TaskEvent) -> set[tuple[str, str, str]]:
    return {(c.field, c.old_value, c.new_value) for c in event.changes.all()}


def _reported(personas, assignment):
    clerk = personas.lead_clerk if assignment.is_lead else personas.support_clerk
    return services.report_progress(clerk, assignment, progress="已完成前期工作", percent=40)


def _completion_requested(personas, lead, support):
    _reported(personas, support)
    services.consolidate(personas.lead_clerk, lead, progress="汇总：各单位均已推进", percent=100)
    services.request_completion(personas.lead_clerk, lead)
    lead.refresh_from_db()
    return lead


def _fresh(obj):
    obj.refresh_from_db()
    return obj


# ---------------------------------------------------------------- edit_task


class TestEditTask:
    def test_records_each_changed_field_once(self, personas, task):
        services.edit_task(
            personas.supervisor,
            task,
            **_edit_values(
                task,
                text="推进重点项目建设，按季度报送进展。",
                title="推进重点项目",
                section="二、项目建设",
                number="3",
                deadline_text="2027年一季度",
                reporting_cycle=ReportingCycle.QUARTERLY,
                responsible_leader="张副区长",
                tags=["重点项目", " 民生 ", "重点项目", ""],
                reason="原文件第二部分序号录错",
            ),
        )
        task.refresh_from_db()
        assert task.title == "推进重点项目" and task.number == "3" and task.tags == ["重点项目", "民生"]
        event = task.events.get(action=EventAction.EDITED)
        assert event.actor == personas.supervisor and event.comment == "原文件第二部分序号录错"
        assert event.assignment is None
        assert _changes(event) == {
            ("任务内容", "推进重点项目建设，按月报送进展。", "推进重点项目建设，按季度报送进展。"),
            ("标题", "推进重点项目建设", "推进重点项目"),
            ("所属章节", "一、重点工作", "二、项目建设"),
            ("序号", "1", "3"),
            ("时限（原文）", "2026年12月底前", "2027年一季度"),
            ("报送周期", "不定期", "每季度"),
            ("分管领导", "", "张副区长"),
            ("标签", "", "重点项目、民生"),
        }
        # The deadline did not change: no share moved, no share's version bumped.
        assert not TaskEvent.objects.filter(action=EventAction.DEADLINE_CHANGED).exists()
        assert set(task.assignments.values_list("version", flat=True)) == {1}

    def test_one_field_one_change_row(self, personas, task):
        services.edit_task(personas.supervisor, task, **_edit_values(task, title="新标题"))
        assert _changes(task.events.get(action=EventAction.EDITED)) == {("标题", "推进重点项目建设", "新标题")}

    def test_refusals_change_nothing(self, personas, task):
        with pytest.raises(ValidationError, match="请填写修改理由"):
            services.edit_task(personas.supervisor, task, **_edit_values(task, title="新标题", reason="  "))
        with pytest.raises(ValidationError, match="没有修改任何内容"):
            services.edit_task(personas.supervisor, task, **_edit_values(task, title=" 推进重点项目建设 "))
        with pytest.raises(ValidationError, match="任务内容不能为空"):
            services.edit_task(personas.supervisor, task, **_edit_values(task, text=" "))
        with pytest.raises(ValidationError, match="报送周期无效"):
            services.edit_task(personas.supervisor, task, **_edit_values(task, reporting_cycle="daily"))
        assert _fresh(task).title == "推进重点项目建设"
        assert not task.events.filter(action=EventAction.EDITED).exists()

    @pytest.mark.parametrize("who", NOT_SUPERVISORS)
    def test_only_supervisors(self, personas, task, who):
        with pytest.raises(PermissionDenied, match="仅督查室可以办理"):
            services.edit_task(getattr(personas, who), task, **_edit_values(task, title="改"))
        assert _fresh(task).title == "推进重点项目建设"

    def test_deadline_flows_to_shares_that_follow_the_task(self, personas, task, lead_assignment, support_assignment):
        moved_own = Unit.objects.create(name="区财政局")
        extended = Unit.objects.create(name="区住建局")
        services.add_assignment(personas.supervisor, task, unit=moved_own, role="support", reason="补充")
        services.add_assignment(personas.supervisor, task, unit=extended, role="support", reason="补充")
        own_share = task.assignments.get(unit=moved_own)
        services.change_deadline(personas.supervisor, own_share, deadline=dt.date(2026, 10, 31), reason="提前")
        extended_share = task.assignments.get(unit=extended)
        extension = services.request_extension(
            personas.supervisor, extended_share, requested_deadline=dt.date(2027, 1, 31), reason="资金未到位"
        )
        services.decide_extension(personas.supervisor, extension, approved=True)
        versions = {a.pk: a.version for a in task.assignments.all()}

        services.edit_task(personas.supervisor, task, **_edit_values(task, deadline=NEW, reason="区政府调整"))

        assert _fresh(task).deadline == NEW
        assert _changes(task.events.get(action=EventAction.EDITED)) == {("完成时限", "2026-12-31", "2027-03-31")}
        for share in (lead_assignment, support_assignment):
            share.refresh_from_db()
            assert share.deadline == NEW
            assert share.original_deadline == OLD  # the first date stays on record
            assert share.version == versions[share.pk] + 1
            event = share.events.get(action=EventAction.DEADLINE_CHANGED)
            assert event.comment == "随任务时限调整：区政府调整"
            assert _changes(event) == {("完成时限", "2026-12-31", "2027-03-31")}
        assert _fresh(own_share).deadline == dt.date(2026, 10, 31)
        assert _fresh(extended_share).deadline == dt.date(2027, 1, 31)
        assert own_share.version == versions[own_share.pk]
        assert extended_share.version == versions[extended_share.pk]

    def test_closed_share_keeps_its_deadline(self, personas, task, lead_assignment, support_assignment):
        services.add_assignment(personas.supervisor, task, unit=personas.other_unit, role="lead", reason="共同牵头")
        _completion_requested(personas, lead_assignment, support_assignment)
        services.approve(personas.supervisor, lead_assignment)
        assert _fresh(lead_assignment).state == AssignmentState.DONE
        services.edit_task(personas.supervisor, task, **_edit_values(task, deadline=NEW))
        assert _fresh(lead_assignment).deadline == OLD
        assert _fresh(support_assignment).deadline == NEW
        assert task.assignments.get(unit=personas.other_unit).deadline == NEW

    def test_ongoing_clears_the_deadlines(self, personas, task, lead_assignment, support_assignment):
        services.edit_task(
            personas.supervisor, task, **_edit_values(task, ongoing=True, deadline=NEW, reason="改为长期任务")
        )
        task.refresh_from_db()
        assert task.ongoing and task.deadline is None
        assert _changes(task.events.get(action=EventAction.EDITED)) == {
            ("完成时限", "2026-12-31", ""),
            ("长期任务", "否", "是"),
        }
        for share in (lead_assignment, support_assignment):
            assert _fresh(share).deadline is None
            assert share.original_deadline == OLD

    def test_a_first_deadline_reaches_the_shares(self, personas):
        task = services.create_task(personas.supervisor, text="值班", ongoing=True, lead_units=[personas.lead_unit])
        services.edit_task(personas.supervisor, task, **_edit_values(task, ongoing=False, deadline=NEW))
        share = task.assignments.get()
        assert share.deadline == share.original_deadline == NEW


# ---------------------------------------------------------------- add_assignment


class TestAddAssignment:
    def test_adds_a_pending_share_with_the_task_deadline(self, personas, task):
        share = services.add_assignment(
            personas.supervisor, task, unit=personas.other_unit, role=AssignmentRole.SUPPORT, reason="漏派"
        )
        assert share.task == task and share.unit == personas.other_unit and share.role == AssignmentRole.SUPPORT
        assert share.state == AssignmentState.PENDING
        assert share.deadline == share.original_deadline == OLD
        event = share.events.get()
        assert event.action == EventAction.ASSIGNMENT_ADDED and event.comment == "漏派"
        assert _changes(event) == {("承办单位", "", "区教体局（配合）")}
        # The unit's people see the task now.
        assert Task.objects.visible_to(personas.other_clerk).filter(pk=task.pk).exists()

    def test_a_new_lead_puts_the_task_back_in_progress(self, personas, task, lead_assignment, support_assignment):
        _completion_requested(personas, lead_assignment, support_assignment)
        assert _fresh(task).state == AssignmentState.COMPLETION_REQUESTED
        services.add_assignment(personas.supervisor, task, unit=personas.other_unit, role="lead", reason="共同牵头")
        assert _fresh(task).state == AssignmentState.IN_PROGRESS

    def test_follows_the_unit_that_carries_the_work_today(self, personas, task):
        new = Unit.objects.create(name="吕蒙街道")
        old = Unit.objects.create(name="吕蒙乡", active=False, successor=new)
        share = services.add_assignment(personas.supervisor, task, unit=old, role="support", reason="漏派")
        assert share.unit == new
        with pytest.raises(ValidationError, match="吕蒙街道已是该任务的承办单位"):
            services.add_assignment(personas.supervisor, task, unit=old, role="lead", reason="again")

    def test_refusals(self, personas, task, lead_assignment, support_assignment):
        with pytest.raises(ValidationError, match="区工信局已是该任务的承办单位"):
            services.add_assignment(personas.supervisor, task, unit=personas.support_unit, role="lead", reason="x")
        with pytest.raises(ValidationError, match="请填写增加理由"):
            services.add_assignment(personas.supervisor, task, unit=personas.other_unit, role="lead", reason="")
        with pytest.raises(ValidationError, match="承办角色无效"):
            services.add_assignment(personas.supervisor, task, unit=personas.other_unit, role="boss", reason="x")
        retired = Unit.objects.create(name="区老干部局", active=False)
        with pytest.raises(ValidationError, match="区老干部局已停用"):
            services.add_assignment(personas.supervisor, task, unit=retired, role="lead", reason="x")
        _completion_requested(personas, lead_assignment, support_assignment)
        services.approve(personas.supervisor, lead_assignment)
        with pytest.raises(services.TransitionError, match="任务已办结，不能增加承办单位"):
            services.add_assignment(personas.supervisor, task, unit=personas.other_unit, role="lead", reason="x")
        assert task.assignments.count() == 2

    @pytest.mark.parametrize("who", NOT_SUPERVISORS)
    def test_only_supervisors(self, personas, task, who):
        with pytest.raises(PermissionDenied):
            services.add_assignment(getattr(personas, who), task, unit=personas.other_unit, role="lead", reason="x")
        assert task.assignments.count() == 2


# ---------------------------------------------------------------- remove_assignment


class TestRemoveAssignment:
    def test_removes_the_share_and_keeps_its_history_on_the_task(self, personas, task, support_assignment):
        services.acknowledge(personas.support_clerk, support_assignment)
        acknowledged = support_assignment.events.get(action=EventAction.ACKNOWLEDGED)
        assert _fresh(task).state == AssignmentState.IN_PROGRESS

        event = services.remove_assignment(personas.supervisor, support_assignment, reason="分工方案中无此单位")

        assert not Assignment.objects.filter(pk=support_assignment.pk).exists()
        event = TaskEvent.objects.get(pk=event.pk)
        assert event.task == task and event.action == EventAction.ASSIGNMENT_REMOVED and event.assignment is None
        assert event.comment == "移除区工信局（配合）：分工方案中无此单位"
        assert _changes(event) == {("承办单位", "区工信局（配合）", "")}
        # The share's earlier history is still on the task, unlinked from the deleted row.
        acknowledged.refresh_from_db()
        assert acknowledged.task == task and acknowledged.assignment is None
        # Task state follows the shares left: only the lead, still 待签收.
        assert _fresh(task).state == AssignmentState.PENDING
        assert not Task.objects.visible_to(personas.support_clerk).filter(pk=task.pk).exists()

    def test_an_added_share_can_be_removed_again(self, personas, task):
        share = services.add_assignment(personas.supervisor, task, unit=personas.other_unit, role="lead", reason="x")
        services.remove_assignment(personas.supervisor, share, reason="加错了")
        added = task.events.get(action=EventAction.ASSIGNMENT_ADDED)
        assert added.assignment is None and _changes(added) == {("承办单位", "", "区教体局（牵头）")}

    def test_a_share_with_reports_is_reassigned_instead(self, personas, support_assignment):
        _reported(personas, support_assignment)
        with pytest.raises(services.TransitionError, match="区工信局已报送进展，不能移除；如属错派，请改派"):
            services.remove_assignment(personas.supervisor, support_assignment, reason="x")
        assert Assignment.objects.filter(pk=support_assignment.pk).exists()

    def test_a_closed_share_stays(self, personas, task, lead_assignment, support_assignment):
        lead = _completion_requested(personas, lead_assignment, support_assignment)
        services.approve(personas.supervisor, lead)
        with pytest.raises(services.TransitionError, match="区发改委的承办已办结，不能移除"):
            services.remove_assignment(personas.supervisor, lead, reason="x")

    def test_the_only_lead_goes_after_another_is_promoted(self, personas, task, lead_assignment, support_assignment):
        with pytest.raises(ValidationError, match="区发改委是唯一的牵头单位，请先将其他单位设为牵头再移除"):
            services.remove_assignment(personas.supervisor, lead_assignment, reason="牵头单位错了")
        services.set_role(personas.supervisor, support_assignment, role="lead", reason="改由工信局牵头")
        services.remove_assignment(personas.supervisor, lead_assignment, reason="牵头单位错了")
        assert list(task.assignments.values_list("unit__name", "role")) == [("区工业和信息化局", "lead")]

    def test_the_only_share_stays(self, personas):
        task = services.create_task(personas.supervisor, text="值班", lead_units=[personas.lead_unit])
        with pytest.raises(ValidationError, match="唯一的承办单位，不能移除"):
            services.remove_assignment(personas.supervisor, task.assignments.get(), reason="x")

    def test_reason_required_and_stale_version_refused(self, personas, support_assignment):
        with pytest.raises(ValidationError, match="请填写移除理由"):
            services.remove_assignment(personas.supervisor, support_assignment, reason="")
        shown = support_assignment.version
        services.acknowledge(personas.support_clerk, support_assignment)
        with pytest.raises(services.StaleVersion):
            services.remove_assignment(personas.supervisor, support_assignment, reason="x", version=shown)
        assert Assignment.objects.filter(pk=support_assignment.pk).exists()

    @pytest.mark.parametrize("who", NOT_SUPERVISORS)
    def test_only_supervisors(self, personas, support_assignment, who):
        with pytest.raises(PermissionDenied):
            services.remove_assignment(getattr(personas, who), support_assignment, reason="x")
        assert Assignment.objects.filter(pk=support_assignment.pk).exists()


# ---------------------------------------------------------------- set_role


class TestSetRole:
    def test_promote_then_demote(self, personas, task, lead_assignment, support_assignment):
        services.set_role(personas.supervisor, support_assignment, role=AssignmentRole.LEAD, reason="共同牵头")
        support_assignment.refresh_from_db()
        assert support_assignment.role == AssignmentRole.LEAD and support_assignment.version == 2
        event = support_assignment.events.get(action=EventAction.ROLE_CHANGED)
        assert event.comment == "共同牵头" and _changes(event) == {("角色", "配合", "牵头")}
        services.set_role(personas.supervisor, lead_assignment, role=AssignmentRole.SUPPORT, reason="改为配合")
        assert _changes(lead_assignment.events.get(action=EventAction.ROLE_CHANGED)) == {("角色", "牵头", "配合")}

    def test_refusals(self, personas, task, lead_assignment, support_assignment):
        with pytest.raises(ValidationError, match="区发改委是唯一的牵头单位，请先将其他单位设为牵头"):
            services.set_role(personas.supervisor, lead_assignment, role="support", reason="x")
        with pytest.raises(ValidationError, match="区工信局已是配合单位"):
            services.set_role(personas.supervisor, support_assignment, role="support", reason="x")
        with pytest.raises(ValidationError, match="请填写调整理由"):
            services.set_role(personas.supervisor, support_assignment, role="lead", reason="")
        with pytest.raises(ValidationError, match="承办角色无效"):
            services.set_role(personas.supervisor, support_assignment, role="boss", reason="x")
        assert not task.events.filter(action=EventAction.ROLE_CHANGED).exists()

    def test_a_lead_that_asked_for_completion_is_reviewed_first(
        self, personas, task, lead_assignment, support_assignment
    ):
        lead = _completion_requested(personas, lead_assignment, support_assignment)
        assert _fresh(task).state == AssignmentState.COMPLETION_REQUESTED
        services.set_role(personas.supervisor, support_assignment, role="lead", reason="共同牵头")
        assert _fresh(task).state == AssignmentState.IN_PROGRESS  # the new lead has not asked yet
        with pytest.raises(services.TransitionError, match="区发改委已申请办结，请先审核或退回"):
            services.set_role(personas.supervisor, lead, role="support", reason="x")

    def test_a_closed_share_keeps_its_role(self, personas, task, lead_assignment, support_assignment):
        services.add_assignment(personas.supervisor, task, unit=personas.other_unit, role="lead", reason="x")
        lead = _completion_requested(personas, lead_assignment, support_assignment)
        services.approve(personas.supervisor, lead)
        with pytest.raises(services.TransitionError, match="区发改委的承办已办结，不能调整角色"):
            services.set_role(personas.supervisor, lead, role="support", reason="x")

    @pytest.mark.parametrize("who", NOT_SUPERVISORS)
    def test_only_supervisors(self, personas, support_assignment, who):
        with pytest.raises(PermissionDenied):
            services.set_role(getattr(personas, who), support_assignment, role="lead", reason="x")
        assert _fresh(support_assignment).role == AssignmentRole.SUPPORT


# ---------------------------------------------------------------- screens


def _edit_form(task: Task, **changes) -> dict:
    data = {
        "number": task.number,
        "title": task.title,
        "section": task.section,
        "text": task.text,
        "deadline": task.deadline.isoformat() if task.deadline else "",
        "deadline_text": task.deadline_text,
        "reporting_cycle": task.reporting_cycle,
        "responsible_leader": task.responsible_leader,
        "tags": "、".join(task.tags),
        "reason": "文件勘误",
        "version": task.version,
    }
    if task.ongoing:
        data["ongoing"] = "on"
    data.update(changes)
    return data


# Who may not correct a task, and what they get: leaders read it (403), the lead unit's clerk
# reads it (403), an unrelated unit's clerk does not see it (404).
REFUSED = [("leader", 403), ("lead_clerk", 403), ("other_clerk", 404)]


class TestDetailPage:
    def test_supervisor_sees_the_corrections(self, as_user, task, lead_assignment, support_assignment):
        body = as_user("supervisor").get(reverse("tasks:detail", args=[task.pk])).content.decode()
        assert reverse("tasks:edit", args=[task.pk]) in body and "编辑任务" in body
        assert reverse("tasks:add_assignment", args=[task.pk]) in body and "增加承办单位" in body
        assert reverse("tasks:remove_assignment", args=[support_assignment.pk]) in body
        assert reverse("tasks:set_role", args=[support_assignment.pk]) in body and "设为牵头" in body
        assert "设为配合" in body

    def test_no_remove_for_a_share_with_reports(self, as_user, personas, task, support_assignment):
        _reported(personas, support_assignment)
        body = as_user("supervisor").get(reverse("tasks:detail", args=[task.pk])).content.decode()
        assert reverse("tasks:remove_assignment", args=[support_assignment.pk]) not in body

    @pytest.mark.parametrize("who", ["leader", "lead_clerk", "support_clerk"])
    def test_others_do_not(self, as_user, task, who):
        body = as_user(who).get(reverse("tasks:detail", args=[task.pk])).content.decode()
        assert "编辑任务" not in body and "增加承办单位" not in body and "移除" not in body

    def test_removal_reads_in_the_history(self, as_user, personas, task, support_assignment):
        services.remove_assignment(personas.supervisor, support_assignment, reason="分工方案中无此单位")
        body = as_user("lead_clerk").get(reverse("tasks:detail", args=[task.pk])).content.decode()
        assert "移除承办单位" in body and "移除区工信局（配合）：分工方案中无此单位" in body


class TestEditView:
    def test_form_shows_the_task(self, as_user, task):
        response = as_user("supervisor").get(reverse("tasks:edit", args=[task.pk]))
        body = response.content.decode()
        assert response.status_code == 200
        assert 'value="推进重点项目建设"' in body and 'value="2026-12-31"' in body and "修改理由" in body

    def test_saves_with_history(self, as_user, task, lead_assignment):
        url = reverse("tasks:edit", args=[task.pk])
        data = _edit_form(task, title="推进重点项目", deadline="2027-03-31", tags="重点项目，民生", reason="勘误")
        response = as_user("supervisor").post(url, data)
        assert response.status_code == 302 and response.url == reverse("tasks:detail", args=[task.pk])
        task.refresh_from_db()
        assert task.title == "推进重点项目" and task.deadline == NEW and task.tags == ["重点项目", "民生"]
        assert _changes(task.events.get(action=EventAction.EDITED)) == {
            ("标题", "推进重点项目建设", "推进重点项目"),
            ("完成时限", "2026-12-31", "2027-03-31"),
            ("标签", "", "重点项目、民生"),
        }
        assert _fresh(lead_assignment).deadline == NEW

    def test_errors_keep_input(self, as_user, task):
        url = reverse("tasks:edit", args=[task.pk])
        data = _edit_form(task, title="写了一半的新标题", text="", responsible_leader="张副区长", reason="")
        response = as_user("supervisor").post(url, data)
        assert response.status_code == 400
        body = response.content.decode()
        assert 'value="写了一半的新标题"' in body and 'value="张副区长"' in body
        assert body.count("这个字段是必填项。") == 2  # text and reason
        assert _fresh(task).title == "推进重点项目建设"

    def test_service_refusal_shows_on_the_form(self, as_user, task):
        response = as_user("supervisor").post(reverse("tasks:edit", args=[task.pk]), _edit_form(task))
        assert response.status_code == 400
        assert "没有修改任何内容" in response.content.decode()

    def test_ongoing_with_a_date_is_questioned(self, as_user, task):
        data = _edit_form(task, ongoing="on", reason="改为长期")
        response = as_user("supervisor").post(reverse("tasks:edit", args=[task.pk]), data)
        assert response.status_code == 400 and "长期任务不设完成时限" in response.content.decode()
        response = as_user("supervisor").post(reverse("tasks:edit", args=[task.pk]), {**data, "deadline": ""})
        assert response.status_code == 302 and _fresh(task).ongoing

    @pytest.mark.parametrize("who, status", REFUSED)
    def test_refused(self, as_user, task, who, status):
        client = as_user(who)
        url = reverse("tasks:edit", args=[task.pk])
        assert client.get(url).status_code == status
        assert client.post(url, _edit_form(task, title="改")).status_code == status
        assert _fresh(task).title == "推进重点项目建设"

    def test_crafted_id(self, as_user, task):
        assert as_user("supervisor").get(reverse("tasks:edit", args=[task.pk + 999])).status_code == 404


class TestAddAssignmentView:
    def test_form_offers_the_units_not_on_the_task_with_a_search_box(self, as_user, personas, task):
        response = as_user("supervisor").get(reverse("tasks:add_assignment", args=[task.pk]))
        body = response.content.decode()
        assert response.status_code == 200
        assert 'data-filter-select="id_unit"' in body and 'name="unit"' in body
        assert f'value="{personas.other_unit.pk}"' in body
        assert f'value="{personas.lead_unit.pk}"' not in body

    def test_adds(self, as_user, personas, task):
        url = reverse("tasks:add_assignment", args=[task.pk])
        data = {"unit": personas.other_unit.pk, "role": "lead", "reason": "漏派"}
        response = as_user("supervisor").post(url, data)
        assert response.status_code == 302
        share = task.assignments.get(unit=personas.other_unit)
        assert share.role == AssignmentRole.LEAD and share.state == AssignmentState.PENDING

    def test_errors_keep_input(self, as_user, personas, task):
        url = reverse("tasks:add_assignment", args=[task.pk])
        response = as_user("supervisor").post(url, {"unit": personas.other_unit.pk, "role": "lead", "reason": ""})
        assert response.status_code == 400
        body = response.content.decode()
        assert f'value="{personas.other_unit.pk}" selected' in body
        assert re.search(r'<input type="radio" name="role" value="lead"[^>]* checked>', body)

    def test_unit_already_on_the_task(self, as_user, personas, task):
        url = reverse("tasks:add_assignment", args=[task.pk])
        data = {"unit": personas.support_unit.pk, "role": "lead", "reason": "再加一次"}
        response = as_user("supervisor").post(url, data)
        assert response.status_code == 400
        body = response.content.decode()
        assert "区工信局已是该任务的承办单位" in body and "再加一次" in body
        assert task.assignments.count() == 2

    @pytest.mark.parametrize("who, status", REFUSED)
    def test_refused(self, as_user, personas, task, who, status):
        client = as_user(who)
        url = reverse("tasks:add_assignment", args=[task.pk])
        assert client.get(url).status_code == status
        data = {"unit": personas.other_unit.pk, "role": "lead", "reason": "x"}
        assert client.post(url, data).status_code == status
        assert task.assignments.count() == 2

    def test_crafted_id(self, as_user, task):
        assert as_user("supervisor").get(reverse("tasks:add_assignment", args=[task.pk + 999])).status_code == 404


class TestRemoveAssignmentView:
    def test_confirm_then_remove(self, as_user, task, support_assignment):
        client = as_user("supervisor")
        url = reverse("tasks:remove_assignment", args=[support_assignment.pk])
        response = client.get(url)
        assert response.status_code == 200 and "移除理由" in response.content.decode()
        response = client.post(url, {"version": support_assignment.version, "reason": "错派"})
        assert response.status_code == 302 and response.url == reverse("tasks:detail", args=[task.pk])
        assert not Assignment.objects.filter(pk=support_assignment.pk).exists()

    def test_refusal_shows_on_the_form(self, as_user, personas, support_assignment):
        _reported(personas, support_assignment)
        url = reverse("tasks:remove_assignment", args=[_fresh(support_assignment).pk])
        data = {"version": support_assignment.version, "reason": "错派了"}
        response = as_user("supervisor").post(url, data)
        assert response.status_code == 400
        body = response.content.decode()
        assert "请改派给正确的单位" in body and "错派了" in body
        assert Assignment.objects.filter(pk=support_assignment.pk).exists()

    def test_reason_required(self, as_user, support_assignment):
        url = reverse("tasks:remove_assignment", args=[support_assignment.pk])
        response = as_user("supervisor").post(url, {"version": support_assignment.version, "reason": ""})
        assert response.status_code == 400
        assert Assignment.objects.filter(pk=support_assignment.pk).exists()

    def test_stale_form(self, as_user, personas, support_assignment):
        shown = support_assignment.version
        services.acknowledge(personas.support_clerk, support_assignment)
        url = reverse("tasks:remove_assignment", args=[support_assignment.pk])
        response = as_user("supervisor").post(url, {"version": shown, "reason": "错派"})
        assert response.status_code == 409 and 'data-testid="conflict"' in response.content.decode()
        assert Assignment.objects.filter(pk=support_assignment.pk).exists()

    @pytest.mark.parametrize("who, status", REFUSED)
    def test_refused(self, as_user, support_assignment, who, status):
        client = as_user(who)
        url = reverse("tasks:remove_assignment", args=[support_assignment.pk])
        assert client.get(url).status_code == status
        assert client.post(url, {"version": support_assignment.version, "reason": "x"}).status_code == status
        assert Assignment.objects.filter(pk=support_assignment.pk).exists()

    def test_crafted_id(self, as_user, support_assignment):
        url = reverse("tasks:remove_assignment", args=[support_assignment.pk + 999])
        assert as_user("supervisor").post(url, {"version": 1, "reason": "x"}).status_code == 404


class TestSetRoleView:
    def test_offers_the_other_role(self, as_user, lead_assignment, support_assignment):
        client = as_user("supervisor")
        body = client.get(reverse("tasks:set_role", args=[support_assignment.pk])).content.decode()
        assert "设为牵头 · 区工信局" in body and 'name="role" value="lead"' in body
        body = client.get(reverse("tasks:set_role", args=[lead_assignment.pk])).content.decode()
        assert "设为配合 · 区发改委" in body

    def test_promotes(self, as_user, support_assignment):
        url = reverse("tasks:set_role", args=[support_assignment.pk])
        data = {"version": support_assignment.version, "role": "lead", "reason": "共同牵头"}
        response = as_user("supervisor").post(url, data)
        assert response.status_code == 302
        assert _fresh(support_assignment).role == AssignmentRole.LEAD

    def test_refusal_keeps_input(self, as_user, lead_assignment):
        url = reverse("tasks:set_role", args=[lead_assignment.pk])
        data = {"version": lead_assignment.version, "role": "support", "reason": "牵头单位弄错了"}
        response = as_user("supervisor").post(url, data)
        assert response.status_code == 400
        body = response.content.decode()
        assert "区发改委是唯一的牵头单位，请先将其他单位设为牵头" in body and "牵头单位弄错了" in body
        assert _fresh(lead_assignment).role == AssignmentRole.LEAD

    @pytest.mark.parametrize("who, status", REFUSED)
    def test_refused(self, as_user, support_assignment, who, status):
        client = as_user(who)
        url = reverse("tasks:set_role", args=[support_assignment.pk])
        assert client.get(url).status_code == status
        data = {"version": support_assignment.version, "role": "lead", "reason": "x"}
        assert client.post(url, data).status_code == status
        assert _fresh(support_assignment).role == AssignmentRole.SUPPORT

    def test_crafted_id(self, as_user, support_assignment):
        url = reverse("tasks:set_role", args=[support_assignment.pk + 999])
        assert as_user("supervisor").get(url).status_code == 404
