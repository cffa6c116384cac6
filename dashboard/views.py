"""统计看板 (leaders land here), its data as JSON, and the 督查室 工作台 (supervisors land there)."""

import datetime as dt
import json
from html import escape

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery, Window
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import template_localtime

from accounts.guards import require_supervisor
from accounts.links import link
from documents.models import DocumentStatus, ReviewState, SourceDocument
from reminders.models import SupervisionOrder
from tasks.lights import Light, overdue_parts
from tasks.models import (
    OPEN_STATES,
    Assignment,
    AssignmentState,
    EventAction,
    ExtensionRequest,
    ExtensionState,
    ProgressReport,
    Task,
    TaskEvent,
)
from units.models import UnresolvedName
from workdays import calendar

from . import cache, figures
from .forms import DashboardFilterForm

CHART_UNITS = 15
WORKBENCH_ROWS = 50
RECENT_RETURNS_DAYS = 14
BODY_MARK = "<!-- dashboard figures -->"
STALE_MARK = "<!-- figures stale? -->"


@login_required
def index(request):
    """统计看板: the figures over what the person may read, under the filters in the URL."""
    today = timezone.localdate()
    figures_ = cache.cached("page", request, today, lambda: _body(request, today).encode())
    # The figures are kept as the page's bytes (no decoding and encoding of a page of thousands
    # of numbers on every request) and put in place of the mark in the page around them.
    page = render(request, "dashboard/index.html", {"body": mark_safe(BODY_MARK)})  # noqa: S308 (a constant)
    head, _mark, tail = page.content.partition(BODY_MARK.encode())
    before, _mark, after = figures_.content.partition(STALE_MARK.encode())
    note = _stale_note() if figures_.stale else b""
    page.content = b"".join((head, before, note, after, tail))
    return page


def _stale_note() -> bytes:
    seconds = settings.DUBAN_DASHBOARD_STALE_SECONDS
    return render_to_string("dashboard/_stale_note.html", {"seconds": seconds}).encode()


def _body(request, today) -> str:
    scope = figures.scope_for(request.user, request.GET, today)
    data = figures.compute(scope)
    form = DashboardFilterForm(request.GET or None, tasks=Task.objects.visible_to(request.user))
    ctx = {
        "data": data,
        "computed_at": timezone.localtime(),
        "stale_mark": mark_safe(STALE_MARK),  # noqa: S308 (a constant)
        "form": form,
        "errors": scope.errors,
        "charts": _chart_data(data),
        "data_url": f"{reverse('dashboard:data')}?{request.GET.urlencode()}",
        "filtered": bool(scope.params) and request.user.reads_everything,
        "unit_only": not request.user.reads_everything,
        "yellow_days": settings.DUBAN_YELLOW_WORKING_DAYS,
    }
    return render_to_string("dashboard/_body.html", ctx)


