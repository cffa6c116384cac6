"""The policy row and the beat schedule exist after `migrate` (editable in the admin and on 提醒规则).

Beat fires the job every day at the send time; the job itself skips non-working days and
hours (a crontab cannot know the 调休 calendar).
"""

from django.db import migrations
from django.utils import timezone

BEAT_TASK_NAME = "每日提醒（提醒·催办·督办）"


def create(apps, schema_editor):
    ReminderPolicy = apps.get_model("reminders", "ReminderPolicy")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    policy, _ = ReminderPolicy.objects.get_or_create(pk=1)
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute=str(policy.send_minute),
        hour=str(policy.send_hour),
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name=BEAT_TASK_NAME,
        defaults={
            "task": "reminders.run",
            "crontab": schedule,
            "enabled": True,
            "description": "每天在提醒规则的发送时间运行；非工作日、非工作时间不发送。",
        },
    )
    # Tell a running beat that its schedule changed (what PeriodicTask.save() does outside migrations).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=BEAT_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
