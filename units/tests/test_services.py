import pytest

from units import services
from units.models import GroupAlias, Membership, Unit, UnitAlias, UnitEvent, UnitGroup, UnresolvedName
from units.registry import registry_from_db
from units.resolver import resolve
from units.signals import units_merged


def test_add_alias_records_who_and_history(personas):
    alias = services.add_alias(personas.lead_unit, "区发展改革委", actor=personas.supervisor)
    assert alias.unit == personas.lead_unit
    assert alias.created_by == personas.supervisor
    assert UnitEvent.objects.filter(unit=personas.lead_unit, action="添加别名", actor=personas.supervisor).exists()
    assert services.add_alias(personas.lead_unit, "区发展改革委", actor=personas.supervisor) is None
    assert services.add_alias(personas.lead_unit, "区发改委", actor=personas.supervisor) is None  # its short name


def test_add_alias_refuses_another_units_name(personas):
    with pytest.raises(services.RegistryError):
        services.add_alias(personas.lead_unit, "区工信局", actor=personas.supervisor)
    services.add_alias(personas.support_unit, "工信局", actor=personas.supervisor)
    with pytest.raises(services.RegistryError):
        services.add_alias(personas.lead_unit, "工信局", actor=personas.supervisor)


def test_add_alias_to_group(personas):
    group = UnitGroup.objects.create(name="各乡镇（街道）", kinds=["township", "subdistrict"])
    alias = services.add_alias(group, "各镇街", actor=personas.supervisor)
    assert isinstance(alias, GroupAlias)
    assert resolve("各镇街", registry_from_db()).matches[0].group_id == group.pk


def test_record_unresolved_upserts(db):
    first = services.record_unresolved("区航天局", context="昌府办字〔2023〕25号 第3项")
    again = services.record_unresolved(" 区航天局 ")
    assert again.pk == first.pk
    assert again.occurrences == 2
    assert again.context.startswith("昌府办字")
    assert UnresolvedName.objects.count() == 1


def test_map_unresolved_saves_alias_for_next_import(personas):
    entry = services.record_unresolved("发改")
    assert resolve("发改", registry_from_db()).leftover == ["发改"]
    services.map_unresolved(entry, unit=personas.lead_unit, actor=personas.supervisor)
    entry.refresh_from_db()
    assert entry.resolved_unit == personas.lead_unit and entry.resolved_by == personas.supervisor
    assert entry.resolved_at is not None
    (match,) = resolve("发改", registry_from_db()).matches
    assert match.unit_id == personas.lead_unit.pk and match.method == "alias"


def test_map_unresolved_needs_exactly_one_target(personas):
    entry = services.record_unresolved("发改")
    with pytest.raises(services.RegistryError):
        services.map_unresolved(entry, actor=personas.supervisor)


def test_retire_unit_with_successor_resolves_old_name_to_successor(db, personas):
    old = Unit.objects.create(name="吕蒙乡", kind="township")
    new = Unit.objects.create(name="吕蒙街道", kind="subdistrict")
    services.retire_unit(old, new, actor=personas.supervisor)
    old.refresh_from_db()
    assert not old.active and old.successor == new and old.valid_to
    (match,) = resolve("吕蒙乡", registry_from_db()).matches
    assert (match.unit_id, match.method) == (new.pk, "history")
    assert UnitEvent.objects.filter(unit=old, action="停用").exists()
    assert UnitEvent.objects.filter(unit=new, action="承接").exists()


def test_retire_refuses_cycles(db, personas):
    a = Unit.objects.create(name="甲单位")
    b = Unit.objects.create(name="乙单位", successor=a)
    with pytest.raises(services.RegistryError):
        services.retire_unit(a, b, actor=personas.supervisor)
    with pytest.raises(services.RegistryError):
        services.retire_unit(a, a, actor=personas.supervisor)


def test_merge_moves_aliases_memberships_and_groups(personas):
    duplicate = Unit.objects.create(name="区发展改革局", short_name="发改局")
    UnitAlias.objects.create(unit=duplicate, alias="区发改部门")
    clerk = Membership.objects.create(user=personas.other_clerk, unit=duplicate)
    Membership.objects.create(user=personas.lead_clerk, unit=duplicate)  # already in the target
    group = UnitGroup.objects.create(name="测试组")
    group.members.add(duplicate)
    heard = []

    def receiver(sender, source, target, actor, **kwargs):
        heard.append((source.pk, target.pk, actor.pk))

    units_merged.connect(receiver)
    try:
        services.merge_units(duplicate, personas.lead_unit, actor=personas.supervisor)
    finally:
        units_merged.disconnect(receiver)

    duplicate.refresh_from_db()
    assert not duplicate.active and duplicate.successor == personas.lead_unit
    assert set(personas.lead_unit.aliases.values_list("alias", flat=True)) == {"区发改部门", "区发展改革局", "发改局"}
    clerk.refresh_from_db()
    assert clerk.unit == personas.lead_unit
    assert not Membership.objects.filter(unit=duplicate).exists()
    assert list(group.members.all()) == [personas.lead_unit]
    assert heard == [(duplicate.pk, personas.lead_unit.pk, personas.supervisor.pk)]
    assert UnitEvent.objects.filter(unit=duplicate, action="合并").exists()
    assert UnitEvent.objects.filter(unit=personas.lead_unit, action="合并").exists()
    registry = registry_from_db()
    for written in ("区发展改革局", "发改局", "区发改部门"):
        assert resolve(written, registry).matches[0].unit_id == personas.lead_unit.pk


def test_merge_rolls_back_when_a_receiver_fails(personas):
    duplicate = Unit.objects.create(name="区发展改革局")

    def receiver(sender, **kwargs):
        raise RuntimeError("tasks could not move")

    units_merged.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            services.merge_units(duplicate, personas.lead_unit, actor=personas.supervisor)
    finally:
        units_merged.disconnect(receiver)
    duplicate.refresh_from_db()
    assert duplicate.active
    assert not UnitAlias.objects.filter(alias="区发展改革局").exists()


def test_merge_refuses_itself(personas):
    with pytest.raises(services.RegistryError):
        services.merge_units(personas.lead_unit, personas.lead_unit, actor=personas.supervisor)


def test_current_of_agrees_with_current_for_many_units(db):
    from units.models import Unit, UnitKind

    new = Unit.objects.create(name="吕蒙街道X", kind=UnitKind.SUBDISTRICT)
    middle = Unit.objects.create(name="吕蒙镇X", kind=UnitKind.TOWNSHIP, active=False, successor=new)
    old = Unit.objects.create(name="吕蒙乡X", kind=UnitKind.TOWNSHIP, active=False, successor=middle)
    plain = Unit.objects.create(name="区某局X")
    mapping = Unit.objects.current_of([old, middle, new, plain])
    assert {pk: unit.pk for pk, unit in mapping.items()} == {u.pk: u.current().pk for u in (old, middle, new, plain)}
