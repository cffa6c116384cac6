"""我的待办, 任务台账, the task page and its evidence downloads."""

from html import escape
from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import template_localtime

from accounts.links import link
from workdays import calendar

from .. import discussion
from .. import evidence as evidence_kinds
from ..filters import AssignmentFilter
from ..forms import CommentForm, InstructionForm
from ..lights import SEVERITY, Light, assignment_light, is_overdue, task_light
from ..models import (
    EXTENSION_ACTIONS,
    OPEN_STATES,
    Assignment,
    AssignmentRole,
    AssignmentState,
    Comment,
    Evidence,
    ExtensionRequest,
    Indicator,
    Instruction,
    ProgressReport,
    Task,
    TaskEvent,
)
from ..paging import BoundedRequestConfig
from ..tables import AssignmentTable, MyWorkTable, light_badge
from .access import (
    PER_PAGE,
    _base_assignments,
    _calendar_warnings,
    _get_task_for_user,
)


@login_required
def my_work(request):
    """我的待办: the person's unit's open assignments, soonest due first; a request the
    supervision office returned is flagged with its reason."""
    today = timezone.localdate()
    unit_ids = request.user.memberships.values("unit")
    last_report = ProgressReport.objects.filter(assignment=OuterRef("pk")).order_by(
        "-is_consolidated", "-created", "-id"
    )
    assignments = (
        _base_assignments()
        .filter(unit__in=unit_ids, state__in=OPEN_STATES)
        .annotate(
            last_review_state=Subquery(last_report.values("review_state")[:1]),
            last_review_comment=Subquery(last_report.values("review_comment")[:1]),
        )
        .order_by(F("deadline").asc(nulls_last=True), "id")
    )
    table = MyWorkTable(assignments, today=today, request=request, order_by=request.GET.get("sort"))
    BoundedRequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    ctx = {
        "table": table,
        "unit": request.user.unit,
        "warnings": _calendar_warnings(request, today),
    }
    return render(request, "tasks/my_work.html", ctx)


LEDGER_VIEWS = {"tasks": "按任务", "shares": "按承办单位"}


@login_required
def ledger(request):
    """任务台账: one row per task (default) or per unit's share (`?view=shares`), over what the
    person may read, filtered by an allow-list of URL parameters (filters.AssignmentFilter).

    Filters select shares; the task view lists every task with at least one selected share,
    so a dashboard number counting tasks and the task view show the same rows.
    """
    today = timezone.localdate()
    view = request.GET.get("view") if request.GET.get("view") in LEDGER_VIEWS else "tasks"
    # visible_to() itself: no `id IN (SELECT id …)` around it. Sorted by the document's id, not by
    # SourceDocument's default ordering (that would join and sort every row by upload time).
    visible = Assignment.objects.visible_to(request.user).select_related("task", "task__source_document", "unit")
    filterset = AssignmentFilter(
        request.GET or None,
        queryset=visible.order_by("task__source_document_id", "task_id", "role", "id"),
        today=today,
        request=request,
    )
    shares = filterset.qs if filterset.is_bound and filterset.is_valid() else visible
    ctx = {
        "filter": filterset,
        "form_fields": [filterset.form[name] for name in AssignmentFilter.FORM_FIELDS],
        "conditions": link_conditions(filterset),
        "warnings": _calendar_warnings(request, today),
        "view": view,
        "views": _viewlinks(request, view),
        # Query strings for the sort and page links, built here: in a template `request.GET.items`
        # would read a parameter named "items" (?items=-1 answered 500).
        "query_without_page": _query_without(request, "page"),
        "query_without_sort": _query_without(request, "page", "sort"),
    }
    if view == "shares":
        table = AssignmentTable(shares, today=today)
        BoundedRequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
        # The paginator has counted the rows already: no second COUNT for the heading.
        ctx.update(table=table, total=table.paginator.count)
    else:
        # Every task has at least one share (the last one cannot be removed): a person who reads
        # everything and sets no condition sees every task, without a semi-join over all shares.
        conditions = _has_conditions(filterset)
        everything = request.user.reads_everything and not conditions
        # A unit person without conditions: their tasks' ids, read as a list (in place of a count).
        task_ids = None if conditions or request.user.reads_everything else _shared_task_ids(request.user)
        parts = filterset.disjoint_parts() if conditions else None
        searched = filterset.searched_tasks_alone() if conditions and request.user.reads_everything else None
        page = _task_page(request, None if everything else shares, today, task_ids, parts, searched)
        grouped = request.GET.get("sort") not in TASK_SORTS
        rows = _task_rows(page, request.user, today)
        for row in rows:
            row["html"] = _row_html(row, grouped)
        ctx.update(page=page, rows=rows, total=page.paginator.count, grouped=grouped, sort=request.GET.get("sort"))
    return render(request, "tasks/ledger.html", ctx)


