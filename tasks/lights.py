"""Traffic lights (红黄绿灯), overdue (逾期) and reporting periods: derived, never stored.

Every function takes `today` from the caller (take the clock once per operation).
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from workdays import calendar

from .states import AssignmentState, ReportingCycle


class Light(models.TextChoices):
    GREEN = "green", "正常"
    YELLOW = "yellow", "预警"
    RED = "red", "逾期"
    GREY = "grey", "已办结"


SEVERITY = {Light.GREY: 0, Light.GREEN: 1, Light.YELLOW: 2, Light.RED: 3}


def period_start(cycle: str, today: dt.date) -> dt.date | None:
    """The first day of the reporting period that contains `today`, or None for 不定期."""
    if cycle == ReportingCycle.WEEKLY:
        return today - dt.timedelta(days=today.weekday())
    if cycle == ReportingCycle.BIWEEKLY:
        return today.replace(day=1 if today.day < 16 else 16)
    if cycle == ReportingCycle.MONTHLY:
        return today.replace(day=1)
    if cycle == ReportingCycle.QUARTERLY:
        return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if cycle == ReportingCycle.HALF_YEARLY:
        return dt.date(today.year, 1 if today.month < 7 else 7, 1)
    if cycle == ReportingCycle.YEARLY:
        return dt.date(today.year, 1, 1)
    return None


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


# Cycles whose report is due on a day of the period's last month (Task.report_due_day).
_DUE_DAY_CYCLES = {
    ReportingCycle.MONTHLY: 1,
    ReportingCycle.QUARTERLY: 3,
    ReportingCycle.HALF_YEARLY: 6,
    ReportingCycle.YEARLY: 12,
}


def period_due_date(cycle: str, today: dt.date, due_day: int | None = None) -> dt.date | None:
    """The day a report for the period containing `today` is due.

    Without a due day: the period's last day. With one (1–31): that day of the period's last
    month (monthly by the 25th, quarterly by the 20th of the quarter's last month), clamped to
    the month's length. Weekly and half-monthly reports are due on the period's last day.
    """
    start = period_start(cycle, today)
    if start is None:
        return None
    if cycle == ReportingCycle.WEEKLY:
        return start + dt.timedelta(days=6)
    if cycle == ReportingCycle.BIWEEKLY:
        return start.replace(day=15) if start.day == 1 else _month_end(start)
    end = _month_end(dt.date(start.year, start.month + _DUE_DAY_CYCLES[cycle] - 1, 1))
    return end if due_day is None else end.replace(day=min(due_day, end.day))


def report_window_open(cycle: str, due_day: int | None, today: dt.date) -> bool:
    """With a due day, a missing report counts (yellow) only once the period's due date is within
    settings.DUBAN_YELLOW_WORKING_DAYS working days, or past; without one, all period long."""
    if due_day is None or cycle not in _DUE_DAY_CYCLES:
        return True
    return period_due_date(cycle, today, due_day) <= calendar.previous_working_day(yellow_boundary(today))


def period_label(cycle: str, today: dt.date) -> str:
    """The period a report made on `today` belongs to, e.g. 2026年11月, 2026年第4季度."""
    if cycle == ReportingCycle.WEEKLY:
        year, week, _ = today.isocalendar()
        return f"{year}年第{week}周"
    if cycle == ReportingCycle.BIWEEKLY:
        return f"{today.year}年{today.month}月{'上' if today.day < 16 else '下'}半月"
    if cycle == ReportingCycle.QUARTERLY:
        return f"{today.year}年第{(today.month - 1) // 3 + 1}季度"
    if cycle == ReportingCycle.HALF_YEARLY:
        return f"{today.year}年{'上' if today.month < 7 else '下'}半年"
    if cycle == ReportingCycle.YEARLY:
        return f"{today.year}年"
    return f"{today.year}年{today.month}月"


class LocalDate(TruncDate):
    """A moment's date in the current time zone, computed in SQL (what _local_date does in Python).

    Without TruncDate's per-row converter on PostgreSQL, where the driver returns a date already:
    the ledger export and reminder planning read it for every share."""

    def get_db_converters(self, connection):
        converters = super().get_db_converters(connection)
        if connection.vendor == "postgresql":
            converters = [c for c in converters if c != self.convert_value]
        return converters


def local_date(field: str) -> LocalDate:
    return LocalDate(field, tzinfo=timezone.get_current_timezone())


def _local_date(moment: dt.datetime | dt.date | None) -> dt.date | None:
    """The local date of a moment; a date is taken as already local (rows read as local dates in
    SQL, as the ledger export reads them, skip the conversion)."""
    if moment is None:
        return None
    if type(moment) is dt.date:
        return moment
    return timezone.localdate(moment)


def is_overdue(assignment, today: dt.date) -> bool:
    """逾期: an open assignment whose deadline in force has passed.

    A deadline on a non-working day runs to the next working day (calendar.effective_deadline).
    A unit that asked for completion is judged on the day it asked, not on the review's pace.
    Ongoing work and work without a deadline is never overdue.
    """
    if assignment.deadline is None or assignment.state == AssignmentState.DONE:
        return False
    due = calendar.effective_deadline(assignment.deadline)
    if assignment.state == AssignmentState.COMPLETION_REQUESTED and assignment.completion_requested_at:
        return _local_date(assignment.completion_requested_at) > due
    return today > due


def report_missing(assignment, cycle: str, today: dt.date, due_day: int | None = None) -> bool:
    """No report in the current period, for a task with a reporting cycle, once a report is due.

    A report is due for a period only when the assignment existed before the period began, and
    with a due day only from shortly before it (report_window_open).
    """
    start = period_start(cycle, today)
    if start is None or assignment.state not in (AssignmentState.PENDING, AssignmentState.IN_PROGRESS):
        return False
    if not report_window_open(cycle, due_day, today):
        return False
    if _local_date(assignment.created) >= start:
        return False
    last = _local_date(assignment.last_reported_at)
    return last is None or last < start


def yellow_boundary(today: dt.date) -> dt.date:
    """The first day that is no longer "due soon": a deadline in force before it is within
    settings.DUBAN_YELLOW_WORKING_DAYS working days of `today`.

    Same rule as working_days_between(today, due) <= N, without counting day by day for every
    row: the (N+1)-th working day after today is the first one that is not within N.
    """
    return calendar.add_working_days(today, settings.DUBAN_YELLOW_WORKING_DAYS + 1)


def assignment_light(assignment, today: dt.date, *, cycle: str | None = None, due_day: int | None = None) -> Light:
    """The light for one unit's share.

    Grey when done. Red when overdue (see is_overdue). Yellow when the deadline in force is
    within settings.DUBAN_YELLOW_WORKING_DAYS working days, or when no report was made in the
    current reporting period (see report_missing). Green otherwise.
    """
    if assignment.state == AssignmentState.DONE:
        return Light.GREY
    if is_overdue(assignment, today):
        return Light.RED
    if cycle is None:
        cycle, due_day = assignment.task.reporting_cycle, assignment.task.report_due_day
    if assignment.deadline is not None and assignment.state != AssignmentState.COMPLETION_REQUESTED:
        due = calendar.effective_deadline(assignment.deadline)
        if due < yellow_boundary(today):
            return Light.YELLOW
    if report_missing(assignment, cycle, today, due_day):
        return Light.YELLOW
    return Light.GREEN


def task_light(task, today: dt.date, assignments=None) -> Light:
    """A task's light is its worst assignment's light; grey once every assignment is done.
    `assignments`: the task's shares when the caller has them already (no second query)."""
    shares = task.assignments.all() if assignments is None else assignments
    lights = [assignment_light(a, today, cycle=task.reporting_cycle, due_day=task.report_due_day) for a in shares]
    if not lights:
        return Light.GREEN
    return max(lights, key=lambda light: SEVERITY[light])


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _missing_condition(today: dt.date) -> models.Q:
    """report_missing's period rule as a condition on assignment rows (state checked by the caller)."""
    missing = models.Q(pk__in=[])
    for cycle in ReportingCycle.values:
        start = period_start(cycle, today)
        if start is None:
            continue
        since = _midnight(start)
        missing |= (
            models.Q(task__reporting_cycle=cycle, created__lt=since)
            & (models.Q(last_reported_at__isnull=True) | models.Q(last_reported_at__lt=since))
            & _due_day_window(cycle, today)
        )
    return missing


def report_missing_condition(today: dt.date) -> models.Q:
    """The same rule as report_missing, as a condition on assignment rows (本期未报送)."""
    active = (AssignmentState.PENDING, AssignmentState.IN_PROGRESS)
    return models.Q(state__in=active) & _missing_condition(today)


class _Mapped(models.Func):
    """A date column through a literal list of (date, mapped date) pairs, itself when the date is
    not listed: `CASE column WHEN d1 THEN m1 … ELSE column END`, as one expression holding the
    pairs. The same CASE built of When() objects was copied with every queryset the ledger
    chained from the filter (a hundred WHENs, thousands of objects: most of 仅看逾期's own time)."""

    output_field = models.DateField()

    def __init__(self, expression, pairs):
        super().__init__(expression)
        self.pairs = tuple(pairs)

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        if not self.pairs:
            return column, params
        # The dates are written into the statement, not passed as parameters: a few hundred
        # parameters made psycopg parse the whole statement again on every execution (it caches
        # statements of up to 50), a large part of 仅看逾期's own time. Only date objects are
        # written, as ISO digits and dashes.
        cast = "::date" if connection.vendor == "postgresql" else ""
        whens = " ".join(f"WHEN {_literal(day, cast)} THEN {_literal(moved, cast)}" for day, moved in self.pairs)
        return f"CASE {column} {whens} ELSE {column} END", (*params, *params)


def _literal(day: dt.date, cast: str) -> str:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise TypeError(f"not a date: {day!r}")
    return f"'{day.isoformat()}'{cast}"


def effective_deadline_annotation(queryset) -> models.Expression:
    """calendar.effective_deadline(deadline) as an SQL expression over `queryset`'s rows.

    Deadlines are few distinct dates: the ones that fall on a non-working day are read once and
    mapped to their next working day (one _Mapped expression); every other deadline is its own
    effective date.
    """
    days = queryset.select_related(None).order_by().values_list("deadline", flat=True).distinct()
    moved = sorted(
        (d, calendar.effective_deadline(d)) for d in days if d is not None and not calendar.is_working_day(d)
    )
    return _Mapped(models.F("deadline"), moved)


def finished_day_annotation() -> models.Expression:
    """The local day a share's work counted as finished: the day it asked for completion (the
    rule is_overdue uses), or the day it was closed when it never asked (supporting shares)."""
    return TruncDate(Coalesce("completion_requested_at", "completed_at"))


def on_time_condition() -> models.Q:
    """按时办结: done, and finished (finished_day_annotation) no later than the effective
    deadline; work without a deadline is always on time. Needs the `finished_day` and
    `effective_deadline` annotations."""
    return models.Q(state=AssignmentState.DONE) & (
        models.Q(deadline__isnull=True) | models.Q(finished_day__lte=models.F("effective_deadline"))
    )


def light_annotation(today: dt.date, queryset) -> models.Case:
    """The same rules as assignment_light, as one SQL expression over `queryset`'s rows.

    Lists (the ledger's light and overdue filters, the statistics) judge thousands of rows at
    once; per row in Python the calendar would be asked thousands of times. The calendar is
    asked a handful of times here instead, and the rules turn into date comparisons:
    - overdue: today > effective_deadline(deadline)  ⟺  deadline <= the last working day before today;
    - due soon: effective_deadline(deadline) < yellow_boundary(today)
      ⟺  deadline <= the last working day before that boundary;
    - a unit that asked for completion is judged on the day it asked (asked_late_condition).
    tests/test_lights.py checks that both forms agree on every case.
    """
    last_working_day = calendar.previous_working_day(today)
    soon_until = calendar.previous_working_day(yellow_boundary(today))
    active = (AssignmentState.PENDING, AssignmentState.IN_PROGRESS)
    asked_late = asked_late_condition(today, queryset)
    missing = _missing_condition(today)
    return models.Case(
        models.When(state=AssignmentState.DONE, then=models.Value(Light.GREY)),
        models.When(state__in=active, deadline__lte=last_working_day, then=models.Value(Light.RED)),
        models.When(asked_late, then=models.Value(Light.RED)),
        models.When(state__in=active, deadline__lte=soon_until, then=models.Value(Light.YELLOW)),
        models.When(models.Q(state__in=active) & missing, then=models.Value(Light.YELLOW)),
        default=models.Value(Light.GREEN),
        output_field=models.CharField(),
    )


def asked_late_condition(today: dt.date, queryset) -> models.Q:
    """is_overdue's rule for shares that asked for completion, as a condition: the day they asked
    (local) is after their deadline in force (or, without a recorded day, today is). A subquery
    over the few asking shares, with effective_deadline_annotation: no rows judged in Python, no
    list of ids in the statement."""
    asked = queryset.model.objects.filter(state=AssignmentState.COMPLETION_REQUESTED, deadline__isnull=False)
    asked = asked.annotate(due=effective_deadline_annotation(asked), asked_on=TruncDate("completion_requested_at"))
    # The date in force is never before the deadline: asking on or before the deadline is on time
    # (checked first, cheaply), only the others are compared with the date in force.
    late = asked.filter(
        (models.Q(asked_on__gt=models.F("deadline")) & models.Q(asked_on__gt=models.F("due")))
        | models.Q(completion_requested_at__isnull=True, due__lt=today)
    )
    # Compiled once: the condition is used by several queries of one page (count, list, lights),
    # and compiling its date branches again for each cost more than running it.
    sql, params = late.order_by().values("pk").query.sql_with_params()
    return models.Q(pk__in=RawSQL(sql, params))  # noqa: S611 (the ORM's own SQL, values as parameters)


def overdue_condition(today: dt.date, queryset) -> models.Q:
    """light_annotation's red rule alone, as a plain condition on the share's own columns, for
    filters (逾期): open past the last working day before today, or asked for completion after
    the deadline in force. Both branches are predicates on the row itself, so PostgreSQL reads
    each from the (state, deadline) index and ORs the bitmaps (an `id IN (subquery)` branch made
    it scan every share). Same answer as light_annotation(...) == Light.RED."""
    past, late = overdue_parts(today, queryset)
    return past | late


def overdue_parts(today: dt.date, queryset, due: models.Expression | None = None) -> tuple[models.Q, models.Q]:
    """overdue_condition's two disjoint branches (their states differ): (open past the last
    working day before today, asked for completion too late). Apart, each is answered by its
    own index (the open shares' and the asking shares' partial indexes), which a count of
    either can read without the table. `due`: an effective_deadline_annotation the caller has
    already read over rows including `queryset`'s (no second query for the moved deadlines)."""
    active = (AssignmentState.PENDING, AssignmentState.IN_PROGRESS)
    last_working_day = calendar.previous_working_day(today)
    asked = models.Q(state=AssignmentState.COMPLETION_REQUESTED, deadline__isnull=False)
    asked_on = TruncDate("completion_requested_at")
    after_deadline = models.Q(GreaterThan(asked_on, models.F("deadline")))
    # The date in force is never before the deadline: a share that asked on or before its deadline
    # is on time, found by one comparison before the date in force (a CASE over the moved
    # deadlines) is worked out for the others. So the CASE lists only the deadlines of shares that
    # asked after them (a third of the asking shares' deadlines): every other row's date in force
    # is never looked at, and a shorter statement is planned and run faster.
    if due is None:
        due = effective_deadline_annotation(queryset.filter(asked & after_deadline))
    asked_late = (after_deadline & models.Q(GreaterThan(asked_on, due))) | (
        models.Q(completion_requested_at__isnull=True, deadline__lte=last_working_day)
    )
    return models.Q(state__in=active, deadline__lte=last_working_day), asked & asked_late


def _due_day_window(cycle: str, today: dt.date) -> models.Q:
    """report_window_open as a condition on task__report_due_day, for the current period.

    The due date is that day of the period's last month: it is within the window when it is on
    or before B = the last working day before yellow_boundary(today). If B is past the month, every
    day qualifies; if B is before the month, none does; otherwise days up to B.day.
    """
    if cycle not in _DUE_DAY_CYCLES:
        return models.Q()
    last_month_end = period_due_date(cycle, today)
    last_month_start = last_month_end.replace(day=1)
    boundary = calendar.previous_working_day(yellow_boundary(today))
    no_day = models.Q(task__report_due_day__isnull=True)
    if boundary >= last_month_end:
        return models.Q()
    if boundary < last_month_start:
        return no_day
    return no_day | models.Q(task__report_due_day__lte=boundary.day)


LIGHT_OF_SEVERITY = {v: k for k, v in SEVERITY.items()}


def severity_annotation() -> models.Case:
    """The light as a number (灰 0 < 绿 1 < 黄 2 < 红 3), so the worst light of a task is a MAX().
    Needs the `light_code` annotation (AssignmentQuerySet.with_light)."""
    return models.Case(
        *(models.When(light_code=light, then=models.Value(n)) for light, n in SEVERITY.items()),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )
