"""A name mapped in the 未识别名称 queue is resolved at once in every draft item still in review
(issue 13, point 3): units announce the alias (units.signals.alias_added), documents apply it."""

from django.urls import reverse

from documents import services
from documents.models import DraftItemUnit, ReviewState
from documents.tests.test_services import (  # noqa: F401 - fixtures
    fake_pipeline,
    fake_result,
    item_entry,
    unit_entry,
    upload,
)
from units.models import UnresolvedName


def _import(personas, fake_pipeline, items, n):  # noqa: F811
    fake_pipeline(fake_result(items, doc_number=f"昌府办字〔2021〕{n}号"))
    return services.import_upload(upload(content=f"文件{n}"), personas.supervisor)


def test_mapping_a_queued_name_fixes_every_item_in_review(client, personas, fake_pipeline):  # noqa: F811
    p = personas
    first = _import(
        p,
        fake_pipeline,
        [
            item_entry("1", "建设数字政府", [unit_entry("区数字经济办")], [unit_entry("区工信局", p.support_unit)]),
            item_entry("2", "推进数据共享", [unit_entry("区发改委", p.lead_unit)], [unit_entry("区 数字经济办")]),
            item_entry("3", "已排除的条目", [unit_entry("区数字经济办")]),
        ],
        1,
    )
    second = _import(p, fake_pipeline, [item_entry("1", "另一份文件的条目", [unit_entry("区数字经济办")])], 2)
    rejected = first.items.get(number="3")
    services.reject(p.supervisor, rejected)
    versions = {i.pk: i.version for i in first.items.all() | second.items.all()}
    # Before: 确认所有单位已识别的条目 skips the items naming the unknown unit.
    assert services.accept_all_resolved(p.supervisor, second) == 0
    queued = UnresolvedName.objects.get(text="区数字经济办")

    client.force_login(p.supervisor)
    response = client.post(reverse("units:unresolved_map", args=[queued.pk]), {"target": f"unit:{p.other_unit.pk}"})

    assert response.status_code == 302
    fixed = DraftItemUnit.objects.filter(written__in=["区数字经济办", "区 数字经济办"])
    assert fixed.count() == 4
    assert set(fixed.values_list("unit", flat=True)) == {p.other_unit.pk}
    for item in first.items.exclude(pk=rejected.pk) | second.items.all():
        assert item.version == versions[item.pk] + 1, "open review forms of a fixed item are stale"
        assert not item.has_unresolved
    assert services.accept_all_resolved(p.supervisor, second) == 1
    assert services.accept_all_resolved(p.supervisor, first) == 2
    assert second.items.get().state == ReviewState.ACCEPTED


def test_items_no_longer_in_review_are_left_alone(personas, fake_pipeline):  # noqa: F811
    """Published and merged items keep their rows as they were; the rest take the new alias."""
    from documents.models import DraftItem
    from units.services import add_alias

    p = personas
    document = _import(
        p,
        fake_pipeline,
        [item_entry(str(n), f"条目{n}", [unit_entry("区数字经济办")]) for n in (1, 2, 3)],
        3,
    )
    published, merged, pending = document.items.order_by("position")
    DraftItem.objects.filter(pk=published.pk).update(state=ReviewState.PUBLISHED)
    DraftItem.objects.filter(pk=merged.pk).update(state=ReviewState.MERGED)

    add_alias(p.other_unit, "区数字经济办", p.supervisor)

    units = dict(DraftItemUnit.objects.filter(item__document=document).values_list("item", "unit"))
    assert units == {published.pk: None, merged.pk: None, pending.pk: p.other_unit.pk}
