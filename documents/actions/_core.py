"""The private core of the document actions: the supervisor check's wording, the draft item's
lock with its version check, and how a written unit name is placed in the registry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from accounts.guards import StaleVersion, lock_versioned
from units.models import Unit, UnitGroup
from units.registry import current_registry
from units.resolver import Registry, resolve

from ..models import (
    DraftItem,
    ReviewState,
)

SUPERVISOR_ONLY = "仅督查室可以导入和审核文件"


def registry_or_loaded(registry=None) -> Registry:
    """The registry the caller passed (tests, imports of many files), else the database's."""
    return registry if registry is not None else current_registry()


def lock_item(item: DraftItem, version: int | None = None) -> DraftItem:
    """Re-read the item under a row lock; refuse a published or merged item, and a stale version."""
    queryset = DraftItem.objects.select_related("document", "reviewed_by")
    stale = None
    try:
        current = lock_versioned(queryset, item.pk, version, of=("self",))
    except StaleVersion as exc:
        current, stale = exc.current, exc
    if current.state == ReviewState.PUBLISHED:
        raise ValidationError("该条目已发布，不能再修改")
    if current.state == ReviewState.MERGED:
        raise ValidationError("该条目已合并到其他条目")
    if stale is not None:
        stale.message = f"条目已被他人修改（版本 {stale.expected_version} → {stale.current_version}）"
        raise stale
    return current


def touch(item: DraftItem, actor, now: dt.datetime, fields: Iterable[str] = ()) -> None:
    """Save a review change: who and when, and a new version so older forms are refused."""
    item.reviewed_by = actor
    item.reviewed_at = now
    item.version += 1
    item.save(update_fields=[*fields, "reviewed_by", "reviewed_at", "version"])


@dataclass
class Resolved:
    unit: Unit | None
    group: UnitGroup | None


def resolve_name(written: str, registry=None) -> Resolved:
    """The one unit or group a typed name names (exact name, alias, abbreviation), else neither."""

    written = (written or "").strip()
    if not written:
        return Resolved(None, None)
    unit = Unit.objects.filter(name=written).first() or Unit.objects.filter(short_name=written).first()
    if unit:
        return Resolved(unit, None)
    group = UnitGroup.objects.filter(name=written).first()
    if group:
        return Resolved(None, group)
    resolution = resolve(written, registry_or_loaded(registry))
    if len(resolution.matches) == 1 and not resolution.leftover:
        match = resolution.matches[0]
        if match.unit_id:
            return Resolved(Unit.objects.filter(pk=match.unit_id).first(), None)
        if match.group_id:
            return Resolved(None, UnitGroup.objects.filter(pk=match.group_id).first())
    return Resolved(None, None)
