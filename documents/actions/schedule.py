"""The document's reporting schedule as data (cycle + due day)."""

from django.core.exceptions import ValidationError

from accounts.guards import require_supervisor

from ..extract.deadlines import parse_reporting_schedule
from ..models import ReportCycle, SourceDocument
from ._core import SUPERVISOR_ONLY


def schedule_fields(phrase: str) -> dict:
    """The structured schedule a notice's phrase ("每季度末月20日前报送") gives."""
    cycle, day = parse_reporting_schedule(phrase)
    return {"report_cycle": cycle, "report_due_day": day}


def set_reporting_schedule(actor, document: SourceDocument, *, cycle: str, due_day: int | None) -> SourceDocument:
    """督查室 corrects the document's reporting schedule (cycle + due day).

    Tasks published from now on take it; tasks already published keep theirs (each is edited on
    its own page). Weekly and half-monthly cycles carry no day.
    """
    require_supervisor(actor, SUPERVISOR_ONLY)
    if cycle not in ReportCycle.values:
        raise ValidationError("报送周期无效")
    if due_day is not None and not 1 <= int(due_day) <= 31:
        raise ValidationError("报送截止日须为 1–31")
    if not cycle or cycle in (ReportCycle.WEEKLY, ReportCycle.BIWEEKLY):
        due_day = None
    document.report_cycle, document.report_due_day = cycle, due_day
    document.save(update_fields=["report_cycle", "report_due_day"])
    return document
