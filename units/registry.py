"""Load a district's unit registry from its JSON file into the database.

The registry is per-deployment data, not code. The file (fixtures/units_changjiang.json is
昌江区's) looks like::

    {
      "format": "duban-units/1",
      "district": "景德镇市昌江区",
      "units": [
        {"name": "区发展和改革委员会", "short_name": "区发改委", "kind": "区直部门",
         "aliases": ["区发展改革委"], "sort_order": 120},
        {"name": "城管一中队", "kind": "其他", "parent": "区城市管理局"},
        {"name": "吕蒙乡", "kind": "乡镇", "active": false, "successor": "吕蒙街道", "note": "撤乡设街道"}
      ],
      "groups": [
        {"name": "各乡镇（街道）", "kinds": ["乡镇", "街道"], "aliases": ["各街道（乡、镇）"]},
        {"name": "区直有关单位", "needs_confirmation": true},
        {"name": "…成员单位", "members": ["区委宣传部", "区发展和改革委员会"]}
      ]
    }

`kind` takes a UnitKind label (区直部门 / 乡镇 / 街道 / 垂直管理单位 / 国有企业 / 议事协调机构 / 其他)
or its value (department, township …). `parent`, `successor` and group `members` name units
by full name. Only `name` is required.

Loading is idempotent: a unit is found by its full name and only changed fields are saved;
aliases are added, never taken from another unit (a clash is counted, not applied); nothing in
the database that the file does not mention is touched.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import GroupAlias, Unit, UnitAlias, UnitEvent, UnitGroup
from .resolver import DEFAULT_FIXTURE, GroupRecord, Registry, UnitRecord, kind_value

UNIT_FIELDS = ("short_name", "kind", "sort_order", "active", "note", "valid_from", "valid_to")


def read_registry_file(path: str | Path | None = None) -> dict:
    path = Path(path) if path else DEFAULT_FIXTURE
    return json.loads(path.read_text(encoding="utf-8"))


def _unit_values(row: dict, position: int) -> dict:
    values = {
        "short_name": row.get("short_name", ""),
        "kind": kind_value(row.get("kind", "department")),
        "sort_order": row.get("sort_order", 1000 + position),
        "active": row.get("active", True),
        "note": row.get("note", ""),
        "valid_from": date.fromisoformat(row["valid_from"]) if row.get("valid_from") else None,
        "valid_to": date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None,
    }
    if values["short_name"] == row["name"]:
        values["short_name"] = ""
    return values


@transaction.atomic
def load_registry(path: str | Path | None = None, actor=None) -> dict[str, int]:
    """Create or update the units, aliases and groups of a registry file; returns counts.

    Running it twice changes nothing the second time (every count but `unchanged` is 0).
    """
    data = read_registry_file(path)
    counts = dict.fromkeys(
        (
            "units_created",
            "units_updated",
            "aliases_created",
            "alias_conflicts",
            "groups_created",
            "groups_updated",
            "group_aliases_created",
            "group_members_added",
            "unchanged",
        ),
        0,
    )
    rows = data.get("units", [])
    units: dict[str, Unit] = {}
    for position, row in enumerate(rows):
        values = _unit_values(row, position)
        unit = Unit.objects.filter(name=row["name"]).first()
        if unit is None:
            unit = Unit.objects.create(name=row["name"], **values)
            UnitEvent.objects.create(unit=unit, actor=actor, action="导入", detail="由单位名录文件创建")
            counts["units_created"] += 1
        else:
            changed = [f for f in UNIT_FIELDS if getattr(unit, f) != values[f]]
            if changed:
                for f in changed:
                    setattr(unit, f, values[f])
                unit.save(update_fields=changed)
                UnitEvent.objects.create(
                    unit=unit, actor=actor, action="导入更新", detail="更新字段：" + "、".join(changed)
                )
                counts["units_updated"] += 1
            else:
                counts["unchanged"] += 1
        units[unit.name] = unit

    def by_name(name: str) -> Unit:
        if name not in units:
            units[name] = Unit.objects.get(name=name)
        return units[name]

    for row in rows:
        unit = units[row["name"]]
        links = {}
        if row.get("parent"):
            links["parent_id"] = by_name(row["parent"]).pk
        if row.get("successor"):
            links["successor_id"] = by_name(row["successor"]).pk
        changed = [f for f, v in links.items() if getattr(unit, f) != v]
        if changed:
            for f in changed:
                setattr(unit, f, links[f])
            unit.save(update_fields=[f.removesuffix("_id") for f in changed])
        for alias in row.get("aliases", []):
            owner = UnitAlias.objects.filter(alias=alias).values_list("unit_id", flat=True).first()
            if owner is None:
                UnitAlias.objects.create(unit=unit, alias=alias, created_by=actor)
                counts["aliases_created"] += 1
            elif owner != unit.pk:
                counts["alias_conflicts"] += 1

    for row in data.get("groups", []):
        values = {
            "kinds": [kind_value(k) for k in row.get("kinds", [])],
            "needs_confirmation": row.get("needs_confirmation", False),
            "note": row.get("note", ""),
        }
        group = UnitGroup.objects.filter(name=row["name"]).first()
        if group is None:
            group = UnitGroup.objects.create(name=row["name"], **values)
            counts["groups_created"] += 1
        else:
            changed = [f for f, v in values.items() if getattr(group, f) != v]
            if changed:
                for f in changed:
                    setattr(group, f, values[f])
                group.save(update_fields=changed)
                counts["groups_updated"] += 1
        wanted = {by_name(n).pk for n in row.get("members", [])}
        missing = wanted - set(group.members.values_list("pk", flat=True))
        if missing:
            group.members.add(*missing)
            counts["group_members_added"] += len(missing)
        for alias in row.get("aliases", []):
            if not GroupAlias.objects.filter(alias=alias).exists():
                GroupAlias.objects.create(group=group, alias=alias, created_by=actor)
                counts["group_aliases_created"] += 1
    return counts


def registry_from_db() -> Registry:
    """Every unit (retired ones map to their successors), alias and group in the database.

    The rows are read on every call (four queries, plain tuples); the Registry built from them
    (its indexes over every written form: most of the cost, growing with the units) is kept per
    process and reused while the rows read are exactly the same. Any change to a unit, alias or
    group, however it was made, gives other rows and so a new Registry."""
    alias_rows = tuple(UnitAlias.objects.values_list("unit_id", "alias"))
    unit_rows = tuple(
        Unit.objects.order_by("sort_order", "pk").values_list(
            "pk", "name", "short_name", "kind", "active", "successor_id", "successor__name"
        )
    )
    group_alias_rows = tuple(GroupAlias.objects.values_list("group_id", "alias"))
    group_rows = tuple(UnitGroup.objects.order_by("pk").values_list("pk", "name"))
    key = (alias_rows, unit_rows, group_alias_rows, group_rows, settings.DUBAN_DISTRICT)
    kept = _BUILT.get("db")
    if kept is not None and kept[0] == key:
        return kept[1]
    aliases: dict[int, list[str]] = {}
    for unit_id, alias in alias_rows:
        aliases.setdefault(unit_id, []).append(alias)
    units = [
        UnitRecord(
            name=name,
            short_name=short_name,
            kind=kind,
            aliases=aliases.get(pk, []),
            active=active,
            successor=successor_name if successor_id else "",
            id=pk,
        )
        for pk, name, short_name, kind, active, successor_id, successor_name in unit_rows
    ]
    group_aliases: dict[int, list[str]] = {}
    for group_id, alias in group_alias_rows:
        group_aliases.setdefault(group_id, []).append(alias)
    groups = [GroupRecord(name=name, aliases=group_aliases.get(pk, []), id=pk) for pk, name in group_rows]
    registry = Registry(units, groups, source="db", district=settings.DUBAN_DISTRICT)
    _BUILT["db"] = (key, registry)
    return registry


# The last Registry built from the database, with the rows it was built from (one per process).
_BUILT: dict[str, tuple[tuple, Registry]] = {}


def current_registry() -> Registry:
    """The registry names are resolved against: the database's units, aliases and groups.

    While the database holds no unit yet (a fresh install before `load_units`, the `extract`
    command on a new machine) the bundled registry file stands in. A database that cannot be
    read raises: a production fault must show, not resolve names against stale data.
    """
    if Unit.objects.exists():
        return registry_from_db()
    return Registry.from_fixture()