def data(request):
    """The same figures as JSON (a 大屏 wall display, another system): exactly what the page draws."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "请先登录"}, status=401)
    today = timezone.localdate()
    figures_ = cache.cached("data", request, today, lambda: _data_json(request, today).encode())
    return HttpResponse(figures_.content, content_type="application/json")


def _data_json(request, today) -> str:
    scope = figures.scope_for(request.user, request.GET, today)
    payload = figures.compute(scope)
    payload["errors"] = scope.errors
    payload["computed_at"] = timezone.localtime().isoformat(timespec="seconds")
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False)


def _chart_data(data: dict) -> dict:
    """What the charts draw (static/js/dashboard.js), with the ledger link of every bar."""
    per_unit: dict[int, dict] = {}
    for role, rows in data["units"].items():
        for row in rows:
            entry = per_unit.setdefault(row["unit_id"], {"unit": row["unit"], "lead": None, "support": None})
            entry[role] = row["overdue"]
    ranked = sorted(
        per_unit.values(),
        key=lambda e: -sum(e[r]["n"] for r in ("lead", "support") if e[r]),
    )
    ranked = [e for e in ranked if any(e[r] and e[r]["n"] for r in ("lead", "support"))][:CHART_UNITS]
    empty = {"n": 0, "url": ""}
    return {
        "lights": {
            "labels": [row["label"] for row in data["lights"]["tasks"]],
            "codes": [row["light"] for row in data["lights"]["tasks"]],
            "tasks": [row["n"] for row in data["lights"]["tasks"]],
            "task_urls": [row["url"] for row in data["lights"]["tasks"]],
            "shares": [row["n"] for row in data["lights"]["shares"]],
            "share_urls": [row["url"] for row in data["lights"]["shares"]],
        },
        "units": {
            "labels": [e["unit"] for e in ranked],
            "lead": [(e["lead"] or empty)["n"] for e in ranked],
            "lead_urls": [(e["lead"] or empty)["url"] for e in ranked],
            "support": [(e["support"] or empty)["n"] for e in ranked],
            "support_urls": [(e["support"] or empty)["url"] for e in ranked],
        },
        "trend": {
            "labels": [row["week"] for row in data["trend"]],
            "completed": [row["completed"]["n"] for row in data["trend"]],
            "completed_urls": [row["completed"]["url"] for row in data["trend"]],
            "new_overdue": [row["new_overdue"]["n"] for row in data["trend"]],
            "new_overdue_urls": [row["new_overdue"]["url"] for row in data["trend"]],
        },
    }


def _ledger(**params) -> str:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = value
    return f"{reverse('tasks:ledger')}?{query.urlencode()}"


@login_required
def workbench(request):
    """督查室 工作台: what waits for the supervision office, each one click from being handled;
    what is overdue or due this week; what was returned lately.

    Every list is short (its first rows), read with the columns it shows; the small queues carry
    their own length (a window count in the same query); the three counts over shares are counts
    the indexes answer on their own (_share_counts). The rows are written in Python
    (_*_rows_html): a template loop with a {% url %} per row cost more than the queries."""
    require_supervisor(request.user, "工作台仅供督查室使用")
    today = timezone.localdate()
    total = Window(Count("pk"))
    latest = ProgressReport.objects.filter(assignment=OuterRef("pk")).order_by("-is_consolidated", "-created", "-id")
    completions = list(
        _first(
            Assignment.objects.filter(state=AssignmentState.COMPLETION_REQUESTED),
            ("completion_requested_at", "id"),
            WORKBENCH_ROWS,
        )
        .only("task_id", "unit_id", "completion_requested_at", *_TASK_COLUMNS, *_UNIT_COLUMNS)
        .annotate(latest_progress=Subquery(latest.values("progress")[:1]))
    )
    extensions = list(
        _first(
            ExtensionRequest.objects.filter(state=ExtensionState.PENDING),
            ("requested_at", "id"),
            WORKBENCH_ROWS,
            ("assignment__task", "assignment__unit"),
            total=True,
        ).only(
            "assignment_id",
            "deadline_before",
            "requested_deadline",
            "reason",
            "assignment__task_id",
            "assignment__unit_id",
            *(f"assignment__{column}" for column in (*_TASK_COLUMNS, *_UNIT_COLUMNS)),
        )
    )
    unresolved = list(
        UnresolvedName.objects.filter(resolved_at__isnull=True)
        .annotate(total=total)
        .order_by("-occurrences", "text")[:10]
    )
    # A document is in review until every item is accepted, rejected or published.
    in_review = list(
        SourceDocument.objects.annotate(pending=Count("items", filter=Q(items__state=ReviewState.PENDING)))
        .filter(Q(status=DocumentStatus.EXTRACTED) | Q(pending__gt=0))
        .annotate(total=total)
        .order_by("created", "id")[:10]
    )
    overdue_past, overdue_late = overdue_parts(today, Assignment.objects.all())
    share_columns = ("task_id", "unit_id", "deadline", "state", *_TASK_COLUMNS, *_UNIT_COLUMNS)
    overdue = _first_overdue(overdue_past, overdue_late).only(*share_columns)
    sunday = today + dt.timedelta(days=6 - today.weekday())
    due_this_week = _first_due(today, sunday).only(*share_columns)
    since = timezone.now() - dt.timedelta(days=RECENT_RETURNS_DAYS)
    returns = (
        TaskEvent.objects.filter(action=EventAction.RETURNED, at__gte=since)
        .select_related("task", "actor")
        .only("task_id", "actor_id", "at", "unit_name", "comment", *_TASK_COLUMNS, *_ACTOR_COLUMNS)
        .order_by("-at", "-id")[:10]
    )
    orders = list(
        _first(SupervisionOrder.objects.open(), ("-created", "-id"), 10, total=True).only(
            "task_id", "unit_id", "number", "created", "leader_name", *_TASK_COLUMNS, *_UNIT_COLUMNS
        )
    )
    counts = _share_counts(today, sunday, overdue_past, overdue_late)
    counts.update(
        orders=_total(orders), extensions=_total(extensions), unresolved=_total(unresolved), in_review=_total(in_review)
    )
    ctx = {
        "counts": counts,
        "waiting": counts["completions"] + counts["extensions"] + counts["unresolved"] + counts["in_review"],
        "completions": _completion_rows_html(completions),
        "extensions": _extension_rows_html(extensions),
        "unresolved": unresolved,
        "in_review": in_review,
        "overdue": _share_rows_html(overdue),
        "due_this_week": _share_rows_html(due_this_week),
        "returns": _return_rows_html(returns),
        "today": today,
        "sunday": sunday,
        "return_days": RECENT_RETURNS_DAYS,
        "warnings": [w for w in (calendar.coverage_warning(y) for y in (today.year, today.year + 1)) if w],
        "links": {
            "completions": _ledger(view="shares", waiting="completion"),
            "extensions": _ledger(view="shares", waiting="extension"),
            "overdue": _ledger(view="shares", light=Light.RED),
            "due_this_week": _ledger(view="shares", open="on", deadline_after=today, deadline_before=sunday),
            "orders": _ledger(view="shares", supervised="on"),
        },
        "orders": _order_rows_html(orders),
    }
    return render(request, "dashboard/workbench.html", ctx)


# The columns the 工作台's rows show (Task.display_title, str(Unit), User.display_name).
_TASK_COLUMNS = ("task__number", "task__title", "task__text")
_UNIT_COLUMNS = ("unit__name", "unit__short_name")
_ACTOR_COLUMNS = ("actor__full_name", "actor__first_name", "actor__last_name", "actor__username")


def _share_counts(today, sunday, overdue_past, overdue_late) -> dict[str, int]:
    """办结申请待审核, 逾期 and 本周到期 over the shares, in one statement of counts, each over
    one index alone (no table rows read once the table is vacuumed): the completion queue and
    the shares due this week on (state, deadline); the open shares past their deadline on the
    open shares' partial index; those that asked too late on the asking shares' (tasks 0012).
    逾期 is the sum of its two disjoint branches (tasks.lights.overdue_parts): the same shares as
    the ledger's 仅看逾期."""
    asking = Assignment.objects.filter(state=AssignmentState.COMPLETION_REQUESTED)
    parts = {
        "completions": asking,
        "overdue_past": Assignment.objects.filter(overdue_past),
        "overdue_late": Assignment.objects.filter(overdue_late),
        "due_this_week": Assignment.objects.filter(state__in=OPEN_STATES, deadline__gte=today, deadline__lte=sunday),
    }
    selects, params = [], []
    for rows in parts.values():
        sql, values = rows.order_by().annotate(n=_COUNT_ROWS).values("n").query.sql_with_params()
        selects.append(f"({sql})")
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)}", params)
        found = dict(zip(parts, cursor.fetchone(), strict=True))
    return {
        "completions": found["completions"],
        "overdue": found["overdue_past"] + found["overdue_late"],
        "due_this_week": found["due_this_week"],
    }


