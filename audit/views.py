"""审计: the security log and the task history, for 督查室 and 管理员, filterable and exportable."""

import csv
import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.signals import data_exported
from tasks.models import TaskEvent

from .forms import AuditFilterForm
from .models import SecurityEvent

PER_PAGE = 50
EXPORT_LIMIT = 100_000


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _security_events(data: dict):
    events = SecurityEvent.objects.select_related("user")
    if data.get("user"):
        events = events.filter(user=data["user"])
    if data.get("unit"):
        events = events.filter(user__memberships__unit=data["unit"])
    if data.get("kind"):
        events = events.filter(kind=data["kind"])
    if data.get("task"):
        # Refusals and exports name the task in their path (/tasks/<id>/…).
        events = events.filter(path__startswith=f"/tasks/{data['task']}/")
    if data.get("since"):
        events = events.filter(at__gte=_day_start(data["since"]))
    if data.get("until"):
        events = events.filter(at__lt=_day_start(data["until"] + datetime.timedelta(days=1)))
    return events.order_by("-at", "-id")


def _history(data: dict):
    events = TaskEvent.objects.select_related("task", "actor").prefetch_related("changes")
    if data.get("user"):
        events = events.filter(actor=data["user"])
    if data.get("unit"):
        unit = data["unit"]
        names = [name for name in (unit.name, unit.short_name) if name]
        events = events.filter(Q(assignment__unit=unit) | Q(unit_name__in=names))
    if data.get("task"):
        events = events.filter(task_id=data["task"])
    if data.get("since"):
        events = events.filter(at__gte=_day_start(data["since"]))
    if data.get("until"):
        events = events.filter(at__lt=_day_start(data["until"] + datetime.timedelta(days=1)))
    return events.order_by("-at", "-id")


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _csv(request, view: str, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{view}-{stamp}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV as Chinese only with a BOM
    writer = csv.writer(response)
    count = 0
    if view == "security":
        writer.writerow(["时间", "事件", "账号", "用户", "地址", "方法", "路径", "状态码", "说明"])
        for e in rows[:EXPORT_LIMIT]:
            name = e.user.display_name if e.user else ""
            writer.writerow([_local(e.at), e.get_kind_display(), e.username, name, e.ip_address, e.method,
                             e.path, e.status or "", e.detail])  # fmt: skip
            count += 1
    else:
        writer.writerow(["时间", "任务编号", "任务", "事项", "承办单位", "操作人", "说明", "字段变更"])
        for e in rows[:EXPORT_LIMIT]:
            changes = "；".join(f"{c.field}: {c.old_value} → {c.new_value}" for c in e.changes.all())
            writer.writerow([_local(e.at), e.task_id, e.task.display_title, e.get_action_display(), e.unit_name,
                             e.actor.display_name if e.actor else "", e.comment, changes])  # fmt: skip
            count += 1
    label = "审计：安全事件" if view == "security" else "审计：办理记录"
    data_exported.send(sender=None, user=request.user, request=request, what=label, rows=count)
    return response


@login_required
def index(request):
    if not request.user.is_supervisor:
        raise PermissionDenied("仅督查室和管理员可以查看审计记录")
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    view = data.get("view") or "security"
    rows = _security_events(data) if view == "security" else _history(data)
    if request.GET.get("export") == "csv":
        return _csv(request, view, rows)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    ctx = {"form": form, "view": view, "page": page, "query": query.urlencode()}
    return render(request, "audit/index.html", ctx)
