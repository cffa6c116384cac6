"""Business actions of the reminders app: the actor comes first, one transaction each."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from tasks.models import Assignment

from . import planning, sending
from .models import Kind, Level, Notification, Reminder, ReminderPolicy

BEAT_TASK_NAME = "每日提醒（提醒·催办·督办）"
JOB_NAME = "reminders.run"


class ReminderRefused(Exception):
    """A request the rules refuse; the message is shown to the person."""


def _require_supervisor(actor) -> None:
    if not actor.is_supervisor:
        raise PermissionDenied("仅督查室可以办理")


def sync_beat_schedule(policy: ReminderPolicy) -> PeriodicTask:
    """The beat entry fires every day at the policy's send time; the job checks the calendar."""
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute=str(policy.send_minute),
        hour=str(policy.send_hour),
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    task, created = PeriodicTask.objects.get_or_create(
        name=BEAT_TASK_NAME, defaults={"task": JOB_NAME, "crontab": schedule, "enabled": True}
    )
    if not created and task.crontab_id != schedule.pk:
        task.crontab = schedule
        task.save()
    return task


@transaction.atomic
def update_policy(actor, policy: ReminderPolicy, *, now: dt.datetime | None = None) -> ReminderPolicy:
    """Save an edited policy (already validated by its form) and move the beat schedule with it."""
    _require_supervisor(actor)
    policy.updated = now or timezone.now()
    policy.updated_by = actor
    policy.full_clean()
    policy.save()
    sync_beat_schedule(policy)
    return policy


def urge_level(assignment: Assignment) -> str:
    """催办 by hand goes one step above the highest level the assignment has reached, at least 催办."""
    reached = None
    for level in assignment.reminders.values_list("level", flat=True):
        reached = level if reached is None else planning.higher_level(reached, level)
    following = planning.next_level(reached) or Level.SUPERVISE
    return planning.higher_level(following, Level.URGE)


@transaction.atomic
def urge(actor, assignment: Assignment, *, now: dt.datetime | None = None) -> tuple[Reminder, int]:
    """督查室's 催办 button: a manual reminder at the next level, sent now if within working hours.

    Never twice: the key (assignment, manual, level, today) refuses a second press on the same day
    at the same level. Returns the reminder and the number of digests sent (0 outside working hours:
    the next scheduled run sends it).
    """
    _require_supervisor(actor)
    now = now or timezone.now()
    today = timezone.localdate(now)
    assignment = Assignment.objects.select_for_update().select_related("task", "unit").get(pk=assignment.pk)
    if not assignment.is_open:
        raise ReminderRefused("该事项已办结，无需催办")
    level = urge_level(assignment)
    due = planning.DueReminder(
        assignment_id=assignment.pk,
        kind=Kind.MANUAL,
        level=level,
        period=today.isoformat(),
        task_id=assignment.task_id,
        unit_id=assignment.unit_id,
        unit_name=assignment.unit.name,
        due_date=assignment.deadline,
    )
    if Reminder.objects.filter(assignment=assignment, kind=Kind.MANUAL, level=level, period=due.period).exists():
        raise ReminderRefused(f"今天已对{assignment.unit.name}{dict(Level.choices)[level]}过，不重复发送")
    people = sending.unit_people([assignment.unit_id])
    try:
        with transaction.atomic():
            sending.record(
                [due], today, people, sending.supervisors(), now=now, created_by=actor, note="督查室人工催办"
            )
            reminder = Reminder.objects.get(assignment=assignment, kind=Kind.MANUAL, level=level, period=due.period)
    except (IntegrityError, Reminder.DoesNotExist):
        raise ReminderRefused("该催办已发出，不重复发送") from None
    if reminder.created_by_id != actor.pk:
        raise ReminderRefused("该催办已由他人发出，不重复发送")
    if level == Level.SUPERVISE:
        # The office decided to 督办: the 督办单 exists now, even if the message waits for working hours.
        sending.open_orders([reminder], now, created_by=actor)
    sent = 0
    policy = ReminderPolicy.load()
    if sending.in_working_hours(now, policy):
        sent = sending.send_unclaimed(now, policy=policy, only_ids=[reminder.pk])
    return reminder, sent


def mark_read(user, notification_ids=None, *, now: dt.datetime | None = None) -> int:
    """Mark the person's own notifications read (all unread ones when no ids are given)."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=now or timezone.now())
