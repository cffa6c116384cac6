import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks import services
from tasks.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    EventAction,
    ExtensionState,
    ReviewState,
    TaskEvent,
)
from units.models import Unit


def _report(actor, assignment, **extra):
    values = {"progress": "已完成项目前期工作", "percent": 50}
    values.update(extra)
    return services.report_progress(actor, assignment, **values)


def _to_completion_requested(personas, lead, support):
    _report(personas.support_clerk, support)
    services.consolidate(personas.lead_clerk, lead, progress="汇总：各单位均已推进", percent=100)
    return services.request_completion(personas.lead_clerk, lead)


class TestCreateTask:
    def test_creates_assignments_and_history(self, task, personas):
        roles = {a.unit_id: a.role for a in task.assignments.all()}
        assert roles == {personas.lead_unit.pk: AssignmentRole.LEAD, personas.support_unit.pk: AssignmentRole.SUPPORT}
        lead = task.assignments.get(role=AssignmentRole.LEAD)
        assert lead.deadline == lead.original_deadline == dt.date(2026, 12, 31)
        assert task.state == AssignmentState.PENDING
        event = task.events.get()
        assert event.action == EventAction.CREATED and "区发改委" in event.comment

    def test_retired_unit_goes_to_successor_and_first_support_leads(self, personas):
        new = Unit.objects.create(name="吕蒙街道")
        Unit.objects.create(name="吕蒙乡", active=False, successor=new)
        old = Unit.objects.get(name="吕蒙乡")
        task = services.create_task(personas.supervisor, text="整治", lead_units=[], support_units=[old])
        assignment = task.assignments.get()
        assert assignment.unit == new and assignment.role == AssignmentRole.LEAD

    def test_ongoing_has_no_deadline(self, personas):
        task = services.create_task(
            personas.supervisor,
            text="值班",
            ongoing=True,
            deadline=dt.date(2026, 1, 1),
            lead_units=[personas.lead_unit],
        )
        assert task.deadline is None and task.assignments.get().deadline is None

    def test_only_supervisors_create(self, personas):
        for person in (personas.lead_clerk, personas.leader):
            with pytest.raises(PermissionDenied):
                services.create_task(person, text="x", lead_units=[personas.lead_unit])

    def test_needs_a_unit(self, personas):
        with pytest.raises(ValidationError):
            services.create_task(personas.supervisor, text="x", lead_units=[])


class TestUnitWork:
    def test_acknowledge(self, personas, support_assignment):
        services.acknowledge(personas.support_clerk, support_assignment)
        support_assignment.refresh_from_db()
        assert support_assignment.state == AssignmentState.IN_PROGRESS
        assert support_assignment.acknowledged_by == personas.support_clerk
        assert support_assignment.task.state == AssignmentState.IN_PROGRESS
        event = support_assignment.events.get(action=EventAction.ACKNOWLEDGED)
        change = event.changes.get()
        assert (change.field, change.old_value, change.new_value) == ("状态", "待签收", "办理中")

    def test_acknowledge_twice_refused(self, personas, support_assignment):
        services.acknowledge(personas.support_clerk, support_assignment)
        with pytest.raises(services.TransitionError):
            services.acknowledge(personas.support_clerk, support_assignment)

    @pytest.mark.parametrize("who", ["other_clerk", "lead_clerk", "leader"])
    def test_acknowledge_refused_for_others(self, personas, support_assignment, who):
        with pytest.raises(PermissionDenied):
            services.acknowledge(getattr(personas, who), support_assignment)

    def test_report_with_evidence_acknowledges_too(self, personas, support_assignment):
        upload = SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0JPEG", content_type="image/jpeg")
        report = _report(personas.support_clerk, support_assignment, files=[upload], problems="资金缺口")
        support_assignment.refresh_from_db()
        assert support_assignment.state == AssignmentState.IN_PROGRESS
        assert support_assignment.percent == 50 and support_assignment.last_reported_at
        assert report.evidence.get().original_name == "照片.jpg"
        assert report.period.startswith("20")
        event = TaskEvent.objects.get(action=EventAction.REPORTED)
        assert {c.field for c in event.changes.all()} == {"状态", "完成进度"}

    def test_report_needs_progress_and_valid_percent(self, personas, support_assignment):
        with pytest.raises(ValidationError):
            _report(personas.support_clerk, support_assignment, progress=" ")
        with pytest.raises(ValidationError):
            _report(personas.support_clerk, support_assignment, percent=120)
        assert not support_assignment.reports.exists()

    def test_report_refused_for_other_unit_and_leader(self, personas, support_assignment):
        for who in (personas.other_clerk, personas.leader, personas.lead_clerk):
            with pytest.raises(PermissionDenied):
                _report(who, support_assignment)

    def test_consolidate_only_by_lead(self, personas, lead_assignment, support_assignment):
        with pytest.raises(PermissionDenied):
            services.consolidate(personas.support_clerk, support_assignment, progress="x", percent=1)
        report = services.consolidate(personas.lead_clerk, lead_assignment, progress="汇总", percent=80)
        assert report.is_consolidated

    def test_request_completion_needs_support_reports(self, personas, lead_assignment, support_assignment):
        _report(personas.lead_clerk, lead_assignment)
        with pytest.raises(services.TransitionError, match="区工信局尚未报送进展"):
            services.request_completion(personas.lead_clerk, lead_assignment)
        _report(personas.support_clerk, support_assignment)
        services.request_completion(personas.lead_clerk, lead_assignment)
        lead_assignment.refresh_from_db()
        assert lead_assignment.state == AssignmentState.COMPLETION_REQUESTED
        assert lead_assignment.task.state == AssignmentState.COMPLETION_REQUESTED

    def test_request_completion_refused_for_support(self, personas, support_assignment):
        _report(personas.support_clerk, support_assignment)
        with pytest.raises(PermissionDenied):
            services.request_completion(personas.support_clerk, support_assignment)

    def test_no_report_after_completion_requested(self, personas, lead_assignment, support_assignment):
        _to_completion_requested(personas, lead_assignment, support_assignment)
        with pytest.raises(services.TransitionError):
            _report(personas.lead_clerk, lead_assignment)


