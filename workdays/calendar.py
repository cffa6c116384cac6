"""Working days on the official calendar (工作日、调休).

Which source decides a day, in order:
1. a `HolidayOverride` row (放假 or 补班) entered in the admin: it always wins;
2. the `chinesecalendar` package (import name `chinese_calendar`), which carries the State
   Council's schedule for 2004–2026, 调休 Saturdays and Sundays included;
3. otherwise Monday–Friday are working days. `coverage_warning(year)` then returns a sentence
   the screens show, so nobody mistakes a guessed year for an official one.

Overrides are cached per process for `CACHE_SECONDS`, and dropped whenever a row is saved or
deleted in this process; other processes (web workers, Celery) see a change within that time.
Tests call `clear_cache()`.
"""

import datetime as dt
import hashlib
import time

import chinese_calendar
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import HolidayKind, HolidayOverride

CACHE_SECONDS = 300
# How far add_working_days/next_working_day will look before giving up (a data error, not a calendar).
_MAX_SCAN_DAYS = 3660

_cache: dict[str, object] = {
    "loaded": 0.0,
    "overrides": None,
    "years": None,
    "days": {},
    "steps": {},
    "fingerprint": None,
}


def clear_cache() -> None:
    """Forget the cached overrides and answers (after a save, and between tests)."""
    _cache.update(loaded=0.0, overrides=None, years=None, days={}, steps={}, fingerprint=None)


def _overrides() -> tuple[dict[dt.date, bool], set[int]]:
    """{date: is_working_day} from HolidayOverride, and the years that have any row."""
    now = time.monotonic()
    if _cache["overrides"] is None or now - float(_cache["loaded"]) > CACHE_SECONDS:
        rows = dict(HolidayOverride.objects.values_list("date", "kind"))
        overrides = {day: kind == HolidayKind.WORKDAY for day, kind in rows.items()}
        years = {day.year for day in overrides}
        _cache.update(loaded=now, overrides=overrides, years=years, days={}, steps={}, fingerprint=None)
    return _cache["overrides"], _cache["years"]  # type: ignore[return-value]


def fingerprint() -> str:
    """A digest of the overrides this process judges by: it changes when they do, and is the same
    in every process that has read the same rows (what is cached from the calendar's answers
    carries it, e.g. dashboard.cache)."""
    overrides, _ = _overrides()
    if _cache["fingerprint"] is None:
        text = ",".join(f"{day:%Y%m%d}{int(working)}" for day, working in sorted(overrides.items()))
        _cache["fingerprint"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return _cache["fingerprint"]  # type: ignore[return-value]


def package_covers(year: int) -> bool:
    """Whether the chinesecalendar package carries the official schedule for `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def coverage_warning(year: int) -> str | None:
    """A sentence to show when `year` is judged by weekends only, or None when the year is known."""
    if package_covers(year) or year in _overrides()[1]:
        return None
    return f"{year}年的节假日安排尚未录入：暂按周末计算工作日，请在管理后台“节假日调整”中录入。"


def is_working_day(day: dt.date) -> bool:
    """A day is a working day if an override says so, else the package, else Monday–Friday."""
    overrides, _years = _overrides()
    # Answers are remembered with the overrides they were computed from: the package's own
    # lookup scans its whole table per call, and the lights ask about the same days all day.
    answers: dict[dt.date, bool] = _cache["days"]  # type: ignore[assignment]
    answer = answers.get(day)
    if answer is None:
        if day in overrides:
            answer = overrides[day]
        else:
            try:
                answer = bool(chinese_calendar.is_workday(day))
            except NotImplementedError:
                answer = day.weekday() < 5
        answers[day] = answer
    return answer


def next_working_day(day: dt.date, *, include_today: bool = False) -> dt.date:
    """The first working day after `day` (or `day` itself when include_today and it works)."""
    if include_today and is_working_day(day):
        return day
    return add_working_days(day, 1)


def previous_working_day(day: dt.date) -> dt.date:
    """The last working day before `day`."""
    return add_working_days(day, -1)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n > 0) or before it (n < 0); `day` itself for n == 0.

    `day` does not count: 1 working day after Friday 2025-09-26 is Sunday 2025-09-28 (调休 补班).
    """
    if n == 0:
        return day
    return _remembered(("add", day, n), lambda: _add_working_days(day, n))


def _remembered(key: tuple, compute):
    """An answer remembered with the day answers (and dropped with them): planning and the
    lights ask the same (deadline, lead) questions for thousands of shares."""
    _overrides()
    steps: dict = _cache["steps"]  # type: ignore[assignment]
    found = steps.get(key)
    if found is None:
        found = steps[key] = compute()
    return found


def _add_working_days(day: dt.date, n: int) -> dt.date:
    step = dt.timedelta(days=1 if n > 0 else -1)
    remaining, current = abs(n), day
    for _ in range(_MAX_SCAN_DAYS + remaining):
        current += step
        if is_working_day(current):
            remaining -= 1
            if remaining == 0:
                return current
    raise ValueError(f"no {n} working days from {day} within {_MAX_SCAN_DAYS} days")


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is before `start`.

    working_days_between(d, d) == 0; from a Friday to the next Monday is 1 in an ordinary week.
    """
    if end == start:
        return 0
    if end < start:
        return -working_days_between(end, start)
    return _remembered(("between", start, end), lambda: _count_working_days(start, end))


def _count_working_days(start: dt.date, end: dt.date) -> int:
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def effective_deadline(deadline: dt.date) -> dt.date:
    """A deadline on a non-working day (a holiday, an ordinary weekend) moves to the next working day.

    A deadline on a 调休 Saturday stays on that Saturday: it is a working day.
    """
    return _remembered(("due", deadline), lambda: next_working_day(deadline, include_today=True))


@receiver([post_save, post_delete], sender=HolidayOverride)
def _holiday_changed(sender, **kwargs) -> None:
    """A changed schedule takes effect at once in this process, and again after the commit."""
    clear_cache()
    transaction.on_commit(clear_cache)
