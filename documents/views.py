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
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accounts.guards import StaleVersion, require_supervisor, run_action
from units.models import Unit, UnitGroup
from units.paging import slice_page
from workdays import calendar

from . import services
from .forms import AddUnitForm, FixUnitForm, ItemEditForm, ScheduleForm, SplitForm, UploadForm
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


class _Links:
    """The rows' action URLs: each name reversed once, the row's id then written into it
    (a reverse() per link per row was a third of the 84-item review screen's time)."""

    MARK = 2147000001

    def __init__(self) -> None:
        self._parts: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str, pk: int) -> str:
        parts = self._parts.get(name)
        if parts is None:
            before, _, after = reverse(name, args=[self.MARK]).partition(str(self.MARK))
            parts = self._parts[name] = (before, after)
        return f"{parts[0]}{pk}{parts[1]}"


def _with_blockers(items):
    """Prepare items (their units prefetched with _units_prefetch) for the item rows, in a fixed
    number of queries however many items: blockers, rows by role, retired units' successors."""
    rows = [row for item in items for row in item.units.all()]
    with_members = services.groups_with_members({row.group for row in rows if row.group_id is not None})
    current = Unit.objects.current_of({row.unit for row in rows if row.unit_id is not None and not row.unit.active})
    links = _Links()
    for row in rows:
        row.current_unit = current.get(row.unit_id, row.unit)
        row.fix_url = links("documents:unit_fix", row.pk)
        row.role_url = links("documents:unit_role", row.pk)
        row.remove_url = links("documents:unit_remove", row.pk)
    for item in items:
        item.accept_url = links("documents:item_accept", item.pk)
        item.reject_url = links("documents:item_reject", item.pk)
        item.reopen_url = links("documents:item_reopen", item.pk)
        item.edit_url = links("documents:item_edit", item.pk)
        item.add_unit_url = links("documents:item_add_unit", item.pk)
        item.editable = item.state not in (ReviewState.PUBLISHED, ReviewState.MERGED)
        item.blocker_list = services.blockers(item, with_members=with_members) if item.editable else []
        item.lead_rows = [u for u in item.units.all() if u.role == ItemRole.LEAD]
        item.support_rows = [u for u in item.units.all() if u.role == ItemRole.SUPPORT]
    return items


def _review_url(item: DraftItem) -> str:
    return reverse("documents:review", args=[item.document_id]) + f"?item={item.pk}#item-{item.pk}"


def _row(request, item: DraftItem, *, error: str = "", status: int = 200) -> HttpResponse:
    """The item's row, followed by the page's counters as an out-of-band swap (in a <template>,
    which htmx accepts beside a <tr>)."""
    item = DraftItem.objects.prefetch_related(_units_prefetch()).get(pk=item.pk)
    _with_blockers([item])
    context = {"row": row_html(item, get_token(request), error), "counts": _review_counts(item.document_id)}
    return render(request, "documents/_item_row_response.html", context, status=status)


def _after_change(request, item: DraftItem, *, error: str = "") -> HttpResponse:
    if _is_htmx(request):
        return _row(request, item, error=error)
    if error:
        messages.error(request, error)
    return redirect(_review_url(item))


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


# ---------------------------------------------------------------- item partials


@login_required
def item_row(request, item_id: int):
    item = _get_rw_item(request, item_id)
    return _row(request, item)


_EDIT_FIELDS = (
    ("text", "任务内容"),
    ("lead_names", "牵头单位"),
    ("support_names", "配合单位"),
    ("deadline", "完成时限"),
    ("deadline_text", "时限（原文）"),
    ("ongoing", "长期任务"),
    ("responsible_leader", "责任领导"),
)


def _edit_values(item: DraftItem, rows=None) -> dict:
    """The item as the edit form shows it (the form's initial values)."""
    rows = list(item.units.order_by("role", "position", "id")) if rows is None else rows
    return {
        "text": item.text,
        "lead_names": "、".join(r.written for r in rows if r.role == ItemRole.LEAD),
        "support_names": "、".join(r.written for r in rows if r.role == ItemRole.SUPPORT),
        "deadline": item.deadline.isoformat() if item.deadline else "",
        "deadline_text": item.deadline_text,
        "ongoing": item.ongoing,
        "responsible_leader": item.responsible_leader,
    }


