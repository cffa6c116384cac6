"""Reviewing draft items: a draft item is 待审核 until a person accepts (已确认) or rejects
(已排除) it; merged items point at the item they were merged into (已合并). Fixing an unresolved
unit name saves the written form as an alias of the chosen unit or group, so the next import
resolves it.

Two supervisors may review the same document at once. Every review change bumps the item's
`version`; a caller that passes the version its form showed gets StaleVersion, and nothing
changed, when someone saved the item in between (callers that pass none are not checked).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.guards import require_supervisor
from units.models import Unit, UnitGroup, UnresolvedName
from units.resolver import fold
from units.services import RegistryError, add_alias, map_unresolved

from ..models import (
    DraftItem,
    DraftItemUnit,
    ItemRole,
    ReviewState,
    SourceDocument,
)
from ._core import SUPERVISOR_ONLY, lock_item, registry_or_loaded, resolve_name, touch

UNCHANGED: dt.date = object()  # type: ignore[assignment]  - update_item: leave the deadline as it is


def split_names(text: str) -> list[str]:
    """Names typed into one box, separated by 、，,；; or line breaks outside brackets.

    各街道（乡、镇） stays one name: a separator inside （…） or (…) belongs to the name.
    """
    names, current, depth = [], [], 0
    for ch in text or "":
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、，,；;\n":
            names.append("".join(current))
            current = []
            continue
        current.append(ch)
    names.append("".join(current))
    return [name.strip() for name in names if name.strip()]


def set_item_units(item: DraftItem, role: str, names: Sequence[str], registry) -> None:
    """Replace the item's units of one role by `names`, keeping what was already resolved for a name."""
    existing = {u.written: u for u in item.units.filter(role=role)}
    keep_ids = []
    for position, name in enumerate(names, start=1):
        row = existing.get(name)
        if row is not None:
            row.position = position
            row.save(update_fields=["position"])
            keep_ids.append(row.pk)
            continue
        placed = resolve_name(name, registry)
        row = DraftItemUnit.objects.create(
            item=item,
            role=role,
            position=position,
            written=name[:200],
            unit=placed.unit,
            group=placed.group,
            method="manual" if (placed.unit or placed.group) else "",
            score=1.0 if (placed.unit or placed.group) else None,
        )
        keep_ids.append(row.pk)
    item.units.filter(role=role).exclude(pk__in=keep_ids).delete()


@transaction.atomic
def update_item(
    actor,
    item: DraftItem,
    *,
    text: str | None = None,
    deadline: dt.date | None = UNCHANGED,  # type: ignore[assignment]
    deadline_text: str | None = None,
    ongoing: bool | None = None,
    responsible_leader: str | None = None,
    lead_names: Sequence[str] | None = None,
    support_names: Sequence[str] | None = None,
    registry=None,
    version: int | None = None,
) -> DraftItem:
    """Edit an item's text, deadline and units. Only the arguments given change.

    Units are given by name per role; a name that was already on the item keeps its
    resolution, a new name is resolved against the registry (unresolved ones are flagged).
    A name listed as both lead and support stays lead only. StaleVersion when `version` is stale.
    """
    require_supervisor(actor, SUPERVISOR_ONLY)
    now = timezone.now()
    item = lock_item(item, version)
    fields = []
    if text is not None:
        text = text.strip()
        if not text:
            raise ValidationError("任务内容不能为空")
        item.text = text
        fields.append("text")
    if deadline is not UNCHANGED:
        item.deadline = deadline
        fields.append("deadline")
    if deadline_text is not None:
        item.deadline_text = deadline_text.strip()[:200]
        fields.append("deadline_text")
    if ongoing is not None:
        item.ongoing = bool(ongoing)
        fields.append("ongoing")
    if responsible_leader is not None:
        item.responsible_leader = responsible_leader.strip()[:100]
        fields.append("responsible_leader")
    if lead_names is not None or support_names is not None:
        registry = registry_or_loaded(registry)
        if lead_names is not None:
            set_item_units(item, ItemRole.LEAD, list(dict.fromkeys(lead_names)), registry)
            item.lead_text = "、".join(lead_names)
            fields.append("lead_text")
        if support_names is not None:
            leads = set(lead_names or item.units.filter(role=ItemRole.LEAD).values_list("written", flat=True))
            names = [n for n in dict.fromkeys(support_names) if n not in leads]
            set_item_units(item, ItemRole.SUPPORT, names, registry)
            item.support_text = "、".join(names)
            fields.append("support_text")
    touch(item, actor, now, fields)
    return item


