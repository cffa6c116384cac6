"""Screens for tasks: 我的待办, 任务台账, task detail, the workflow forms, statistics.

Every object is fetched through the permission querysets (`visible_to`, `editable_by`), so a
crafted id answers 404; a person who may read but not change gets 403. Changes go through
`tasks.services` only, and every change is a POST.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from documents.models import SourceDocument
from units.models import Unit

from . import calendar, services
from .filters import AssignmentFilter
from .forms import (
    AddAssignmentForm,
    CompletionForm,
    DeadlineForm,
    DecideExtensionForm,
    ExtensionForm,
    ReassignForm,
    RemoveAssignmentForm,
    ReportForm,
    ReviewForm,
    SetRoleForm,
    TaskEditForm,
)
from .lights import Light, assignment_light, is_overdue, task_light
from .models import (
    OPEN_STATES,
    Assignment,
    AssignmentRole,
    AssignmentState,
    Evidence,
    ExtensionRequest,
    ExtensionState,
    ProgressReport,
    Task,
    TaskEvent,
)
from .publishing import publish_document
from .tables import AssignmentTable, MyWorkTable, light_badge

PER_PAGE = 50


# ---------------------------------------------------------------- access helpers


def _get_task_for_user(request, task_id: int) -> Task:
    return get_object_or_404(Task.objects.visible_to(request.user), pk=task_id)


def _get_assignment_for_user(request, assignment_id: int) -> Assignment:
    queryset = Assignment.objects.visible_to(request.user).select_related("task", "unit")
    return get_object_or_404(queryset, pk=assignment_id)


def _get_rw_assignment_for_user(request, assignment_id: int) -> Assignment:
    """404 when the person may not see it, 403 when they may see but not change it."""
    assignment = _get_assignment_for_user(request, assignment_id)
    if not Assignment.objects.editable_by(request.user).filter(pk=assignment.pk).exists():
        raise PermissionDenied("无权办理该事项")
    return assignment


def _require_supervisor(request) -> None:
    if not request.user.is_supervisor:
        raise PermissionDenied("仅督查室可以办理")


def _calendar_warnings(request, today) -> list[str]:
    """ "Year X not entered" warnings, for the people who can enter it (督查室, 管理员)."""
    if not request.user.is_supervisor:
        return []
    return [w for w in (calendar.coverage_warning(y) for y in (today.year, today.year + 1)) if w]


def _base_assignments():
    return Assignment.objects.select_related("task", "task__source_document", "unit")


# ---------------------------------------------------------------- lists


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
        a.light = assignment_light(a, today, cycle=task.reporting_cycle)
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


# ---------------------------------------------------------------- workflow forms


def _form_page(request, assignment, form, *, title, action, conflict=None, extra=None, status=200):
    ctx = {"assignment": assignment, "task": assignment.task, "form": form, "title": title, "action": action}
    ctx["conflict"] = conflict
    ctx.update(extra or {})
    return render(request, "tasks/assignment_form.html", ctx, status=status)


def _conflict_form(form_class, request, conflict: services.Conflict):
    """Keep what the user typed, with the current version, so a second submit is a decision."""
    data = request.POST.copy()
    data["version"] = conflict.current.version
    form = form_class(data)
    form.is_valid()
    return form


def _run(form, call):
    """Call a service; turn its refusals into form errors. Returns (result, conflict)."""
    try:
        return call(), None
    except services.Conflict as conflict:
        return None, conflict
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None, None


@login_required
@require_POST
def acknowledge(request, assignment_id: int):
    """签收 in one click from 我的待办 or the task page."""
    assignment = _get_rw_assignment_for_user(request, assignment_id)
    try:
        services.acknowledge(request.user, assignment, version=request.POST.get("version") or None)
        messages.success(request, f"已签收：{assignment.task.display_title}")
    except services.Conflict:
        messages.warning(request, "该事项刚被他人办理过，请查看最新状态。")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    target = request.POST.get("next") or ""
    if target == "detail":
        return redirect("tasks:detail", assignment.task_id)
    return redirect("tasks:my_work")


@login_required
def report(request, assignment_id: int):
    """进展报送 with optional evidence files."""
    assignment = _get_rw_assignment_for_user(request, assignment_id)
    title = f"报送进展 · {assignment.unit}"
    if request.method != "POST":
        form = ReportForm(initial={"version": assignment.version, "percent": assignment.percent})
        return _form_page(request, assignment, form, title=title, action="report")
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        _result, conflict = _run(
            form,
            lambda: services.report_progress(
                request.user,
                assignment,
                progress=data["progress"],
                problems=data["problems"],
                next_steps=data["next_steps"],
                percent=data["percent"],
                files=data["files"],
                version=data["version"],
            ),
        )
        if conflict:
            form = _conflict_form(ReportForm, request, conflict)
            return _form_page(request, assignment, form, title=title, action="report", conflict=conflict, status=409)
        if not form.errors:
            messages.success(request, "进展已报送。")
            return redirect("tasks:detail", assignment.task_id)
    return _form_page(request, assignment, form, title=title, action="report", status=400)


@login_required
def complete(request, assignment_id: int):
    """The lead unit's consolidated report, and its completion request (申请办结)."""
    assignment = _get_rw_assignment_for_user(request, assignment_id)
    if not assignment.is_lead:
        raise PermissionDenied("仅牵头单位可以汇总和申请办结")
    title = f"汇总报送 / 申请办结 · {assignment.unit}"
    supporting = (
        ProgressReport.objects.filter(assignment__task=assignment.task)
        .exclude(assignment=assignment)
        .select_related("assignment__unit", "author")
        .prefetch_related("evidence")
    )
    extra = {"supporting_reports": supporting, "blockers": services.completion_blockers(assignment)}
    if request.method != "POST":
        form = CompletionForm(initial={"version": assignment.version, "percent": 100})
        return _form_page(request, assignment, form, title=title, action="complete", extra=extra)
    form = CompletionForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data

        def call():
            with transaction.atomic():
                services.consolidate(
                    request.user,
                    assignment,
                    progress=data["progress"],
                    problems=data["problems"],
                    next_steps=data["next_steps"],
                    percent=data["percent"],
                    files=data["files"],
                    version=data["version"],
                )
                if data["request_completion"]:
                    services.request_completion(request.user, assignment, comment=data["comment"])

        _result, conflict = _run(form, call)
        if conflict:
            form = _conflict_form(CompletionForm, request, conflict)
            return _form_page(
                request, assignment, form, title=title, action="complete", conflict=conflict, extra=extra, status=409
            )
        if not form.errors:
            done = "并已申请办结" if data["request_completion"] else ""
            messages.success(request, f"汇总进展已报送{done}。")
            return redirect("tasks:detail", assignment.task_id)
    return _form_page(request, assignment, form, title=title, action="complete", extra=extra, status=400)


