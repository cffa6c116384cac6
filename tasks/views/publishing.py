"""发布: a document's accepted items become tasks and assignments.

Items whose deadline has already passed are counted first: the supervision office publishes
them with one new deadline (recorded on each task) or as they are, knowingly.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.guards import require_supervisor
from documents.models import ReviewState, SourceDocument

from ..forms import PublishOverdueForm
from ..publishing import overdue_items, publish_document


def _confirm_page(request, document, form, overdue, status=200):
    ctx = {
        "document": document,
        "form": form,
        "overdue": overdue,
        "publishable": document.items.filter(state=ReviewState.ACCEPTED).count(),
    }
    return render(request, "tasks/publish_confirm.html", ctx, status=status)


@login_required
@require_POST
def publish(request, document_id: int):
    """发布: the supervision office turns a document's accepted items into tasks and assignments."""
    require_supervisor(request.user)
    document = get_object_or_404(SourceDocument, pk=document_id)
    overdue = overdue_items(document, timezone.localdate())
    new_deadline, reason = None, ""
    if overdue:
        if "overdue_choice" not in request.POST:
            return _confirm_page(request, document, PublishOverdueForm(), overdue)
        form = PublishOverdueForm(request.POST)
        if not form.is_valid():
            return _confirm_page(request, document, form, overdue, status=400)
        if form.cleaned_data["overdue_choice"] == PublishOverdueForm.NEW_DEADLINE:
            new_deadline, reason = form.cleaned_data["new_deadline"], form.cleaned_data["reason"]
        try:
            summary = publish_document(document, request.user, overdue_deadline=new_deadline, overdue_reason=reason)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("new_deadline", message)
            return _confirm_page(request, document, form, overdue, status=400)
    else:
        summary = publish_document(document, request.user)
    text = f"已发布 {len(summary.tasks)} 项任务，生成 {len(summary.assignments)} 个承办。"
    if summary.moved:
        text += f" 其中 {len(summary.moved)} 项原时限已过，完成时限已调整为 {new_deadline:%Y-%m-%d}。"
    elif overdue and summary.tasks:
        text += f" 其中 {len(overdue)} 项按原时限发布，已逾期。"
    if summary.skipped:
        reasons = "；".join(
            f"第{s.item.number or s.item.position}项：{'、'.join(s.reasons)}" for s in summary.skipped[:3]
        )
        text += f" {len(summary.skipped)} 项已确认条目暂未发布（{reasons}），请在审核页处理。"
        messages.warning(request, text)
    elif summary.tasks:
        messages.success(request, text)
    else:
        messages.info(request, "没有可发布的条目：请先在审核页确认条目。")
    return redirect("documents:detail", pk=document.pk)
