"""A 领导批示 reaches the lead unit and 督查室 in the bell; an @unit mention reaches that unit."""

import pytest

from reminders.models import Notification
from tasks import discussion, services


@pytest.fixture
def task(personas):
    """Led by 区发改委 (a clerk and a head), 区工信局 supporting."""
    return services.create_task(
        personas.supervisor,
        text="推进重点项目建设。",
        lead_units=[personas.lead_unit],
        support_units=[personas.support_unit],
    )


def test_an_instruction_reaches_the_lead_unit_and_the_office_not_its_author(personas, task):
    discussion.post_instruction(personas.leader, task, text="请加快进度，月底前报送成效。")
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"lead_clerk", "lead_head", "supervisor"}
    message = Notification.objects.get(recipient=personas.lead_clerk)
    assert message.task == task and "领导批示" in message.title and "月底前报送成效" in message.body


def test_a_mention_reaches_the_mentioned_unit_only(personas, task):
    discussion.post_comment(personas.lead_clerk, task, text=f"@{personas.support_unit.short_name} 请本周内提供数据。")
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"support_clerk"}


def test_a_comment_without_mentions_sends_nothing(personas, task):
    discussion.post_comment(personas.supervisor, task, text="已收到。")
    assert not Notification.objects.exists()
