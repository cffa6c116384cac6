"""No dead ends: pasted text imports like a file, and any passage of a document can become an
item by hand — for documents whose items extraction did not find, or missed.

    document = import_pasted_text(actor, text, title="…")      # like an upload of a .txt
    item = add_item_from_passage(actor, document, text=…, source_start=12, source_end=14,
                                 lead_names=["区发改委"], support_names=["区财政局"])

The new item is an ordinary draft item (待审核): it is accepted and published as usual.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.guards import require_supervisor
from documents.models import DocumentStatus, DraftItem, ItemRole, SourceDocument

from ._core import SUPERVISOR_ONLY, registry_or_loaded
from .importing import ImportFailed, import_upload
from .review import set_item_units

MAX_PASTE_CHARS = 500_000


def _title_of(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if 4 <= len(line) <= 80:
            return line
    return "粘贴文本"


def import_pasted_text(actor, text: str, *, title: str = "", registry=None) -> SourceDocument:
    """Import text copied from a web page or a document, exactly as a .txt upload of it.

    The text is stored as the document's file (粘贴文本.txt) so it can be downloaded again.
    """
    require_supervisor(actor, SUPERVISOR_ONLY)
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ImportFailed("没有粘贴任何文字，请把文件正文复制到文本框中。")
    if len(text) > MAX_PASTE_CHARS:
        raise ImportFailed(f"粘贴的文字超过 {MAX_PASTE_CHARS // 10000} 万字，请分段导入或上传文件。")
    title = (title or "").strip()[:200]
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", title or _title_of(text))[:60] or "粘贴文本"
    filename = f"{stem}.txt"
    document = import_upload(
        ContentFile(text.encode("utf-8"), name=filename), actor, filename=filename, registry=registry
    )
    if title and document.title != title:
        document.title = title
        document.save(update_fields=["title"])
    return document


def _line_range(document: SourceDocument, start: int | None, end: int | None) -> tuple[int | None, int | None]:
    count = len(document.text.split("\n"))
    if start is None:
        return None, None
    start = max(1, min(int(start), count))
    end = max(start, min(int(end if end is not None else start), count))
    return start, end


@transaction.atomic
def add_item_from_passage(
    actor,
    document: SourceDocument,
    *,
    text: str,
    source_start: int | None = None,
    source_end: int | None = None,
    lead_names: Sequence[str] = (),
    support_names: Sequence[str] = (),
    deadline: dt.date | None = None,
    deadline_text: str = "",
    responsible_leader: str = "",
    registry=None,
) -> DraftItem:
    """A draft item made by a person from a passage of the document (selected in review)."""
    require_supervisor(actor, SUPERVISOR_ONLY)
    if document.status == DocumentStatus.ARCHIVED:
        raise ValidationError("该文件已归档，不能再添加条目。")
    text = (text or "").strip()
    if not text:
        raise ValidationError("任务内容不能为空：请在原文中选中一段文字，或直接填写任务内容。")
    start, end = _line_range(document, source_start, source_end)
    last = document.items.aggregate(last=Max("position"))["last"] or 0
    source = (
        f"人工选取原文第{start}–{end}行"
        if start and end and end != start
        else (f"人工选取原文第{start}行" if start else "人工填写")
    )
    item = DraftItem.objects.create(
        document=document,
        position=last + 1,
        text=text[:5000],
        deadline=deadline,
        deadline_text=(deadline_text or "")[:200],
        responsible_leader=(responsible_leader or "")[:100],
        source_start=start,
        source_end=end,
        extra={"kind": "manual"},
        provenance={"source": source, "guesses": []},
        reviewed_by=actor,
        reviewed_at=timezone.now(),
    )
    registry = registry_or_loaded(registry)
    leads = list(dict.fromkeys(n for n in lead_names if n.strip()))
    supports = [n for n in dict.fromkeys(n for n in support_names if n.strip()) if n not in leads]
    set_item_units(item, ItemRole.LEAD, leads, registry)
    set_item_units(item, ItemRole.SUPPORT, supports, registry)
    item.lead_text, item.support_text = "、".join(leads), "、".join(supports)
    item.save(update_fields=["lead_text", "support_text"])
    return item
