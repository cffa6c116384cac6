"""Screens for source documents: list, upload, detail, and the review screen with its htmx partials.

Everyone signed in reads the list and a document's page; only the supervision office
(user.is_supervisor) uploads, reviews and publishes (`_get_rw_*` raise 403 for anyone else).
Every change is a POST that calls one function of documents.services or tasks.publishing.
Row actions answer an htmx request with the re-rendered row (and the page's counters, out of
band), and a plain form post with a redirect back to the review screen.

Every form and button of a row carries the item's `version`; a service refuses a stale one
(accounts.guards.StaleVersion) and the screen shows the item as it is now: the edit form keeps what the
person typed and lists the current values beside it; a row action re-renders the current row
with a message. Nothing is overwritten silently.
"""

import html
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accounts.guards import StaleVersion, require_supervisor
from accounts.links import link
from units.models import Unit
from units.paging import slice_page
from workdays import calendar

from . import services
from .forms import ScheduleForm, UploadForm
from .models import DraftItem, DraftItemUnit, ItemRole, ReviewState, SourceDocument
from .rows import item_row as row_html

# ---------------------------------------------------------------- access helpers


def _require_supervisor(request) -> None:
    require_supervisor(request.user, "仅督查室可以导入、审核和发布文件")


def _current_units(item: DraftItem) -> list[DraftItemUnit]:
    """The units of an item as they are now, for the screen that shows a stale edit."""
    return list(item.units.select_related("unit", "group").order_by("role", "position", "id"))


def _get_document(request, pk: int) -> SourceDocument:
    """Documents the person may read (SourceDocument.objects.visible_to); others answer 404."""
    return get_object_or_404(SourceDocument.objects.visible_to(request.user), pk=pk)


def _get_rw_document(request, pk: int) -> SourceDocument:
    _require_supervisor(request)
    return get_object_or_404(SourceDocument, pk=pk)


def _get_rw_item(request, pk: int) -> DraftItem:
    _require_supervisor(request)
    return get_object_or_404(DraftItem.objects.select_related("document"), pk=pk)


def _get_rw_item_unit(request, pk: int) -> DraftItemUnit:
    _require_supervisor(request)
    return get_object_or_404(DraftItemUnit.objects.select_related("item__document"), pk=pk)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


MAX_VERSION = 2**31 - 1
MAX_UNIT_QUERY = 200
MAX_ID = 2**63 - 1


def _posted_version(request, name: str = "version") -> int:
    """The item version a form carried. Every form and button of the review screen carries
    one; a request without it (or with garbage) is refused with 400 rather than saved
    unchecked."""
    value = request.POST.get(name, "").strip()
    if not value.isdigit() or not 0 < int(value[:12]) <= MAX_VERSION:
        raise BadRequest("缺少有效的版本号，请刷新页面后重试。")
    return int(value)


def _posted_ids(request, name: str) -> list[int]:
    """Positive 64-bit ids from a multi-value field; anything else is ignored."""
    return [int(v) for v in request.POST.getlist(name) if v.isdigit() and len(v) <= 19 and 0 < int(v) <= MAX_ID]


def _conflict_text(conflict: StaleVersion) -> str:
    """One sentence saying who changed the item and when; the row or form shows the values."""
    current = conflict.current
    who = current.reviewed_by.display_name if current.reviewed_by else "他人"
    when = f"于{timezone.localtime(current.reviewed_at):%m-%d %H:%M}" if current.reviewed_at else ""
    return f"该条目已被{who}{when}修改，本次操作未执行。请核对当前内容后再操作。"


def _review_counts(document_id: int) -> dict[str, int]:
    """The review page's counters (待审核 · 已确认 · 未识别单位), in two queries."""
    items = DraftItem.objects.filter(document_id=document_id).exclude(state=ReviewState.MERGED)
    counts = items.aggregate(
        pending=Count("id", filter=Q(state=ReviewState.PENDING)),
        accepted=Count("id", filter=Q(state=ReviewState.ACCEPTED)),
    )
    counts["unresolved"] = DraftItemUnit.objects.filter(item__in=items, unit__isnull=True, group__isnull=True).count()
    return counts


def _units_prefetch():
    return Prefetch("units", queryset=DraftItemUnit.objects.select_related("unit", "group").order_by("position", "id"))


