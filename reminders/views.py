"""消息 (the bell's page), 提醒规则 (督查室), units nobody receives for, 督办单, the 催办 button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, Max, Prefetch, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.guards import require_supervisor
from tasks.models import Assignment

from . import services
from .forms import PolicyForm
from .models import Level, Notification, Reminder, ReminderPolicy, SupervisionOrder


def _require_supervisor(request) -> None:
    require_supervisor(request.user, "仅督查室可以查看")


@login_required
def messages_page(request):
    """The person's own notifications, newest first; each item links its task."""
    # Most urgent first within a digest: 督办, 催办, 提醒.
    urgency = Case(When(level=Level.SUPERVISE, then=0), When(level=Level.URGE, then=1), default=2)
    reminders = (
        Reminder.objects.select_related("assignment__task", "assignment__unit")
        .annotate(urgency=urgency)
        .order_by("urgency", "assignment__task_id", "id")
    )
    queryset = (
        Notification.objects.filter(recipient=request.user)
        .select_related("task")
        .prefetch_related(Prefetch("reminders", queryset=reminders))
    )
    show = request.GET.get("show")
    if show == "unread":
        queryset = queryset.filter(read_at__isnull=True)
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(request, "reminders/messages.html", {"page": page, "show": show})


@login_required
@require_POST
def read_one(request, notification_id: int):
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.mark_read(request.user, [notification.pk])
    target = request.POST.get("next", "")
    if target == "task" and notification.task_id:
        return redirect("tasks:detail", notification.task_id)
    return redirect("reminders:messages")


@login_required
@require_POST
def read_all(request):
    count = services.mark_read(request.user)
    messages.success(request, f"已将 {count} 条消息标为已读。" if count else "没有未读消息。")
    return redirect("reminders:messages")


@login_required
def policy_page(request):
    _require_supervisor(request)
    policy = ReminderPolicy.load()
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        services.update_policy(request.user, form.instance)
        messages.success(request, "提醒规则已保存，每日发送时间已同步到定时任务。")
        return redirect("reminders:policy")
    no_recipient_count = Reminder.objects.filter(no_recipient=True).values("assignment__unit").distinct().count()
    return render(
        request, "reminders/policy.html", {"form": form, "policy": policy, "no_recipient_count": no_recipient_count}
    )


@login_required
def no_recipient(request):
    """Units that had reminders but nobody to receive them: nothing is dropped silently."""
    _require_supervisor(request)
    units = (
        Reminder.objects.filter(no_recipient=True)
        .values("assignment__unit", "assignment__unit__name")
        .annotate(reminders=Count("id"), assignments=Count("assignment", distinct=True), last=Max("planned_for"))
        .order_by("-reminders", "assignment__unit__name")
    )
    return render(request, "reminders/no_recipient.html", {"units": units})


# What the 督办单 list shows (its number, task title, unit, leader, dates and state).
_ORDER_COLUMNS = (
    "number", "task_id", "unit_id", "leader_name", "due_date", "created", "state",
    "task__number", "task__title", "task__text", "unit__name",
)  # fmt: skip


@login_required
def orders(request):
    """督办单: every numbered supervision order, open ones first."""
    if not request.user.reads_everything:
        raise PermissionDenied("仅督查室和区领导可以查看")
    # The columns the list shows, in the order of its index (order_list_idx): a page is read
    # from the index with its tasks and units, whatever the number of orders.
    queryset = (
        SupervisionOrder.objects.select_related("task", "unit")
        .only(*_ORDER_COLUMNS)
        # "open" sorts after "closed": descending puts the open orders first, newest number first.
        .order_by("-state", "-year", "-serial")
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "reminders/orders.html", {"page": page})


@login_required
@require_POST
def urge(request, assignment_id: int):
    """督查室's 催办 button on the task page."""
    assignment = get_object_or_404(Assignment.objects.visible_to(request.user).select_related("unit"), pk=assignment_id)
    require_supervisor(request.user, "仅督查室可以催办")
    try:
        reminder, sent = services.urge(request.user, assignment, now=timezone.now())
    except services.ReminderRefused as refusal:
        messages.error(request, str(refusal))
    else:
        label = reminder.get_level_display()
        if reminder.no_recipient:
            messages.warning(request, f"已登记{label}，但{assignment.unit.name}没有联络员或负责人可以接收。")
        elif sent:
            messages.success(request, f"已向{assignment.unit.name}发出{label}。")
        else:
            messages.info(request, f"已登记{label}：现在不在工作时间，将于下一个工作日的发送时间发出。")
    return redirect(reverse("tasks:detail", args=[assignment.task_id]))
