"""统计看板 (leaders land here), its data as JSON, and the 督查室 工作台 (supervisors land there)."""

import datetime as dt
import json

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

from accounts.guards import require_supervisor
from documents.models import DocumentStatus, ReviewState, SourceDocument
from reminders.models import SupervisionOrder
from tasks.lights import Light, overdue_condition
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

    Every list is short (its first rows); the small queues carry their own length (a window count
    in the same query); the three counts over shares are one pass over the open shares the
    (state, deadline) index finds, without judging the reporting rules (only red counts here)."""
    require_supervisor(request.user, "工作台仅供督查室使用")
    today = timezone.localdate()
    total = Window(Count("pk"))
    latest = ProgressReport.objects.filter(assignment=OuterRef("pk")).order_by("-is_consolidated", "-created", "-id")
    completions = _first(
        Assignment.objects.filter(state=AssignmentState.COMPLETION_REQUESTED),
        ("completion_requested_at", "id"),
        WORKBENCH_ROWS,
    ).annotate(latest_progress=Subquery(latest.values("progress")[:1]))
    extensions = list(
        _first(
            ExtensionRequest.objects.filter(state=ExtensionState.PENDING),
            ("requested_at", "id"),
            WORKBENCH_ROWS,
            ("assignment__task", "assignment__unit", "requested_by"),
            total=True,
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
    overdue_now = overdue_condition(today, Assignment.objects.all())
    overdue = _first_overdue(today, overdue_now)
    sunday = today + dt.timedelta(days=6 - today.weekday())
    this_week = Q(state__in=OPEN_STATES, deadline__gte=today, deadline__lte=sunday)
    due_this_week = _first(Assignment.objects.filter(this_week), ("deadline", "task_id", "id"), 10)
    since = timezone.now() - dt.timedelta(days=RECENT_RETURNS_DAYS)
    returns = (
        TaskEvent.objects.filter(action=EventAction.RETURNED, at__gte=since)
        .select_related("task", "actor")
        .order_by("-at", "-id")
    )
    orders = list(_first(SupervisionOrder.objects.open(), ("-created", "-id"), 10, total=True))
    # The three counts over shares in one pass: every share they count is asked for completion,
    # or open with a deadline up to Sunday (overdue ones included).
    counts = (
        Assignment.objects.filter(
            Q(state=AssignmentState.COMPLETION_REQUESTED) | Q(state__in=OPEN_STATES, deadline__lte=sunday)
        )
        .order_by()
        .aggregate(
            completions=Count("id", filter=Q(state=AssignmentState.COMPLETION_REQUESTED)),
            overdue=Count("id", filter=overdue_now),
            due_this_week=Count("id", filter=this_week),
        )
    )
    counts.update(
        orders=_total(orders), extensions=_total(extensions), unresolved=_total(unresolved), in_review=_total(in_review)
    )
    ctx = {
        "counts": counts,
        "waiting": counts["completions"] + counts["extensions"] + counts["unresolved"] + counts["in_review"],
        "completions": completions,
        "extensions": extensions,
        "unresolved": unresolved,
        "in_review": in_review,
        "overdue": overdue,
        "due_this_week": due_this_week,
        "returns": returns[:10],
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
        "orders": orders,
    }
    return render(request, "dashboard/workbench.html", ctx)


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


def _first_overdue(today, overdue_now):
    """The ten longest overdue shares: the first ten open ones past their deadline (in deadline
    order on the open-deadline index) and the first ten that asked too late, then the first ten of
    those twenty; rather than sorting every overdue share."""
    order = ("deadline", "task_id", "id")
    active = (AssignmentState.PENDING, AssignmentState.IN_PROGRESS)
    past = Assignment.objects.filter(state__in=active, deadline__lte=calendar.previous_working_day(today))
    late = Assignment.objects.filter(overdue_now, state=AssignmentState.COMPLETION_REQUESTED)
    past, late = past.order_by(*order).values("pk")[:10], late.order_by(*order).values("pk")[:10]
    if connection.features.supports_slicing_ordering_in_compound:  # PostgreSQL: one IN (… UNION …)
        candidates = Q(pk__in=past.union(late))
    else:  # SQLite cannot limit the parts of a UNION
        candidates = Q(pk__in=past) | Q(pk__in=late)
    return Assignment.objects.filter(candidates).select_related("task", "unit").order_by(*order)[:10]


def _total(rows: list) -> int:
    """The length of the whole queue, from the window count its first rows carry."""
    return rows[0].total if rows else 0
