"""Every change to source documents and their draft items: import, then review (GUIDE §2).

Each function takes the acting user explicitly, checks that the user runs the supervision
office (PermissionDenied otherwise), and runs in one transaction: a failure anywhere saves
nothing. Views and the `import_document` command call these; they never change models.

Import: the pipeline (reader → extractors → resolver) runs first, outside any transaction;
only a complete result is written, in one transaction, together with the uploaded file. If
the write fails the stored file is removed again, so no orphan file stays behind.

Review: a draft item is 待审核 until a person accepts (已确认) or rejects (已排除) it; merged
items point at the item they were merged into (已合并). Fixing an unresolved unit name saves
the written form as an alias of the chosen unit or group, so the next import resolves it.

Two supervisors may review the same document at once. Every review change bumps the item's
`version`; a caller that passes the version its form showed gets Conflict, and nothing
changed, when someone saved the item in between (callers that pass none are not checked).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from units.models import Unit, UnitGroup

from .extract.deadlines import parse_reporting_schedule
from .models import (
    DocumentKind,
    DocumentStatus,
    DraftItem,
    DraftItemUnit,
    ExtractionRun,
    ItemRole,
    ReportCycle,
    ReviewState,
    SourceDocument,
)

NO_ITEMS_MESSAGE = "未识别到工作任务条目，文件未保存。请确认文件是分工方案、实施方案或工作要点等含有工作任务的文件。"
UNCHANGED: dt.date = object()  # type: ignore[assignment]  - update_item: leave the deadline as it is


class ImportFailed(Exception):
    """The document could not be imported; `message` is shown to the user as it is (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(Exception):
    """Someone changed the draft item after the form was shown; nothing was changed.

    `current` is the item as it is now, its units loaded, for the screen that shows the person
    the current values while keeping what they typed.
    """

    def __init__(self, current: DraftItem, expected_version: int) -> None:
        self.current = current
        self.expected_version = expected_version
        self.current_units = list(current.units.select_related("unit", "group").order_by("role", "position", "id"))
        super().__init__(f"条目已被他人修改（版本 {expected_version} → {current.version}）")


# ---------------------------------------------------------------- helpers


def _require_supervisor(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_supervisor:
        raise PermissionDenied("仅督查室可以导入和审核文件")


def _get(obj, name: str, default=None):
    """Read a field of a pipeline result whether it is a dataclass or a dict."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _as_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


_KIND_BY_LABEL = {label: value for value, label in DocumentKind.choices}


def _kind(value) -> str:
    """The pipeline's document kind, as a value or as its Chinese label, else 其他."""
    value = str(value or "")
    if value in DocumentKind.values:
        return value
    return _KIND_BY_LABEL.get(value, DocumentKind.OTHER)


def _registry(registry=None):
    if registry is not None:
        return registry
    from units.resolver import Registry

    return Registry.load()


def _extract_file():
    from documents.pipeline import extract_file

    return extract_file


def _run_pipeline(file, filename: str, registry, max_bytes: int | None):
    """Reader + extractors + resolver, saving nothing. Raises ImportFailed with the reader's message."""
    from documents.readers.base import ReaderError

    try:
        return _extract_file()(file, filename, registry, max_bytes=max_bytes)
    except ReaderError as exc:
        raise ImportFailed(exc.message) from exc


def _max_bytes() -> int:
    from django.conf import settings

    return int(settings.MAX_UPLOAD_MB) * 1024 * 1024


@dataclass
class _Resolved:
    unit: Unit | None
    group: UnitGroup | None


def _place(entry, units_by_id, groups_by_id, units_by_name, groups_by_name) -> _Resolved:
    """The database unit or group a pipeline unit entry names, or neither (unresolved)."""
    unit_id, group_id = _get(entry, "unit_id"), _get(entry, "group_id")
    if unit_id is not None and unit_id in units_by_id:
        return _Resolved(units_by_id[unit_id], None)
    if group_id is not None and group_id in groups_by_id:
        return _Resolved(None, groups_by_id[group_id])
    canonical = _get(entry, "canonical") or _get(entry, "name") or ""
    if canonical and (unit_id is not None or group_id is not None or _get(entry, "method")):
        # A registry built from the fixture knows names but not database ids.
        if canonical in units_by_name:
            return _Resolved(units_by_name[canonical], None)
        if canonical in groups_by_name:
            return _Resolved(None, groups_by_name[canonical])
    return _Resolved(None, None)


# ---------------------------------------------------------------- import


def import_upload(uploaded_file, actor, *, registry=None, filename: str | None = None) -> SourceDocument:
    """Read, extract and save one uploaded document with its draft items, or save nothing.

    Rules: the file is read and its items extracted before anything is written; a file the
    readers refuse, or one with no recognisable work items (未识别到工作任务条目), raises
    ImportFailed and leaves no rows and no stored file. Unresolved unit names are kept on the
    items (flagged for review) and recorded in the registry's 未识别名称 queue.
    """
    _require_supervisor(actor)
    filename = filename or getattr(uploaded_file, "name", "") or "upload"
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1]
    registry = _registry(registry)
    started = time.monotonic()
    result = _run_pipeline(uploaded_file, filename, registry, _max_bytes())
    items = list(_get(result, "items", []) or [])
    if not items:
        raise ImportFailed(NO_ITEMS_MESSAGE)
    duration_ms = _get(result, "duration_ms") or int((time.monotonic() - started) * 1000)

    stored_name = ""
    try:
        with transaction.atomic():
            document = _create_document(uploaded_file, filename, actor, result)
            stored_name = document.file.name
            _create_items(document, actor, result, items, duration_ms)
    except BaseException:
        if stored_name:
            document.file.storage.delete(stored_name)
        raise
    return document


def _schedule_fields(phrase: str) -> dict:
    cycle, day = parse_reporting_schedule(phrase)
    return {"report_cycle": cycle, "report_due_day": day}


def _create_document(uploaded_file, filename: str, actor, result) -> SourceDocument:
    metadata = _get(result, "metadata") or {}
    document = SourceDocument(
        title=(_get(metadata, "title") or filename.rsplit(".", 1)[0])[:300],
        doc_number=(_get(metadata, "doc_number") or "")[:100],
        issuer=(_get(metadata, "issuer") or "")[:200],
        issued_date=_as_date(_get(metadata, "issued_date")),
        kind=_kind(_get(metadata, "kind")),
        original_filename=filename[:255],
        text=_get(result, "text") or "",
        reporting_schedule=(_get(metadata, "reporting_schedule") or "")[:200],
        **_schedule_fields(_get(metadata, "reporting_schedule") or ""),
        plan_indicators=[i for i in (_get(result, "indicators") or []) if isinstance(i, dict)],
        uploaded_by=actor,
        status=DocumentStatus.EXTRACTED,
    )
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    document.file.save(filename, uploaded_file if isinstance(uploaded_file, File) else File(uploaded_file), save=False)
    document.save()
    return document


def _create_items(document: SourceDocument, actor, result, items: Sequence, duration_ms: int) -> None:
    from units.services import record_unresolved

    run = ExtractionRun.objects.create(
        document=document,
        created_by=actor,
        reader=str(_get(result, "reader") or "")[:50],
        extractors=list(_get(result, "extractors") or []),
        item_count=len(items),
        warnings=[str(w) for w in (_get(result, "warnings") or [])],
        duration_ms=duration_ms,
    )
    units_by_id = {u.pk: u for u in Unit.objects.all()}
    groups_by_id = {g.pk: g for g in UnitGroup.objects.all()}
    units_by_name = {u.name: u for u in units_by_id.values()}
    groups_by_name = {g.name: g for g in groups_by_id.values()}
    unresolved: list[tuple[str, str]] = []
    rows: list[DraftItemUnit] = []
    for position, entry in enumerate(items, start=1):
        text = (_get(entry, "text") or "").strip()
        item = DraftItem.objects.create(
            document=document,
            run=run,
            position=position,
            number=str(_get(entry, "number") or "")[:30],
            section_path=[str(s) for s in (_get(entry, "section_path") or [])],
            text=text,
            lead_text=_get(entry, "lead_text") or "",
            support_text=_get(entry, "support_text") or "",
            responsible_leader=(_get(entry, "responsible_leader") or "")[:100],
            deadline_text=(_get(entry, "deadline_text") or "")[:200],
            deadline=_as_date(_get(entry, "deadline")),
            ongoing=bool(_get(entry, "ongoing")),
            recurrence=str(_get(entry, "recurrence") or "")[:50],
            indicators=list(_get(entry, "indicators") or []),
            extra={**(_get(entry, "extra") or {}), "kind": _get(entry, "kind") or ""},
            source_start=_get(entry, "source_start"),
            source_end=_get(entry, "source_end"),
        )
        for role, key in ((ItemRole.LEAD, "lead_units"), (ItemRole.SUPPORT, "support_units")):
            for unit_position, unit_entry in enumerate(_get(entry, key) or [], start=1):
                placed = _place(unit_entry, units_by_id, groups_by_id, units_by_name, groups_by_name)
                written = str(_get(unit_entry, "written") or _get(unit_entry, "canonical") or "").strip()[:200]
                if not written:
                    continue
                rows.append(
                    DraftItemUnit(
                        item=item,
                        position=unit_position,
                        role=role,
                        written=written,
                        unit=placed.unit,
                        group=placed.group,
                        method=str(_get(unit_entry, "method") or "")[:20],
                        score=_get(unit_entry, "score"),
                    )
                )
                if placed.unit is None and placed.group is None:
                    unresolved.append((written, f"{document.title} 第{item.number or position}项"))
    DraftItemUnit.objects.bulk_create(rows)
    for written, context in unresolved:
        record_unresolved(written, context)
    run.unresolved_count = len(unresolved)
    run.save(update_fields=["unresolved_count"])


# ---------------------------------------------------------------- review


def _lock_item(item: DraftItem, version: int | None = None) -> DraftItem:
    """Re-read the item under a row lock; refuse a published or merged item, and a stale version."""
    current = (
        DraftItem.objects.select_for_update(of=("self",)).select_related("document", "reviewed_by").get(pk=item.pk)
    )
    if current.state == ReviewState.PUBLISHED:
        raise ValidationError("该条目已发布，不能再修改")
    if current.state == ReviewState.MERGED:
        raise ValidationError("该条目已合并到其他条目")
    if version is not None and int(version) != current.version:
        raise Conflict(current, int(version))
    return current


def _touch(item: DraftItem, actor, now: dt.datetime, fields: Iterable[str] = ()) -> None:
    """Save a review change: who and when, and a new version so older forms are refused."""
    item.reviewed_by = actor
    item.reviewed_at = now
    item.version += 1
    item.save(update_fields=[*fields, "reviewed_by", "reviewed_at", "version"])


def resolve_name(written: str, registry=None) -> _Resolved:
    """The one unit or group a typed name names (exact name, alias, abbreviation), else neither."""
    from units.resolver import resolve

    written = (written or "").strip()
    if not written:
        return _Resolved(None, None)
    unit = Unit.objects.filter(name=written).first() or Unit.objects.filter(short_name=written).first()
    if unit:
        return _Resolved(unit, None)
    group = UnitGroup.objects.filter(name=written).first()
    if group:
        return _Resolved(None, group)
    resolution = resolve(written, _registry(registry))
    if len(resolution.matches) == 1 and not resolution.leftover:
        match = resolution.matches[0]
        if match.unit_id:
            return _Resolved(Unit.objects.filter(pk=match.unit_id).first(), None)
        if match.group_id:
            return _Resolved(None, UnitGroup.objects.filter(pk=match.group_id).first())
    return _Resolved(None, None)


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


def _set_units(item: DraftItem, role: str, names: Sequence[str], registry) -> None:
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
    A name listed as both lead and support stays lead only. Conflict when `version` is stale.
    """
    _require_supervisor(actor)
    now = timezone.now()
    item = _lock_item(item, version)
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
        registry = _registry(registry)
        if lead_names is not None:
            _set_units(item, ItemRole.LEAD, list(dict.fromkeys(lead_names)), registry)
            item.lead_text = "、".join(lead_names)
            fields.append("lead_text")
        if support_names is not None:
            leads = set(lead_names or item.units.filter(role=ItemRole.LEAD).values_list("written", flat=True))
            names = [n for n in dict.fromkeys(support_names) if n not in leads]
            _set_units(item, ItemRole.SUPPORT, names, registry)
            item.support_text = "、".join(names)
            fields.append("support_text")
    _touch(item, actor, now, fields)
    return item


@transaction.atomic
def add_item_unit(
    actor, item: DraftItem, written: str, role: str = ItemRole.SUPPORT, *, registry=None, version: int | None = None
):
    """Add one unit (typed by name, resolved against the registry) to an item in a role."""
    _require_supervisor(actor)
    if role not in ItemRole.values:
        raise ValidationError("角色无效")
    written = (written or "").strip()
    if not written:
        raise ValidationError("请填写单位名称")
    item = _lock_item(item, version)
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
    _touch(item, actor, timezone.now())
    return row


@transaction.atomic
def remove_item_unit(actor, item_unit: DraftItemUnit, *, version: int | None = None) -> DraftItem:
    _require_supervisor(actor)
    item = _lock_item(item_unit.item, version)
    DraftItemUnit.objects.filter(pk=item_unit.pk).delete()
    _touch(item, actor, timezone.now())
    return item


@transaction.atomic
def set_unit_role(actor, item_unit: DraftItemUnit, role: str, *, version: int | None = None) -> DraftItemUnit:
    """Make one of an item's units lead (牵头) or support (配合)."""
    _require_supervisor(actor)
    if role not in ItemRole.values:
        raise ValidationError("角色无效")
    item = _lock_item(item_unit.item, version)
    item_unit.role = role
    item_unit.save(update_fields=["role"])
    _touch(item, actor, timezone.now())
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
    from units.models import UnresolvedName
    from units.services import RegistryError, add_alias, map_unresolved

    _require_supervisor(actor)
    if (unit is None) == (group is None):
        raise ValidationError("请选择一个单位或单位组")
    item = _lock_item(item_unit.item, version)
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
    _touch(item, actor, timezone.now())
    return item_unit


def _set_state(actor, item: DraftItem, state: str, version: int | None) -> DraftItem:
    _require_supervisor(actor)
    item = _lock_item(item, version)
    item.state = state
    _touch(item, actor, timezone.now(), ["state"])
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
    `versions` maps item ids to the versions the screen showed: Conflict if any is stale.
    """
    _require_supervisor(actor)
    if len({i.pk for i in items}) < 2:
        raise ValidationError("请至少选择两个条目进行合并")
    versions = versions or {}
    locked = sorted(
        (_lock_item(i, versions.get(i.pk)) for i in sorted(items, key=lambda i: i.pk)),
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
        _touch(other, actor, now, ["state", "merged_into"])
    _touch(target, actor, now, ["text", "source_start", "source_end", "deadline", "deadline_text", "ongoing"])
    return target


@transaction.atomic
def split(
    actor, item: DraftItem, *, at: int | None = None, line: int | None = None, version: int | None = None
) -> DraftItem:
    """Split an item in two at a character offset of its text or before one of its lines (0-based).

    The first part stays on the item; the second becomes a new pending item right after it
    with the same section, units, deadline and source range. Returns the new item.
    Conflict when `version` is stale.
    """
    _require_supervisor(actor)
    item = _lock_item(item, version)
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
    _touch(item, actor, now, ["text"])
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
    _require_supervisor(actor)
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
        _touch(item, actor, now, ["state"])
        count += 1
    return count


def set_reporting_schedule(actor, document: SourceDocument, *, cycle: str, due_day: int | None) -> SourceDocument:
    """督查室 corrects the document's reporting schedule (cycle + due day).

    Tasks published from now on take it; tasks already published keep theirs (each is edited on
    its own page). Weekly and half-monthly cycles carry no day.
    """
    _require_supervisor(actor)
    if cycle not in ReportCycle.values:
        raise ValidationError("报送周期无效")
    if due_day is not None and not 1 <= int(due_day) <= 31:
        raise ValidationError("报送截止日须为 1–31")
    if not cycle or cycle in (ReportCycle.WEEKLY, ReportCycle.BIWEEKLY):
        due_day = None
    document.report_cycle, document.report_due_day = cycle, due_day
    document.save(update_fields=["report_cycle", "report_due_day"])
    return document