def _with_blockers(items):
    """Prepare items (their units prefetched with _units_prefetch) for the item rows, in a fixed
    number of queries however many items: blockers, rows by role, retired units' successors."""
    rows = [row for item in items for row in item.units.all()]
    with_members = services.groups_with_members({row.group for row in rows if row.group_id is not None})
    current = Unit.objects.current_of({row.unit for row in rows if row.unit_id is not None and not row.unit.active})
    for row in rows:
        row.current_unit = current.get(row.unit_id, row.unit)
        row.fix_url = link("documents:unit_fix", row.pk)
        row.role_url = link("documents:unit_role", row.pk)
        row.remove_url = link("documents:unit_remove", row.pk)
    for item in items:
        item.accept_url = link("documents:item_accept", item.pk)
        item.reject_url = link("documents:item_reject", item.pk)
        item.reopen_url = link("documents:item_reopen", item.pk)
        item.edit_url = link("documents:item_edit", item.pk)
        item.add_unit_url = link("documents:item_add_unit", item.pk)
        item.editable = item.state not in (ReviewState.PUBLISHED, ReviewState.MERGED)
        item.blocker_list = services.blockers(item, with_members=with_members) if item.editable else []
        item.lead_rows = [u for u in item.units.all() if u.role == ItemRole.LEAD]
        item.support_rows = [u for u in item.units.all() if u.role == ItemRole.SUPPORT]
    return items


def _review_url(item: DraftItem) -> str:
    return reverse("documents:review", args=[item.document_id]) + f"?item={item.pk}#item-{item.pk}"


# ---------------------------------------------------------------- pages


@login_required
def document_list(request):
    """The documents one may read, newest first, a page at a time; each row's item counts are
    counted for that row only (correlated subqueries after the LIMIT, not a join of every item)."""
    items = DraftItem.objects.filter(document=OuterRef("pk"))
    documents = (
        SourceDocument.objects.visible_to(request.user)
        .select_related("uploaded_by")
        .annotate(
            item_count=_count_of(items.exclude(state=ReviewState.MERGED)),
            pending_count=_count_of(items.filter(state=ReviewState.PENDING)),
            published_count=_count_of(items.filter(state=ReviewState.PUBLISHED)),
        )
        .order_by("-created", "-id")
    )
    page = slice_page(documents, request.GET.get("page"), DOCUMENTS_PER_PAGE)
    return render(request, "documents/list.html", {"documents": page.rows, "page": page})


DOCUMENTS_PER_PAGE = 50


def _count_of(rows):
    """COUNT(*) of `rows` (correlated with OuterRef) as an integer annotation, 0 when none."""
    counted = rows.order_by().values("document").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def open_for_review(request, document):
    """After an import (file or pasted text): say what was found and open the review screen.
    A document with no recognised items is saved all the same (no dead ends)."""
    items = document.items.count()
    if items:
        messages.success(request, f"已导入《{document.title}》，识别出 {items} 项工作任务，请逐项审核。")
    else:
        messages.warning(request, "已保存全文，但没有自动识别出工作任务：请在原文中选中一段文字，设为条目。")
    return redirect("documents:review", pk=document.pk)


@login_required
def upload(request):
    _require_supervisor(request)
    form = UploadForm()
    duplicate = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = services.import_upload(form.cleaned_data["file"], request.user)
            except services.AlreadyImported as exc:
                # Nothing saved; the page links to the earlier import instead.
                duplicate = exc.document
                form.add_error("file", exc.message)
            except services.ImportFailed as exc:
                form.add_error("file", exc.message)
            else:
                return open_for_review(request, document)
    ctx = {"form": form, "duplicate": duplicate}
    return render(request, "documents/upload.html", ctx, status=400 if form.errors else 200)


@login_required
def document_detail(request, pk: int):
    document = _get_document(request, pk)
    items = document.items.exclude(state=ReviewState.MERGED)
    if not request.user.reads_everything:
        # Unit staff read the published work only, never items still in review.
        items = items.filter(state=ReviewState.PUBLISHED)
    items = _with_blockers(list(items.prefetch_related(_units_prefetch())))
    counts = {state: 0 for state in ReviewState.values}
    for item in items:
        counts[item.state] += 1
    context = {
        "document": document,
        "items": items,
        "counts": counts,
        "run": document.runs.first(),
        "task_count": document.tasks.count(),
        "can_change": request.user.is_supervisor,
        "publishable": sum(1 for i in items if i.state == ReviewState.ACCEPTED),
        "schedule_form": ScheduleForm(
            initial={"report_cycle": document.report_cycle, "report_due_day": document.report_due_day}
        ),
        "publishable_overdue": _past_due(items),
        **_plan_indicator_table(document.plan_indicators),
    }
    return render(request, "documents/detail.html", context)


