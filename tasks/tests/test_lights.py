"""Traffic lights and overdue with the clock frozen (time-machine), around the National Day holiday."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tasks import services
from tasks.lights import Light, assignment_light, is_overdue, period_label, task_light
from tasks.models import ReportingCycle

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def holiday_task(personas):
    """Due Saturday 2026-10-03, inside the National Day holiday (10-01..10-07)."""
    with time_machine.travel(at(2026, 9, 1, 9), tick=False):
        return services.create_task(
            personas.supervisor,
            text="国庆期间安全检查",
            deadline=dt.date(2026, 10, 3),
            lead_units=[personas.lead_unit],
        )


def _light_on(assignment, day):
    with time_machine.travel(at(*day, 10), tick=False):
        return assignment_light(assignment, timezone.localdate())


class TestHolidayDeadline:
    def test_deadline_in_holiday_runs_to_first_working_day(self, holiday_task):
        a = holiday_task.assignments.get()
        # On 10-07 (still holiday) and 10-08 (first working day) it is not overdue yet.
        assert not is_overdue(a, dt.date(2026, 10, 7))
        assert not is_overdue(a, dt.date(2026, 10, 8))
        assert is_overdue(a, dt.date(2026, 10, 9))
        assert _light_on(a, (2026, 10, 8)) == Light.YELLOW
        assert _light_on(a, (2026, 10, 9)) == Light.RED

    def test_yellow_window_counts_working_days_across_the_holiday(self, holiday_task, settings):
        settings.DUBAN_YELLOW_WORKING_DAYS = 5
        a = holiday_task.assignments.get()
        # After Wed 09-23 the working days up to 10-08 are 09-24, 09-28, 09-29, 09-30, 10-08:
        # 09-25 is 中秋节 and 10-01..10-07 国庆节 (per the package). Five: yellow. From 09-22: six.
        assert _light_on(a, (2026, 9, 22)) == Light.GREEN
        assert _light_on(a, (2026, 9, 23)) == Light.YELLOW

    def test_deadline_on_makeup_saturday_is_judged_on_that_day(self, personas):
        # 2026-10-10 is a 调休 working Saturday in the package.
        task = services.create_task(
            personas.supervisor, text="补班日截止", deadline=dt.date(2026, 10, 10), lead_units=[personas.lead_unit]
        )
        a = task.assignments.get()
        assert not is_overdue(a, dt.date(2026, 10, 10))
        assert is_overdue(a, dt.date(2026, 10, 11))

    def test_extension_moves_the_date_in_force(self, holiday_task, personas):
        a = holiday_task.assignments.get()
        with time_machine.travel(at(2026, 9, 20, 10), tick=False):
            extension = services.request_extension(
                personas.lead_clerk, a, requested_deadline=dt.date(2026, 10, 30), reason="节后施工"
            )
            services.decide_extension(personas.supervisor, extension, approved=True)
        a.refresh_from_db()
        assert not is_overdue(a, dt.date(2026, 10, 12))
        assert a.original_deadline == dt.date(2026, 10, 3)


class TestLights:
    def test_done_is_grey_and_on_time_is_judged_by_request(self, personas, holiday_task):
        a = holiday_task.assignments.get()
        with time_machine.travel(at(2026, 10, 8, 10), tick=False):
            services.consolidate(personas.lead_clerk, a, progress="已完成", percent=100)
            services.request_completion(personas.lead_clerk, a)
        a.refresh_from_db()
        # Asked on time; the review comes later but the unit is not overdue.
        assert not is_overdue(a, dt.date(2026, 10, 20))
        with time_machine.travel(at(2026, 10, 20, 10), tick=False):
            services.approve(personas.supervisor, a)
        a.refresh_from_db()
        assert _light_on(a, (2026, 10, 21)) == Light.GREY
        assert task_light(holiday_task, dt.date(2026, 10, 21)) == Light.GREY

    def test_missing_report_in_period_is_yellow(self, personas):
        with time_machine.travel(at(2026, 8, 15, 10), tick=False):
            task = services.create_task(
                personas.supervisor,
                text="按月报送的长期任务",
                ongoing=True,
                reporting_cycle=ReportingCycle.MONTHLY,
                lead_units=[personas.lead_unit],
            )
        a = task.assignments.get()
        assert _light_on(a, (2026, 8, 20)) == Light.GREEN  # created this month: nothing due yet
        assert _light_on(a, (2026, 9, 10)) == Light.YELLOW  # September: no report yet
        with time_machine.travel(at(2026, 9, 11, 10), tick=False):
            services.report_progress(personas.lead_clerk, a, progress="九月进展", percent=10)
        a.refresh_from_db()
        assert _light_on(a, (2026, 9, 12)) == Light.GREEN
        assert _light_on(a, (2026, 10, 12)) == Light.YELLOW
        assert not is_overdue(a, dt.date(2030, 1, 1))  # ongoing work is never overdue

    def test_task_light_is_worst_assignment(self, personas, task):
        lead = task.assignments.get(unit=personas.lead_unit)
        lead.deadline = dt.date(2026, 11, 1)
        lead.save()
        assert task_light(task, dt.date(2026, 11, 20)) == Light.RED

    def test_period_labels(self):
        assert period_label(ReportingCycle.QUARTERLY, dt.date(2026, 11, 23)) == "2026年第4季度"
        assert period_label(ReportingCycle.MONTHLY, dt.date(2026, 11, 23)) == "2026年11月"


@pytest.mark.django_db
def test_ledger_overdue_filter_with_frozen_clock(client, personas, holiday_task, task):
    client.force_login(personas.supervisor)
    with time_machine.travel(at(2026, 10, 8, 10), tick=False):
        body = client.get(reverse("tasks:ledger"), {"overdue": "on"}).content.decode()
        assert "国庆期间安全检查" not in body
    with time_machine.travel(at(2026, 10, 9, 10), tick=False):
        body = client.get(reverse("tasks:ledger"), {"overdue": "on"}).content.decode()
        assert "国庆期间安全检查" in body and "推进重点项目建设" not in body
        body = client.get(reverse("tasks:ledger"), {"light": "red"}).content.decode()
        assert "国庆期间安全检查" in body and "推进重点项目建设" not in body
        body = client.get(reverse("tasks:my_work")).content.decode()
    client.force_login(personas.lead_clerk)
    with time_machine.travel(at(2026, 10, 9, 10), tick=False):
        body = client.get(reverse("tasks:my_work")).content.decode()
        assert 'data-light="red"' in body