# COUNT(*), not COUNT(id): no column asked for, so an index without the id answers alone.
_COUNT_ROWS = Func(template="COUNT(*)", output_field=IntegerField())


def _day(moment, pattern: str) -> str:
    """A date, or an aware moment on the local calendar, as the template's |date printed it."""
    return template_localtime(moment).strftime(pattern)


def _task_link(task_id: int, text: str) -> str:
    return f'<a href="{link("tasks:detail", task_id)}">{escape(text)}</a>'


def _escaped(parts) -> str:
    """Rows written by the functions below, whose every value is escaped."""
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped


def _queue_row(attr: str, pk: int, task: str, unit, when: str, note: str, url: str, testid: str, label: str) -> str:
    """A row of a queue waiting for the office (办结申请, 延期申请): task, unit, when, a note, its button."""
    return (
        f'<tr {attr}="{pk}">\n'
        f'        <td class="wb-task">{task}</td>\n'
        f'        <td class="text-nowrap">{escape(str(unit))}</td>\n'
        f'        <td class="text-nowrap small">{when}</td>\n'
        f'        <td class="d-none d-md-table-cell small">{escape(Truncator(note).chars(60))}</td>\n'
        f'        <td class="no-print"><a class="btn btn-sm btn-warning text-nowrap" href="{url}"'
        f' data-testid="{testid}">{label}</a></td>\n'
        "      </tr>"
    )


def _list_item(task: str, detail: str) -> str:
    """An entry of the 督办中 and 最近退回 lists: the task, then a muted line (already escaped)."""
    return f'\n      <li class="list-group-item">{task}<div class="small text-muted">{detail}</div></li>\n    '