def _shared_task_ids(user) -> list[int]:
    """The ids of the tasks a unit person's units share (what they may read), as a list: the
    database then knows they are a few hundred. As a nested subquery it expected them everywhere
    and walked thousands of tasks in document order (or read every task) to find the page's 50."""
    shared = Assignment.objects.filter(unit__in=user.memberships.values("unit")).order_by()
    return list(shared.values_list("task_id", flat=True).distinct())


def _query_without(request, *names: str) -> str:
    """The page's query string less `names`, starting with "&" when anything is left."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return f"&{params.urlencode()}" if params else ""


def _viewlinks(request, current: str) -> list[tuple[str, str, bool]]:
    """The 按任务 / 按承办单位 toggle, keeping every filter."""
    links = []
    for value, label in LEDGER_VIEWS.items():
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("sort", None)
        if value == "tasks":
            params.pop("view", None)
        else:
            params["view"] = value
        links.append((label, f"?{params.urlencode()}" if params else "?", value == current))
    return links


def link_conditions(filterset) -> list[tuple[str, str]]:
    """Conditions set by a dashboard link (not in the form), shown so nobody wonders why rows are missing."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    shown = []
    for name, value in filterset.form.cleaned_data.items():
        if name in AssignmentFilter.FORM_FIELDS or value in (None, "", False):
            continue
        field = filterset.form.fields[name]
        if hasattr(value, "start"):  # a date range
            if not (value.start or value.stop):
                continue
            text = f"{value.start or ''} 至 {value.stop or ''}"
        elif getattr(field, "choices", None):
            text = dict(field.choices).get(value, value)
        elif value is True:
            text = "是"
        else:
            text = str(value)
        shown.append((str(field.label), str(text)))
    return shown


TASK_SORTS = {
    "deadline": (F("deadline").asc(nulls_last=True), "id"),
    "-deadline": (F("deadline").desc(nulls_last=True), "-id"),
    "number": ("number", "id"),
}


def _has_conditions(filterset) -> bool:
    if not (filterset.is_bound and filterset.is_valid()):
        return False
    return any(
        value not in (None, "", False) and not (isinstance(value, slice) and value.start is None and value.stop is None)
        for value in filterset.form.cleaned_data.values()
    )


