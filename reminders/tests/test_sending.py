"""Recording, claiming and sending: never twice, one digest per recipient, 督办单, quiet hours."""

import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from reminders import sending, services
from reminders.models import (
    Delivery,
    DeliveryState,
    Notification,
    OrderState,
    Reminder,
    ReminderPolicy,
    SupervisionOrder,
)
from tasks import services as task_services
from tasks.models import AssignmentState

D = dt.date


def remind(*args) -> dict:
    out = io.StringIO()
    call_command("remind", *args, "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_the_beat_schedule_exists_after_migrate(db):
    task = PeriodicTask.objects.get(name=services.BEAT_TASK_NAME)
    assert task.task == "reminders.run" and task.enabled
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_week) == ("9", "0", "*")
    assert ReminderPolicy.objects.filter(pk=1).exists()


def test_holiday_dry_run_plans_nothing(year_end_task):
    assert remind("--date", "2021-10-04", "--dry-run") == {
        "date": "2021-10-04",
        "working_day": False,
        "reminders": [],
        "messages": 0,
        "sent": 0,
    }


def test_first_overdue_day_after_new_year_then_a_second_run_sends_nothing(year_end_task, personas, nobody_unit):
    dry = remind("--date", "2022-01-04", "--dry-run")
    assert dry["messages"] == 3 and dry["sent"] == 0 and not Reminder.objects.exists()
    result = remind("--date", "2022-01-04")
    assert result["working_day"] is True
    rows = {r["unit"]: r for r in result["reminders"]}
    assert set(rows) == {personas.lead_unit.name, personas.support_unit.name, nobody_unit.name}
    assert {(r["kind"], r["level"]) for r in rows.values()} == {("overdue", "urge")}
    assert rows[personas.lead_unit.name]["recipients"] == ["lead_clerk", "lead_head"]
    assert rows[personas.support_unit.name]["recipients"] == ["support_clerk"]
    assert rows[nobody_unit.name]["recipients"] == []
    assert result["messages"] == 3 and result["sent"] == 3
    assert Notification.objects.count() == 3 and len(mail.outbox) == 3
    assert Reminder.objects.get(assignment__unit=nobody_unit).no_recipient is True

    again = remind("--date", "2022-01-04")
    assert again["reminders"] == [] and again["sent"] == 0
    assert Notification.objects.count() == 3 and len(mail.outbox) == 3


def test_a_retry_and_a_second_record_change_nothing(year_end_task, at):
    now = at(D(2022, 1, 4))
    sending.run(now)
    assert sending.send_unclaimed(now) == 0
    due = [
        sending.planning.DueReminder(r.assignment_id, r.kind, r.level, r.period, 0, r.assignment.unit_id, "", None)
        for r in Reminder.objects.select_related("assignment")
    ]
    sending.record(due, D(2022, 1, 4), sending.unit_people([d.unit_id for d in due]), [], now=now)
    assert Reminder.objects.count() == 3 and sending.send_unclaimed(now) == 0


def test_a_crash_between_claim_and_send_rolls_the_claim_back_and_the_rerun_sends_once(year_end_task, at, monkeypatch):
    now = at(D(2022, 1, 4))

    def crash(token):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(sending, "_after_claim", crash)
    with pytest.raises(RuntimeError):
        sending.run(now)
    assert Reminder.objects.count() == 3
    assert not Reminder.objects.filter(claimed_at__isnull=False).exists()
    assert not Notification.objects.exists()
    monkeypatch.undo()
    assert sending.run(now).sent == 3
    assert sending.run(now).sent == 0
    assert Notification.objects.count() == 3


def test_a_claimed_delivery_is_never_sent_by_anyone_else(year_end_task, at):
    sending.run(at(D(2022, 1, 4)))
    delivery = Delivery.objects.filter(state=DeliveryState.PENDING).first()
    assert sending.claim_delivery(delivery.pk, at(D(2022, 1, 4)))  # a worker claimed it, then crashed
    assert sending.deliver(delivery.pk) is False
    assert mail.outbox == []
    assert sending.deliver_pending() == {"sent": 2, "failed": 0}
    assert sending.deliver_pending() == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 2


def test_one_digest_per_recipient_lists_everything_due(year_end_task, personas, at):
    task_services.create_task(
        personas.supervisor,
        text="第二项",
        deadline=D(2021, 12, 31),
        lead_units=[personas.lead_unit],
        now=at(D(2021, 7, 8)),
    )
    sending.run(at(D(2022, 1, 4)))
    notification = Notification.objects.get(recipient=personas.lead_clerk)
    assert notification.reminders.count() == 2 and notification.task is None
    assert "2 项" in notification.title
    sending.deliver_pending()
    to_clerk = [m for m in mail.outbox if m.to == [personas.lead_clerk.email]]
    assert len(to_clerk) == 1 and "推进重点项目建设" in to_clerk[0].body and "第二项" in to_clerk[0].body


