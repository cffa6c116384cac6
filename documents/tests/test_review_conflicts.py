"""Two supervisors reviewing the same draft item never overwrite each other silently.

Every review change bumps DraftItem.version; a service given a stale version raises Conflict
and changes nothing; the edit form keeps the person's input and shows the current values;
row actions re-render the current row with a message; the page's counters follow htmx updates.
"""

import pytest
from django.urls import reverse

from accounts.models import Role
from documents import services
from documents.models import DraftItem, ItemRole, ReviewState
from documents.tests.test_services import (  # noqa: F401 - fixtures
    fake_pipeline,
    fake_result,
    item_entry,
    three_items,
    township_group,
    unit_entry,
    upload,
)
from testing.personas import make_user

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def document(personas, fake_pipeline, three_items):  # noqa: F811
    fake_pipeline(three_items)
    return services.import_upload(upload(), personas.supervisor)


@pytest.fixture
def second_supervisor(personas):
    return make_user("supervisor2", Role.SUPERVISOR, full_name="督查室李科长")


def items_of(document):
    return list(document.items.order_by("position"))


def snapshot(item: DraftItem) -> tuple:
    item = DraftItem.objects.get(pk=item.pk)
    units = tuple(item.units.order_by("role", "position", "id").values_list("role", "written", "unit", "group"))
    return (item.text, item.state, item.deadline, item.version, units)


# ---------------------------------------------------------------- services


def test_every_review_change_bumps_the_version(personas, document):
    first = items_of(document)[0]
    assert first.version == 1
    services.update_item(personas.supervisor, first, text="改过的内容", version=1)
    services.accept(personas.supervisor, first, version=2)
    services.reopen(personas.supervisor, first, version=3)
    row = services.add_item_unit(personas.supervisor, first, "区教体局", ItemRole.SUPPORT, version=4)
    services.set_unit_role(personas.supervisor, row, ItemRole.LEAD, version=5)
    services.remove_item_unit(personas.supervisor, row, version=6)
    assert DraftItem.objects.get(pk=first.pk).version == 7


def test_a_stale_edit_raises_conflict_and_changes_nothing(personas, document, second_supervisor):
    first = items_of(document)[0]
    services.update_item(second_supervisor, first, text="李科长先保存的内容", version=1)
    before = snapshot(first)
    with pytest.raises(services.StaleVersion) as caught:
        services.update_item(personas.supervisor, first, text="王主任的内容", lead_names=["区教体局"], version=1)
    assert snapshot(first) == before
    conflict = caught.value
    assert conflict.expected_version == 1 and conflict.current.version == 2
    assert conflict.current.text == "李科长先保存的内容"
    assert conflict.current.reviewed_by == second_supervisor
    assert [u.written for u in conflict.current.units.order_by("role", "position", "id")] == ["区发改委", "区工信局"]


def stale_calls(personas, document):
    """Every item-changing review service, each called with version 1 after the item moved on."""
    first, second, _third = items_of(document)
    row = first.units.get(role=ItemRole.LEAD)
    unresolved = second.units.get()
    who = personas.supervisor
    return {
        "accept": (first, lambda: services.accept(who, first, version=1)),
        "reject": (first, lambda: services.reject(who, first, version=1)),
        "reopen": (first, lambda: services.reopen(who, first, version=1)),
        "add_unit": (first, lambda: services.add_item_unit(who, first, "区教体局", version=1)),
        "remove_unit": (first, lambda: services.remove_item_unit(who, row, version=1)),
        "set_role": (first, lambda: services.set_unit_role(who, row, ItemRole.SUPPORT, version=1)),
        "fix_unit": (second, lambda: services.set_item_unit(who, unresolved, unit=personas.other_unit, version=1)),
        "split": (first, lambda: services.split(who, first, at=2, version=1)),
        "merge": (first, lambda: services.merge(who, [first, second], versions={first.pk: 1, second.pk: 2})),
    }


