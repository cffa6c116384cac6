"""planning.plan with frozen dates and the official calendar, no database.

National Day 2025: 10-01..10-08 off, Sunday 09-28 and Saturday 10-11 worked.
Spring Festival 2026: 02-15..02-23 off, Saturdays 02-14 and 02-28 worked.
"""

import datetime as dt

import chinese_calendar
import pytest

from reminders import planning
from reminders.planning import OVERDUE, REMIND, REPORT_DUE, SUPERVISE, URGE, OpenAssignment, PastReminder, Policy

D = dt.date


def _is_working_day(day: dt.date) -> bool:
    return bool(chinese_calendar.is_workday(day))


def _add(day: dt.date, n: int) -> dt.date:
    step = dt.timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if _is_working_day(day):
            remaining -= 1
    return day


def _between(start: dt.date, end: dt.date) -> int:
    if end <= start:
        return -_between(end, start) if end < start else 0
    return sum(1 for i in range(1, (end - start).days + 1) if _is_working_day(start + dt.timedelta(days=i)))


def _effective(deadline: dt.date) -> dt.date:
    return deadline if _is_working_day(deadline) else _add(deadline, 1)


CAL = planning.Calendar(_is_working_day, _add, _between, _effective)
POLICY = Policy()


LONG_AGO = D(2025, 1, 2)


def assignment(deadline, *, created=LONG_AGO, state="in_progress", history=(), **extra) -> OpenAssignment:
    return OpenAssignment(
        id=1, task_id=10, unit_id=100, unit_name="区发改委", state=state, deadline=deadline, created=created,
        history=tuple(history), **extra,
    )  # fmt: skip


def days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def run_days(a: OpenAssignment, start: dt.date, end: dt.date, policy: Policy = POLICY) -> list[tuple]:
    """Plan every day from start to end, feeding each sent reminder back as history (an unanswered unit)."""
    sent = []
    for day in days(start, end):
        for due in planning.plan([a], day, policy, CAL):
            sent.append((day, due.kind, due.level, due.period))
            a = OpenAssignment(
                **{**a.__dict__, "history": (*a.history, PastReminder(due.kind, due.level, due.period, day))}
            )
    return sent


def test_calendar_is_the_official_one():
    assert _is_working_day(D(2025, 9, 28)) and _is_working_day(D(2025, 10, 11))
    assert not any(_is_working_day(D(2025, 10, d)) for d in range(1, 9))
    assert _is_working_day(D(2026, 2, 14)) and _is_working_day(D(2026, 2, 28))


def test_nothing_on_national_day_holidays_even_when_overdue():
    a = assignment(D(2025, 9, 26))
    for day in days(D(2025, 10, 1), D(2025, 10, 8)):
        assert planning.plan([a], day, POLICY, CAL) == []


def test_national_day_week_lead_times_count_the_sunday_make_up_day():
    # 2025-09-30: 1 working day before is Monday 09-29; 5 before counts Sunday 09-28 → Wednesday 09-24.
    sent = run_days(assignment(D(2025, 9, 30)), D(2025, 9, 15), D(2025, 10, 12))
    assert sent[:2] == [
        (D(2025, 9, 24), "due_soon", REMIND, "2025-09-30/5"),
        (D(2025, 9, 29), "due_soon", REMIND, "2025-09-30/1"),
    ]
    # First overdue working day after the holiday week: Thursday 10-09; nothing in between.
    assert sent[2] == (D(2025, 10, 9), OVERDUE, URGE, "2025-09-30#1")
    assert len(sent) == 3


def test_deadline_on_a_holiday_runs_to_the_next_working_day_and_the_make_up_saturday_counts():
    policy = Policy(overdue_every=1)
    sent = run_days(assignment(D(2025, 10, 3)), D(2025, 10, 1), D(2025, 10, 13), policy)
    overdue = [(day, level) for day, kind, level, _ in sent if kind == OVERDUE]
    # Effective deadline Thursday 10-09: overdue from Friday 10-10, then Saturday 10-11 (补班), then Monday.
    assert overdue == [(D(2025, 10, 10), URGE), (D(2025, 10, 11), URGE), (D(2025, 10, 13), SUPERVISE)]


def test_spring_festival_2026_with_its_make_up_saturdays():
    # Deadline Friday 2026-02-13: overdue on Saturday 02-14 (a working day), then nothing until 02-24.
    policy = Policy(overdue_every=1)
    sent = run_days(assignment(D(2026, 2, 13)), D(2026, 2, 13), D(2026, 3, 2), policy)
    overdue_days = [day for day, kind, _, _ in sent if kind == OVERDUE]
    assert overdue_days[:3] == [D(2026, 2, 14), D(2026, 2, 24), D(2026, 2, 25)]
    assert not any(D(2026, 2, 15) <= day <= D(2026, 2, 23) for day in overdue_days)
    assert D(2026, 2, 28) in overdue_days  # the second 调休 Saturday
    assert D(2026, 3, 1) not in overdue_days  # an ordinary Sunday


