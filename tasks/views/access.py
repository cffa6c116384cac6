"""Fetching through the permission querysets: a crafted id answers 404, read-only access 403."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from workdays import calendar

from ..models import (
    Assignment,
    Task,
)

PER_PAGE = 50


def _get_task_for_user(request, task_id: int, **annotations) -> Task:
    # The task page shows its document and item: fetched with the task, not one query each.
    tasks = Task.objects.visible_to(request.user).select_related("source_document", "source_item")
    return get_object_or_404(tasks.annotate(**annotations) if annotations else tasks, pk=task_id)


def _get_assignment_for_user(request, assignment_id: int) -> Assignment:
    queryset = Assignment.objects.visible_to(request.user).select_related("task", "unit")
    return get_object_or_404(queryset, pk=assignment_id)


def _get_rw_assignment_for_user(request, assignment_id: int) -> Assignment:
    """404 when the person may not see it, 403 when they may see but not change it."""
    assignment = _get_assignment_for_user(request, assignment_id)
    if not Assignment.objects.editable_by(request.user).filter(pk=assignment.pk).exists():
        raise PermissionDenied("无权办理该事项")
    return assignment


def _calendar_warnings(request, today) -> list[str]:
    """ "Year X not entered" warnings, for the people who can enter it (督查室, 管理员)."""
    if not request.user.is_supervisor:
        return []
    return [w for w in (calendar.coverage_warning(y) for y in (today.year, today.year + 1)) if w]


def _base_assignments():
    return Assignment.objects.select_related("task", "task__source_document", "unit")