@login_required
def review(request, assignment_id: int):
    """督查室 approves (销号) or returns (退回, reason required) a completion request."""
    assignment = _get_assignment_for_user(request, assignment_id)
    _require_supervisor(request)
    title = f"审核办结申请 · {assignment.unit}"
    latest = assignment.reports.order_by("-is_consolidated", "-created", "-id").first()
    extra = {"latest_report": latest}
    if request.method != "POST":
        form = ReviewForm(initial={"version": assignment.version})
        return _form_page(request, assignment, form, title=title, action="review", extra=extra)
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if data["decision"] == ReviewForm.APPROVE:
            call = lambda: services.approve(  # noqa: E731
                request.user, assignment, comment=data["comment"], version=data["version"]
            )
        else:
            call = lambda: services.return_for_revision(  # noqa: E731
                request.user, assignment, reason=data["comment"], version=data["version"]
            )
        _result, conflict = _run(form, call)
        if conflict:
            form = _conflict_form(ReviewForm, request, conflict)
            return _form_page(
                request, assignment, form, title=title, action="review", conflict=conflict, extra=extra, status=409
            )
        if not form.errors:
            messages.success(request, "已销号。" if data["decision"] == ReviewForm.APPROVE else "已退回。")
            return redirect("tasks:detail", assignment.task_id)
    return _form_page(request, assignment, form, title=title, action="review", extra=extra, status=400)


