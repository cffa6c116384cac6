from django.urls import reverse

from units import services
from units.models import Unit, UnitAlias, UnitEvent


def test_detail_shows_aliases_members_history(client, personas):
    services.add_alias(personas.lead_unit, "区发展改革委", actor=personas.supervisor)
    client.force_login(personas.lead_clerk)
    response = client.get(reverse("units:detail", args=[personas.lead_unit.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "区发展改革委" in page
    assert "发改委联络员" in page and "发改委主任" in page
    assert "添加别名" in page  # history row


def test_detail_shows_predecessors_and_successor(client, personas):
    new = Unit.objects.create(name="吕蒙街道", kind="subdistrict")
    old = Unit.objects.create(name="吕蒙乡", kind="township")
    services.retire_unit(old, new, actor=personas.supervisor)
    client.force_login(personas.leader)
    page = client.get(reverse("units:detail", args=[new.pk])).content.decode()
    assert "前身单位" in page and "吕蒙乡" in page
    page = client.get(reverse("units:detail", args=[old.pk])).content.decode()
    assert "继任单位" in page and "吕蒙街道" in page


def test_missing_unit_is_404(client, personas):
    client.force_login(personas.supervisor)
    assert client.get(reverse("units:detail", args=[999999])).status_code == 404


def test_supervisor_adds_alias(client, personas):
    client.force_login(personas.supervisor)
    url = reverse("units:alias_add", args=[personas.other_unit.pk])
    response = client.post(url, {"alias": "昌江区教体局"})
    assert response.status_code == 302
    assert UnitAlias.objects.get(alias="昌江区教体局").created_by == personas.supervisor
    assert UnitEvent.objects.filter(unit=personas.other_unit, action="添加别名").exists()


def test_alias_clash_is_refused_with_a_message(client, personas):
    client.force_login(personas.supervisor)
    url = reverse("units:alias_add", args=[personas.other_unit.pk])
    response = client.post(url, {"alias": "区发改委"}, follow=True)
    assert "已是" in response.content.decode()
    assert not UnitAlias.objects.filter(alias="区发改委").exists()


def test_clerk_and_leader_cannot_add_alias(client, personas):
    url = reverse("units:alias_add", args=[personas.other_unit.pk])
    for persona in (personas.other_clerk, personas.leader):
        client.force_login(persona)
        assert client.post(url, {"alias": "教体"}).status_code == 403
    assert not UnitAlias.objects.exists()


def test_alias_add_is_post_only(client, personas):
    client.force_login(personas.supervisor)
    assert client.get(reverse("units:alias_add", args=[personas.other_unit.pk])).status_code == 405