@login_required
@require_POST
def schedule(request, pk: int):
    """督查室 corrects the document's reporting schedule (cycle + due day)."""
    document = _get_rw_document(request, pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "报送周期或截止日无效：截止日须为 1–31。")
        return redirect("documents:detail", document.pk)
    try:
        services.set_reporting_schedule(
            request.user,
            document,
            cycle=form.cleaned_data["report_cycle"] or "",
            due_day=form.cleaned_data["report_due_day"],
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "报送周期已保存：此后发布的任务按此报送，已发布的任务请在任务页修改。")
    return redirect("documents:detail", document.pk)


def _past_due(items) -> int:
    """Accepted items whose deadline has passed (the rule of tasks.publishing.overdue_items): the
    publish button says so before anyone clicks it."""
    today = timezone.localdate()
    return sum(
        1
        for i in items
        if i.state == ReviewState.ACCEPTED
        and not i.ongoing
        and i.deadline is not None
        and today > calendar.effective_deadline(i.deadline)
    )


def _plan_indicator_table(indicators: list[dict]) -> dict:
    """The plan's indicator × year targets as rows with one cell per year, years in order."""
    years = sorted({year for indicator in indicators for year in indicator.get("targets", {})})
    rows = [
        {
            "category": indicator.get("category") or "",
            "name": indicator.get("name", ""),
            "unit": indicator.get("unit") or "",
            "targets": [indicator.get("targets", {}).get(year, "") for year in years],
        }
        for indicator in indicators
    ]
    return {"indicator_years": years, "indicator_rows": rows}


@login_required
def download(request, pk: int):
    """The uploaded file, for people who may read the document: never a public /media/ URL."""
    document = _get_document(request, pk)
    if not document.file:
        raise Http404("该文件没有保存原件")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("原文件已不在服务器上") from exc
    name = document.original_filename or Path(document.file.name).name
    return FileResponse(handle, as_attachment=True, filename=name)


@login_required
def review(request, pk: int):
    document = _get_rw_document(request, pk)
    items = document.items.exclude(state=ReviewState.MERGED)
    if not request.user.reads_everything:
        # Unit staff read the published work only, never items still in review.
        items = items.filter(state=ReviewState.PUBLISHED)
    items = _with_blockers(list(items.prefetch_related(_units_prefetch())))
    # The source text, one <li> per line, written in one join (a template loop over 1,000 lines
    # cost more than the items).
    lines = mark_safe(  # noqa: S308 - every line is escaped
        "".join(
            f'<li id="L{n}" value="{n}">{html.escape(line)}</li>'
            for n, line in enumerate(document.text.split("\n"), start=1)
        )
    )
    selected = request.GET.get("item")
    counts = {
        "pending": sum(1 for i in items if i.state == ReviewState.PENDING),
        "accepted": sum(1 for i in items if i.state == ReviewState.ACCEPTED),
        "unresolved": sum(1 for i in items for u in i.units.all() if not u.resolved),
    }
    token = get_token(request)
    context = {
        "document": document,
        "items": items,
        "rows": mark_safe("".join(row_html(item, token) for item in items)),  # noqa: S308 - escaped
        "lines": lines,
        "selected": int(selected) if selected and selected.isdigit() and len(selected) <= 19 else None,
        "run": document.runs.first(),
        "counts": counts,
        "accepted_count": counts["accepted"],
        "pending_count": counts["pending"],
        "unresolved_count": counts["unresolved"],
    }
    return render(request, "documents/review.html", context)


@login_required
@require_POST
def accept_all(request, pk: int):
    document = _get_rw_document(request, pk)
    count = services.accept_all_resolved(request.user, document)
    messages.success(request, f"已确认 {count} 个单位全部识别的条目。")
    return redirect("documents:review", pk=document.pk)


@login_required
@require_POST
def merge(request, pk: int):
    document = _get_rw_document(request, pk)
    items = list(document.items.filter(pk__in=_posted_ids(request, "items")))
    versions = {i.pk: _posted_version(request, f"version-{i.pk}") for i in items}
    try:
        target = services.merge(request.user, items, versions=versions)
    except StaleVersion as conflict:
        number = conflict.current.number or conflict.current.position
        messages.warning(request, f"第{number}项：{_conflict_text(conflict)}")
        return redirect(_review_url(conflict.current))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("documents:review", pk=document.pk)
    messages.success(request, f"已将 {len(items)} 个条目合并为第 {target.number or target.position} 项。")
    return redirect(_review_url(target))
