from django.urls import reverse

from units import services
from units.models import UnitGroup, UnresolvedName
from units.registry import registry_from_db
from units.resolver import resolve


def test_queue_lists_open_names_with_suggestions(client, personas):
    services.record_unresolved("区发改局", context="第3项 牵头单位")
    client.force_login(personas.supervisor)
    response = client.get(reverse("units:unresolved"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "区发改局" in page and "第3项" in page
    assert "建议" in page and f'value="unit:{personas.lead_unit.pk}" selected' in page


def test_leader_reads_queue_without_forms(client, personas):
    services.record_unresolved("区发改局")
    client.force_login(personas.leader)
    page = client.get(reverse("units:unresolved")).content.decode()
    assert "区发改局" in page and "对应并保存为别名" not in page


def test_clerks_cannot_see_queue(client, personas):
    client.force_login(personas.lead_clerk)
    assert client.get(reverse("units:unresolved")).status_code == 403


def test_supervisor_maps_name_and_next_resolve_reuses_it(client, personas):
    entry = services.record_unresolved("发改部门")
    client.force_login(personas.supervisor)
    response = client.post(
        reverse("units:unresolved_map", args=[entry.pk]), {"target": f"unit:{personas.lead_unit.pk}"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.resolved_unit == personas.lead_unit and entry.resolved_by == personas.supervisor
    resolution = resolve("发改部门、区工信局", registry_from_db())
    assert [m.unit_id for m in resolution.matches] == [personas.lead_unit.pk, personas.support_unit.pk]
    assert resolution.leftover == []
    page = client.get(reverse("units:unresolved")).content.decode()
    assert "最近对应" in page


def test_supervisor_maps_name_to_group(client, personas):
    group = UnitGroup.objects.create(name="各乡镇（街道）", kinds=["township", "subdistrict"])
    entry = services.record_unresolved("各镇（街）")
    client.force_login(personas.supervisor)
    client.post(reverse("units:unresolved_map", args=[entry.pk]), {"target": f"group:{group.pk}"})
    (match,) = resolve("各镇（街）", registry_from_db()).matches
    assert match.group_id == group.pk


def test_mapping_needs_a_target(client, personas):
    entry = services.record_unresolved("发改部门")
    client.force_login(personas.supervisor)
    response = client.post(reverse("units:unresolved_map", args=[entry.pk]), {"target": ""}, follow=True)
    assert "请选择" in response.content.decode()
    entry.refresh_from_db()
    assert entry.resolved_at is None


def test_clerk_cannot_map(client, personas):
    entry = services.record_unresolved("发改部门")
    client.force_login(personas.lead_clerk)
    response = client.post(
        reverse("units:unresolved_map", args=[entry.pk]), {"target": f"unit:{personas.lead_unit.pk}"}
    )
    assert response.status_code == 403
    assert UnresolvedName.objects.get(pk=entry.pk).resolved_at is None


def test_map_is_post_only(client, personas):
    entry = services.record_unresolved("发改部门")
    client.force_login(personas.supervisor)
    assert client.get(reverse("units:unresolved_map", args=[entry.pk])).status_code == 405
