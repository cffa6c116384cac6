"""The Celery tasks called as a worker calls them: a redelivered (acks_late) run sends nothing twice."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail

from reminders import jobs
from reminders.models import Channel, Delivery, Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_job_twice_at_the_send_time_sends_once(year_end_task):
    with time_machine.travel(dt.datetime(2022, 1, 4, 9, 0, tzinfo=SHANGHAI), tick=False):
        first = jobs.run_reminders()
        second = jobs.run_reminders()  # the broker redelivered the message (acks_late)
    assert first == {"date": "2022-01-04", "working_day": True, "sent": 3}
    assert second == {"date": "2022-01-04", "working_day": True, "sent": 0}
    assert Notification.objects.count() == 3 and len(mail.outbox) == 3
    email = Delivery.objects.filter(channel=Channel.EMAIL).first()
    assert jobs.deliver_message(email.pk) is False  # already sent: a redelivered message does nothing


def test_the_job_does_nothing_on_a_holiday_or_at_night(year_end_task):
    with time_machine.travel(dt.datetime(2022, 1, 3, 9, 0, tzinfo=SHANGHAI), tick=False):  # New Year holiday
        assert jobs.run_reminders()["working_day"] is False
    with time_machine.travel(dt.datetime(2022, 1, 4, 22, 0, tzinfo=SHANGHAI), tick=False):
        assert jobs.run_reminders()["sent"] == 0
    assert not Notification.objects.exists()


def test_the_jobs_are_acks_late():
    assert jobs.run_reminders.acks_late and jobs.deliver_message.acks_late