class TestSupervision:
    def test_approve_closes_task_and_supporting_units(self, personas, lead_assignment, support_assignment):
        _to_completion_requested(personas, lead_assignment, support_assignment)
        services.approve(personas.supervisor, lead_assignment, comment="同意销号")
        lead_assignment.refresh_from_db()
        support_assignment.refresh_from_db()
        assert lead_assignment.state == support_assignment.state == AssignmentState.DONE
        assert lead_assignment.task.state == AssignmentState.DONE
        assert lead_assignment.reports.filter(is_consolidated=True).get().review_state == ReviewState.ACCEPTED

    @pytest.mark.parametrize("who", ["lead_clerk", "lead_head", "leader", "other_clerk"])
    def test_approve_only_supervisor(self, personas, lead_assignment, support_assignment, who):
        _to_completion_requested(personas, lead_assignment, support_assignment)
        with pytest.raises(PermissionDenied):
            services.approve(getattr(personas, who), lead_assignment)

    def test_approve_requires_request(self, personas, lead_assignment):
        with pytest.raises(services.TransitionError):
            services.approve(personas.supervisor, lead_assignment)

    def test_return_needs_reason_and_goes_back(self, personas, lead_assignment, support_assignment):
        _to_completion_requested(personas, lead_assignment, support_assignment)
        with pytest.raises(ValidationError):
            services.return_for_revision(personas.supervisor, lead_assignment, reason="  ")
        with pytest.raises(PermissionDenied):
            services.return_for_revision(personas.lead_clerk, lead_assignment, reason="x")
        services.return_for_revision(personas.supervisor, lead_assignment, reason="佐证不足")
        lead_assignment.refresh_from_db()
        assert lead_assignment.state == AssignmentState.IN_PROGRESS
        assert lead_assignment.task.state == AssignmentState.IN_PROGRESS
        report = lead_assignment.reports.get(is_consolidated=True)
        assert report.review_state == ReviewState.RETURNED and report.review_comment == "佐证不足"
        assert lead_assignment.events.get(action=EventAction.RETURNED).comment == "佐证不足"
        # Resubmission works.
        services.request_completion(personas.lead_clerk, lead_assignment)
        services.approve(personas.supervisor, lead_assignment)

    def test_reassign(self, personas, support_assignment):
        services.acknowledge(personas.support_clerk, support_assignment)
        services.reassign(personas.supervisor, support_assignment, unit=personas.other_unit, reason="职能调整")
        support_assignment.refresh_from_db()
        assert support_assignment.unit == personas.other_unit
        assert support_assignment.state == AssignmentState.PENDING
        event = support_assignment.events.get(action=EventAction.REASSIGNED)
        assert {(c.field, c.old_value, c.new_value) for c in event.changes.all()} >= {
            ("承办单位", "区工信局", "区教体局")
        }
        with pytest.raises(ValidationError):
            services.reassign(personas.supervisor, support_assignment, unit=personas.lead_unit, reason="x")
        with pytest.raises(PermissionDenied):
            services.reassign(personas.lead_clerk, support_assignment, unit=personas.lead_unit, reason="x")

    def test_change_deadline_keeps_original(self, personas, lead_assignment):
        with pytest.raises(ValidationError):
            services.change_deadline(personas.supervisor, lead_assignment, deadline=dt.date(2027, 3, 31), reason="")
        services.change_deadline(
            personas.supervisor, lead_assignment, deadline=dt.date(2027, 3, 31), reason="区政府常务会议调整"
        )
        lead_assignment.refresh_from_db()
        assert lead_assignment.deadline == dt.date(2027, 3, 31)
        assert lead_assignment.original_deadline == dt.date(2026, 12, 31)
        change = lead_assignment.events.get(action=EventAction.DEADLINE_CHANGED).changes.get()
        assert (change.old_value, change.new_value) == ("2026-12-31", "2027-03-31")
        with pytest.raises(PermissionDenied):
            services.change_deadline(personas.lead_clerk, lead_assignment, deadline=dt.date(2027, 4, 1), reason="x")


