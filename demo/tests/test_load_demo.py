"""`load_demo` leaves the product alive today: work due around today, requests waiting for
督查室, a bell with something in it; and running it again changes nothing."""

import io

from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from reminders.models import Notification
from tasks.models import ExtensionRequest, Task


def load():
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_has_work_in_flight_and_is_idempotent(client, db):
    load()
    counts = (Task.objects.count(), ExtensionRequest.objects.count(), Notification.objects.count())
    client.force_login(User.objects.get(username="duchashi"))
    page = client.get(reverse("dashboard:workbench")).content.decode()
    assert "（演示）清单已公开，申请办结。" in page or "【演示】5个工作日后到期" in page
    workbench = client.get(reverse("dashboard:workbench")).context["counts"]
    assert workbench["completions"] == 1 and workbench["extensions"] == 1
    clerk = User.objects.get(username="fgw_lly")
    assert Notification.objects.filter(recipient=clerk, read_at__isnull=True).exists()
    load()
    assert (Task.objects.count(), ExtensionRequest.objects.count(), Notification.objects.count()) == counts