def _task_page(request, shares, today, task_ids=None, parts=None, searched=None):
    """The page of tasks with at least one selected share (every task when `shares` is None), in
    document order (or by deadline); exactly the tasks `task_ids` when that list is given, or
    the tasks `searched` (AssignmentFilter.searched_tasks_alone) when that queryset is given.
    `parts`: the selected shares as disjoint querysets (AssignmentFilter.disjoint_parts), for
    the count."""
    if searched is not None:
        tasks, shares = searched, None  # counted as tasks, on their own table
    elif task_ids is not None:
        tasks = Task.objects.filter(pk__in=task_ids)
    else:
        tasks = Task.objects.all() if shares is None else Task.objects.filter(pk__in=shares.order_by().values("task"))
    # The document's title heads its group; its full text (a whole document) is not read.
    tasks = (
        tasks.select_related("source_document")
        .defer("source_document__text")
        .annotate(
            latest_progress=Subquery(_latest_consolidated.values("progress")[:1]),
            latest_progress_at=Subquery(_latest_consolidated.values("created")[:1]),
        )
    )
    sort = request.GET.get("sort")
    if sort in TASK_SORTS:
        tasks = tasks.order_by(*TASK_SORTS[sort])
    else:
        tasks = tasks.order_by(F("source_document_id").asc(nulls_last=True), "id")
    paginator = _TaskPaginator(tasks, PER_PAGE, shares=shares, known=task_ids, parts=parts)
    return paginator.get_page(request.GET.get("page"))


class _TaskPaginator(Paginator):
    """Counts the tasks of the selected shares as their distinct task ids, on the shares' table
    alone (every share has its task): the same number as counting the tasks IN those shares,
    without reading every task to match them."""

    def __init__(self, tasks, per_page, *, shares, known=None, parts=None):
        super().__init__(tasks, per_page)
        self.shares, self.known, self.parts = shares, known, parts

    @cached_property
    def count(self) -> int:
        if self.known is not None:  # the tasks are exactly these (distinct) ids
            return len(self.known)
        if self.shares is None:
            return super().count
        if self.parts and len(self.parts) > 1:
            # The task ids of each part, merged by UNION (which drops repeats): each part is read
            # from its own index, where one OR of both read the table's rows.
            first, *others = (part.select_related(None).order_by().values("task_id") for part in self.parts)
            return first.union(*others).count()
        return self.shares.select_related(None).order_by().values("task_id").distinct().count()


_latest_consolidated = ProgressReport.objects.filter(assignment__task=OuterRef("pk"), is_consolidated=True).order_by(
    "-created", "-id"
)


def _task_rows(page, user, today) -> list[dict]:
    """One row per task of the page: lead and supporting units with their lights, the deadline
    in force, the worst light and how many shares reported; group headers when the document or
    section changes."""
    tasks = list(page.object_list)
    shares = (
        Assignment.objects.visible_to(user)
        .filter(task__in=[t.pk for t in tasks])
        .select_related("unit")
        # The columns the row uses (the light's rules and the chips), not every column of both.
        .only(*_ROW_SHARE_FIELDS)
        .order_by("task_id", "role", "unit__sort_order", "id")
    )
    by_task: dict[int, list] = {}
    for share in shares:
        by_task.setdefault(share.task_id, []).append(share)
    rows, previous = [], None
    for task in tasks:
        mine = by_task.get(task.pk, [])
        for share in mine:
            share.task = task
            share.light = assignment_light(share, today, cycle=task.reporting_cycle, due_day=task.report_due_day)
        lights = [s.light for s in mine]
        worst = max(lights, key=lambda light: SEVERITY[light]) if lights else Light.GREEN
        leads = [s for s in mine if s.is_lead]
        deadlines = {s.deadline for s in mine if s.state != AssignmentState.DONE} or {s.deadline for s in mine}
        group = (task.source_document, task.section)
        supports = [s for s in mine if not s.is_lead]
        rows.append(
            {
                "task": task,
                "url": link("tasks:detail", task.pk),
                "group": group if group != previous else None,
                "leads": leads,
                # The share lists are written in Python (format_html), not by template loops:
                # on a page of 50 tasks with several units each they were most of the page's time.
                "leads_html": _join(_chip(s) for s in leads),
                "leads_mobile_html": _join(
                    f'<span class="chip chip-{s.light}">{escape(str(s.unit))}（牵头）</span>' for s in leads
                ),
                "supports_html": _join(_chip(s) for s in supports),
                "shares_html": _join(_share_line(s) for s in mine),
                "supports": supports,
                "shares": mine,
                "deadline": leads[0].deadline if leads else task.deadline,
                "deadlines_differ": len(deadlines) > 1,
                "light_badge": light_badge(worst),
                "reported": sum(1 for s in mine if s.last_reported_at or s.state == AssignmentState.DONE),
                "done": sum(1 for s in mine if s.state == AssignmentState.DONE),
                "total": len(mine),
            }
        )
        previous = group
    return rows


