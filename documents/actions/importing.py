"""Importing a document: the pipeline (reader → extractors → resolver) runs first, outside any
transaction; only a complete result is written, in one transaction, together with the uploaded
file. If the write fails the stored file is removed again, so no orphan file stays behind."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Sequence

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.guards import require_supervisor
from documents.pipeline import extract_file
from documents.readers.base import ReaderError
from units.models import Unit, UnitGroup
from units.services import record_unresolved

from ..models import (
    DocumentKind,
    DocumentStatus,
    DraftItem,
    DraftItemUnit,
    ExtractionRun,
    ItemRole,
    SourceDocument,
)
from ._core import SUPERVISOR_ONLY, Resolved, registry_or_loaded
from .schedule import schedule_fields


class ImportFailed(Exception):
    """The document could not be imported; `message` is shown to the user as it is (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AlreadyImported(ImportFailed):
    """The file (same bytes, or the same 文号 and title) was imported before; nothing was saved.

    `document` is the earlier import, for the message's link.
    """

    def __init__(self, document: SourceDocument, reason: str) -> None:
        when = timezone.localtime(document.created)
        super().__init__(f"该文件{reason}已于{when:%Y-%m-%d %H:%M}导入为《{document.title}》，未重复导入。")
        self.document = document


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


def _run_pipeline(file, filename: str, registry, max_bytes: int | None):
    """Reader + extractors + resolver, saving nothing. Raises ImportFailed with the reader's message."""

    try:
        return extract_file(file, filename, registry, max_bytes=max_bytes)
    except ReaderError as exc:
        raise ImportFailed(exc.message) from exc


def _max_bytes() -> int:

    return int(settings.MAX_UPLOAD_MB) * 1024 * 1024


def _place(entry, units_by_id, groups_by_id, units_by_name, groups_by_name) -> Resolved:
    """The database unit or group a pipeline unit entry names, or neither (unresolved)."""
    unit_id, group_id = _get(entry, "unit_id"), _get(entry, "group_id")
    if unit_id is not None and unit_id in units_by_id:
        return Resolved(units_by_id[unit_id], None)
    if group_id is not None and group_id in groups_by_id:
        return Resolved(None, groups_by_id[group_id])
    canonical = _get(entry, "canonical") or _get(entry, "name") or ""
    if canonical and (unit_id is not None or group_id is not None or _get(entry, "method")):
        # A registry built from the fixture knows names but not database ids.
        if canonical in units_by_name:
            return Resolved(units_by_name[canonical], None)
        if canonical in groups_by_name:
            return Resolved(None, groups_by_name[canonical])
    return Resolved(None, None)


def content_hash(uploaded_file) -> str:
    """SHA-256 of a file's bytes, read in chunks; the file is rewound for the reader."""
    digest = hashlib.sha256()
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    if hasattr(uploaded_file, "chunks"):
        for chunk in uploaded_file.chunks():
            digest.update(chunk)
    else:
        for chunk in iter(lambda: uploaded_file.read(1 << 20), b""):
            digest.update(chunk)
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    return digest.hexdigest()


def find_duplicate(*, digest: str = "", doc_number: str = "", title: str = "") -> tuple[SourceDocument, str] | None:
    """The document this upload was already imported as, with how it was recognised, or None.

    Rule: the same bytes (content hash) are the same file; so is a file with the same 文号 and
    the same title (the same document saved again, e.g. as .docx instead of .txt). A title alone
    is not enough: annual plans share titles, and a document without a 文号 is told apart by
    its bytes only.
    """
    if digest:
        found = SourceDocument.objects.filter(content_hash=digest).order_by("created", "id").first()
        if found is not None:
            return found, ""
    doc_number, title = (doc_number or "").strip(), (title or "").strip()
    if doc_number and title:
        found = SourceDocument.objects.filter(doc_number=doc_number, title=title).order_by("created", "id").first()
        if found is not None:
            return found, f"（文号 {doc_number}、标题相同）"
    return None


def import_upload(uploaded_file, actor, *, registry=None, filename: str | None = None) -> SourceDocument:
    """Read, extract and save one uploaded document with its draft items, or save nothing.

    Rules: the file is read and its items extracted before anything is written; a file the
    readers refuse raises ImportFailed and leaves no rows and no stored file. A readable file
    with no recognisable work items is saved all the same (its run warns), for items to be
    made by hand in review. A file imported before (same bytes, or
    same 文号 and title: find_duplicate) raises AlreadyImported naming the earlier document.
    Unresolved unit names are kept on the items (flagged for review) and recorded in the
    registry's 未识别名称 queue.
    """
    require_supervisor(actor, SUPERVISOR_ONLY)
    filename = filename or getattr(uploaded_file, "name", "") or "upload"
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1]
    digest = content_hash(uploaded_file)
    duplicate = find_duplicate(digest=digest)
    if duplicate is not None:
        raise AlreadyImported(*duplicate)
    registry = registry_or_loaded(registry)
    started = time.monotonic()
    result = _run_pipeline(uploaded_file, filename, registry, _max_bytes())
    # No recognised items is no dead end: the document is saved with its text and opens in
    # review, where a person makes items from passages (documents.actions.manual).
    items = list(_get(result, "items", []) or [])
    metadata = _get(result, "metadata") or {}
    duplicate = find_duplicate(doc_number=_get(metadata, "doc_number") or "", title=_document_title(metadata, filename))
    if duplicate is not None:
        raise AlreadyImported(*duplicate)
    duration_ms = _get(result, "duration_ms") or int((time.monotonic() - started) * 1000)

    stored_name = ""
    try:
        with transaction.atomic():
            document = _create_document(uploaded_file, filename, actor, result, digest)
            stored_name = document.file.name
            _create_items(document, actor, result, items, duration_ms)
    except IntegrityError:
        # Two uploads of one file at once: the other one won the unique content hash.
        if stored_name:
            document.file.storage.delete(stored_name)
        duplicate = find_duplicate(digest=digest)
        if duplicate is None:
            raise
        raise AlreadyImported(*duplicate) from None
    except BaseException:
        if stored_name:
            document.file.storage.delete(stored_name)
        raise
    return document


def _document_title(metadata, filename: str) -> str:
    return (_get(metadata, "title") or filename.rsplit(".", 1)[0])[:300]


def _create_document(uploaded_file, filename: str, actor, result, digest: str = "") -> SourceDocument:
    metadata = _get(result, "metadata") or {}
    document = SourceDocument(
        title=_document_title(metadata, filename),
        content_hash=digest,
        doc_number=(_get(metadata, "doc_number") or "")[:100],
        issuer=(_get(metadata, "issuer") or "")[:200],
        issued_date=_as_date(_get(metadata, "issued_date")),
        kind=_kind(_get(metadata, "kind")),
        original_filename=filename[:255],
        text=_get(result, "text") or "",
        reporting_schedule=(_get(metadata, "reporting_schedule") or "")[:200],
        **schedule_fields(_get(metadata, "reporting_schedule") or ""),
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
            provenance=dict(_get(entry, "provenance") or {}),
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
