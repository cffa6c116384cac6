"""领导批示 and comments on a task: POST only, through tasks.discussion; neither changes the task."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import discussion
from ..forms import CommentForm, InstructionForm
from .access import _get_task_for_user


def _back(task, anchor: str):
    return redirect(reverse("tasks:detail", args=[task.pk]) + anchor)


@login_required
@require_POST
def instruct(request, task_id: int):
    """领导批示 (区领导)."""
    task = _get_task_for_user(request, task_id)
    form = InstructionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return _back(task, "#instructions")
    try:
        discussion.post_instruction(request.user, task, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return _back(task, "#instructions")
    messages.success(request, "批示已发布，显示在任务页顶部。")
    return _back(task, "#instructions")


@login_required
@require_POST
def comment(request, task_id: int):
    """A comment in the task's discussion (督查室 and the units sharing the task)."""
    task = _get_task_for_user(request, task_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return _back(task, "#discussion")
    try:
        discussion.post_comment(request.user, task, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return _back(task, "#discussion")
    messages.success(request, "发言已发布。")
    return _back(task, "#discussion")