def _conflict_rows(conflict: StaleVersion, posted) -> list[dict]:
    """Each field's current value beside what the person typed, marking the ones that differ."""
    current = _edit_values(conflict.current, _current_units(conflict.current))
    typed = {name: posted.get(name, "") for name, _label in _EDIT_FIELDS}
    typed["ongoing"] = bool(posted.get("ongoing"))
    typed["lead_names"] = "、".join(services.split_names(typed["lead_names"]))
    typed["support_names"] = "、".join(services.split_names(typed["support_names"]))

    def shown(name, value):
        if name == "ongoing":
            return "是" if value else "否"
        return str(value).strip() or "—"

    return [
        {
            "label": label,
            "current": shown(name, current[name]),
            "typed": shown(name, typed[name]),
            "differs": shown(name, current[name]) != shown(name, typed[name]),
        }
        for name, label in _EDIT_FIELDS
    ]


@login_required
def item_edit(request, item_id: int):
    item = _get_rw_item(request, item_id)
    version = item.version
    conflict = None
    status = 200
    if request.method == "POST":
        form = ItemEditForm(request.POST)
        version = _posted_version(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_item(
                    request.user,
                    item,
                    text=data["text"],
                    deadline=data["deadline"],
                    deadline_text=data["deadline_text"],
                    ongoing=data["ongoing"],
                    responsible_leader=data["responsible_leader"],
                    lead_names=data["lead_names"],
                    support_names=data["support_names"],
                    version=version,
                )
            except StaleVersion as exc:
                # Keep what the person typed; carry the current version, so saving again is a decision.
                conflict = {"text": _conflict_text(exc), "rows": _conflict_rows(exc, request.POST)}
                version = exc.current.version
                item = exc.current
                # htmx swaps only 2xx answers; a full page says 409 Conflict.
                status = 200 if _is_htmx(request) else 409
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                return _after_change(request, item)
    else:
        form = ItemEditForm(initial=_edit_values(item))
    template = "documents/_item_edit.html" if _is_htmx(request) else "documents/item_edit_page.html"
    context = {"item": item, "form": form, "split_form": SplitForm(), "version": version, "conflict": conflict}
    return render(request, template, context, status=status)


def _state_action(request, item_id: int, action) -> HttpResponse:
    item = _get_rw_item(request, item_id)
    outcome = run_action(lambda: action(request.user, item, version=_posted_version(request)))
    if outcome.stale:
        return _after_change(request, item, error=_conflict_text(outcome.stale))
    if outcome.errors:
        return _after_change(request, item, error="；".join(outcome.errors))
    return _after_change(request, outcome.result)


@login_required
@require_POST
def item_accept(request, item_id: int):
    return _state_action(request, item_id, services.accept)


@login_required
@require_POST
def item_reject(request, item_id: int):
    return _state_action(request, item_id, services.reject)


@login_required
@require_POST
def item_reopen(request, item_id: int):
    return _state_action(request, item_id, services.reopen)


@login_required
@require_POST
def item_split(request, item_id: int):
    item = _get_rw_item(request, item_id)
    form = SplitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(_review_url(item))
    line = form.cleaned_data.get("line")
    try:
        new = services.split(
            request.user,
            item,
            at=form.cleaned_data.get("at"),
            line=(line - 1) if line else None,
            version=_posted_version(request),
        )
    except StaleVersion as conflict:
        messages.warning(request, _conflict_text(conflict))
        return redirect(_review_url(item))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(_review_url(item))
    messages.success(request, "已拆分为两个条目。")
    return redirect(_review_url(new))


@login_required
@require_POST
def item_add_unit(request, item_id: int):
    item = _get_rw_item(request, item_id)
    form = AddUnitForm(request.POST)
    if not form.is_valid():
        return _after_change(request, item, error="请填写单位名称并选择角色")
    try:
        services.add_item_unit(
            request.user,
            item,
            form.cleaned_data["written"],
            form.cleaned_data["role"],
            version=_posted_version(request),
        )
    except StaleVersion as conflict:
        return _after_change(request, item, error=_conflict_text(conflict))
    except ValidationError as exc:
        return _after_change(request, item, error=_error_text(exc))
    return _after_change(request, item)


@login_required
@require_POST
def unit_fix(request, pk: int):
    """Fix an unresolved (or wrong) name inline: the chosen unit or group gets the name as an alias."""
    item_unit = _get_rw_item_unit(request, pk)
    item = item_unit.item
    form = FixUnitForm(request.POST)
    name = form.data.get("name", "").strip() if not form.is_valid() else form.cleaned_data["name"].strip()
    unit = Unit.objects.filter(Q(name=name) | Q(short_name=name)).order_by("-active", "pk").first()
    group = None if unit else UnitGroup.objects.filter(name=name).first()
    if not name or not (unit or group):
        return _after_change(
            request, item, error=f"单位名录中没有“{name}”，请从下拉列表中选择" if name else "请选择单位"
        )
    others = DraftItemUnit.objects.filter(
        item__document=item.document, written=item_unit.written, unit__isnull=True, group__isnull=True
    ).exclude(pk=item_unit.pk)
    refresh = others.exclude(item__state__in=(ReviewState.PUBLISHED, ReviewState.MERGED)).exists()
    try:
        services.set_item_unit(request.user, item_unit, unit=unit, group=group, version=_posted_version(request))
    except StaleVersion as conflict:
        return _after_change(request, item, error=_conflict_text(conflict))
    except ValidationError as exc:
        return _after_change(request, item, error=_error_text(exc))
    response = _after_change(request, item)
    if refresh and _is_htmx(request):
        response["HX-Refresh"] = "true"  # the same name was fixed on other rows too
    return response


@login_required
@require_POST
def unit_remove(request, pk: int):
    item_unit = _get_rw_item_unit(request, pk)
    try:
        services.remove_item_unit(request.user, item_unit, version=_posted_version(request))
    except StaleVersion as conflict:
        return _after_change(request, item_unit.item, error=_conflict_text(conflict))
    except ValidationError as exc:
        return _after_change(request, item_unit.item, error=_error_text(exc))
    return _after_change(request, item_unit.item)


@login_required
@require_POST
def unit_role(request, pk: int):
    item_unit = _get_rw_item_unit(request, pk)
    role = request.POST.get("role", "")
    try:
        services.set_unit_role(request.user, item_unit, role, version=_posted_version(request))
    except StaleVersion as conflict:
        return _after_change(request, item_unit.item, error=_conflict_text(conflict))
    except ValidationError as exc:
        return _after_change(request, item_unit.item, error=_error_text(exc))
    return _after_change(request, item_unit.item)


@login_required
def unit_options(request):
    """Autocomplete for unit names: <option>s for a <datalist>, or JSON with ?format=json."""
    _require_supervisor(request)
    query = request.GET.get("q", "").strip()
    units = Unit.objects.active()
    groups = UnitGroup.objects.all()
    if len(query) > MAX_UNIT_QUERY:
        # No unit or group name is this long; the database is never asked to match it.
        units, groups = units.none(), groups.none()
    elif query:
        units = units.filter(
            Q(name__contains=query) | Q(short_name__contains=query) | Q(aliases__alias__contains=query)
        )
        groups = groups.filter(Q(name__contains=query) | Q(aliases__alias__contains=query))
    units = list(units.distinct()[:500])
    groups = list(groups.distinct()[:100])
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "units": [{"id": u.pk, "name": u.name, "short_name": u.short_name} for u in units],
                "groups": [{"id": g.pk, "name": g.name} for g in groups],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "documents/_unit_options.html", {"units": units, "groups": groups})