def _day(value, pattern: str = "%Y-%m-%d") -> str:
    """A date, or an aware datetime on the local calendar, as the template's |date printed it."""
    return template_localtime(value).strftime(pattern)


def _deadline_text(row) -> str:
    if row["deadline"]:
        return _day(row["deadline"])
    return "长期" if row["task"].ongoing else "—"


def _row_html(row, grouped: bool) -> str:
    """One task's <tr> of the ledger (and its group header): the markup the template's loop wrote,
    as one f-string, every value escaped (a template loop over 50 rows cost more than the rows)."""
    task = row["task"]
    header = ""
    if row["group"] and grouped:
        document, section = row["group"]
        title = escape(document.title) if document else "（无来源文件）"
        more = f' <span class="text-muted">· {escape(section)}</span>' if section else ""
        header = (
            f'<tr class="ledger-group"><th colspan="8" scope="rowgroup"><span class="fw-bold">{title}</span>'
            f"{more}</th></tr>"
        )
    number = escape(task.number)
    deadline = _deadline_text(row)
    differ = '<div class="small text-muted">各单位不同</div>' if row["deadlines_differ"] else ""
    supports = row["supports_html"] or '<span class="text-muted">—</span>'
    done = f" · {row['done']} 家办结" if row["done"] and row["done"] != row["total"] else ""
    if task.latest_progress:
        progress = (
            f'<span class="progress-text">{escape(Truncator(task.latest_progress).chars(80))}</span> '
            f'<span class="text-muted text-nowrap">{_day(task.latest_progress_at, "%m-%d")}</span>'
            f'<span class="print-only">{escape(task.latest_progress)}</span>'
        )
    else:
        progress = '<span class="text-muted">—</span>'
    return mark_safe(  # noqa: S308 - every value is escaped or built escaped
        f'{header}<tr data-task="{task.pk}"><td class="col-no d-none d-md-table-cell">{number or "—"}</td>'
        f'<td class="col-task"><a href="{row["url"]}"><span class="d-md-none">{f"{number}. " if number else ""}</span>'
        f"{escape(task.display_title)}</a>"
        f'<div class="d-md-none small">{row["leads_mobile_html"]} '
        f'<span class="text-muted text-nowrap">时限 {deadline}</span></div>'
        f'<details class="ledger-shares-detail" data-testid="shares-{task.pk}">'
        f'<summary class="small text-muted">{row["total"]} 个承办单位</summary>'
        f'<table class="table table-sm mb-0 small"><tbody>{row["shares_html"]}</tbody></table></details></td>'
        f'<td class="col-lead d-none d-md-table-cell">{row["leads_html"] or "—"}</td>'
        f'<td class="col-support d-none d-md-table-cell">{supports}</td>'
        f'<td class="col-deadline text-nowrap d-none d-md-table-cell">{deadline}{differ}</td>'
        f'<td class="col-light">{row["light_badge"]}</td>'
        f'<td class="col-state"><div class="text-nowrap">{row["reported"]}/{row["total"]} 已报送</div>'
        f'<div class="small text-muted text-nowrap">{escape(str(task.get_state_display()))}{done}</div></td>'
        f'<td class="col-progress d-none d-lg-table-cell small">{progress}</td></tr>'
    )


_ROW_SHARE_FIELDS = (
    "id", "task_id", "unit_id", "role", "deadline", "state", "percent", "created", "last_reported_at",
    "completion_requested_at", "unit__name", "unit__short_name", "unit__sort_order",
)  # fmt: skip
_STATE_LABELS = dict(AssignmentState.choices)
_ROLE_LABELS = dict(AssignmentRole.choices)


