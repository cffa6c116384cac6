"""Publishing: accepted draft items of a source document become tasks and assignments.

Rules (issue 4, point 4):
- one Task per accepted draft item, in one transaction for the whole document;
- one Assignment per unit: a group expands to its member units (UnitGroup.member_units());
  a retired unit is replaced by the unit that carries its work today (Unit.current(), applied
  by tasks.services.create_task); a unit listed as both lead and support is lead once;
- an item with an unresolved name, a group whose members a person must pick
  (needs_confirmation), an empty group, or no unit at all is not published: it stays for
  review and is reported in `skipped` with the reasons;
- the reporting cycle comes from the item's recurrence, else the document's reporting schedule;
- the item's indicators become tasks.Indicator rows of its task, and the document's own
  indicator table (指标分解表) becomes Indicator rows of the document, once;
- published items are marked 已发布 and the document 已发布. Publishing again creates nothing new;
  nor does an item already published from the same source (a copy of the same file imported
  before duplicate uploads were refused, recognised by 文号 and title, with the same number and
  text): it is skipped with the task it is already;
- items whose deadline has already passed are counted before publishing (overdue_items); the
  supervision office either publishes them knowingly or gives them one new deadline with a
  reason, recorded on each task's history (调整时限, the source's date kept as 原定时限).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from documents.models import DocumentStatus, DraftItem, ItemRole, ReviewState, SourceDocument
from documents.services import blockers, mark_published
from workdays import calendar

from .models import Assignment, EventAction, Indicator, ReportingCycle, Task, TaskChange, TaskEvent
from .services import create_task


@dataclass
class SkippedItem:
    item: DraftItem
    reasons: list[str]


@dataclass
class PublishSummary:
    tasks: list[Task] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)
    # Tasks published with the new deadline given for items already overdue.
    moved: list[Task] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "published_tasks": len(self.tasks),
            "assignments": len(self.assignments),
            "skipped": [{"item": s.item.pk, "number": s.item.number, "reasons": s.reasons} for s in self.skipped],
        }


# Longest, most specific wording first: 每半月 before 每月, 半年 before 年.
_CYCLE_WORDS = (
    ("每半月", ReportingCycle.BIWEEKLY),
    ("半月", ReportingCycle.BIWEEKLY),
    ("每周", ReportingCycle.WEEKLY),
    ("每星期", ReportingCycle.WEEKLY),
    ("半年", ReportingCycle.HALF_YEARLY),
    ("季度", ReportingCycle.QUARTERLY),
    ("每季", ReportingCycle.QUARTERLY),
    ("每月", ReportingCycle.MONTHLY),
    ("月度", ReportingCycle.MONTHLY),
    ("每年", ReportingCycle.YEARLY),
    ("年度", ReportingCycle.YEARLY),
)


def reporting_cycle(*texts: str) -> str:
    """The reporting cycle the first text that names one names (每月 → monthly …), else 不定期.

    Accepts the cycle values themselves too (a pipeline may already say "quarterly").
    """
    for text in texts:
        text = (text or "").strip()
        if not text:
            continue
        if text in ReportingCycle.values:
            return text
        for word, cycle in _CYCLE_WORDS:
            if word in text:
                return cycle
    return ReportingCycle.NONE


def _item_units(item: DraftItem) -> tuple[list, list]:
    """The item's lead and supporting units, groups expanded, in the order written."""
    lead, support = [], []
    for row in item.units.select_related("unit", "group").order_by("position", "id"):
        target = lead if row.role == ItemRole.LEAD else support
        if row.unit_id is not None:
            target.append(row.unit)
        elif row.group_id is not None:
            target.extend(row.group.member_units())
    return lead, support


def _indicator_rows(indicators: list) -> list[dict]:
    """Normalise the pipeline's indicators: one dict per (name, year) with target and measure.

    Accepts {"name", "year", "target"} rows, and {"name", "targets": {year: value}} or
    {"name", "targets": [{"year", "target"}]} rows.
    """
    rows = []
    for entry in indicators or []:
        if not isinstance(entry, dict):
            continue
        name = str(entry.get("name") or entry.get("indicator") or "").strip()
        if not name:
            continue
        base = {"name": name[:200], "measure": str(entry.get("measure") or entry.get("unit") or "")[:30]}
        targets = entry.get("targets")
        if isinstance(targets, dict):
            pairs = list(targets.items())
        elif isinstance(targets, list):
            pairs = [(t.get("year"), t.get("target", t.get("value"))) for t in targets if isinstance(t, dict)]
        else:
            pairs = [(entry.get("year"), entry.get("target", entry.get("value")))]
        for year, target in pairs:
            try:
                year = int(year)
            except (TypeError, ValueError):
                continue
            rows.append({**base, "year": year, "target": "" if target is None else str(target)[:100]})
    return rows


def is_past(deadline: dt.date | None, today: dt.date) -> bool:
    """A deadline already passed on publishing day: the rule of lights.is_overdue (a deadline on a
    non-working day runs to the next working day)."""
    return deadline is not None and today > calendar.effective_deadline(deadline)


