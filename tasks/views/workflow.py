"""The workflow forms on one unit's share: report, consolidate and ask for completion, review,
extensions, reassignment, deadlines. Every change is a POST through `tasks.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.guards import StaleVersion, require_supervisor

from .. import services
from ..actions.on_behalf import act_on_behalf, needs_on_behalf
from ..forms import (
    MAX_VERSION,
    CompletionForm,
    DeadlineForm,
    DecideExtensionForm,
    ExtensionForm,
    ReassignForm,
    ReportForm,
    ReviewForm,
)
from ..models import (
    Assignment,
    AssignmentState,
    ExtensionRequest,
    ProgressReport,
)
from .access import (
    _get_assignment_for_user,
    _get_rw_assignment_for_user,
)
from .pages import assignment_form_view


def _required_version(request) -> int:
    """The version a one-click form carried; without a valid one the request is refused (400)."""
    value = request.POST.get("version", "").strip()
    if not value.isdigit() or len(value) > 10 or not 0 < int(value) <= MAX_VERSION:
        raise BadRequest("缺少有效的版本号，请刷新页面后重试。")
    return int(value)


@login_required
@require_POST
def acknowledge(request, assignment_id: int):
    """签收 in one click from 我的待办 or the task page."""
    assignment = _get_rw_assignment_for_user(request, assignment_id)
    try:
        if needs_on_behalf(request.user, assignment):
            act_on_behalf(
                request.user,
                assignment,
                reason=request.POST.get("on_behalf_reason", ""),
                perform=lambda: services.acknowledge(request.user, assignment, version=_required_version(request)),
            )
        else:
            services.acknowledge(request.user, assignment, version=_required_version(request))
        messages.success(request, f"已签收：{assignment.task.display_title}")
    except StaleVersion:
        messages.warning(request, "该事项刚被他人办理过，请查看最新状态。")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        if needs_on_behalf(request.user, assignment):
            return redirect("tasks:on_behalf", assignment.pk)
    target = request.POST.get("next") or ""
    if target == "detail":
        return redirect("tasks:detail", assignment.task_id)
    return redirect("tasks:my_work")


@login_required
def report(request, assignment_id: int):
    """进展报送 with optional evidence files."""
    assignment = _get_rw_assignment_for_user(request, assignment_id)
    return assignment_form_view(
        request,
        assignment,
        ReportForm,
        title=f"报送进展 · {assignment.unit}",
        action="report",
        initial={"version": assignment.version, "percent": assignment.percent},
        files=True,
        call=lambda data: services.report_progress(
            request.user,
            assignment,
            progress=data["progress"],
            problems=data["problems"],
            next_steps=data["next_steps"],
            percent=data["percent"],
            files=data["files"],
            version=data["version"],
        ),
        success="进展已报送。",
        unit_work=True,
    )


@login_required
def complete(request, assignment_id: int):
    """The lead unit's consolidated report, and its completion request (申请办结)."""
    assignment = _get_rw_assignment_for_user(request, assignment_id)
    if not assignment.is_lead:
        raise PermissionDenied("仅牵头单位可以汇总和申请办结")
    supporting = (
        ProgressReport.objects.filter(assignment__task=assignment.task)
        .exclude(assignment=assignment)
        .select_related("assignment__unit", "author")
        .prefetch_related("evidence")
    )

    @transaction.atomic
    def consolidate_and_ask(data):
        services.consolidate(
            request.user,
            assignment,
            progress=data["progress"],
            problems=data["problems"],
            next_steps=data["next_steps"],
            percent=data["percent"],
            files=data["files"],
            version=data["version"],
        )
        if data["request_completion"]:
            services.request_completion(request.user, assignment, comment=data["comment"])

    return assignment_form_view(
        request,
        assignment,
        CompletionForm,
        title=f"汇总报送 / 申请办结 · {assignment.unit}",
        action="complete",
        initial=_completion_initial(assignment),
        extra={"supporting_reports": supporting, "blockers": services.completion_blockers(assignment)},
        files=True,
        call=consolidate_and_ask,
        success=lambda data: f"汇总进展已报送{'并已申请办结' if data['request_completion'] else ''}。",
        unit_work=True,
    )


def _completion_initial(assignment) -> dict:
    """The consolidated form starts from the lead's last report (a returned request is revised,
    not retyped)."""
    initial = {"version": assignment.version, "percent": 100}
    last = assignment.reports.order_by("-is_consolidated", "-created", "-id").first()
    if last is not None:
        initial.update(progress=last.progress, problems=last.problems, next_steps=last.next_steps)
    return initial