def test_nothing_outside_working_hours(year_end_task, at):
    assert sending.run(at(D(2022, 1, 4), hour=20)).reminders == []
    assert sending.run(at(D(2022, 1, 4), hour=7)).reminders == []
    assert not Reminder.objects.exists()


def test_supervision_reaches_the_office_and_opens_a_numbered_order(year_end_task, personas, at):
    policy = ReminderPolicy.load()
    policy.supervise_from_step = 1
    policy.save()
    result = sending.run(at(D(2022, 1, 4)))
    assert {r["level"] for r in result.reminders} == {"supervise"}
    assert all("supervisor" in r["recipients"] for r in result.reminders)
    orders = list(SupervisionOrder.objects.order_by("serial"))
    assert [o.number for o in orders] == ["督办〔2022〕第1号", "督办〔2022〕第2号", "督办〔2022〕第3号"]
    assert {o.leader_name for o in orders} == {"李副区长"} and {o.task_id for o in orders} == {year_end_task.pk}
    office = Notification.objects.get(recipient=personas.supervisor)
    assert office.reminders.count() == 3  # one digest for the office, not three
    # The next overdue reminder keeps the order open and opens no second one.
    sending.run(at(D(2022, 1, 11)))
    assert SupervisionOrder.objects.count() == 3
    year_end_task.assignments.update(state=AssignmentState.DONE)
    assert sending.close_orders(at(D(2022, 1, 12))) == 3
    assert not SupervisionOrder.objects.open().exists()
    assert SupervisionOrder.objects.filter(state=OrderState.CLOSED, closed_at__isnull=False).count() == 3


def test_the_daily_cap_keeps_the_in_app_message_and_stops_the_email(year_end_task, personas, at, lead_assignment):
    policy = ReminderPolicy.load()
    policy.daily_cap = 1
    policy.save()
    now = at(D(2022, 1, 4))
    sending.run(now)
    services.urge(personas.supervisor, lead_assignment, now=now.replace(hour=10))
    assert Notification.objects.filter(recipient=personas.lead_clerk).count() == 2
    assert Delivery.objects.filter(notification__recipient=personas.lead_clerk).count() == 1


@pytest.fixture
def lead_assignment(year_end_task, personas):
    return year_end_task.assignments.get(unit=personas.lead_unit)


def test_manual_urging_climbs_the_ladder_and_never_twice(lead_assignment, personas, at):
    now = at(D(2022, 1, 4), hour=10)
    first, sent = services.urge(personas.supervisor, lead_assignment, now=now)
    assert (first.level, first.kind, sent) == ("urge", "manual", 2)
    second, _ = services.urge(personas.supervisor, lead_assignment, now=now)
    assert second.level == "supervise"
    assert SupervisionOrder.objects.get(assignment=lead_assignment).created_by == personas.supervisor
    with pytest.raises(services.ReminderRefused):
        services.urge(personas.supervisor, lead_assignment, now=now)
    third, _ = services.urge(personas.supervisor, lead_assignment, now=at(D(2022, 1, 5), hour=10))
    assert third.level == "supervise" and SupervisionOrder.objects.count() == 1


def test_manual_urging_outside_hours_waits_for_the_next_run(lead_assignment, personas, at):
    reminder, sent = services.urge(personas.supervisor, lead_assignment, now=at(D(2022, 1, 4), hour=21))
    assert sent == 0 and reminder.claimed_at is None
    assert sending.run(at(D(2022, 1, 5))).sent == 3  # the waiting 催办 and the day's overdue reminders
    assert Notification.objects.get(recipient=personas.lead_clerk).reminders.count() == 2


def test_only_the_office_may_urge(lead_assignment, personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.urge(personas.lead_clerk, lead_assignment)


def test_done_assignments_are_not_urged(lead_assignment, personas):
    lead_assignment.state = AssignmentState.DONE
    lead_assignment.save()
    with pytest.raises(services.ReminderRefused):
        services.urge(personas.supervisor, lead_assignment)


def test_report_due_reminder_follows_the_tasks_due_day(personas, at):
    task = task_services.create_task(
        personas.supervisor,
        text="按季度报送进展",
        reporting_cycle="quarterly",
        report_due_day=20,
        lead_units=[personas.lead_unit],
        now=at(D(2025, 9, 1)),
    )
    # Q4 2025 due Saturday 12-20 → Monday 12-22; 3 working days before is Wednesday 12-17.
    assert sending.run(at(D(2025, 12, 16))).reminders == []
    result = sending.run(at(D(2025, 12, 17)))
    assert [(r["kind"], r["task"]) for r in result.reminders] == [("report_due", task.pk)]
    assert Reminder.objects.get().period == "2025年第4季度"
    assert sending.run(at(D(2025, 12, 18))).reminders == []