@pytest.mark.parametrize(
    "action", ["accept", "reject", "reopen", "add_unit", "remove_unit", "set_role", "fix_unit", "split", "merge"]
)
def test_every_item_changing_service_refuses_a_stale_version(personas, document, second_supervisor, action):
    first, second, _third = items_of(document)
    # 李科长 changes both items first: every form showing version 1 is now stale.
    services.update_item(second_supervisor, first, text="推进项目建设（李科长修改）", version=1)
    services.update_item(second_supervisor, second, deadline_text="2021年11月底前", version=1)
    target, call = stale_calls(personas, document)[action]
    before = [snapshot(i) for i in items_of(document)]
    count = DraftItem.objects.count()
    with pytest.raises(services.StaleVersion) as caught:
        call()
    assert caught.value.current.pk == target.pk
    assert [snapshot(i) for i in items_of(document)] == before
    assert DraftItem.objects.count() == count


def test_without_a_version_nothing_is_checked(personas, document):
    """Commands and publishing pass no version: they act on the item as it is."""
    first = items_of(document)[0]
    services.update_item(personas.supervisor, first, text="新内容")
    services.accept(personas.supervisor, first)
    assert DraftItem.objects.get(pk=first.pk).state == ReviewState.ACCEPTED


def test_fixing_a_name_on_many_items_makes_their_open_forms_stale(personas, fake_pipeline):  # noqa: F811
    fake_pipeline(
        fake_result([item_entry("1", "甲", [unit_entry("区某某办")]), item_entry("2", "乙", [unit_entry("区某某办")])])
    )
    document = services.import_upload(upload(), personas.supervisor)
    first, second = items_of(document)
    services.set_item_unit(personas.supervisor, first.units.get(), unit=personas.other_unit, version=1)
    assert DraftItem.objects.get(pk=second.pk).version == 2
    with pytest.raises(services.StaleVersion):
        services.update_item(personas.supervisor, second, lead_names=["区某某办"], version=1)


# ---------------------------------------------------------------- views


def edit_post(item, **changes):
    data = {
        "version": "1",
        "text": "王主任填写的内容",
        "lead_names": "区发改委、区教体局",
        "support_names": "区工信局",
        "deadline": "2021-10-31",
        "deadline_text": "2021年10月底前",
        "responsible_leader": "",
    }
    data.update(changes)
    return data


def test_the_edit_form_carries_the_version(client, personas, document):
    client.force_login(personas.supervisor)
    first = items_of(document)[0]
    html = client.get(reverse("documents:item_edit", args=[first.pk]), **HTMX).content.decode()
    assert 'name="version" value="1"' in html


