"""领导批示 and the task discussion (issue 13, point 7): recorded, shown to every role that may
read the task, @mentions highlighted, the task's state untouched, a signal for notifications."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tasks import discussion, services
from tasks.models import Comment, Instruction
from tasks.signals import comment_posted, instruction_posted
from units.models import UnitAlias

READERS = ["supervisor", "leader", "lead_clerk", "lead_head", "support_clerk"]


def snapshot(task):
    task.refresh_from_db()
    return task.state, task.version, sorted(task.assignments.values_list("state", "version"))


def test_a_leaders_instruction_and_a_comment_appear_for_every_role_that_may_read_the_task(as_user, task):
    before = snapshot(task)
    response = as_user("leader").post(reverse("tasks:instruct", args=[task.pk]), {"text": "请加快进度，月底前见成效。"})
    assert response.status_code == 302 and response.url.endswith("#instructions")
    as_user("support_clerk").post(reverse("tasks:comment", args=[task.pk]), {"text": "@区发改委 配套资金已到位"})
    assert snapshot(task) == before, "neither changes the task's state"

    for who in READERS:
        body = as_user(who).get(reverse("tasks:detail", args=[task.pk])).content.decode()
        assert "请加快进度，月底前见成效。" in body, who
        assert "配套资金已到位" in body, who
        assert body.index("请加快进度") < body.index("承办单位"), "the 批示 is at the top"
    assert as_user("other_clerk").get(reverse("tasks:detail", args=[task.pk])).status_code == 404


def test_only_a_leader_instructs(as_user, personas, task):
    for who in ("supervisor", "lead_clerk"):
        assert as_user(who).post(reverse("tasks:instruct", args=[task.pk]), {"text": "x"}).status_code == 403
    assert as_user("other_clerk").post(reverse("tasks:instruct", args=[task.pk]), {"text": "x"}).status_code == 404
    assert not Instruction.objects.exists()
    body = as_user("supervisor").get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert 'data-testid="instruction-form"' not in body and 'data-testid="comment-form"' in body
    body = as_user("leader").get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert 'data-testid="instruction-form"' in body and 'data-testid="comment-form"' not in body


def test_the_leader_reads_but_does_not_comment(as_user, task):
    assert as_user("leader").post(reverse("tasks:comment", args=[task.pk]), {"text": "x"}).status_code == 403
    assert not Comment.objects.exists()


def test_an_empty_text_saves_nothing(as_user, task):
    response = as_user("leader").post(reverse("tasks:instruct", args=[task.pk]), {"text": "  "}, follow=True)
    assert "请填写批示内容" in response.content.decode() and not Instruction.objects.exists()
    with pytest.raises(ValidationError):
        discussion.post_comment(task.assignments.first().unit.memberships.first().user, task, text="x" * 2001)


def test_mentions_by_short_name_or_alias_of_the_tasks_units(personas, task):
    UnitAlias.objects.create(unit=personas.support_unit, alias="工信局")
    comment = discussion.post_comment(
        personas.supervisor, task, text="请@区发改委牵头、@工信局配合，@区教体局不在本任务，@某人 随意"
    )
    assert set(comment.mentioned_units.all()) == {personas.lead_unit, personas.support_unit}
    assert comment.author_unit is None
    pieces = discussion.segments(comment.text, discussion.mention_forms(discussion.task_units(task)))
    assert [(p.text, p.unit) for p in pieces if p.unit] == [
        ("@区发改委", personas.lead_unit),
        ("@工信局", personas.support_unit),
    ]
    assert "".join(p.text for p in pieces) == comment.text


def test_the_mentioned_unit_sees_it_highlighted(as_user, personas, task):
    discussion.post_comment(personas.lead_clerk, task, text="@区工信局 请本周报送")
    body = as_user("support_clerk").get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert f'<mark class="mention" data-unit="{personas.support_unit.pk}"' in body and "提到了本单位" in body
    lead_body = as_user("lead_clerk").get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert '<mark class="mention"' in lead_body and "提到了本单位" not in lead_body


def test_comments_are_escaped(as_user, personas, task):
    discussion.post_comment(personas.lead_clerk, task, text="<script>alert(1)</script> @区工信局")
    body = as_user("supervisor").get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


def test_unrelated_units_cannot_comment(personas, task):
    with pytest.raises(PermissionDenied):
        discussion.post_comment(personas.other_clerk, task, text="x")


def test_signals_for_the_notifications(personas, task):
    seen = []

    def on_instruction(sender, instruction, actor, **kwargs):
        seen.append(("instruction", instruction.text, actor))

    def on_comment(sender, comment, actor, mentioned_units, **kwargs):
        seen.append(("comment", comment.text, actor, mentioned_units))

    instruction_posted.connect(on_instruction)
    comment_posted.connect(on_comment)
    try:
        discussion.post_instruction(personas.leader, task, text="抓紧")
        discussion.post_comment(personas.lead_clerk, task, text="@区工信局 收到")
    finally:
        instruction_posted.disconnect(on_instruction)
        comment_posted.disconnect(on_comment)
    assert seen == [
        ("instruction", "抓紧", personas.leader),
        ("comment", "@区工信局 收到", personas.lead_clerk, [personas.support_unit]),
    ]


def test_a_done_task_still_takes_comments_without_reopening(personas, task, lead_assignment, support_assignment):
    services.report_progress(personas.support_clerk, support_assignment, progress="完成", percent=100)
    services.consolidate(personas.lead_clerk, lead_assignment, progress="完成", percent=100)
    services.request_completion(personas.lead_clerk, lead_assignment)
    services.approve(personas.supervisor, lead_assignment)
    before = snapshot(task)
    discussion.post_instruction(personas.leader, task, text="总结经验")
    discussion.post_comment(personas.supervisor, task, text="已归档")
    assert snapshot(task) == before and before[0] == "done"
