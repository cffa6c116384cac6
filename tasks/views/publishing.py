"""发布: a document's accepted items become tasks and assignments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from accounts.guards import require_supervisor
from documents.models import SourceDocument

from ..publishing import publish_document


@login_required
@require_POST
def publish(request, document_id: int):
    """发布: the supervision office turns a document's accepted items into tasks and assignments."""
    require_supervisor(request.user)
    document = get_object_or_404(SourceDocument, pk=document_id)
    summary = publish_document(document, request.user)
    text = f"已发布 {len(summary.tasks)} 项任务，生成 {len(summary.assignments)} 个承办。"
    if summary.skipped:
        reasons = "；".join(
            f"第{s.item.number or s.item.position}项：{'、'.join(s.reasons)}" for s in summary.skipped[:3]
        )
        text += f" {len(summary.skipped)} 项已确认条目因单位未确定暂未发布（{reasons}），请在审核页处理。"
        messages.warning(request, text)
    elif summary.tasks:
        messages.success(request, text)
    else:
        messages.info(request, "没有可发布的条目：请先在审核页确认条目。")
    return redirect("documents:detail", pk=document.pk)
