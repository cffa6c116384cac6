import pytest
from django.urls import reverse

from units.models import Unit, UnitAlias


def test_login_required(client, db):
    response = client.get(reverse("units:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["supervisor", "leader", "lead_clerk", "other_clerk"])
def test_every_persona_reads_the_list(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("units:list"))
    assert response.status_code == 200
    assert "区发展和改革委员会" in response.content.decode()


def test_kind_filter_and_search(client, personas):
    Unit.objects.create(name="丽阳镇", kind="township")
    UnitAlias.objects.create(unit=personas.other_unit, alias="昌江区教体局")
    client.force_login(personas.lead_clerk)
    page = client.get(reverse("units:list"), {"kind": "township"}).content.decode()
    assert "丽阳镇" in page and "区发展和改革委员会" not in page
    page = client.get(reverse("units:list"), {"q": "昌江区教体"}).content.decode()
    assert "区教育体育局" in page and "丽阳镇" not in page
    page = client.get(reverse("units:list"), {"kind": "bogus"}).content.decode()
    assert "丽阳镇" in page


def test_retired_units_hidden_unless_asked(client, personas):
    Unit.objects.create(name="吕蒙乡", kind="township", active=False)
    client.force_login(personas.supervisor)
    assert "吕蒙乡" not in client.get(reverse("units:list")).content.decode()
    assert "吕蒙乡" in client.get(reverse("units:list"), {"retired": "1"}).content.decode()


def test_members_and_open_assignments_columns(client, personas):
    client.force_login(personas.supervisor)
    response = client.get(reverse("units:list"))
    units = {u.name: u for u in response.context["units"]}
    assert units["区发展和改革委员会"].member_count == 2
    assert response.context["has_assignments"]
    assert units["区发展和改革委员会"].open_assignments == 0
    assert "在办任务" in response.content.decode()


def test_supervisor_sees_change_links_clerk_does_not(client, personas):
    client.force_login(personas.supervisor)
    assert reverse("units:merge") in client.get(reverse("units:list")).content.decode()
    client.force_login(personas.lead_clerk)
    assert reverse("units:merge") not in client.get(reverse("units:list")).content.decode()
