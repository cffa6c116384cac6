"""No dead ends on the documents screens: 粘贴文本 import, and an item made from a passage
selected in the review screen's source pane (static/js/documents_manual.js)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from documents import services
from documents.actions import manual
from documents.forms_manual import PassageItemForm, PasteForm
from documents.views import _get_rw_document, _require_supervisor, open_for_review


@login_required
def paste(request):
    _require_supervisor(request)
    form = PasteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = manual.import_pasted_text(
                request.user, form.cleaned_data["text"], title=form.cleaned_data["title"]
            )
        except services.ImportFailed as exc:
            form.add_error("text", exc.message)
        else:
            return open_for_review(request, document)
    return render(request, "documents/paste.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def add_item(request, pk: int):
    document = _get_rw_document(request, pk)
    form = PassageItemForm(request.POST)
    review_url = reverse("documents:review", args=[document.pk])
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect(review_url)
    data = form.cleaned_data
    try:
        item = manual.add_item_from_passage(
            request.user,
            document,
            text=data["text"],
            source_start=data["source_start"],
            source_end=data["source_end"],
            lead_names=data["lead_names"],
            support_names=data["support_names"],
            deadline=data["deadline"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(review_url)
    messages.success(request, f"已新增条目（第{item.position}项），确认后即可发布。")
    return redirect(f"{review_url}?item={item.pk}#item-{item.pk}")
