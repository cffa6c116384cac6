"""Extension reasons (issue 14, item 9): a supporting unit never reads another supporting unit's."""

import datetime as dt

import pytest
from django.urls import reverse

from tasks import services
from tasks.models import ExtensionRequest

REASON = "汛期施工受阻，需顺延三个月"


@pytest.fixture
def shared_task(personas):
    """Led by 区发改委, supported by 区工信局 and 区教体局; 区教体局 asks for more time."""
    p = personas
    task = services.create_task(
        p.supervisor, text="推进项目建设", lead_units=[p.lead_unit], support_units=[p.support_unit, p.other_unit],
        deadline=dt.date(2026, 12, 31),
    )  # fmt: skip
    services.request_extension(
        p.other_clerk, task.assignments.get(unit=p.other_unit), requested_deadline=dt.date(2027, 3, 31), reason=REASON
    )
    return task


@pytest.mark.parametrize(
    ("who", "reads"),
    [("supervisor", True), ("leader", True), ("lead_clerk", True), ("lead_head", True), ("other_clerk", True),
     ("support_clerk", False)],
)  # fmt: skip
def test_who_reads_an_extension_reason(client, personas, shared_task, who, reads):
    user = getattr(personas, who)
    assert ExtensionRequest.objects.visible_to(user).exists() == reads
    client.force_login(user)
    page = client.get(reverse("tasks:detail", args=[shared_task.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert (REASON in html) == reads
    # The history says that an extension was asked for, not why.
    assert "申请延期" in html
    assert ('data-testid="reason-hidden"' in html) == (not reads)


def test_the_decision_comment_is_hidden_from_other_supporting_units_too(client, personas, shared_task):
    extension = ExtensionRequest.objects.get()
    services.decide_extension(personas.supervisor, extension, approved=False, comment="理由不充分，按期完成")
    client.force_login(personas.support_clerk)
    html = client.get(reverse("tasks:detail", args=[shared_task.pk])).content.decode()
    assert "理由不充分" not in html and REASON not in html
    client.force_login(personas.other_clerk)
    assert "理由不充分" in client.get(reverse("tasks:detail", args=[shared_task.pk])).content.decode()