# The share lists are f-strings with html.escape (what format_html does for plain text), without
# format_html's lazy wrappers: 2,000 format_html calls were a third of the ledger's own time.
def _join(parts) -> str:
    return mark_safe("".join(parts))  # noqa: S308 - every part escapes its values


def _chip(share) -> str:
    light = share.light
    mark = " !" if light == Light.RED else " ✓" if light == Light.GREY else ""
    title = f"{share.unit.name} · {_STATE_LABELS.get(share.state, share.state)} · {light.label}"
    return f'<span class="chip chip-{light}" title="{escape(title)}">{escape(str(share.unit))}{mark}</span>'


def _share_line(share) -> str:
    deadline = f"{share.deadline:%Y-%m-%d}" if share.deadline else "长期"
    return (
        f'<tr data-assignment="{share.pk}"><td class="share-unit">{escape(share.unit.name)}</td>'
        f'<td class="text-nowrap">{escape(str(_ROLE_LABELS.get(share.role, share.role)))}</td>'
        f'<td class="text-nowrap">{escape(str(_STATE_LABELS.get(share.state, share.state)))}</td>'
        f'<td class="text-nowrap d-none d-sm-table-cell">{deadline}</td>'
        f'<td class="text-nowrap d-none d-sm-table-cell">{share.percent}%</td>'
        f'<td><span class="chip chip-{share.light}">{escape(str(share.light.label))}</span></td></tr>'
    )


@login_required
def detail(request, task_id: int):
    """A task: its assignments and lights, the report timeline, the source passage, history, extensions."""
    today = timezone.localdate()
    # Whether the task has each kind of rarer row, in the task's own query: a kind it lacks costs
    # no query of its own (most tasks have no 批示, discussion, indicators, 督办单 or files).
    task = _get_task_for_user(request, task_id, **_detail_presence())
    user = request.user
    assignments = list(
        task.assignments.select_related("unit")
        .annotate(has_reports=Exists(ProgressReport.objects.filter(assignment=OuterRef("pk"))))
        .order_by("role", "unit__sort_order", "id")
    )
    # The person's units, read once (and kept on the user for the page's header).
    own_units = {unit.pk for unit in user.member_units}
    editable = _editable_ids(user, assignments, own_units)
    for a in assignments:
        a.task = task
        a.light = assignment_light(a, today, cycle=task.reporting_cycle, due_day=task.report_due_day)
        a.light_badge = light_badge(a.light)
        a.overdue = is_overdue(a, today)
        # Each role sees its own actions: a unit's work is offered to that unit's people only;
        # 督查室 gets 代为办理 (a separate page, with a reason) instead of the unit's buttons.
        a.own = a.unit_id in own_units
        a.can_edit = a.pk in editable and a.is_open and a.own
        a.can_act_for = user.is_supervisor and a.is_open and not a.own
        a.can_report = a.can_edit and a.state in (AssignmentState.PENDING, AssignmentState.IN_PROGRESS)
        a.can_complete = a.can_report and a.is_lead
        a.can_review = user.is_supervisor and a.state == AssignmentState.COMPLETION_REQUESTED
        a.can_extend = a.can_edit and a.deadline is not None
        # Corrections by the supervision office; the services give the reason when they refuse.
        a.can_set_role = user.is_supervisor and a.state != AssignmentState.DONE
        a.can_remove = a.can_set_role and not a.has_reports and len(assignments) > 1
    reports = (
        ProgressReport.objects.visible_to(user)
        .filter(assignment__task=task)
        .select_related("assignment__unit", "author", "reviewed_by")
        .prefetch_related("evidence" if task.has_evidence else Prefetch("evidence", Evidence.objects.none()))
    )
    events = list(TaskEvent.objects.filter(task=task).select_related("actor").prefetch_related("changes"))
    if not user.reads_everything and not any(a.is_lead and a.pk in editable for a in assignments):
        # A supporting unit reads that another unit asked for more time, not why (issue 14, item 9).
        own = {a.pk for a in assignments if a.pk in editable}
        for event in events:
            if event.action in EXTENSION_ACTIONS and event.assignment_id not in own:
                event.comment_hidden = True
    extensions = (
        ExtensionRequest.objects.visible_to(user)
        .filter(assignment__task=task)
        .select_related("assignment__unit", "requested_by", "decided_by")
        if task.has_extensions
        else []
    )
    # 批示 and the discussion: for everyone who may read the task; mentions highlighted.
    comments = (
        list(task.comments.select_related("author", "author_unit").prefetch_related("mentioned_units"))
        if task.has_comments
        else []
    )
    forms = discussion.mention_forms(a.unit for a in assignments) if comments else []
    for c in comments:
        c.segments = discussion.segments(c.text, forms)
        c.mentions_mine = any(u.pk in own_units for u in c.mentioned_units.all())
    ctx = {
        "task": task,
        "instructions": task.instructions.select_related("author") if task.has_instructions else [],
        "orders": task.supervision_orders.all() if task.has_orders else [],
        "comments": comments,
        "can_instruct": discussion.can_instruct(user),
        # 督查室, or a person whose unit shares the task (discussion.can_comment, without a query).
        "can_comment": user.is_supervisor or any(a.own for a in assignments),
        "instruction_form": InstructionForm(auto_id="instruction_%s"),
        "comment_form": CommentForm(auto_id="comment_%s"),
        "light_badge": light_badge(task_light(task, today, assignments)),
        "assignments": assignments,
        "reports": reports,
        "events": events,
        "extensions": extensions,
        "indicators": task.indicators.all() if task.has_indicators else [],
        "source_item": task.source_item,
        "warnings": [w for w in {calendar.coverage_warning(a.deadline.year) for a in assignments if a.deadline} if w],
        "today": today,
        "can_correct": user.is_supervisor,
    }
    return render(request, "tasks/detail.html", ctx)


