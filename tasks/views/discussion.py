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


def _post(request, task_id: int, form_class, post, *, anchor: str, done: str):
    """Validate the one text field, call the action, and go back to the task's section with the
    outcome as a message (a refusal keeps nothing half-saved: the action is one transaction)."""
    task = _get_task_for_user(request, task_id)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return _back(task, anchor)
    try:
        post(request.user, task, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return _back(task, anchor)
    messages.success(request, done)
    return _back(task, anchor)


@login_required
@require_POST
def instruct(request, task_id: int):
    """领导批示 (区领导)."""
    return _post(
        request,
        task_id,
        InstructionForm,
        discussion.post_instruction,
        anchor="#instructions",
        done="批示已发布，显示在任务页顶部。",
    )


@login_required
@require_POST
def comment(request, task_id: int):
    """A comment in the task's discussion (督查室 and the units sharing the task)."""
    return _post(request, task_id, CommentForm, discussion.post_comment, anchor="#discussion", done="发言已发布。")
