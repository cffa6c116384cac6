"""Every change to the unit registry goes through one of these functions.

Each takes the acting user explicitly, runs in one transaction and writes the UnitEvent
history row. Permission checks are the views' job (only the supervision office changes the
registry); these functions trust their caller.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import GroupAlias, Membership, Unit, UnitAlias, UnitEvent, UnitGroup, UnresolvedName
from .signals import alias_added, units_merged


class RegistryError(ValueError):
    """A change the registry refuses, with a message fit to show the user."""


MAX_WRITTEN = 100  # UnitAlias.alias / GroupAlias.alias


def _clean_written(written: str) -> str:
    written = "".join((written or "").split())
    if not written:
        raise RegistryError("写法不能为空")
    if len(written) > MAX_WRITTEN:
        raise RegistryError(f"写法不能超过 {MAX_WRITTEN} 个字")
    return written


def _check_alias_free(written: str, owner: Unit | UnitGroup) -> None:
    """A written form names one thing: refuse it when another unit or group already uses it."""
    for model, field in ((Unit, "name"), (Unit, "short_name"), (UnitGroup, "name")):
        clash = model.objects.filter(**{field: written}).exclude(pk=owner.pk if isinstance(owner, model) else None)
        if clash.exists():
            raise RegistryError(f"“{written}”已是{clash.first()}的名称")
    unit_alias = UnitAlias.objects.filter(alias=written).select_related("unit").first()
    if unit_alias and not (isinstance(owner, Unit) and unit_alias.unit_id == owner.pk):
        raise RegistryError(f"“{written}”已是{unit_alias.unit}的别名")
    group_alias = GroupAlias.objects.filter(alias=written).select_related("group").first()
    if group_alias and not (isinstance(owner, UnitGroup) and group_alias.group_id == owner.pk):
        raise RegistryError(f"“{written}”已是{group_alias.group}的别名")


@transaction.atomic
def add_alias(unit_or_group: Unit | UnitGroup, written: str, actor) -> UnitAlias | GroupAlias | None:
    """Record another written form of a unit's or group's name.

    Adding a form the target already has creates nothing and returns None; a form that
    names something else is refused (RegistryError). Either way `alias_added` tells other apps
    the form now names the target (documents resolve it in every draft item still in review).
    """
    written = _clean_written(written)
    target = unit_or_group
    if written in (getattr(target, "name", ""), getattr(target, "short_name", "")):
        return None
    _check_alias_free(written, target)
    if isinstance(target, Unit):
        alias, created = UnitAlias.objects.get_or_create(unit=target, alias=written, defaults={"created_by": actor})
        if created:
            UnitEvent.objects.create(unit=target, actor=actor, action="添加别名", detail=written)
    else:
        alias, created = GroupAlias.objects.get_or_create(group=target, alias=written, defaults={"created_by": actor})
    # Draft items still in review that carry this name unresolved take it at once.
    alias_added.send(
        sender=type(target),
        written=written,
        unit=target if isinstance(target, Unit) else None,
        group=target if isinstance(target, UnitGroup) else None,
        actor=actor,
    )
    return alias if created else None


@transaction.atomic
def record_unresolved(text: str, context: str = "") -> UnresolvedName:
    """Put a name the resolver could not place on the 未识别名称 queue (once; later sightings count up)."""
    text = _clean_written(text)[:200]
    entry, created = UnresolvedName.objects.get_or_create(text=text, defaults={"context": context[:2000]})
    if not created:
        UnresolvedName.objects.filter(pk=entry.pk).update(occurrences=F("occurrences") + 1)
        if context and not entry.context:
            UnresolvedName.objects.filter(pk=entry.pk).update(context=context[:2000])
        entry.refresh_from_db()
    return entry


@transaction.atomic
def map_unresolved(
    unresolved: UnresolvedName, unit: Unit | None = None, group: UnitGroup | None = None, *, actor
) -> UnresolvedName:
    """Say which unit or group a queued name means; its text becomes an alias, so the next import resolves it."""
    if (unit is None) == (group is None):
        raise RegistryError("请选择一个单位或一个单位组")
    target = unit or group
    if isinstance(target, Unit) and not target.active:
        target = target.current()
    add_alias(target, unresolved.text, actor)
    now = timezone.now()
    unresolved.resolved_unit = target if isinstance(target, Unit) else None
    unresolved.resolved_group = target if isinstance(target, UnitGroup) else None
    unresolved.resolved_by = actor
    unresolved.resolved_at = now
    unresolved.save(update_fields=["resolved_unit", "resolved_group", "resolved_by", "resolved_at"])
    if isinstance(target, Unit):
        UnitEvent.objects.create(
            unit=target, actor=actor, at=now, action="映射未识别名称", detail=f"{unresolved.text} → {target.name}"
        )
    return unresolved


@transaction.atomic
def retire_unit(unit: Unit, successor: Unit | None, actor, on=None) -> Unit:
    """End a unit: it stays on record, inactive, and its work passes to `successor` (if any)."""
    if successor is not None:
        if successor.pk == unit.pk:
            raise RegistryError("继任单位不能是本单位")
        if not successor.active:
            raise RegistryError(f"继任单位{successor}已停用")
        seen, heir = {unit.pk}, successor
        while heir.successor_id:  # refuse cycles: the successor must not lead back here
            if heir.successor_id in seen:
                raise RegistryError("继任关系不能成环")
            seen.add(heir.pk)
            heir = heir.successor
    on = on or timezone.localdate()
    unit.active = False
    unit.successor = successor
    unit.valid_to = unit.valid_to or on
    unit.save(update_fields=["active", "successor", "valid_to"])
    detail = f"继任单位：{successor.name}" if successor else "无继任单位"
    UnitEvent.objects.create(unit=unit, actor=actor, action="停用", detail=detail)
    if successor is not None:
        UnitEvent.objects.create(unit=successor, actor=actor, action="承接", detail=f"承接{unit.name}的工作")
    return unit


@transaction.atomic
def merge_units(source: Unit, target: Unit, actor) -> Unit:
    """Fold `source` into `target`: its names become target's aliases, its members join target,
    it is retired with target as successor, and `units_merged` lets other apps move their rows.
    """
    if source.pk == target.pk:
        raise RegistryError("不能把单位合并到自身")
    if not target.active:
        raise RegistryError(f"目标单位{target}已停用")
    source = Unit.objects.select_for_update().get(pk=source.pk)
    moved_aliases = list(UnitAlias.objects.filter(unit=source).values_list("alias", flat=True))
    UnitAlias.objects.filter(unit=source).exclude(alias__in=[target.name, target.short_name]).update(unit=target)
    UnitAlias.objects.filter(unit=source).delete()  # forms that are target's own names already
    for form in (source.name, source.short_name):
        if form and form not in (target.name, target.short_name):
            UnitAlias.objects.get_or_create(alias=form, defaults={"unit": target, "created_by": actor})
    moved_members = 0
    for membership in Membership.objects.filter(unit=source).select_related("user"):
        if Membership.objects.filter(unit=target, user=membership.user).exists():
            membership.delete()
        else:
            membership.unit = target
            membership.save(update_fields=["unit"])
            moved_members += 1
    for group in UnitGroup.objects.filter(members=source):
        group.members.remove(source)
        group.members.add(target)
    Unit.objects.filter(successor=source).update(successor=target)
    source.active = False
    source.successor = target
    source.valid_to = source.valid_to or timezone.localdate()
    source.save(update_fields=["active", "successor", "valid_to"])
    detail = f"{source.name} 并入 {target.name}；别名 {len(moved_aliases)} 个，成员 {moved_members} 人"
    UnitEvent.objects.create(unit=source, actor=actor, action="合并", detail=detail)
    UnitEvent.objects.create(unit=target, actor=actor, action="合并", detail=detail)
    units_merged.send(sender=Unit, source=source, target=target, actor=actor)
    return target