@login_required
def review(request, assignment_id: int):
    """督查室 approves (销号) or returns (退回, reason required) a completion request."""
    assignment = _get_assignment_for_user(request, assignment_id)
    require_supervisor(request.user)

    def decide(data):
        if data["decision"] == ReviewForm.APPROVE:
            return services.approve(request.user, assignment, comment=data["comment"], version=data["version"])
        return services.return_for_revision(request.user, assignment, reason=data["comment"], version=data["version"])

    return assignment_form_view(
        request,
        assignment,
        ReviewForm,
        title=f"审核办结申请 · {assignment.unit}",
        action="review",
        initial={"version": assignment.version},
        extra={"latest_report": assignment.reports.order_by("-is_consolidated", "-created", "-id").first()},
        call=decide,
        success=lambda data: "已销号。" if data["decision"] == ReviewForm.APPROVE else "已退回。",
    )


@login_required
def request_extension(request, assignment_id: int):
    """延期申请 by the unit."""
    assignment = _get_rw_assignment_for_user(request, assignment_id)
    return assignment_form_view(
        request,
        assignment,
        ExtensionForm,
        title=f"申请延期 · {assignment.unit}",
        action="extension",
        call=lambda data: services.request_extension(
            request.user, assignment, requested_deadline=data["requested_deadline"], reason=data["reason"]
        ),
        success="延期申请已提交，等待督查室审批。",
        unit_work=True,
    )


@login_required
def decide_extension(request, extension_id: int):
    """督查室 approves or refuses an extension request."""
    visible = Assignment.objects.visible_to(request.user)
    extension = get_object_or_404(
        ExtensionRequest.objects.filter(assignment__in=visible).select_related("assignment__task", "assignment__unit"),
        pk=extension_id,
    )
    require_supervisor(request.user)
    assignment = extension.assignment

    def approved(data) -> bool:
        return data["decision"] == DecideExtensionForm.APPROVE

    return assignment_form_view(
        request,
        assignment,
        DecideExtensionForm,
        title=f"审批延期申请 · {assignment.unit}",
        action="decide",
        extra={"extension": extension},
        call=lambda data: services.decide_extension(
            request.user, extension, approved=approved(data), comment=data["comment"]
        ),
        success=lambda data: "已同意延期。" if approved(data) else "已不同意延期。",
    )


@login_required
def reassign(request, assignment_id: int):
    """改派 to another unit (督查室)."""
    assignment = _get_assignment_for_user(request, assignment_id)
    require_supervisor(request.user)
    return assignment_form_view(
        request,
        assignment,
        ReassignForm,
        title=f"改派 · {assignment.unit}",
        action="reassign",
        initial={"version": assignment.version},
        call=lambda data: services.reassign(
            request.user, assignment, unit=data["unit"], reason=data["reason"], version=data["version"]
        ),
        success=lambda data: f"已改派至{data['unit']}。",
    )


@login_required
def change_deadline(request, assignment_id: int):
    """调整时限 with a reason (督查室)."""
    assignment = _get_assignment_for_user(request, assignment_id)
    require_supervisor(request.user)
    return assignment_form_view(
        request,
        assignment,
        DeadlineForm,
        title=f"调整时限 · {assignment.unit}",
        action="deadline",
        initial={"version": assignment.version, "deadline": assignment.deadline},
        call=lambda data: services.change_deadline(
            request.user, assignment, deadline=data["deadline"], reason=data["reason"], version=data["version"]
        ),
        success="完成时限已调整。",
    )


@login_required
def on_behalf(request, assignment_id: int):
    """代为办理 (督查室): what the unit could do on its share, each with a reason, recorded as done for it."""
    assignment = _get_assignment_for_user(request, assignment_id)
    require_supervisor(request.user)
    if not needs_on_behalf(request.user, assignment):
        return redirect("tasks:detail", assignment.task_id)
    can_report = assignment.state in (AssignmentState.PENDING, AssignmentState.IN_PROGRESS)
    ctx = {
        "assignment": assignment,
        "task": assignment.task,
        "can_acknowledge": assignment.state == AssignmentState.PENDING,
        "can_report": can_report,
        "can_complete": can_report and assignment.is_lead,
        "can_extend": assignment.is_open and assignment.deadline is not None,
    }
    return render(request, "tasks/on_behalf.html", ctx)