def test_lead_times_across_spring_festival():
    # Deadline Wednesday 2026-02-25: 1 working day before is Tuesday 02-24; 5 before reaches back over
    # the holiday: 02-24, Saturday 02-14, 02-13, 02-12, 02-11.
    sent = run_days(assignment(D(2026, 2, 25)), D(2026, 2, 1), D(2026, 2, 25))
    assert [day for day, *_ in sent] == [_add(D(2026, 2, 25), -5), D(2026, 2, 24)]
    assert _add(D(2026, 2, 25), -5) == D(2026, 2, 11)


def test_the_ladder_over_weeks_of_an_unanswered_assignment():
    sent = run_days(assignment(D(2025, 11, 14)), D(2025, 11, 1), D(2025, 12, 31))
    levels = [(day, kind, level) for day, kind, level, _ in sent]
    assert levels[:6] == [
        (D(2025, 11, 7), "due_soon", REMIND),  # 5 working days before Friday 11-14
        (D(2025, 11, 13), "due_soon", REMIND),  # 1 working day before
        (D(2025, 11, 17), OVERDUE, URGE),  # first working day after: 催办 (default urge_from_step 1)
        (D(2025, 11, 24), OVERDUE, URGE),  # every 5 working days
        (D(2025, 12, 1), OVERDUE, SUPERVISE),  # third overdue reminder: 督办
        (D(2025, 12, 8), OVERDUE, SUPERVISE),
    ]
    assert all(_is_working_day(day) for day, *_ in sent)


def test_a_policy_with_a_remind_step_before_urging():
    policy = Policy(urge_from_step=2, supervise_from_step=3, overdue_every=2)
    sent = run_days(assignment(D(2025, 11, 14)), D(2025, 11, 15), D(2025, 11, 30), policy)
    assert [level for _, kind, level, _ in sent if kind == OVERDUE][:4] == [REMIND, URGE, SUPERVISE, SUPERVISE]


def test_never_twice_the_same_day_and_a_new_deadline_starts_a_new_series():
    a = assignment(D(2025, 11, 14))
    first = planning.plan([a], D(2025, 11, 17), POLICY, CAL)
    assert [d.period for d in first] == ["2025-11-14#1"]
    a = OpenAssignment(**{**a.__dict__, "history": (PastReminder(OVERDUE, URGE, "2025-11-14#1", D(2025, 11, 17)),)})
    assert planning.plan([a], D(2025, 11, 17), POLICY, CAL) == []
    assert planning.plan([a], D(2025, 11, 18), POLICY, CAL) == []
    extended = OpenAssignment(**{**a.__dict__, "deadline": D(2025, 11, 28)})
    assert [d.period for d in planning.plan([extended], D(2025, 11, 21), POLICY, CAL)] == ["2025-11-28/5"]


def test_a_manual_supervision_is_never_stepped_down():
    history = [PastReminder("manual", SUPERVISE, "2025-11-17", D(2025, 11, 17))]
    due = planning.plan([assignment(D(2025, 11, 14), history=history)], D(2025, 11, 18), POLICY, CAL)
    assert [(d.kind, d.level) for d in due] == [(OVERDUE, SUPERVISE)]


@pytest.mark.parametrize("state", ["completion_requested", "done"])
def test_asked_for_completion_or_done_gets_nothing(state):
    assert planning.plan([assignment(D(2025, 11, 14), state=state)], D(2025, 11, 17), POLICY, CAL) == []


def test_no_deadline_no_cycle_nothing():
    assert planning.plan([assignment(None)], D(2025, 11, 17), POLICY, CAL) == []


def test_late_created_assignment_gets_one_reminder_not_two():
    due = planning.plan([assignment(D(2025, 11, 14), created=D(2025, 11, 13))], D(2025, 11, 13), POLICY, CAL)
    assert [d.period for d in due] == ["2025-11-14/1"]


def test_report_due_once_per_period_before_the_due_day():
    # Quarterly by the 20th of the quarter's last month: Q4 2025 → 2025-12-19 (the 20th is a Saturday → 22nd).
    a = assignment(None, reporting_cycle="quarterly", report_due_day=20, created=D(2025, 9, 1))
    sent = run_days(a, D(2025, 12, 1), D(2025, 12, 31))
    assert sent == [(_add(_effective(D(2025, 12, 20)), -3), REPORT_DUE, REMIND, "2025年第4季度")]
    reported = OpenAssignment(**{**a.__dict__, "last_reported": D(2025, 10, 15)})
    assert run_days(reported, D(2025, 12, 1), D(2025, 12, 31)) == []


def test_monthly_report_due_at_month_end_without_a_due_day():
    a = assignment(None, reporting_cycle="monthly", created=D(2025, 9, 1))
    sent = run_days(a, D(2025, 11, 1), D(2025, 11, 30))
    assert [day for day, *_ in sent] == [_add(_effective(D(2025, 11, 30)), -3)]


def test_period_due_dates():
    assert planning.period_due_date("monthly", D(2026, 2, 10), 31) == D(2026, 2, 28)
    assert planning.period_due_date("quarterly", D(2026, 4, 1), 20) == D(2026, 6, 20)
    assert planning.period_due_date("half_yearly", D(2026, 8, 1), None) == D(2026, 12, 31)
    assert planning.period_due_date("weekly", D(2026, 11, 25), None) == D(2026, 11, 29)
    assert planning.period_due_date("none", D(2026, 11, 25), None) is None