def _detail_presence() -> dict:
    """EXISTS annotations for the task page: which of the task's rarer rows it has at all."""
    orders = Task._meta.get_field("supervision_orders").related_model  # reminders/, above this app
    task = OuterRef("pk")
    return {
        "has_instructions": Exists(Instruction.objects.filter(task=task)),
        "has_comments": Exists(Comment.objects.filter(task=task)),
        "has_indicators": Exists(Indicator.objects.filter(task=task)),
        "has_orders": Exists(orders.objects.filter(task=task)),
        "has_extensions": Exists(ExtensionRequest.objects.filter(assignment__task=task)),
        "has_evidence": Exists(Evidence.objects.filter(report__assignment__task=task)),
    }


def _editable_ids(user, assignments, own_units: set[int]) -> set[int]:
    """Assignment.objects.editable_by(user) over the task's shares, without a query: supervisors
    change everything, leaders nothing, unit people their own units' shares."""
    if user.is_supervisor:
        return {a.pk for a in assignments}
    if user.is_leader:
        return set()
    return {a.pk for a in assignments if a.unit_id in own_units}


@login_required
def evidence(request, evidence_id: int):
    """Download an evidence file, for whoever may read the report it belongs to."""
    item = get_object_or_404(
        Evidence.objects.filter(report__in=ProgressReport.objects.visible_to(request.user)), pk=evidence_id
    )
    kind = evidence_kinds.kind_of_stored(item.file.name)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    # Images and PDFs open in the browser (预览) unless ?download=1; everything else, and any
    # file stored before the allow-list whose type is unknown, downloads as an attachment.
    inline = kind is not None and kind.inline and request.GET.get("download") != "1"
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=item.original_name or PurePath(item.file.name).name,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