@transaction.atomic
def add_item_unit(
    actor, item: DraftItem, written: str, role: str = ItemRole.SUPPORT, *, registry=None, version: int | None = None
):
    """Add one unit (typed by name, resolved against the registry) to an item in a role."""
    require_supervisor(actor, SUPERVISOR_ONLY)
    if role not in ItemRole.values:
        raise ValidationError("角色无效")
    written = (written or "").strip()
    if not written:
        raise ValidationError("请填写单位名称")
    item = lock_item(item, version)
    placed = resolve_name(written, registry)
    duplicate = item.units.filter(written=written)
    if placed.unit:
        duplicate = item.units.filter(unit=placed.unit)
    elif placed.group:
        duplicate = item.units.filter(group=placed.group)
    if duplicate.exists():
        raise ValidationError(f"{written} 已在该条目中")
    last = item.units.filter(role=role).order_by("-position").first()
    row = DraftItemUnit.objects.create(
        item=item,
        role=role,
        position=(last.position + 1) if last else 1,
        written=written[:200],
        unit=placed.unit,
        group=placed.group,
        method="manual" if (placed.unit or placed.group) else "",
        score=1.0 if (placed.unit or placed.group) else None,
    )
    touch(item, actor, timezone.now())
    return row


@transaction.atomic
def remove_item_unit(actor, item_unit: DraftItemUnit, *, version: int | None = None) -> DraftItem:
    require_supervisor(actor, SUPERVISOR_ONLY)
    item = lock_item(item_unit.item, version)
    DraftItemUnit.objects.filter(pk=item_unit.pk).delete()
    touch(item, actor, timezone.now())
    return item


@transaction.atomic
def set_unit_role(actor, item_unit: DraftItemUnit, role: str, *, version: int | None = None) -> DraftItemUnit:
    """Make one of an item's units lead (牵头) or support (配合)."""
    require_supervisor(actor, SUPERVISOR_ONLY)
    if role not in ItemRole.values:
        raise ValidationError("角色无效")
    item = lock_item(item_unit.item, version)
    item_unit.role = role
    item_unit.save(update_fields=["role"])
    touch(item, actor, timezone.now())
    return item_unit


@transaction.atomic
def set_item_unit(
    actor,
    item_unit: DraftItemUnit,
    *,
    unit: Unit | None = None,
    group: UnitGroup | None = None,
    version: int | None = None,
) -> DraftItemUnit:
    """Fix a unit name on an item by choosing the unit or group it means.

    The written form becomes an alias of the choice (units.services.add_alias), so the next
    import resolves it; every other still-unresolved occurrence of the same written name in
    the same document is fixed with it.
    """

    require_supervisor(actor, SUPERVISOR_ONLY)
    if (unit is None) == (group is None):
        raise ValidationError("请选择一个单位或单位组")
    item = lock_item(item_unit.item, version)
    item_unit = DraftItemUnit.objects.select_for_update().get(pk=item_unit.pk)
    written = item_unit.written
    queued = UnresolvedName.objects.filter(text="".join(written.split()), resolved_at__isnull=True).first()
    try:
        if queued is not None:
            map_unresolved(queued, unit, group, actor=actor)
        else:
            add_alias(unit or group, written, actor)
    except RegistryError as exc:
        raise ValidationError(str(exc)) from exc
    same = DraftItemUnit.objects.filter(
        item__document=item.document, written=written, unit__isnull=True, group__isnull=True
    ).exclude(item__state__in=(ReviewState.PUBLISHED, ReviewState.MERGED))
    others = same.exclude(pk=item_unit.pk)
    # The other items changed too: their open forms are now stale.
    DraftItem.objects.filter(pk__in=others.values("item")).exclude(pk=item.pk).update(version=F("version") + 1)
    others.update(unit=unit, group=group, method="manual", score=1.0)
    item_unit.unit, item_unit.group, item_unit.method, item_unit.score = unit, group, "manual", 1.0
    item_unit.save(update_fields=["unit", "group", "method", "score"])
    touch(item, actor, timezone.now())
    return item_unit


def apply_alias(written: str, *, unit: Unit | None = None, group: UnitGroup | None = None) -> int:
    """A name now known (a new alias) is resolved in every draft item still in review.

    Rule: each unresolved unit row whose written form folds to the same key (brackets of either
    width and spaces ignored, units.resolver.fold) takes the unit or group, in every document,
    on items not yet published or merged; those items' open forms become stale (version + 1).
    Returns how many rows changed. Called by the units app's `alias_added` signal, inside the
    transaction that saved the alias.
    """
    if (unit is None) == (group is None):
        return 0
    key = fold(written)
    in_review = DraftItemUnit.objects.filter(unit__isnull=True, group__isnull=True).exclude(
        item__state__in=(ReviewState.PUBLISHED, ReviewState.MERGED)
    )
    ids = [pk for pk, text in in_review.values_list("pk", "written") if fold(text) == key]
    if not ids:
        return 0
    rows = DraftItemUnit.objects.filter(pk__in=ids)
    DraftItem.objects.filter(pk__in=rows.values("item")).update(version=F("version") + 1)
    return rows.update(unit=unit, group=group, method="alias", score=1.0)


