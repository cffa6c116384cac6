import datetime as dt

import chinese_calendar
import pytest

from workdays import calendar
from workdays.models import HolidayKind, HolidayOverride

D = dt.date


def _package_makeup_days(year):
    """调休 weekend days the package marks as working days (computed, not guessed)."""
    return sorted(day for day in chinese_calendar.workdays if day.year == year and day.weekday() >= 5)


@pytest.mark.django_db
class TestPackageCalendar:
    def test_national_day_2025_is_a_holiday(self):
        for day in range(1, 9):
            assert not calendar.is_working_day(D(2025, 10, day)), day
        assert calendar.is_working_day(D(2025, 10, 9))

    def test_national_day_2026_is_a_holiday(self):
        for day in range(1, 8):
            assert not calendar.is_working_day(D(2026, 10, day)), day
        assert calendar.is_working_day(D(2026, 10, 8))

    @pytest.mark.parametrize("year", [2025, 2026])
    def test_makeup_weekend_days_are_working_days(self, year):
        makeup = _package_makeup_days(year)
        assert makeup, "the package lists 调休 days for this year"
        for day in makeup:
            assert day.weekday() >= 5
            assert calendar.is_working_day(day), day

    def test_known_makeup_days(self):
        # Computed from the package above; spelled out so a reader sees concrete dates.
        assert D(2025, 9, 28) in _package_makeup_days(2025)  # Sunday before National Day
        assert D(2025, 10, 11) in _package_makeup_days(2025)  # Saturday after it
        assert calendar.is_working_day(D(2025, 9, 28))
        assert calendar.is_working_day(D(2025, 10, 11))

    def test_ordinary_weekend_is_not_a_working_day(self):
        assert not calendar.is_working_day(D(2025, 11, 22))  # Saturday
        assert calendar.is_working_day(D(2025, 11, 21))  # Friday

    def test_add_working_days_crosses_national_day(self):
        # Tuesday 2025-09-30 + 1 working day skips the holiday (10-01..10-08) to Thursday 10-09.
        assert calendar.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
        # Friday 2025-09-26 + 1 is the 调休 Sunday 09-28.
        assert calendar.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
        assert calendar.add_working_days(D(2025, 10, 9), -1) == D(2025, 9, 30)
        assert calendar.add_working_days(D(2025, 10, 9), 0) == D(2025, 10, 9)

    def test_working_days_between(self):
        assert calendar.working_days_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
        assert calendar.working_days_between(D(2025, 10, 9), D(2025, 9, 30)) == -1
        assert calendar.working_days_between(D(2025, 11, 17), D(2025, 11, 24)) == 5
        assert calendar.working_days_between(D(2025, 11, 17), D(2025, 11, 17)) == 0

    def test_next_and_previous_working_day(self):
        assert calendar.next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)
        assert calendar.next_working_day(D(2026, 10, 8), include_today=True) == D(2026, 10, 8)
        assert calendar.previous_working_day(D(2026, 10, 8)) == D(2026, 9, 30)

    def test_effective_deadline(self):
        # In the National Day holiday: runs to the first working day after it.
        assert calendar.effective_deadline(D(2026, 10, 3)) == D(2026, 10, 8)
        # On a 调休 working weekend day: stays.
        makeup = _package_makeup_days(2026)[0]
        assert calendar.effective_deadline(makeup) == makeup
        # On an ordinary Saturday: the following Monday.
        assert calendar.effective_deadline(D(2026, 11, 21)) == D(2026, 11, 23)

    def test_package_years_have_no_warning(self):
        assert calendar.coverage_warning(2026) is None


@pytest.mark.django_db
class TestOverrides:
    def test_override_wins_over_package(self):
        assert calendar.is_working_day(D(2026, 11, 20))
        HolidayOverride.objects.create(date=D(2026, 11, 20), kind=HolidayKind.HOLIDAY, note="临时放假")
        assert not calendar.is_working_day(D(2026, 11, 20))
        HolidayOverride.objects.create(date=D(2026, 10, 3), kind=HolidayKind.WORKDAY, note="测试")
        assert calendar.is_working_day(D(2026, 10, 3))

    def test_deleting_an_override_takes_effect(self):
        row = HolidayOverride.objects.create(date=D(2026, 11, 20), kind=HolidayKind.HOLIDAY)
        assert not calendar.is_working_day(D(2026, 11, 20))
        row.delete()
        assert calendar.is_working_day(D(2026, 11, 20))

    def test_year_beyond_package_falls_back_to_weekends_with_warning(self):
        assert not calendar.package_covers(2027)
        warning = calendar.coverage_warning(2027)
        assert warning and "2027" in warning and "周末" in warning
        assert calendar.is_working_day(D(2027, 10, 1))  # a Friday: unknown year, weekday
        assert not calendar.is_working_day(D(2027, 10, 2))  # Saturday

    def test_entered_year_has_no_warning_and_is_used(self):
        HolidayOverride.objects.create(date=D(2027, 10, 1), kind=HolidayKind.HOLIDAY, note="国庆节")
        HolidayOverride.objects.create(date=D(2027, 9, 26), kind=HolidayKind.WORKDAY, note="国庆调休")
        assert calendar.coverage_warning(2027) is None
        assert not calendar.is_working_day(D(2027, 10, 1))
        assert calendar.is_working_day(D(2027, 9, 26))  # a Sunday made a working day

    def test_cache_is_cleared_between_tests(self):
        # The previous test's 2027 rows were rolled back; the cache must not remember them.
        assert calendar.coverage_warning(2027) is not None
        assert calendar.is_working_day(D(2027, 10, 1))
