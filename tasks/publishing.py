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
- published items are marked 已发布 and the document 已发布. Publishing again creates nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from documents.models import DocumentStatus, DraftItem, ItemRole, ReviewState, SourceDocument
from documents.services import blockers, mark_published

from .models import Assignment, Indicator, ReportingCycle, Task
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


def publish_document(
    document: SourceDocument,
    actor,
    *,
    items: Sequence[DraftItem] | None = None,
    now: dt.datetime | None = None,
) -> PublishSummary:
    """Create the tasks and assignments of a document's accepted items (see the module rules).

    `items` limits publishing to those items (still only the accepted ones).
    """
    if actor is None or not actor.is_authenticated or not actor.is_supervisor:
        raise PermissionDenied("仅督查室可以发布任务")
    now = now or timezone.now()
    summary = PublishSummary()
    with transaction.atomic():
        document = SourceDocument.objects.select_for_update().get(pk=document.pk)
        candidates = document.items.filter(state=ReviewState.ACCEPTED).prefetch_related("units__group")
        if items is not None:
            candidates = candidates.filter(pk__in=[i.pk for i in items])
        for item in candidates.order_by("position", "id"):
            if Task.objects.filter(source_item=item).exists():
                # Published before (e.g. by an interrupted run): just record the state.
                mark_published([item])
                continue
            reasons = blockers(item)
            lead, support = _item_units(item)
            if not reasons and not (lead or support):
                reasons = ["单位组没有成员单位"]
            if reasons:
                summary.skipped.append(SkippedItem(item, reasons))
                continue
            cycle = reporting_cycle(item.recurrence, document.report_cycle, document.reporting_schedule)
            task = create_task(
                actor,
                text=item.text,
                lead_units=lead,
                support_units=support,
                source_document=document,
                source_item=item,
                section=" / ".join(item.section_path)[:300],
                number=item.number,
                deadline=item.deadline,
                deadline_text=item.deadline_text,
                ongoing=item.ongoing,
                reporting_cycle=cycle,
                report_due_day=document.report_due_day if cycle == document.report_cycle else None,
                responsible_leader=item.responsible_leader,
                now=now,
            )
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
