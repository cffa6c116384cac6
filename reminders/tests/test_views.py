"""消息, the bell, 提醒规则, 无接收人的单位, 督办单 and the 催办 button, as personas."""

import datetime as dt

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from reminders import sending, services
from reminders.models import Notification, ReminderPolicy, SupervisionOrder

D = dt.date


@pytest.fixture
def sent(year_end_task, at):
    sending.run(at(D(2022, 1, 4)))
    return year_end_task


def login(client, user):
    client.force_login(user)
    return client


def test_the_bell_counts_unread_messages_and_links_the_messages_page(client, sent, personas):
    page = login(client, personas.lead_clerk).get(reverse("tasks:my_work"))
    html = page.content.decode()
    assert 'data-testid="bell-count">1<' in html and reverse("reminders:messages") in html


def test_messages_list_links_each_task_and_marks_read(client, sent, personas):
    login(client, personas.lead_clerk)
    page = client.get(reverse("reminders:messages"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("tasks:detail", args=[sent.pk]) in html and "推进重点项目建设" in html
    notification = Notification.objects.get(recipient=personas.lead_clerk)
    response = client.post(reverse("reminders:read", args=[notification.pk]), {"next": "task"})
    assert response.url == reverse("tasks:detail", args=[sent.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'data-testid="bell-count"' not in client.get(reverse("reminders:messages")).content.decode()


def test_read_all_and_nobody_reads_another_persons_messages(client, sent, personas):
    other = Notification.objects.get(recipient=personas.support_clerk)
    login(client, personas.lead_clerk)
    assert client.post(reverse("reminders:read", args=[other.pk])).status_code == 404
    client.post(reverse("reminders:read_all"))
    assert not Notification.objects.filter(recipient=personas.lead_clerk, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_policy_page_is_for_the_office(client, personas):
    assert login(client, personas.lead_clerk).get(reverse("reminders:policy")).status_code == 403
    assert login(client, personas.leader).get(reverse("reminders:policy")).status_code == 403
    assert login(client, personas.supervisor).get(reverse("reminders:policy")).status_code == 200


def _policy_data(**changes):
    data = {
        "lead_days": "5,1",
        "overdue_every": 5,
        "urge_from_step": 1,
        "supervise_from_step": 3,
        "report_lead_days": 3,
        "send_hour": 9,
        "send_minute": 0,
        "work_start_hour": 8,
        "work_end_hour": 18,
        "daily_cap": 3,
        "email_enabled": "on",
    }
    data.update(changes)
    return data


def test_saving_the_policy_moves_the_beat_schedule(client, personas):
    login(client, personas.supervisor)
    response = client.post(reverse("reminders:policy"), _policy_data(lead_days="7，2", send_hour=10, send_minute=30))
    assert response.status_code == 302
    policy = ReminderPolicy.load()
    assert policy.lead_days_list == [7, 2] and policy.updated_by == personas.supervisor
    assert policy.webhook_enabled is False
    crontab = PeriodicTask.objects.get(name=services.BEAT_TASK_NAME).crontab
    assert (crontab.hour, crontab.minute) == ("10", "30")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"lead_days": "五天"}, "逗号分隔"),
        ({"send_hour": 20}, "须在工作时间内"),
        ({"work_start_hour": 18, "work_end_hour": 8}, "开始须早于结束"),
        ({"urge_from_step": 4, "supervise_from_step": 2}, "升级为催办"),
    ],
)
def test_a_bad_policy_is_refused_with_a_message_and_nothing_saved(client, personas, changes, message):
    login(client, personas.supervisor)
    response = client.post(reverse("reminders:policy"), _policy_data(**changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert ReminderPolicy.load().lead_days == "5,1" and ReminderPolicy.load().send_hour == 9


def test_units_with_nobody_to_remind(client, sent, personas, nobody_unit):
    assert login(client, personas.lead_clerk).get(reverse("reminders:no_recipient")).status_code == 403
    page = login(client, personas.supervisor).get(reverse("reminders:no_recipient"))
    html = page.content.decode()
    assert nobody_unit.name in html and personas.lead_unit.name not in html
    assert "（1）" in client.get(reverse("reminders:policy")).content.decode()


def test_urge_button_on_the_task_page(client, year_end_task, personas):
    assignment = year_end_task.assignments.get(unit=personas.lead_unit)
    url = reverse("reminders:urge", args=[assignment.pk])
    assert login(client, personas.lead_clerk).post(url).status_code == 403
    assert login(client, personas.other_clerk).post(url).status_code == 404
    login(client, personas.supervisor)
    detail = client.get(reverse("tasks:detail", args=[year_end_task.pk])).content.decode()
    assert url in detail
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert assignment.reminders.get().level == "urge"
    client.post(url)
    client.post(url)
    html = client.post(url, follow=True).content.decode()
    assert "不重复发送" in html
    order = SupervisionOrder.objects.get()
    detail = client.get(reverse("tasks:detail", args=[year_end_task.pk])).content.decode()
    assert order.number in detail and "李副区长" in detail
    assert order.number in client.get(reverse("reminders:orders")).content.decode()


def test_the_ledger_filters_assignments_under_supervision(client, year_end_task, personas):
    assignment = year_end_task.assignments.get(unit=personas.lead_unit)
    services.urge(personas.supervisor, assignment)
    services.urge(personas.supervisor, assignment)
    login(client, personas.supervisor)
    page = client.get(reverse("tasks:ledger"), {"supervised": "true", "view": "shares"})
    rows = page.context["table"].rows
    assert [row.record.pk for row in rows] == [assignment.pk]
    by_task = client.get(reverse("tasks:ledger"), {"supervised": "true"})
    assert [row["task"].pk for row in by_task.context["rows"]] == [year_end_task.pk]


def test_the_order_list_puts_open_orders_first_newest_number_first(client, year_end_task, personas):
    shares = iter(year_end_task.assignments.order_by("pk"))  # one open order per share at most

    def order(year, serial, state):
        assignment = next(shares) if state == "open" else year_end_task.assignments.first()
        return SupervisionOrder.objects.create(
            year=year,
            serial=serial,
            number=SupervisionOrder.format_number(year, serial),
            assignment=assignment,
            task=year_end_task,
            unit=assignment.unit,
            state=state,
        )

    made = [order(2025, 7, "open"), order(2026, 1, "closed"), order(2026, 2, "open"), order(2026, 3, "closed")]
    html = login(client, personas.supervisor).get(reverse("reminders:orders")).content.decode()
    shown = sorted(made, key=lambda o: html.index(o.number))
    assert [(o.year, o.serial) for o in shown] == [(2026, 2), (2025, 7), (2026, 3), (2026, 1)]