def _completion_rows_html(rows) -> str:
    return _escaped(
        _queue_row(
            "data-assignment",
            a.pk,
            _task_link(a.task_id, (f"{a.task.number}. " if a.task.number else "") + a.task.display_title),
            a.unit,
            _day(a.completion_requested_at, "%m-%d %H:%M") if a.completion_requested_at else "",
            a.latest_progress or "",
            link("tasks:review", a.pk),
            f"review-{a.pk}",
            "审核（销号/退回）",
        )
        for a in rows
    )


def _extension_rows_html(rows) -> str:
    return _escaped(
        _queue_row(
            "data-extension",
            e.pk,
            _task_link(e.assignment.task_id, e.assignment.task.display_title),
            e.assignment.unit,
            (f"{e.deadline_before:%Y-%m-%d}" if e.deadline_before else "—") + f" → {e.requested_deadline:%Y-%m-%d}",
            e.reason,
            link("tasks:decide_extension", e.pk),
            f"decide-{e.pk}",
            "审批",
        )
        for e in rows
    )


def _share_rows_html(rows) -> str:
    """The overdue and due-this-week lists: task, unit, deadline, state."""
    return _escaped(
        f'<tr><td class="wb-task">{_task_link(a.task_id, a.task.display_title)}</td>'
        f'<td class="text-nowrap">{escape(str(a.unit))}</td>'
        f'<td class="text-nowrap">{f"{a.deadline:%Y-%m-%d}" if a.deadline else ""}</td>'
        f'<td class="text-nowrap">{escape(str(a.get_state_display()))}</td></tr>\n      '
        for a in rows
    )


def _order_rows_html(rows) -> str:
    return _escaped(
        _list_item(
            _task_link(order.task_id, order.task.display_title),
            f"{escape(order.number)} · {escape(str(order.unit))} · {_day(order.created, '%m-%d')}"
            + (f" · 分管领导 {escape(order.leader_name)}" if order.leader_name else ""),
        )
        for order in rows
    )


def _return_rows_html(rows) -> str:
    return _escaped(
        _list_item(
            _task_link(e.task_id, e.task.display_title),
            f"{_day(e.at, '%m-%d %H:%M')} · {escape(e.unit_name)} · "
            f"{escape(e.actor.display_name) if e.actor else ''}：{escape(e.comment)}",
        )
        for e in rows
    )


def _first(rows, order: tuple[str, ...], n: int, related=("task", "unit"), total: bool = False):
    """The first `n` of `rows` in `order`, with what they show (`related`), and with `total` the
    length of the whole queue on each row: the rows are chosen on their own table, then only those
    are joined (joining first hashed every task), and the length is one uncorrelated subquery."""
    first = rows.order_by(*order).values("pk")[:n]
    chosen = rows.model.objects.filter(pk__in=first).select_related(*related).order_by(*order)
    if total:
        length = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
        chosen = chosen.annotate(total=Subquery(length, output_field=IntegerField()))
    return chosen


def _first_overdue(past, late):
    """The ten longest overdue shares: the first ten open ones past their deadline (in deadline
    order on the open-deadline index) and the first ten that asked too late, then the first ten of
    those twenty; rather than sorting every overdue share. `past` and `late`: the two branches
    of tasks.lights.overdue_parts."""
    return _first_of_parts(past, late)


def _first_due(today, sunday):
    """The first ten open shares due this week, in deadline order: the first ten still at work (in
    order on the open-deadline index) and the first ten that asked for completion (the asking
    shares' index), then the first ten of those twenty; rather than sorting every share due this
    week (thousands at twice the data)."""
    week = Q(deadline__gte=today, deadline__lte=sunday)
    at_work = Q(state__in=(AssignmentState.PENDING, AssignmentState.IN_PROGRESS))
    return _first_of_parts(week & at_work, week & Q(state=AssignmentState.COMPLETION_REQUESTED))


def _first_of_parts(*parts: Q, n: int = 10):
    """The first `n` shares in deadline order of the union of disjoint `parts`, each part's first
    `n` chosen apart (each from its own index)."""
    order = ("deadline", "task_id", "id")
    firsts = [Assignment.objects.filter(part).order_by(*order).values("pk")[:n] for part in parts]
    if connection.features.supports_slicing_ordering_in_compound:  # PostgreSQL: one IN (… UNION …)
        candidates = Q(pk__in=firsts[0].union(*firsts[1:]))
    else:  # SQLite cannot limit the parts of a UNION
        candidates = Q()
        for first in firsts:
            candidates |= Q(pk__in=first)
    return Assignment.objects.filter(candidates).select_related("task", "unit").order_by(*order)[:n]


def _total(rows: list) -> int:
    """The length of the whole queue, from the window count its first rows carry."""
    return rows[0].total if rows else 0
