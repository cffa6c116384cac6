"""新建任务 by hand: work that arrives as a 领导批示, a meeting decision or a phone notice.

The source is kept as a SourceDocument of its own (kind 领导批示 / 会议纪要 / 通知 / 其他, the
free-text description as its title and text, the attached file if any), already published,
so the task page links to it and its file downloads through the same permission checks.
The task itself is made by `services.create_task`: same assignments, history and workflow
as a task published from an extracted item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from documents.models import DocumentKind, DocumentStatus, SourceDocument
from units.models import Unit

from ..models import ReportingCycle, Task
from .creating import create_task

SOURCE_KINDS = [
    (DocumentKind.INSTRUCTION, DocumentKind.INSTRUCTION.label),
    (DocumentKind.MEETING, "会议决定"),
    (DocumentKind.NOTICE, DocumentKind.NOTICE.label),
    (DocumentKind.OTHER, DocumentKind.OTHER.label),
]


def create_task_by_hand(
    actor,
    *,
    text: str,
    source_kind: str,
    source_text: str,
    lead_units: Sequence[Unit],
    support_units: Sequence[Unit] = (),
    source_file=None,
    title: str = "",
    deadline: dt.date | None = None,
    ongoing: bool = False,
    reporting_cycle: str = ReportingCycle.NONE,
    responsible_leader: str = "",
    now: dt.datetime | None = None,
) -> Task:
    """One transaction: the source record (with its file) and the task with its assignments."""
    now = now or timezone.now()
    source_text = (source_text or "").strip()
    if not source_text:
        raise ValidationError("请填写任务来源（如：王区长9月20日批示、区政府第12次常务会议决定）")
    if source_kind not in {k for k, _ in SOURCE_KINDS}:
        raise ValidationError("来源类别无效")
    stored = ""
    try:
        with transaction.atomic():
            document = SourceDocument(
                title=source_text[:300],
                kind=source_kind,
                text=f"{source_text}\n\n{(text or '').strip()}",
                status=DocumentStatus.PUBLISHED,
                uploaded_by=actor,
                created=now,
                published_at=now,
            )
            if source_file is not None:
                name = getattr(source_file, "name", "") or "附件"
                document.original_filename = name.replace("\\", "/").rsplit("/", 1)[-1][:255]
                document.file.save(document.original_filename, source_file, save=False)
                stored = document.file.name
            document.save()
            return create_task(
                actor,
                text=text,
                title=title,
                lead_units=lead_units,
                support_units=support_units,
                source_document=document,
                deadline=None if ongoing else deadline,
                ongoing=ongoing,
                reporting_cycle=reporting_cycle,
                responsible_leader=responsible_leader,
                now=now,
            )
    except BaseException:
        if stored:
            SourceDocument._meta.get_field("file").storage.delete(stored)
        raise