class TestExtensions:
    def test_approved_extension_moves_deadline_in_force(self, personas, lead_assignment):
        extension = services.request_extension(
            personas.lead_clerk, lead_assignment, requested_deadline=dt.date(2027, 1, 31), reason="资金未到位"
        )
        with pytest.raises(services.TransitionError):
            services.request_extension(
                personas.lead_clerk, lead_assignment, requested_deadline=dt.date(2027, 2, 28), reason="again"
            )
        with pytest.raises(PermissionDenied):
            services.decide_extension(personas.lead_clerk, extension, approved=True)
        services.decide_extension(personas.supervisor, extension, approved=True, comment="同意")
        lead_assignment.refresh_from_db()
        extension.refresh_from_db()
        assert extension.state == ExtensionState.APPROVED
        assert extension.deadline_before == dt.date(2026, 12, 31)
        assert lead_assignment.deadline == dt.date(2027, 1, 31)
        assert lead_assignment.original_deadline == dt.date(2026, 12, 31)
        with pytest.raises(services.TransitionError):
            services.decide_extension(personas.supervisor, extension, approved=False, comment="x")

    def test_refusal_needs_reason_and_keeps_deadline(self, personas, lead_assignment):
        extension = services.request_extension(
            personas.lead_clerk, lead_assignment, requested_deadline=dt.date(2027, 1, 31), reason="资金未到位"
        )
        with pytest.raises(ValidationError):
            services.decide_extension(personas.supervisor, extension, approved=False)
        services.decide_extension(personas.supervisor, extension, approved=False, comment="不符合延期条件")
        lead_assignment.refresh_from_db()
        assert lead_assignment.deadline == dt.date(2026, 12, 31)
        assert lead_assignment.events.filter(action=EventAction.EXTENSION_REFUSED).exists()

    def test_extension_rules(self, personas, lead_assignment, support_assignment):
        with pytest.raises(ValidationError):
            services.request_extension(
                personas.lead_clerk, lead_assignment, requested_deadline=dt.date(2026, 12, 1), reason="x"
            )
        with pytest.raises(ValidationError):
            services.request_extension(
                personas.lead_clerk, lead_assignment, requested_deadline=dt.date(2027, 1, 1), reason=""
            )
        with pytest.raises(PermissionDenied):
            services.request_extension(
                personas.lead_clerk, support_assignment, requested_deadline=dt.date(2027, 1, 1), reason="x"
            )


class TestConcurrency:
    def test_stale_version_raises_conflict_and_changes_nothing(self, personas, lead_assignment):
        shown = lead_assignment.version
        services.report_progress(personas.lead_head, lead_assignment, progress="主任先报", percent=30, version=shown)
        with pytest.raises(services.StaleVersion) as caught:
            services.report_progress(
                personas.lead_clerk, lead_assignment, progress="联络员后报", percent=40, version=shown
            )
        assert caught.value.current.version == shown + 1
        assert caught.value.events
        assert lead_assignment.reports.count() == 1
        assert Assignment.objects.get(pk=lead_assignment.pk).percent == 30