@login_required
def request_extension(request, assignment_id: int):
    """延期申请 by the unit."""
    assignment = _get_rw_assignment_for_user(request, assignment_id)
    title = f"申请延期 · {assignment.unit}"
    if request.method != "POST":
        return _form_page(request, assignment, ExtensionForm(), title=title, action="extension")
    form = ExtensionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _run(
            form,
            lambda: services.request_extension(
                request.user, assignment, requested_deadline=data["requested_deadline"], reason=data["reason"]
            ),
        )
        if not form.errors:
            messages.success(request, "延期申请已提交，等待督查室审批。")
            return redirect("tasks:detail", assignment.task_id)
    return _form_page(request, assignment, form, title=title, action="extension", status=400)


@login_required
def decide_extension(request, extension_id: int):
    """督查室 approves or refuses an extension request."""
    visible = Assignment.objects.visible_to(request.user)
    extension = get_object_or_404(
        ExtensionRequest.objects.filter(assignment__in=visible).select_related("assignment__task", "assignment__unit"),
        pk=extension_id,
    )
    _require_supervisor(request)
    assignment = extension.assignment
    title = f"审批延期申请 · {assignment.unit}"
    extra = {"extension": extension}
    if request.method != "POST":
        return _form_page(request, assignment, DecideExtensionForm(), title=title, action="decide", extra=extra)
    form = DecideExtensionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        approved = data["decision"] == DecideExtensionForm.APPROVE
        _run(
            form,
            lambda: services.decide_extension(request.user, extension, approved=approved, comment=data["comment"]),
        )
        if not form.errors:
            messages.success(request, "已同意延期。" if approved else "已不同意延期。")
            return redirect("tasks:detail", assignment.task_id)
    return _form_page(request, assignment, form, title=title, action="decide", extra=extra, status=400)


@login_required
def reassign(request, assignment_id: int):
    """改派 to another unit (督查室)."""
    assignment = _get_assignment_for_user(request, assignment_id)
    _require_supervisor(request)
    title = f"改派 · {assignment.unit}"
    if request.method != "POST":
        form = ReassignForm(initial={"version": assignment.version})
        return _form_page(request, assignment, form, title=title, action="reassign")
    form = ReassignForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _result, conflict = _run(
            form,
            lambda: services.reassign(
                request.user, assignment, unit=data["unit"], reason=data["reason"], version=data["version"]
            ),
        )
        if conflict:
            form = _conflict_form(ReassignForm, request, conflict)
            return _form_page(request, assignment, form, title=title, action="reassign", conflict=conflict, status=409)
        if not form.errors:
            messages.success(request, f"已改派至{data['unit']}。")
            return redirect("tasks:detail", assignment.task_id)
    return _form_page(request, assignment, form, title=title, action="reassign", status=400)


@login_required
def change_deadline(request, assignment_id: int):
    """调整时限 with a reason (督查室)."""
    assignment = _get_assignment_for_user(request, assignment_id)
    _require_supervisor(request)
    title = f"调整时限 · {assignment.unit}"
    if request.method != "POST":
        form = DeadlineForm(initial={"version": assignment.version, "deadline": assignment.deadline})
        return _form_page(request, assignment, form, title=title, action="deadline")
    form = DeadlineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _result, conflict = _run(
            form,
            lambda: services.change_deadline(
                request.user, assignment, deadline=data["deadline"], reason=data["reason"], version=data["version"]
            ),
        )
        if conflict:
            form = _conflict_form(DeadlineForm, request, conflict)
            return _form_page(request, assignment, form, title=title, action="deadline", conflict=conflict, status=409)
        if not form.errors:
            messages.success(request, "完成时限已调整。")
            return redirect("tasks:detail", assignment.task_id)
    return _form_page(request, assignment, form, title=title, action="deadline", status=400)


