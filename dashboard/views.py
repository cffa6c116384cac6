"""统计看板 (leaders land here), its data as JSON, and the 督查室 工作台 (supervisors land there)."""

import datetime as dt
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.guards import require_supervisor
from documents.models import DocumentStatus, ReviewState, SourceDocument
from reminders.models import SupervisionOrder
from tasks.lights import Light, light_annotation
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


@login_required
def index(request):
    """统计看板: the figures over what the person may read, under the filters in the URL."""
    today = timezone.localdate()
    body = cache.cached("page", request, today, lambda: _body(request, today))
    return render(request, "dashboard/index.html", {"body": mark_safe(body)})  # noqa: S308 (rendered by _body)


def _body(request, today) -> str:
    scope = figures.scope_for(request.user, request.GET, today)
    data = figures.compute(scope)
    form = DashboardFilterForm(request.GET or None, tasks=Task.objects.visible_to(request.user))
    ctx = {
        "data": data,
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
    content = cache.cached("data", request, today, lambda: _data_json(request, today))
    return HttpResponse(content, content_type="application/json")


def _data_json(request, today) -> str:
    scope = figures.scope_for(request.user, request.GET, today)
    payload = figures.compute(scope)
    payload["errors"] = scope.errors
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
    what is overdue or due this week; what was returned lately."""
    require_supervisor(request.user, "工作台仅供督查室使用")
    today = timezone.localdate()
    latest = ProgressReport.objects.filter(assignment=OuterRef("pk")).order_by("-is_consolidated", "-created", "-id")
    completions = (
        Assignment.objects.filter(state=AssignmentState.COMPLETION_REQUESTED)
        .select_related("task", "unit")
        .annotate(latest_progress=Subquery(latest.values("progress")[:1]))
        .order_by("completion_requested_at", "id")
    )
    extensions = (
        ExtensionRequest.objects.filter(state=ExtensionState.PENDING)
        .select_related("assignment__task", "assignment__unit", "requested_by")
        .order_by("requested_at", "id")
    )
    unresolved = UnresolvedName.objects.filter(resolved_at__isnull=True).order_by("-occurrences", "text")
    # A document is in review until every item is accepted, rejected or published.
    in_review = (
        SourceDocument.objects.annotate(pending=Count("items", filter=Q(items__state=ReviewState.PENDING)))
        .filter(Q(status=DocumentStatus.EXTRACTED) | Q(pending__gt=0))
        .order_by("created", "id")
    )
    # The light is judged once and serves both the counts and the overdue list.
    light = light_annotation(today, Assignment.objects.all())
    overdue = (
        Assignment.objects.annotate(light_code=light)
        .filter(light_code=Light.RED)
        .select_related("task", "unit")
        .order_by("deadline", "task_id", "id")
    )
    sunday = today + dt.timedelta(days=6 - today.weekday())
    due_this_week = (
        Assignment.objects.filter(state__in=OPEN_STATES, deadline__gte=today, deadline__lte=sunday)
        .select_related("task", "unit")
        .order_by("deadline", "task_id", "id")
    )
    since = timezone.now() - dt.timedelta(days=RECENT_RETURNS_DAYS)
    returns = (
        TaskEvent.objects.filter(action=EventAction.RETURNED, at__gte=since)
        .select_related("task", "actor")
        .order_by("-at", "-id")
    )
    orders = SupervisionOrder.objects.open().select_related("task", "unit").order_by("-created", "-id")
    # The three counts over shares in one pass (aggregation in SQL), the others on their own tables.
    counts = Assignment.objects.annotate(light_code=light).aggregate(
        completions=Count("id", filter=Q(state=AssignmentState.COMPLETION_REQUESTED)),
        overdue=Count("id", filter=Q(light_code=Light.RED)),
        due_this_week=Count("id", filter=Q(state__in=OPEN_STATES, deadline__gte=today, deadline__lte=sunday)),
    )
    counts.update(
        orders=orders.count(), extensions=extensions.count(), unresolved=unresolved.count(), in_review=in_review.count()
    )
    ctx = {
        "counts": counts,
        "waiting": counts["completions"] + counts["extensions"] + counts["unresolved"] + counts["in_review"],
        "completions": completions[:WORKBENCH_ROWS],
        "extensions": extensions[:WORKBENCH_ROWS],
        "unresolved": unresolved[:10],
        "in_review": in_review[:10],
        "overdue": overdue[:10],
        "due_this_week": due_this_week[:10],
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
        "orders": orders[:10],
    }
    return render(request, "dashboard/workbench.html", ctx)
