"""In-app messages for what people write on a task (tasks.signals): a 领导批示 reaches the lead
unit's people and 督查室; an @unit mention in the discussion reaches that unit's people.

These are messages in the bell and on 消息, written in the same transaction as the 批示 or the
comment; no email or webhook goes out, so the quiet-hours and daily-cap rules of reminders are
not involved. The author is never told about their own words.
"""

from django.db.models import Q
from django.dispatch import receiver

from accounts.models import Role, User
from tasks.models import AssignmentRole
from tasks.signals import comment_posted, instruction_posted

from .models import Level, Notification


def _notify(recipients, *, actor, task, title: str, body: str) -> int:
    rows = [
        Notification(recipient=user, level=Level.REMIND, title=title[:200], body=body, task=task)
        for user in recipients.filter(is_active=True).exclude(pk=actor.pk).distinct()
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


@receiver(instruction_posted, dispatch_uid="reminders-instruction")
def _instruction_posted(sender, instruction, actor, **kwargs) -> None:
    task = instruction.task
    lead_units = task.assignments.filter(role=AssignmentRole.LEAD).values("unit")
    recipients = User.objects.filter(Q(memberships__unit__in=lead_units) | Q(role__in=(Role.SUPERVISOR, Role.ADMIN)))
    _notify(
        recipients,
        actor=actor,
        task=task,
        title=f"领导批示：{task.display_title}",
        body=f"{actor.display_name}：{instruction.text}",
    )


@receiver(comment_posted, dispatch_uid="reminders-comment")
def _comment_posted(sender, comment, actor, mentioned_units=(), **kwargs) -> None:
    if not mentioned_units:
        return
    recipients = User.objects.filter(memberships__unit__in=[unit.pk for unit in mentioned_units])
    _notify(
        recipients,
        actor=actor,
        task=comment.task,
        title=f"任务讨论中提到了贵单位：{comment.task.display_title}",
        body=f"{actor.display_name}：{comment.text}",
    )