# ---------------------------------------------------------------- correcting a published task


def _task_form_page(request, task, form, *, title, action, status=200, extra=None):
    ctx = {"task": task, "form": form, "title": title, "action": action, **(extra or {})}
    return render(request, "tasks/task_form.html", ctx, status=status)


@login_required
def edit(request, task_id: int):
    """修改任务 (督查室): text, title, section, number, deadline, cycle, leader, tags, with a reason."""
    task = _get_task_for_user(request, task_id)
    _require_supervisor(request)
    title = "编辑任务"
    if request.method != "POST":
        form = TaskEditForm(initial=TaskEditForm.initial_for(task))
        return _task_form_page(request, task, form, title=title, action="edit")
    form = TaskEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _run(
            form,
            lambda: services.edit_task(
                request.user,
                task,
                text=data["text"],
                title=data["title"],
                section=data["section"],
                number=data["number"],
                deadline=data["deadline"],
                deadline_text=data["deadline_text"],
                ongoing=data["ongoing"],
                reporting_cycle=data["reporting_cycle"],
                responsible_leader=data["responsible_leader"],
                tags=data["tags"],
                reason=data["reason"],
                version=data["version"],
            ),
        )
        if not form.errors:
            messages.success(request, "任务已修改。")
            return redirect("tasks:detail", task.pk)
        task.refresh_from_db()
        if data.get("version") is not None and data["version"] != task.version:
            # Stale: keep what the person typed, carry the current version so a second save is deliberate.
            form.data = form.data.copy()
            form.data["version"] = task.version
            return _task_form_page(request, task, form, title=title, action="edit", status=409)
    return _task_form_page(request, task, form, title=title, action="edit", status=400)


@login_required
def add_assignment(request, task_id: int):
    """增加承办单位 (督查室): a unit picked from the list (with a search box), as lead or supporting."""
    task = _get_task_for_user(request, task_id)
    _require_supervisor(request)
    title = "增加承办单位"
    extra = {"units": Unit.objects.active().exclude(assignments__task=task).order_by("sort_order", "name")}
    if request.method != "POST":
        return _task_form_page(request, task, AddAssignmentForm(), title=title, action="add_assignment", extra=extra)
    form = AddAssignmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        added, _conflict = _run(
            form,
            lambda: services.add_assignment(
                request.user, task, unit=data["unit"], role=data["role"], reason=data["reason"]
            ),
        )
        if not form.errors:
            messages.success(request, f"已增加{added.unit}为{added.get_role_display()}单位。")
            return redirect("tasks:detail", task.pk)
    return _task_form_page(request, task, form, title=title, action="add_assignment", status=400, extra=extra)


@login_required
def remove_assignment(request, assignment_id: int):
    """移除承办单位 (督查室): a share assigned by mistake, with a reason; confirmed on its own page."""
    assignment = _get_assignment_for_user(request, assignment_id)
    _require_supervisor(request)
    title = f"移除承办单位 · {assignment.unit}"
    if request.method != "POST":
        form = RemoveAssignmentForm(initial={"version": assignment.version})
        return _form_page(request, assignment, form, title=title, action="remove_assignment")
    form = RemoveAssignmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _result, conflict = _run(
            form,
            lambda: services.remove_assignment(
                request.user, assignment, reason=data["reason"], version=data["version"]
            ),
        )
        if conflict:
            form = _conflict_form(RemoveAssignmentForm, request, conflict)
            return _form_page(
                request, assignment, form, title=title, action="remove_assignment", conflict=conflict, status=409
            )
        if not form.errors:
            messages.success(request, f"已移除{assignment.unit}。")
            return redirect("tasks:detail", assignment.task_id)
    return _form_page(request, assignment, form, title=title, action="remove_assignment", status=400)