def overdue_items(document: SourceDocument, today: dt.date) -> list[DraftItem]:
    """The accepted, not yet published items whose deadline has already passed on `today`:
    published as they are, every share of them would be red at once."""
    accepted = document.items.filter(state=ReviewState.ACCEPTED, ongoing=False, deadline__lt=today)
    return [item for item in accepted.order_by("position", "id") if is_past(item.deadline, today)]


def _same_source_documents(document: SourceDocument):
    """This document and earlier imports of the same file (same bytes, or same 文号 and title)."""
    same = Q(pk=document.pk)
    if document.content_hash:
        same |= Q(content_hash=document.content_hash)
    if document.doc_number and document.title:
        same |= Q(doc_number=document.doc_number, title=document.title)
    return SourceDocument.objects.filter(same)


def _record_publish_deadline(task: Task, actor, *, old: dt.date, new: dt.date, reason: str, now) -> None:
    """The one-step new deadline of an overdue item, on the task's history like any 调整时限."""
    event = TaskEvent.objects.create(
        task=task, actor=actor, at=now, action=EventAction.DEADLINE_CHANGED, comment=f"发布时调整：{reason}"
    )
    TaskChange.objects.create(event=event, field="完成时限", old_value=old.isoformat(), new_value=new.isoformat())


def publish_document(
    document: SourceDocument,
    actor,
    *,
    items: Sequence[DraftItem] | None = None,
    overdue_deadline: dt.date | None = None,
    overdue_reason: str = "",
    now: dt.datetime | None = None,
) -> PublishSummary:
    """Create the tasks and assignments of a document's accepted items (see the module rules).

    `items` limits publishing to those items (still only the accepted ones). With
    `overdue_deadline` (and a reason), every item whose deadline has already passed is published
    with that deadline instead; the new date must not itself be past.
    """
    if actor is None or not actor.is_authenticated or not actor.is_supervisor:
        raise PermissionDenied("仅督查室可以发布任务")
    now = now or timezone.now()
    today = timezone.localdate(now)
    if overdue_deadline is not None:
        overdue_reason = (overdue_reason or "").strip()
        if not overdue_reason:
            raise ValidationError("请填写调整时限的理由")
        if is_past(overdue_deadline, today):
            raise ValidationError("新的完成时限不能早于今天")
    summary = PublishSummary()
    with transaction.atomic():
        document = SourceDocument.objects.select_for_update().get(pk=document.pk)
        candidates = document.items.filter(state=ReviewState.ACCEPTED).prefetch_related("units__group")
        if items is not None:
            candidates = candidates.filter(pk__in=[i.pk for i in items])
        same_source = _same_source_documents(document)
        for item in candidates.order_by("position", "id"):
            if Task.objects.filter(source_item=item).exists():
                # Published before (e.g. by an interrupted run): just record the state.
                mark_published([item])
                continue
            twin = (
                Task.objects.filter(source_document__in=same_source, number=item.number, text=item.text)
                .order_by("id")
                .first()
            )
            if twin is not None:
                summary.skipped.append(SkippedItem(item, [f"同一来源文件的该条目已发布为任务 #{twin.pk}"]))
                continue
            reasons = blockers(item)
            lead, support = _item_units(item)
            if not reasons and not (lead or support):
                reasons = ["单位组没有成员单位"]
            if reasons:
                summary.skipped.append(SkippedItem(item, reasons))
                continue
            cycle = reporting_cycle(item.recurrence, document.report_cycle, document.reporting_schedule)
            moved = overdue_deadline is not None and not item.ongoing and is_past(item.deadline, today)
            task = create_task(
                actor,
                text=item.text,
                lead_units=lead,
                support_units=support,
                source_document=document,
                source_item=item,
                section=" / ".join(item.section_path)[:300],
                number=item.number,
                deadline=overdue_deadline if moved else item.deadline,
                deadline_text=item.deadline_text,
                ongoing=item.ongoing,
                reporting_cycle=cycle,
                report_due_day=document.report_due_day if cycle == document.report_cycle else None,
                responsible_leader=item.responsible_leader,
                now=now,
            )
            if moved:
                # The source's date stays on record as each share's 原定时限.
                task.assignments.update(original_deadline=item.deadline)
                _record_publish_deadline(
                    task, actor, old=item.deadline, new=overdue_deadline, reason=overdue_reason, now=now
                )
                summary.moved.append(task)
            Indicator.objects.bulk_create(
                Indicator(task=task, source_document=document, **row) for row in _indicator_rows(item.indicators)
            )
            summary.tasks.append(task)
            summary.assignments.extend(task.assignments.all())
            mark_published([item])
        if summary.tasks and not Indicator.objects.filter(source_document=document, task__isnull=True).exists():
            Indicator.objects.bulk_create(
                Indicator(source_document=document, **row) for row in _indicator_rows(document.plan_indicators)
            )
        if summary.tasks and document.status != DocumentStatus.PUBLISHED:
            document.status = DocumentStatus.PUBLISHED
            document.published_at = now
            document.save(update_fields=["status", "published_at"])
    return summary
