"""我的待办, 任务台账, the task page and its evidence downloads."""

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, F, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django_tables2 import RequestConfig

from workdays import calendar

from ..filters import AssignmentFilter
from ..lights import assignment_light, is_overdue, task_light
from ..models import (
    OPEN_STATES,
    Assignment,
    AssignmentState,
    Evidence,
    ExtensionRequest,
    ExtensionState,
    ProgressReport,
    TaskEvent,
)
from ..tables import AssignmentTable, MyWorkTable, light_badge
from .access import (
    PER_PAGE,
    _base_assignments,
    _calendar_warnings,
    _get_task_for_user,
)


@login_required
def my_work(request):
    """我的待办: the person's unit's open assignments, soonest due first."""
    today = timezone.localdate()
    unit_ids = request.user.memberships.values("unit")
    assignments = (
        _base_assignments()
        .filter(unit__in=unit_ids, state__in=OPEN_STATES)
        .order_by(F("deadline").asc(nulls_last=True), "id")
    )
    table = MyWorkTable(assignments, today=today, request=request, order_by=request.GET.get("sort"))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    ctx = {
        "table": table,
        "unit": request.user.unit,
        "warnings": _calendar_warnings(request, today),
        "pending_extensions": (
            ExtensionRequest.objects.filter(state=ExtensionState.PENDING).count() if request.user.is_supervisor else 0
        ),
    }
    return render(request, "tasks/my_work.html", ctx)


@login_required
def ledger(request):
    """任务台账: every share the person may read, filtered by an allow-list of URL parameters."""
    today = timezone.localdate()
    visible = _base_assignments().filter(pk__in=Assignment.objects.visible_to(request.user).values("pk"))
    filterset = AssignmentFilter(
        request.GET or None, queryset=visible.order_by("task__source_document", "task_id", "role"), today=today
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else visible
    table = AssignmentTable(queryset, today=today)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    # The paginator has counted the rows already: no second COUNT for the heading.
    total = table.paginator.count
    ctx = {"table": table, "filter": filterset, "warnings": _calendar_warnings(request, today), "total": total}
    return render(request, "tasks/ledger.html", ctx)


@login_required
def detail(request, task_id: int):
    """A task: its assignments and lights, the report timeline, the source passage, history, extensions."""
    today = timezone.localdate()
    task = _get_task_for_user(request, task_id)
    user = request.user
    assignments = list(
        task.assignments.select_related("unit")
        .annotate(has_reports=Exists(ProgressReport.objects.filter(assignment=OuterRef("pk"))))
        .order_by("role", "unit__sort_order", "id")
    )
    editable = set(Assignment.objects.editable_by(user).filter(task=task).values_list("pk", flat=True))
    for a in assignments:
        a.task = task
        a.light = assignment_light(a, today, cycle=task.reporting_cycle, due_day=task.report_due_day)
        a.light_badge = light_badge(a.light)
        a.overdue = is_overdue(a, today)
        a.can_edit = a.pk in editable and a.is_open
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
        .prefetch_related("evidence")
    )
    events = TaskEvent.objects.filter(task=task).select_related("actor").prefetch_related("changes")
    extensions = ExtensionRequest.objects.filter(assignment__task=task).select_related(
        "assignment__unit", "requested_by", "decided_by"
    )
    ctx = {
        "task": task,
        "light_badge": light_badge(task_light(task, today)),
        "assignments": assignments,
        "reports": reports,
        "events": events,
        "extensions": extensions,
        "indicators": task.indicators.all(),
        "source_item": task.source_item,
        "warnings": [w for w in {calendar.coverage_warning(a.deadline.year) for a in assignments if a.deadline} if w],
        "today": today,
        "can_correct": user.is_supervisor,
    }
    return render(request, "tasks/detail.html", ctx)


@login_required
def evidence(request, evidence_id: int):
    """Download an evidence file, for whoever may read the report it belongs to."""
    item = get_object_or_404(
        Evidence.objects.filter(report__in=ProgressReport.objects.visible_to(request.user)), pk=evidence_id
    )
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    return FileResponse(handle, as_attachment=True, filename=item.original_name or item.file.name)