@login_required
def set_role(request, assignment_id: int):
    """设为牵头 / 设为配合 (督查室), with a reason. The page offers the other role than the current one."""
    assignment = _get_assignment_for_user(request, assignment_id)
    _require_supervisor(request)
    target = AssignmentRole.SUPPORT if assignment.is_lead else AssignmentRole.LEAD
    title = f"设为{target.label} · {assignment.unit}"
    if request.method != "POST":
        form = SetRoleForm(initial={"version": assignment.version, "role": target})
        return _form_page(request, assignment, form, title=title, action="set_role")
    form = SetRoleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        title = f"设为{AssignmentRole(data['role']).label} · {assignment.unit}"
        _result, conflict = _run(
            form,
            lambda: services.set_role(
                request.user, assignment, role=data["role"], reason=data["reason"], version=data["version"]
            ),
        )
        if conflict:
            form = _conflict_form(SetRoleForm, request, conflict)
            return _form_page(request, assignment, form, title=title, action="set_role", conflict=conflict, status=409)
        if not form.errors:
            messages.success(request, f"已将{assignment.unit}设为{AssignmentRole(data['role']).label}单位。")
            return redirect("tasks:detail", assignment.task_id)
    return _form_page(request, assignment, form, title=title, action="set_role", status=400)


# ---------------------------------------------------------------- statistics


@login_required
def stats(request):
    """统计: completion counts, overdue, and the units lagging most, over what the person may read."""
    today = timezone.localdate()
    visible = Assignment.objects.visible_to(request.user)
    by_state = dict(visible.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    state_rows = [(label, by_state.get(value, 0)) for value, label in AssignmentState.choices]
    # One grouped query, judged in the database (lights.light_annotation): no row is loaded.
    per_light = visible.with_light(today).values("unit_id", "state", "light_code").annotate(n=Count("id"))
    unit_names = {u.pk: u for u in Unit.objects.filter(pk__in={row["unit_id"] for row in per_light})}
    per_unit: dict[int, dict] = {}
    light_counts = dict.fromkeys(Light, 0)
    for group in per_light:
        row = per_unit.setdefault(
            group["unit_id"],
            {"unit": unit_names[group["unit_id"]], "total": 0, "done": 0, "open": 0, "overdue": 0, "yellow": 0},
        )
        n, light = group["n"], Light(group["light_code"])
        light_counts[light] += n
        row["total"] += n
        row["done" if group["state"] == AssignmentState.DONE else "open"] += n
        row["overdue"] += n if light == Light.RED else 0
        row["yellow"] += n if light == Light.YELLOW else 0
    units = sorted(per_unit.values(), key=lambda r: (-r["overdue"], -r["yellow"], -r["open"], str(r["unit"])))
    for row in units:
        row["rate"] = round(100 * row["done"] / row["total"]) if row["total"] else 0
    chart = {
        "labels": [str(r["unit"]) for r in units[:15]],
        "done": [r["done"] for r in units[:15]],
        "open": [r["open"] - r["overdue"] for r in units[:15]],
        "overdue": [r["overdue"] for r in units[:15]],
    }
    tasks = Task.objects.visible_to(request.user)
    ctx = {
        "state_rows": state_rows,
        "lights": [(light.label, light_counts[light], light.value) for light in Light],
        "units": units,
        "chart": chart,
        "task_total": tasks.count(),
        "task_done": tasks.filter(state=AssignmentState.DONE).count(),
        "overdue_total": light_counts[Light.RED],
        "warnings": _calendar_warnings(request, today),
    }
    return render(request, "tasks/stats.html", ctx)


# ---------------------------------------------------------------- publishing


@login_required
@require_POST
def publish(request, document_id: int):
    """发布: the supervision office turns a document's accepted items into tasks and assignments."""
    _require_supervisor(request)
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