def _set_state(actor, item: DraftItem, state: str, version: int | None) -> DraftItem:
    require_supervisor(actor, SUPERVISOR_ONLY)
    item = lock_item(item, version)
    item.state = state
    touch(item, actor, timezone.now(), ["state"])
    return item


@transaction.atomic
def accept(actor, item: DraftItem, *, version: int | None = None) -> DraftItem:
    """确认: the item will become a task when the document is published."""
    return _set_state(actor, item, ReviewState.ACCEPTED, version)


@transaction.atomic
def reject(actor, item: DraftItem, *, version: int | None = None) -> DraftItem:
    """排除: the item is not work to track (a heading, a note, a duplicate)."""
    return _set_state(actor, item, ReviewState.REJECTED, version)


@transaction.atomic
def reopen(actor, item: DraftItem, *, version: int | None = None) -> DraftItem:
    """Back to 待审核 after an accept or a reject."""
    return _set_state(actor, item, ReviewState.PENDING, version)


@transaction.atomic
def merge(actor, items: Sequence[DraftItem], *, versions: dict[int, int] | None = None) -> DraftItem:
    """Merge items into the first (by position): texts joined in order, units unioned.

    A unit on several items keeps the strongest role (lead over support); the source range
    spans all of them; the first item's deadline wins, else the first one given.
    `versions` maps item ids to the versions the screen showed: StaleVersion if any is stale.
    """
    require_supervisor(actor, SUPERVISOR_ONLY)
    if len({i.pk for i in items}) < 2:
        raise ValidationError("请至少选择两个条目进行合并")
    versions = versions or {}
    locked = sorted(
        (lock_item(i, versions.get(i.pk)) for i in sorted(items, key=lambda i: i.pk)),
        key=lambda i: (i.position, i.pk),
    )
    if len({i.document_id for i in locked}) != 1:
        raise ValidationError("只能合并同一文件中的条目")
    target, others = locked[0], locked[1:]
    now = timezone.now()
    target.text = "\n".join(i.text for i in locked)
    starts = [i.source_start for i in locked if i.source_start]
    ends = [i.source_end for i in locked if i.source_end]
    target.source_start = min(starts) if starts else None
    target.source_end = max(ends) if ends else None
    for other in others:
        if target.deadline is None and other.deadline is not None:
            target.deadline, target.deadline_text = other.deadline, other.deadline_text
        target.ongoing = target.ongoing or other.ongoing
    seen: dict[tuple, DraftItemUnit] = {}
    for row in target.units.all():
        seen[(row.unit_id, row.group_id, row.written if not (row.unit_id or row.group_id) else "")] = row
    next_position = {role: target.units.filter(role=role).count() for role in ItemRole.values}
    for other in others:
        for row in other.units.all():
            key = (row.unit_id, row.group_id, row.written if not (row.unit_id or row.group_id) else "")
            if key in seen:
                kept = seen[key]
                if row.role == ItemRole.LEAD and kept.role != ItemRole.LEAD:
                    kept.role = ItemRole.LEAD
                    kept.save(update_fields=["role"])
                continue
            next_position[row.role] += 1
            seen[key] = DraftItemUnit.objects.create(
                item=target,
                role=row.role,
                position=next_position[row.role],
                written=row.written,
                unit=row.unit,
                group=row.group,
                method=row.method,
                score=row.score,
            )
        other.state = ReviewState.MERGED
        other.merged_into = target
        touch(other, actor, now, ["state", "merged_into"])
    touch(target, actor, now, ["text", "source_start", "source_end", "deadline", "deadline_text", "ongoing"])
    return target