def test_stale_inline_edit_keeps_input_and_shows_current_values(client, personas, document, second_supervisor):
    first = items_of(document)[0]
    services.update_item(second_supervisor, first, text="李科长先保存的内容", deadline_text="2021年9月底前", version=1)
    client.force_login(personas.supervisor)
    url = reverse("documents:item_edit", args=[first.pk])

    response = client.post(url, edit_post(first), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps 2xx only
    assert 'data-testid="conflict"' in html
    assert "该条目已被督查室李科长" in html and "本次操作未执行" in html
    # What the person typed is kept in the form…
    assert ">王主任填写的内容</textarea>" in html
    assert 'value="区发改委、区教体局"' in html and 'value="2021年10月底前"' in html
    # …the current values are shown beside it, the differing ones marked…
    assert "李科长先保存的内容" in html and "2021年9月底前" in html
    assert html.count('data-testid="conflict-differs"') >= 3
    # …and the form now carries the current version, so saving again is a decision.
    assert 'name="version" value="2"' in html
    item = DraftItem.objects.get(pk=first.pk)
    assert item.text == "李科长先保存的内容" and item.version == 2

    again = client.post(url, edit_post(first, version="2"), **HTMX)
    assert again.status_code == 200 and 'data-testid="item-row"' in again.content.decode()
    item = DraftItem.objects.get(pk=first.pk)
    assert item.text == "王主任填写的内容" and item.version == 3


def test_stale_edit_without_htmx_answers_409_with_the_form(client, personas, document, second_supervisor):
    first = items_of(document)[0]
    services.accept(second_supervisor, first, version=1)
    client.force_login(personas.supervisor)
    response = client.post(reverse("documents:item_edit", args=[first.pk]), edit_post(first))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="conflict"' in html and ">王主任填写的内容</textarea>" in html
    assert DraftItem.objects.get(pk=first.pk).text == "推进项目建设"


def test_stale_row_action_shows_the_current_row_with_a_message(client, personas, document, second_supervisor):
    first = items_of(document)[0]
    services.reject(second_supervisor, first, version=1)
    client.force_login(personas.supervisor)
    response = client.post(reverse("documents:item_accept", args=[first.pk]), {"version": "1"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "该条目已被督查室李科长" in html and "本次操作未执行" in html
    assert "已排除" in html  # the row as it is now
    assert DraftItem.objects.get(pk=first.pk).state == ReviewState.REJECTED


@pytest.mark.parametrize("url_name", ["documents:unit_remove", "documents:unit_role"])
def test_stale_unit_buttons_change_nothing(client, personas, document, second_supervisor, url_name):
    first = items_of(document)[0]
    services.update_item(second_supervisor, first, text="李科长修改", version=1)
    row = first.units.get(role=ItemRole.LEAD)
    client.force_login(personas.supervisor)
    response = client.post(reverse(url_name, args=[row.pk]), {"version": "1", "role": "support"}, **HTMX)
    assert "本次操作未执行" in response.content.decode()
    row.refresh_from_db()
    assert row.role == ItemRole.LEAD


def test_stale_merge_is_refused_with_a_message(client, personas, document, second_supervisor):
    first, second, _third = items_of(document)
    services.update_item(second_supervisor, second, text="李科长修改", version=1)
    client.force_login(personas.supervisor)
    response = client.post(
        reverse("documents:merge", args=[document.pk]),
        {"items": [first.pk, second.pk], f"version-{first.pk}": "1", f"version-{second.pk}": "1"},
        follow=True,
    )
    assert "本次操作未执行" in response.content.decode()
    assert not DraftItem.objects.filter(state=ReviewState.MERGED).exists()


def test_row_buttons_and_forms_carry_the_version(client, personas, document):
    client.force_login(personas.supervisor)
    html = client.get(reverse("documents:review", args=[document.pk])).content.decode()
    first = items_of(document)[0]
    assert f'name="version-{first.pk}" value="1" form="merge-form"' in html
    assert """hx-vals='{"version": "1"}'""" in html
    assert '"role": "support", "version": "1"' in html


# ---------------------------------------------------------------- counters


def test_row_updates_carry_the_counters_out_of_band(client, personas, document):
    client.force_login(personas.supervisor)
    page = client.get(reverse("documents:review", args=[document.pk])).content.decode()
    assert 'id="review-counts"' in page and "待审核 3 · 已确认 0" in page and "未识别单位 1 处" in page

    first, second, _third = items_of(document)
    html = client.post(reverse("documents:item_accept", args=[first.pk]), {"version": "1"}, **HTMX).content.decode()
    assert html.index('data-testid="item-row"') < html.index("<template>")
    counters = html[html.index("<template>") :]
    assert 'id="review-counts"' in counters and 'hx-swap-oob="true"' in counters
    assert "待审核 2 · 已确认 1" in counters

    html = client.post(reverse("documents:item_reject", args=[second.pk]), {"version": "1"}, **HTMX).content.decode()
    counters = html[html.index("<template>") :]
    assert "待审核 1 · 已确认 1" in counters and "未识别单位 1 处" in counters

    row = second.units.get()
    html = client.post(
        reverse("documents:unit_fix", args=[row.pk]), {"name": personas.other_unit.name, "version": "2"}, **HTMX
    ).content.decode()
    counters = html[html.index("<template>") :]
    assert "未识别单位" not in counters
