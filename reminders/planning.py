"""What is due on a date: a pure function of (open assignments, date, policy, calendar).

No database, no clock: the caller takes a snapshot (snapshot.py) and passes the calendar's
functions, so the rules are tested with frozen dates and a hand-made calendar.

The rules, in words:
- Nothing is planned on a non-working day (weekends and holidays; 调休 Saturdays work).
- 临期提醒 (level 提醒): for each lead time L in the policy (default 5 and 1 working days), once
  the L-th working day before the deadline in force is reached; only the closest applicable
  lead time is sent, so a late-created assignment gets one reminder, not several at once.
- 逾期 (overdue): the first working day after the deadline in force, then every N working days
  after the last overdue reminder for that deadline. The k-th overdue reminder is 提醒, from
  step `urge_from_step` 催办 (copies the 单位负责人), from `supervise_from_step` 督办 (reaches
  督查室, opens a 督办单). The ladder never steps down: a level already reached by hand
  (人工催办) is kept.
- 报送提醒 (level 提醒): a task with a reporting cycle whose assignment has not reported in the
  current period (and existed before the period began) is reminded once per period, from
  `report_lead_days` working days before the period's due date.
- A unit that asked for completion (申请办结) or is done gets nothing: the review is the office's pace.
- A new deadline (an extension) starts a new series: periods carry the deadline.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields

from tasks.lights import period_due_date, period_label, period_start
from tasks.states import AssignmentState, ReportingCycle

REMIND, URGE, SUPERVISE = "remind", "urge", "supervise"
LEVELS = (REMIND, URGE, SUPERVISE)
DUE_SOON, OVERDUE, REPORT_DUE, MANUAL = "due_soon", "overdue", "report_due", "manual"


@dataclass(frozen=True)
class PastReminder:
    kind: str
    level: str
    period: str
    planned_for: dt.date


@dataclass(frozen=True)
class OpenAssignment:
    """What planning needs to know about one open assignment."""

    id: int
    task_id: int
    unit_id: int
    unit_name: str
    state: str
    deadline: dt.date | None
    created: dt.date
    reporting_cycle: str = ReportingCycle.NONE
    report_due_day: int | None = None
    last_reported: dt.date | None = None
    history: tuple[PastReminder, ...] = ()

    @classmethod
    def from_values(cls, *values) -> "OpenAssignment":
        """One from its fields' values in order, all given: the snapshot builds 100,000 of these,
        and filling the instance's dict at once costs a fraction of the frozen __init__."""
        instance = object.__new__(cls)
        instance.__dict__.update(zip(_OPEN_FIELDS, values, strict=True))
        return instance


_OPEN_FIELDS = tuple(f.name for f in fields(OpenAssignment))


@dataclass(frozen=True)
class Policy:
    lead_days: tuple[int, ...] = (5, 1)
    overdue_every: int = 5
    urge_from_step: int = 1
    supervise_from_step: int = 3
    report_lead_days: int = 3


@dataclass(frozen=True)
class Calendar:
    is_working_day: Callable[[dt.date], bool]
    add_working_days: Callable[[dt.date, int], dt.date]
    working_days_between: Callable[[dt.date, dt.date], int]
    effective_deadline: Callable[[dt.date], dt.date]


@dataclass(frozen=True, order=True)
class DueReminder:
    assignment_id: int
    kind: str
    level: str
    period: str
    task_id: int = field(compare=False)
    unit_id: int = field(compare=False)
    unit_name: str = field(compare=False)
    due_date: dt.date | None = field(compare=False)

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.assignment_id, self.kind, self.level, self.period)


def level_rank(level: str) -> int:
    return LEVELS.index(level)


def higher_level(a: str, b: str) -> str:
    return a if level_rank(a) >= level_rank(b) else b


def next_level(level: str | None) -> str | None:
    """The level after `level` on the ladder (None past 督办); 提醒 when nothing was sent."""
    if level is None:
        return REMIND
    rank = level_rank(level) + 1
    return LEVELS[rank] if rank < len(LEVELS) else None


def overdue_level(step: int, policy: Policy) -> str:
    """The k-th overdue reminder's level (k counts from 1)."""
    if step >= policy.supervise_from_step:
        return SUPERVISE
    if step >= policy.urge_from_step:
        return URGE
    return REMIND


