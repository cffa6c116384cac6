"""督查室 corrects a published task: its fields, and which units share it in which role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.guards import require_supervisor, run_action
from units.models import Unit

from .. import services
from ..forms import (
    AddAssignmentForm,
    RemoveAssignmentForm,
    SetRoleForm,
    TaskEditForm,
)
from ..models import (
    AssignmentRole,
)
from .access import (
    _get_assignment_for_user,
    _get_task_for_user,
)
from .pages import assignment_form_view


def _task_form_page(request, task, form, *, title, action, status=200, extra=None):
    ctx = {"task": task, "form": form, "title": title, "action": action, **(extra or {})}
    return render(request, "tasks/task_form.html", ctx, status=status)


@login_required
def edit(request, task_id: int):
    """修改任务 (督查室): text, title, section, number, deadline, cycle, leader, tags, with a reason."""
    task = _get_task_for_user(request, task_id)
    require_supervisor(request.user)
    title = "编辑任务"
    if request.method != "POST":
        form = TaskEditForm(initial=TaskEditForm.initial_for(task))
        return _task_form_page(request, task, form, title=title, action="edit")
    form = TaskEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        outcome = run_action(
            lambda: services.edit_task(
                request.user,
                task,
                text=data["text"],
                title=data["title"],
                section=data["section"],
                number=data["number"],
                deadline=data["deadline"],
                deadline_text=data["deadline_text"],
                ongoing=data["ongoing"],
                reporting_cycle=data["reporting_cycle"],
                report_due_day=data["report_due_day"],
                responsible_leader=data["responsible_leader"],
                tags=data["tags"],
                reason=data["reason"],
                version=data["version"],
            ),
            form,
        )
        if outcome.ok:
            messages.success(request, "任务已修改。")
            return redirect("tasks:detail", task.pk)
        if outcome.stale:
            # Keep what the person typed, carry the current version so a second save is deliberate.
            form.add_error(None, outcome.stale.message)
            form.data = form.data.copy()
            form.data["version"] = outcome.stale.current_version
            task.refresh_from_db()
            return _task_form_page(request, task, form, title=title, action="edit", status=409)
    return _task_form_page(request, task, form, title=title, action="edit", status=400)


@login_required
def add_assignment(request, task_id: int):
    """增加承办单位 (督查室): a unit picked from the list (with a search box), as lead or supporting."""
    task = _get_task_for_user(request, task_id)
    require_supervisor(request.user)
    title = "增加承办单位"
    extra = {"units": Unit.objects.active().exclude(assignments__task=task).order_by("sort_order", "name")}
    if request.method != "POST":
        return _task_form_page(request, task, AddAssignmentForm(), title=title, action="add_assignment", extra=extra)
    form = AddAssignmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        outcome = run_action(
            lambda: services.add_assignment(
                request.user, task, unit=data["unit"], role=data["role"], reason=data["reason"]
            ),
            form,
        )
        if outcome.ok:
            added = outcome.result
            messages.success(request, f"已增加{added.unit}为{added.get_role_display()}单位。")
            return redirect("tasks:detail", task.pk)
    return _task_form_page(request, task, form, title=title, action="add_assignment", status=400, extra=extra)


@login_required
def remove_assignment(request, assignment_id: int):
    """移除承办单位 (督查室): a share assigned by mistake, with a reason; confirmed on its own page."""
    assignment = _get_assignment_for_user(request, assignment_id)
    require_supervisor(request.user)
    return assignment_form_view(
        request,
        assignment,
        RemoveAssignmentForm,
        title=f"移除承办单位 · {assignment.unit}",
        action="remove_assignment",
        initial={"version": assignment.version},
        call=lambda data: services.remove_assignment(
            request.user, assignment, reason=data["reason"], version=data["version"]
        ),
        success=f"已移除{assignment.unit}。",
    )


@login_required
def set_role(request, assignment_id: int):
    """设为牵头 / 设为配合 (督查室), with a reason. The page offers the other role than the current one."""
    assignment = _get_assignment_for_user(request, assignment_id)
    require_supervisor(request.user)
    target = AssignmentRole.SUPPORT if assignment.is_lead else AssignmentRole.LEAD
    if request.method == "POST" and request.POST.get("role") in AssignmentRole.values:
        target = AssignmentRole(request.POST["role"])
    return assignment_form_view(
        request,
        assignment,
        SetRoleForm,
        title=f"设为{target.label} · {assignment.unit}",
        action="set_role",
        initial={"version": assignment.version, "role": target},
        call=lambda data: services.set_role(
            request.user, assignment, role=data["role"], reason=data["reason"], version=data["version"]
        ),
        success=lambda data: f"已将{assignment.unit}设为{AssignmentRole(data['role']).label}单位。",
    )
