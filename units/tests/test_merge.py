from django.urls import reverse

from units.models import Membership, Unit, UnitAlias, UnitEvent


def _duplicate(personas):
    duplicate = Unit.objects.create(name="区发展改革局", short_name="发改局")
    UnitAlias.objects.create(unit=duplicate, alias="区发改部门")
    Membership.objects.create(user=personas.other_clerk, unit=duplicate)
    return duplicate


def test_supervisor_sees_merge_form(client, personas):
    client.force_login(personas.supervisor)
    response = client.get(reverse("units:merge"), {"source": personas.support_unit.pk})
    assert response.status_code == 200
    assert "合并单位" in response.content.decode()


def test_merge_asks_for_confirmation_first(client, personas):
    duplicate = _duplicate(personas)
    client.force_login(personas.supervisor)
    response = client.post(reverse("units:merge"), {"source": duplicate.pk, "target": personas.lead_unit.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "确认合并" in page and "别名 1 个" in page and "成员 1 人" in page
    duplicate.refresh_from_db()
    assert duplicate.active


def test_confirmed_merge_moves_aliases_and_members(client, personas):
    duplicate = _duplicate(personas)
    client.force_login(personas.supervisor)
    response = client.post(
        reverse("units:merge"), {"source": duplicate.pk, "target": personas.lead_unit.pk, "confirm": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=[personas.lead_unit.pk])
    duplicate.refresh_from_db()
    assert not duplicate.active and duplicate.successor == personas.lead_unit
    assert set(UnitAlias.objects.filter(unit=personas.lead_unit).values_list("alias", flat=True)) == {
        "区发改部门",
        "区发展改革局",
        "发改局",
    }
    assert Membership.objects.filter(user=personas.other_clerk, unit=personas.lead_unit).exists()
    assert not Membership.objects.filter(unit=duplicate).exists()
    assert UnitEvent.objects.filter(unit=personas.lead_unit, action="合并", actor=personas.supervisor).exists()


def test_merge_same_unit_is_refused(client, personas):
    client.force_login(personas.supervisor)
    response = client.post(
        reverse("units:merge"), {"source": personas.lead_unit.pk, "target": personas.lead_unit.pk, "confirm": "1"}
    )
    assert "两个不同的单位" in response.content.decode()
    personas.lead_unit.refresh_from_db()
    assert personas.lead_unit.active


def test_only_supervisor_may_merge(client, personas):
    duplicate = _duplicate(personas)
    for persona in (personas.leader, personas.lead_clerk):
        client.force_login(persona)
        assert client.get(reverse("units:merge")).status_code == 403
        response = client.post(
            reverse("units:merge"), {"source": duplicate.pk, "target": personas.lead_unit.pk, "confirm": "1"}
        )
        assert response.status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.active