@transaction.atomic
def split(
    actor, item: DraftItem, *, at: int | None = None, line: int | None = None, version: int | None = None
) -> DraftItem:
    """Split an item in two at a character offset of its text or before one of its lines (0-based).

    The first part stays on the item; the second becomes a new pending item right after it
    with the same section, units, deadline and source range. Returns the new item.
    StaleVersion when `version` is stale.
    """
    require_supervisor(actor, SUPERVISOR_ONLY)
    item = lock_item(item, version)
    if line is not None:
        lines = item.text.split("\n")
        if not 0 < int(line) < len(lines):
            raise ValidationError("拆分位置无效")
        at = len("\n".join(lines[: int(line)])) + 1
    if at is None or not 0 < int(at) < len(item.text):
        raise ValidationError("拆分位置无效")
    at = int(at)
    first, second = item.text[:at].strip(), item.text[at:].strip()
    if not first or not second:
        raise ValidationError("拆分后两部分都不能为空")
    now = timezone.now()
    DraftItem.objects.filter(document=item.document, position__gt=item.position).update(position=F("position") + 1)
    new = DraftItem.objects.create(
        document=item.document,
        run=item.run,
        position=item.position + 1,
        number=f"{item.number}-2" if item.number else "",
        section_path=item.section_path,
        text=second,
        lead_text=item.lead_text,
        support_text=item.support_text,
        responsible_leader=item.responsible_leader,
        deadline_text=item.deadline_text,
        deadline=item.deadline,
        ongoing=item.ongoing,
        recurrence=item.recurrence,
        indicators=[],
        extra=dict(item.extra),
        source_start=item.source_start,
        source_end=item.source_end,
        reviewed_by=actor,
        reviewed_at=now,
    )
    DraftItemUnit.objects.bulk_create(
        DraftItemUnit(
            item=new,
            role=row.role,
            position=row.position,
            written=row.written,
            unit=row.unit,
            group=row.group,
            method=row.method,
            score=row.score,
        )
        for row in item.units.all()
    )
    item.text = first
    touch(item, actor, now, ["text"])
    return new


def groups_with_members(groups: Iterable[UnitGroup]) -> set[int]:
    """The ids of the groups that name at least one active unit (UnitGroup.member_units() is
    not empty): an active explicit member, or an active unit of one of the group's kinds.

    Two queries however many groups, so a screen of items asks once, not once per group.
    """
    groups = {g.pk: g for g in groups if g is not None}
    if not groups:
        return set()
    through = UnitGroup.members.through
    found = set(
        through.objects.filter(unitgroup_id__in=list(groups), unit__active=True).values_list("unitgroup_id", flat=True)
    )
    if any(g.kinds for pk, g in groups.items() if pk not in found):
        active_kinds = set(Unit.objects.active().order_by().values_list("kind", flat=True).distinct())
        found |= {pk for pk, g in groups.items() if set(g.kinds or ()) & active_kinds}
    return found


def blockers(item: DraftItem, *, with_members: set[int] | None = None) -> list[str]:
    """Why an item cannot become a task yet (empty when it can).

    An item needs at least one unit; every unit name must be resolved; a group whose members
    a person must pick (needs_confirmation) or that has no members must be replaced by units.
    `with_members` is groups_with_members() computed once for many items; without it the
    item's own groups are looked up.
    """
    reasons = []
    rows = list(item.units.all())
    if not rows:
        reasons.append("未指定承办单位")
    if with_members is None:
        with_members = groups_with_members(row.group for row in rows if row.group_id is not None)
    for row in rows:
        if row.unit_id is None and row.group_id is None:
            reasons.append(f"单位“{row.written}”未识别")
        elif row.group_id is not None:
            if row.group.needs_confirmation:
                reasons.append(f"单位组“{row.group.name}”需确认具体单位")
            elif row.group_id not in with_members:
                reasons.append(f"单位组“{row.group.name}”没有成员单位")
    return reasons


@transaction.atomic
def accept_all_resolved(actor, document: SourceDocument) -> int:
    """Accept every pending item of a document whose units are all resolved; returns how many."""
    require_supervisor(actor, SUPERVISOR_ONLY)
    now = timezone.now()
    count = 0
    pending = list(
        document.items.select_for_update(of=("self",))
        .filter(state=ReviewState.PENDING)
        .prefetch_related("units__group")
    )
    with_members = groups_with_members(row.group for item in pending for row in item.units.all() if row.group_id)
    for item in pending:
        if blockers(item, with_members=with_members):
            continue
        item.state = ReviewState.ACCEPTED
        touch(item, actor, now, ["state"])
        count += 1
    return count


def mark_published(items: Iterable[DraftItem]) -> None:
    """Publishing (tasks) has turned these accepted items into tasks: they leave review for good.

    Called inside the publishing transaction; the items' rows were read by the caller.
    """
    ids = [item.pk for item in items]
    DraftItem.objects.filter(pk__in=ids).update(state=ReviewState.PUBLISHED, version=F("version") + 1)
    for item in items:
        item.state = ReviewState.PUBLISHED
