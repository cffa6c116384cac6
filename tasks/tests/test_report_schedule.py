"""Reporting schedules as data: cycle + due day, from the document to the task, edited on both,
judged by the lights (Python and SQL agree)."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents.tests.test_services import fake_pipeline, item_entry, unit_entry  # noqa: F401 - fixtures
from tasks import services
from tasks.lights import Light, assignment_light, period_due_date, report_window_open
from tasks.models import Assignment, AssignmentState, ReportingCycle, Task, TaskEvent
from tasks.publishing import publish_document
from tasks.tests.test_publish import accept_all, import_items
from tasks.tests.test_task_editing import _edit_form, _edit_values

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date


def test_the_documents_phrase_becomes_the_tasks_schedule(personas, fake_pipeline):  # noqa: F811
    document = import_items(
        personas, fake_pipeline, [item_entry("1", "推进", [unit_entry("区发改委", personas.lead_unit)])]
    )
    assert (document.report_cycle, document.report_due_day) == ("quarterly", 20)
    accept_all(personas, document)
    task = publish_document(document, personas.supervisor).tasks[0]
    assert (task.reporting_cycle, task.report_due_day) == (ReportingCycle.QUARTERLY, 20)


def test_an_item_with_its_own_cycle_does_not_take_the_documents_day(personas, fake_pipeline):  # noqa: F811
    entry = item_entry("1", "每月报送进展", [unit_entry("区发改委", personas.lead_unit)], recurrence="每月")
    document = import_items(personas, fake_pipeline, [entry])
    accept_all(personas, document)
    task = publish_document(document, personas.supervisor).tasks[0]
    assert (task.reporting_cycle, task.report_due_day) == (ReportingCycle.MONTHLY, None)


def test_editing_the_due_day_is_recorded(personas, task):
    services.edit_task(personas.supervisor, task, **_edit_values(task, reporting_cycle="monthly", report_due_day=25))
    task.refresh_from_db()
    assert task.report_due_day == 25
    changes = (
        TaskEvent.objects.filter(task=task, action="edited")
        .get()
        .changes.values_list("field", "old_value", "new_value")
    )
    assert ("报送截止日", "期末", "25日") in list(changes)
    with pytest.raises(ValidationError):
        services.edit_task(personas.supervisor, task, **_edit_values(task, report_due_day=32))
    services.edit_task(personas.supervisor, task, **_edit_values(task, reporting_cycle="weekly", report_due_day=25))
    task.refresh_from_db()
    assert task.report_due_day is None  # a weekly report has no day of the month


def test_the_task_edit_form_carries_the_due_day(client, personas, task):
    client.force_login(personas.supervisor)
    url = reverse("tasks:edit", args=[task.pk])
    assert "报送截止日" in client.get(url).content.decode()
    response = client.post(
        url, {**_edit_form(task, reporting_cycle="quarterly", report_due_day="20"), "version": task.version}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.reporting_cycle, task.report_due_day) == ("quarterly", 20)
    response = client.post(url, {**_edit_form(task, report_due_day="0"), "version": task.version})
    assert response.status_code == 400 and "大于或等于1" in response.content.decode()
    task.refresh_from_db()
    assert task.report_due_day == 20


def test_the_document_page_edits_the_schedule(client, personas, fake_pipeline):  # noqa: F811
    document = import_items(
        personas, fake_pipeline, [item_entry("1", "推进", [unit_entry("区发改委", personas.lead_unit)])]
    )
    url = reverse("documents:schedule", args=[document.pk])
    client.force_login(personas.lead_clerk)
    assert client.post(url, {"report_cycle": "monthly", "report_due_day": "25"}).status_code == 403
    client.force_login(personas.supervisor)
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "每期末月20日前" in page and 'data-testid="schedule-form"' in page
    client.post(url, {"report_cycle": "monthly", "report_due_day": "25"})
    document.refresh_from_db()
    assert (document.report_cycle, document.report_due_day) == ("monthly", 25)
    response = client.post(url, {"report_cycle": "monthly", "report_due_day": "40"}, follow=True)
    assert "截止日须为 1–31" in response.content.decode()
    document.refresh_from_db()
    assert document.report_due_day == 25


def test_due_dates_and_the_window():
    assert period_due_date("quarterly", D(2026, 8, 3), 20) == D(2026, 9, 20)
    assert period_due_date("monthly", D(2026, 2, 3), 31) == D(2026, 2, 28)
    assert period_due_date("yearly", D(2026, 2, 3), None) == D(2026, 12, 31)


def test_with_a_due_day_a_missing_report_turns_yellow_only_near_the_due_date(db, settings):
    settings.DUBAN_YELLOW_WORKING_DAYS = 5
    # Q3 2026 report due Sunday 2026-09-20 (→ working day 09-21): quiet on 09-10, yellow from 09-14.
    assert not report_window_open("quarterly", 20, D(2026, 9, 10))
    assert report_window_open("quarterly", 20, D(2026, 9, 14))
    assert report_window_open("quarterly", 20, D(2026, 9, 29))  # past due, still missing
    assert report_window_open("quarterly", None, D(2026, 7, 2))  # without a day: all period long
    task = Task(text="季报", reporting_cycle="quarterly", report_due_day=20)
    assignment = Assignment(
        task=task, state=AssignmentState.IN_PROGRESS, created=dt.datetime(2026, 1, 5, tzinfo=SHANGHAI)
    )
    assert assignment_light(assignment, D(2026, 9, 10)) == Light.GREEN
    assert assignment_light(assignment, D(2026, 9, 14)) == Light.YELLOW


TODAYS = [
    D(2026, 9, 10),
    D(2026, 9, 14),
    D(2026, 9, 18),
    D(2026, 9, 30),
    D(2026, 10, 9),
    D(2026, 12, 15),
    D(2026, 12, 24),
]
CYCLES = ["monthly", "quarterly", "half_yearly", "yearly", "weekly"]
DAYS = [None, 1, 10, 20, 28, 31]
REPORTED = [None, dt.datetime(2026, 7, 2, 10, tzinfo=SHANGHAI), dt.datetime(2026, 9, 2, 10, tzinfo=SHANGHAI)]


def test_sql_and_python_agree_with_due_days(personas):
    rows = []
    for n, (cycle, day, reported) in enumerate(itertools.product(CYCLES, DAYS, REPORTED)):
        task = Task(text=f"case {n}", reporting_cycle=cycle, report_due_day=day)
        created = dt.datetime(2026, 1, 5, 9, tzinfo=SHANGHAI)
        unit = personas.lead_unit if n % 2 else personas.support_unit
        assignment = Assignment(
            unit=unit, state=AssignmentState.IN_PROGRESS, created=created, last_reported_at=reported
        )
        rows.append((task, assignment))
    for task, saved in zip(Task.objects.bulk_create([t for t, _ in rows]), rows, strict=True):
        saved[1].task = task
    Assignment.objects.bulk_create([a for _, a in rows])
    colours = set()
    for today in TODAYS:
        for assignment in Assignment.objects.with_light(today).select_related("task"):
            assert assignment.light_code == assignment_light(assignment, today), (today, assignment.task.text)
            colours.add(assignment.light_code)
    assert colours == {"green", "yellow"}


def test_the_ledger_chip_and_the_task_page_agree_on_a_due_day(client, personas, settings):
    """A quarterly report due on the 20th is not yet missing on 09-10: the ledger's chips and the
    task page both show green (the ledger once judged its chips without the due day: yellow)."""
    import time_machine

    settings.DUBAN_YELLOW_WORKING_DAYS = 5
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=SHANGHAI), tick=False):
        task = services.create_task(
            personas.supervisor,
            text="按季度报送进展的任务",
            deadline=D(2026, 12, 31),
            lead_units=[personas.lead_unit],
            support_units=[],
        )
    task.reporting_cycle, task.report_due_day = ReportingCycle.QUARTERLY, 20
    task.save(update_fields=["reporting_cycle", "report_due_day"])
    client.force_login(personas.supervisor)
    for day, colour in ((10, "green"), (14, "yellow")):
        with time_machine.travel(dt.datetime(2026, 9, day, 10, tzinfo=SHANGHAI), tick=False):
            ledger = client.get(reverse("tasks:ledger")).content.decode()
            page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
        assert f'chip chip-{colour}"' in ledger or f"chip chip-{colour} " in ledger, (day, colour)
        other = "yellow" if colour == "green" else "green"
        assert f"chip-{other}" not in ledger, (day, colour)
        assert f'data-light="{colour}"' in page and f'data-light="{other}"' not in page, (day, colour)