def _due_soon(a: OpenAssignment, today: dt.date, due: dt.date, policy: Policy, cal: Calendar) -> DueReminder | None:
    applicable = [lead for lead in policy.lead_days if cal.add_working_days(due, -lead) <= today]
    if not applicable:
        return None
    lead = min(applicable)
    period = f"{a.deadline.isoformat()}/{lead}"
    if any(
        p.kind == DUE_SOON and p.period.startswith(f"{a.deadline.isoformat()}/") and _lead(p) <= lead for p in a.history
    ):
        return None
    return _due(a, DUE_SOON, REMIND, period, due)


def _lead(past: PastReminder) -> int:
    try:
        return int(past.period.rsplit("/", 1)[1])
    except (IndexError, ValueError):
        return 0


def _overdue(a: OpenAssignment, today: dt.date, due: dt.date, policy: Policy, cal: Calendar) -> DueReminder | None:
    prefix = f"{a.deadline.isoformat()}#"
    sent = [p for p in a.history if p.kind == OVERDUE and p.period.startswith(prefix)]
    if sent:
        last = max(p.planned_for for p in sent)
        if cal.working_days_between(last, today) < policy.overdue_every:
            return None
    step = len({p.period for p in sent}) + 1
    level = overdue_level(step, policy)
    for past in a.history:
        if past.kind in (OVERDUE, MANUAL):
            level = higher_level(level, past.level)
    return _due(a, OVERDUE, level, f"{prefix}{step}", due)


def _report_period(cycle: str, due_day: int | None, today: dt.date, policy: Policy, cal: Calendar):
    """(period start, due date, label) when a report for the current period is being asked for
    today (within `report_lead_days` working days of its due date in force), else None."""
    start = period_start(cycle, today)
    due_date = period_due_date(cycle, today, due_day)
    if start is None or due_date is None:
        return None
    due = cal.effective_deadline(due_date)
    if not cal.add_working_days(due, -policy.report_lead_days) <= today <= due:
        return None
    return start, due_date, period_label(cycle, today)


def _report_due(
    a: OpenAssignment, today: dt.date, policy: Policy, cal: Calendar, periods: dict | None = None
) -> DueReminder | None:
    if a.state not in (AssignmentState.PENDING, AssignmentState.IN_PROGRESS):
        return None
    # The period depends on the cycle and the due day only: worked out once per plan.
    key = (a.reporting_cycle, a.report_due_day)
    if periods is not None and key in periods:
        found = periods[key]
    else:
        found = _report_period(a.reporting_cycle, a.report_due_day, today, policy, cal)
        if periods is not None:
            periods[key] = found
    if found is None:
        return None
    start, due_date, period = found
    if a.created >= start:
        return None
    if a.last_reported is not None and a.last_reported >= start:
        return None
    if any(p.kind == REPORT_DUE and p.period == period for p in a.history):
        return None
    return _due(a, REPORT_DUE, REMIND, period, due_date)


def _due(a: OpenAssignment, kind: str, level: str, period: str, due_date: dt.date | None) -> DueReminder:
    return DueReminder(
        assignment_id=a.id,
        kind=kind,
        level=level,
        period=period,
        task_id=a.task_id,
        unit_id=a.unit_id,
        unit_name=a.unit_name,
        due_date=due_date,
    )


def plan(assignments: Iterable[OpenAssignment], today: dt.date, policy: Policy, cal: Calendar) -> list[DueReminder]:
    """Every reminder due on `today`, in a stable order (see the module docstring for the rules)."""
    if not cal.is_working_day(today):
        return []
    due_list: list[DueReminder] = []
    periods: dict = {}
    for a in assignments:
        if a.state in (AssignmentState.DONE, AssignmentState.COMPLETION_REQUESTED):
            continue
        if a.deadline is not None:
            due = cal.effective_deadline(a.deadline)
            found = _overdue(a, today, due, policy, cal) if today > due else _due_soon(a, today, due, policy, cal)
            if found:
                due_list.append(found)
        if a.reporting_cycle and a.reporting_cycle != ReportingCycle.NONE:
            found = _report_due(a, today, policy, cal, periods)
            if found:
                due_list.append(found)
    return sorted(due_list)
