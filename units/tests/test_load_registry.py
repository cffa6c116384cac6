import pytest

from units.models import GroupAlias, Unit, UnitAlias, UnitEvent, UnitGroup, UnitKind
from units.registry import current_registry, load_registry, registry_from_db
from units.resolver import resolve

from .gold import EXPECTED, GROUPS, gold_unit_strings


@pytest.fixture
def loaded(db):
    return load_registry()


def test_load_creates_units_aliases_and_groups(loaded):
    assert loaded["units_created"] == Unit.objects.count() > 50
    assert loaded["aliases_created"] == UnitAlias.objects.count()
    assert loaded["groups_created"] == UnitGroup.objects.count()
    assert GroupAlias.objects.filter(alias="各街道（乡、镇）", group__name="各乡镇（街道）").exists()
    lumeng = Unit.objects.get(name="吕蒙乡")
    assert not lumeng.active
    assert lumeng.current().name == "吕蒙街道"
    assert Unit.objects.get(name="城管一中队").parent.name == "区城市管理局"
    assert Unit.objects.get(name="区发展和改革委员会").kind == UnitKind.DEPARTMENT


def test_load_is_idempotent(loaded):
    snapshot = (Unit.objects.count(), UnitAlias.objects.count(), UnitGroup.objects.count(), UnitEvent.objects.count())
    again = load_registry()
    assert {k: v for k, v in again.items() if v and k != "unchanged"} == {}
    assert again["unchanged"] == Unit.objects.count()
    after = (Unit.objects.count(), UnitAlias.objects.count(), UnitGroup.objects.count(), UnitEvent.objects.count())
    assert after == snapshot


def test_groups_expand_to_members(loaded):
    everywhere = UnitGroup.objects.get(name="各乡镇（街道）")
    assert set(everywhere.member_units().values_list("name", flat=True)) == {
        "鲇鱼山镇",
        "丽阳镇",
        "荷塘乡",
        "吕蒙街道",
        "新枫街道",
        "西郊街道",
    }
    assert UnitGroup.objects.get(name="区直有关单位").needs_confirmation
    geology = UnitGroup.objects.get(name="区突发地质灾害应急指挥机构成员单位")
    assert geology.member_units().count() == 18


@pytest.mark.parametrize("written", gold_unit_strings())
def test_gold_strings_resolve_against_the_database(loaded, written):
    registry = registry_from_db()
    resolution = resolve(written, registry)
    assert resolution.leftover == []
    (match,) = resolution.matches
    assert match.name == EXPECTED.get(written, written)
    if written in GROUPS:
        assert match.group_id == UnitGroup.objects.get(name=match.name).pk
    else:
        assert match.unit_id == Unit.objects.get(name=match.name).pk


def test_registry_load_prefers_the_database(loaded):
    assert current_registry().source == "db"


def test_registry_load_falls_back_to_the_fixture(db):
    assert current_registry().source.endswith("units_changjiang.json")


def test_load_units_command_twice(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_units", stdout=out)
    assert "units_created=" in out.getvalue() and "units_created=0" not in out.getvalue()
    out = StringIO()
    call_command("load_units", stdout=out)
    assert "units_created=0" in out.getvalue() and "aliases_created=0" in out.getvalue()


def test_registry_from_db_is_reused_until_a_row_changes(db):
    """The built Registry is kept while the units, aliases and groups read are the same; any
    change, even one made without a model save (a queryset update), gives a new one."""
    unit = Unit.objects.create(name="区城市管理局", short_name="区城管局")
    first = registry_from_db()
    assert registry_from_db() is first
    Unit.objects.filter(pk=unit.pk).update(name="区城市管理和综合执法局")
    renamed = registry_from_db()
    assert renamed is not first
    assert [m.unit_id for m in resolve("区城市管理和综合执法局", renamed).matches] == [unit.pk]
    UnitAlias.objects.create(unit=unit, alias="城管执法局")
    assert registry_from_db() is not renamed
