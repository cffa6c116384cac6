"""Document screens × personas: who reads, who changes, and the review partials."""

import pytest
from django.urls import reverse

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
from tasks.models import Task
from testing.personas import PASSWORD
from units.models import UnitAlias

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def document(personas, fake_pipeline, three_items):  # noqa: F811
    fake_pipeline(three_items)
    return services.import_upload(upload(), personas.supervisor)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def items_of(document):
    return list(document.items.order_by("position"))


def v(item, **data):
    """The form data with the item's current version, as every review form carries it."""
    item.refresh_from_db()
    return {**data, "version": item.version}


@pytest.fixture
def published(client, personas, document):
    """Item 1 (lead 区发改委, support 区工信局) published as a task; the others stay in review."""
    login(client, personas.supervisor)
    first = items_of(document)[0]
    client.post(reverse("documents:item_accept", args=[first.pk]), v(first))
    # The fixture's deadlines (2021) have passed: publish them as they are, knowingly.
    client.post(reverse("tasks:publish", args=[document.pk]), {"overdue_choice": "as_is"})
    assert Task.objects.filter(source_document=document).count() == 1
    client.logout()
    return document


@pytest.mark.parametrize("who", ["supervisor", "leader"])
def test_the_office_and_leaders_read_drafts_in_review(client, personas, document, who):
    login(client, getattr(personas, who))
    listing = client.get(reverse("documents:list"))
    assert listing.status_code == 200
    assert "昌江区某工作分工方案" in listing.content.decode()
    detail = client.get(reverse("documents:detail", args=[document.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "昌府办字〔2021〕20号" in html and "推进项目建设" in html and "开展专项整治" in html
    assert ("审核条目" in html) == (who == "supervisor")
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 200


@pytest.mark.parametrize("who", ["lead_clerk", "support_clerk", "other_clerk"])
def test_units_never_read_a_draft_in_review(client, personas, document, who):
    """Decided in issue 14: a document still in review is the office's draft."""
    login(client, getattr(personas, who))
    assert "昌江区某工作分工方案" not in client.get(reverse("documents:list")).content.decode()
    assert client.get(reverse("documents:detail", args=[document.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404


@pytest.mark.parametrize("who", ["lead_clerk", "support_clerk"])
def test_units_read_the_published_work_their_unit_shares(client, personas, published, who):
    login(client, getattr(personas, who))
    assert "昌江区某工作分工方案" in client.get(reverse("documents:list")).content.decode()
    html = client.get(reverse("documents:detail", args=[published.pk])).content.decode()
    assert "推进项目建设" in html
    assert "开展专项整治" not in html  # still in review: not shown to units
    assert client.get(reverse("documents:download", args=[published.pk])).status_code == 200


def test_an_unrelated_unit_does_not_read_a_published_document(client, personas, published):
    login(client, personas.other_clerk)
    assert client.get(reverse("documents:detail", args=[published.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[published.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, document):
    response = client.get(reverse("documents:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_date_shift_note_is_shown(client, personas, published):
    document = published
    document.date_shift_note = "演示数据：日期已平移到今年"
    document.save()
    login(client, personas.lead_clerk)
    assert "演示数据：日期已平移到今年" in client.get(reverse("documents:detail", args=[document.pk])).content.decode()


def change_requests(document):
    item = items_of(document)[0]
    row = item.units.first()
    return [
        ("get", reverse("documents:upload"), {}),
        ("post", reverse("documents:upload"), {}),
        ("get", reverse("documents:review", args=[document.pk])),
        ("post", reverse("tasks:publish", args=[document.pk]), {}),
        ("post", reverse("documents:accept_all", args=[document.pk]), {}),
        ("post", reverse("documents:merge", args=[document.pk]), {"items": [i.pk for i in items_of(document)]}),
        ("get", reverse("documents:item_edit", args=[item.pk])),
        ("post", reverse("documents:item_edit", args=[item.pk]), {"text": "改了"}),
        ("post", reverse("documents:item_accept", args=[item.pk]), {}),
        ("post", reverse("documents:item_reject", args=[item.pk]), {}),
        ("post", reverse("documents:item_split", args=[item.pk]), {"at": 2}),
        ("post", reverse("documents:item_add_unit", args=[item.pk]), {"written": "区教体局", "role": "support"}),
        ("post", reverse("documents:unit_fix", args=[row.pk]), {"name": "区教育体育局"}),
        ("post", reverse("documents:unit_remove", args=[row.pk]), {}),
        ("post", reverse("documents:unit_role", args=[row.pk]), {"role": "support"}),
        ("get", reverse("documents:unit_options")),
    ]


@pytest.mark.parametrize("who", ["leader", "lead_clerk", "lead_head", "support_clerk", "other_clerk"])
def test_nobody_but_the_supervision_office_changes_anything(client, personas, document, who):
    login(client, getattr(personas, who))
    before = [(i.pk, i.text, i.state, i.units.count()) for i in items_of(document)]
    for method, url, *data in change_requests(document):
        response = getattr(client, method)(url, *data)
        assert response.status_code == 403, (method, url, response.status_code)
    assert [(i.pk, i.text, i.state, i.units.count()) for i in items_of(document)] == before
    assert not Task.objects.exists()


def test_changes_need_post(client, personas, document):
    login(client, personas.supervisor)
    item = items_of(document)[0]
    for url in (
        reverse("tasks:publish", args=[document.pk]),
        reverse("documents:item_accept", args=[item.pk]),
        reverse("documents:unit_remove", args=[item.units.first().pk]),
    ):
        assert client.get(url).status_code == 405


def test_a_crafted_id_is_404(client, personas, document):
    login(client, personas.supervisor)
    assert client.get(reverse("documents:review", args=[9999])).status_code == 404
    assert client.post(reverse("documents:item_accept", args=[9999])).status_code == 404


def test_review_shows_items_beside_the_source_with_unresolved_names_flagged(client, personas, document):
    login(client, personas.supervisor)
    response = client.get(reverse("documents:review", args=[document.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="L3"' in html and "推进项目建设" in html
    first = items_of(document)[0]
    assert f'id="item-{first.pk}"' in html and 'data-start="3"' in html
    assert 'data-testid="unresolved"' in html and "区某某办" in html
    assert "单位“区某某办”未识别" in html
    assert 'list="unit-options"' in html


def test_accept_and_reject_answer_htmx_with_the_row(client, personas, document):
    login(client, personas.supervisor)
    item = items_of(document)[0]
    response = client.post(reverse("documents:item_accept", args=[item.pk]), v(item), **HTMX)
    assert response.status_code == 200
    assert f'id="item-{item.pk}"' in response.content.decode() and "已确认" in response.content.decode()
    item.refresh_from_db()
    assert item.state == ReviewState.ACCEPTED and item.reviewed_by == personas.supervisor
    response = client.post(reverse("documents:item_reject", args=[item.pk]), v(item))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ReviewState.REJECTED


def test_inline_edit_saves_and_keeps_what_was_typed_on_error(client, personas, document):
    login(client, personas.supervisor)
    item = items_of(document)[0]
    url = reverse("documents:item_edit", args=[item.pk])
    form = client.get(url, **HTMX)
    assert 'data-testid="item-edit-form"' in form.content.decode() and "推进项目建设" in form.content.decode()

    bad = client.post(
        url,
        v(item, text="新的任务内容", deadline="2021-13-45", lead_names="区工信局", support_names="区发改委"),
        **HTMX,
    )
    html = bad.content.decode()
    assert bad.status_code == 200 and "日期格式" in html
    assert "新的任务内容" in html and 'value="区工信局"' in html and 'value="2021-13-45"' in html
    item.refresh_from_db()
    assert item.text == "推进项目建设"

    good = client.post(
        url,
        v(item, text="新的任务内容", deadline="2021-10-31", lead_names="区工信局", support_names="区发改委、区教体局"),
        **HTMX,
    )
    assert good.status_code == 200 and f'id="item-{item.pk}"' in good.content.decode()
    item.refresh_from_db()
    assert item.text == "新的任务内容" and str(item.deadline) == "2021-10-31"
    assert [u.unit for u in item.units.filter(role=ItemRole.LEAD)] == [personas.support_unit]
    assert sorted(u.unit.short_name for u in item.units.filter(role=ItemRole.SUPPORT)) == ["区发改委", "区教体局"]


def test_inline_unit_fix_becomes_an_alias(client, personas, document):
    login(client, personas.supervisor)
    row = items_of(document)[1].units.get()
    response = client.post(reverse("documents:unit_fix", args=[row.pk]), v(row.item, name="区教育体育局"), **HTMX)
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.unit == personas.other_unit
    assert UnitAlias.objects.filter(alias="区某某办", unit=personas.other_unit).exists()


def test_inline_unit_fix_with_an_unknown_name_shows_a_message(client, personas, document):
    login(client, personas.supervisor)
    row = items_of(document)[1].units.get()
    response = client.post(reverse("documents:unit_fix", args=[row.pk]), v(row.item, name="火星局"), **HTMX)
    assert "单位名录中没有“火星局”" in response.content.decode()
    row.refresh_from_db()
    assert row.unit is None


def test_add_remove_and_switch_role_of_units(client, personas, document):
    login(client, personas.supervisor)
    item = items_of(document)[0]
    client.post(reverse("documents:item_add_unit", args=[item.pk]), v(item, written="区教体局", role="support"), **HTMX)
    added = item.units.get(unit=personas.other_unit)
    assert added.role == ItemRole.SUPPORT
    client.post(reverse("documents:unit_role", args=[added.pk]), v(item, role="lead"), **HTMX)
    added.refresh_from_db()
    assert added.role == ItemRole.LEAD
    client.post(reverse("documents:unit_remove", args=[added.pk]), v(item), **HTMX)
    assert not item.units.filter(unit=personas.other_unit).exists()
    duplicate = client.post(
        reverse("documents:item_add_unit", args=[item.pk]), v(item, written="区发改委", role="support"), **HTMX
    )
    assert "已在该条目中" in duplicate.content.decode()


def test_merge_split_accept_all_and_publish(client, personas, document):
    login(client, personas.supervisor)
    first, second, third = items_of(document)
    response = client.post(reverse("documents:item_split", args=[first.pk]), v(first, at=2))
    assert response.status_code == 302
    assert document.items.count() == 4
    new = DraftItem.objects.get(document=document, text="项目建设")
    merge_data = {
        "items": [first.pk, new.pk],
        f"version-{first.pk}": v(first)["version"],
        f"version-{new.pk}": new.version,
    }
    client.post(reverse("documents:merge", args=[document.pk]), merge_data)
    first.refresh_from_db()
    assert first.text == "推进\n项目建设"

    client.post(reverse("documents:accept_all", args=[document.pk]))
    states = dict(document.items.values_list("pk", "state"))
    assert states[first.pk] == states[third.pk] == ReviewState.ACCEPTED
    assert states[second.pk] == ReviewState.PENDING

    # The items' deadlines (2021) have passed: publishing asks first and creates nothing yet.
    confirm = client.post(reverse("tasks:publish", args=[document.pk]))
    assert confirm.status_code == 200 and "publish-confirm" in confirm.content.decode()
    assert Task.objects.count() == 0
    response = client.post(reverse("tasks:publish", args=[document.pk]), {"overdue_choice": "as_is"}, follow=True)
    assert "已发布 2 项任务" in response.content.decode()
    assert Task.objects.count() == 2
    again = client.post(reverse("tasks:publish", args=[document.pk]), follow=True)
    assert "没有可发布的条目" in again.content.decode() and Task.objects.count() == 2


def test_unit_options_lists_units_and_groups(client, personas, document, township_group):  # noqa: F811
    login(client, personas.supervisor)
    html = client.get(reverse("documents:unit_options")).content.decode()
    assert '<option value="区发展和改革委员会">' in html and "各乡镇（街道）" in html
    data = client.get(reverse("documents:unit_options"), {"q": "发改", "format": "json"}).json()
    assert [u["name"] for u in data["units"]] == ["区发展和改革委员会"]


def test_plan_indicators_are_shown_by_year(client, personas, document):
    document.plan_indicators = [
        {"name": "稻米", "category": "综合产值", "unit": "亿元", "targets": {"2024": "1.58", "2023": "1.55"}},
        {"name": "油料", "category": "综合产值", "unit": "亿元", "targets": {"2025": "1.86"}},
    ]
    document.save()
    login(client, personas.leader)
    body = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    table = body[body.index('data-testid="plan-indicators"') :]
    assert table.index("2023年") < table.index("2024年") < table.index("2025年")
    assert table.index("1.55") < table.index("1.58")
    assert "1.86" in table and "稻米" in table


def test_the_original_file_downloads_only_through_a_checked_view(client, personas, published):
    document = published
    url = reverse("documents:download", args=[document.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert client.get("/media/" + document.file.name).status_code in (302, 404)  # never public
    login(client, personas.lead_clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == document.file.open("rb").read()
    detail = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert url in detail and "/media/" not in detail


def test_the_ledger_filter_never_lists_a_draft_title_to_units(client, personas, document):
    login(client, personas.lead_clerk)
    html = client.get(reverse("tasks:ledger")).content.decode()
    assert "昌江区某工作分工方案" not in html
    login(client, personas.supervisor)
    assert "昌江区某工作分工方案" in client.get(reverse("tasks:ledger")).content.decode()
