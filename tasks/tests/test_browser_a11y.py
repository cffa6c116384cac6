"""Accessibility in Chromium (issue 13, point 6): axe-core reports no serious or critical
violation on the main pages for each persona; the keyboard reaches the work quickly."""

import os

import pytest
from django.core.management import call_command
from django.urls import reverse

from testing.a11y import describe, enable_axe, violations
from testing.browser import chromium

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def login(browser, live_server, username, *, width=1366):
    from demo.accounts import DEMO_PASSWORD

    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    enable_axe(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]")
    return page


def pages_for(username):
    from documents.models import SourceDocument
    from tasks.models import Assignment, Task

    task = Task.objects.filter(source_document__isnull=False).order_by("id").first()
    document = SourceDocument.objects.order_by("id").first()
    common = [
        reverse("tasks:ledger"),
        reverse("tasks:ledger") + "?overdue=on",
        reverse("tasks:detail", args=[task.pk]),
        reverse("tasks:stats"),
        reverse("documents:list"),
        reverse("documents:detail", args=[document.pk]),
        reverse("units:list"),
        reverse("password_change"),
        reverse("search:results") + "?q=区发改委",
        "/tasks/999999/",  # the 404 page
    ]
    if username == "duchashi":
        pending = SourceDocument.objects.filter(items__state="pending").order_by("id").first() or document
        lead = Assignment.objects.filter(task=task).order_by("id").first()
        return [
            *common,
            reverse("documents:review", args=[pending.pk]),
            reverse("documents:upload"),
            reverse("units:unresolved"),
            reverse("tasks:on_behalf", args=[lead.pk]),
        ]
    if username == "fgw_lly":
        mine = Assignment.objects.filter(unit__short_name="区发改委").order_by("id").first()
        return [
            *common,
            reverse("tasks:my_work"),
            reverse("tasks:detail", args=[mine.task_id]),
            reverse("tasks:report", args=[mine.pk]),
            reverse("documents:upload"),  # the 403 page
        ]
    return [*common, reverse("documents:upload")]  # the 403 page


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process


def test_axe_finds_no_serious_violation_on_the_main_pages(live_server, demo):
    """督查室, 区领导 and a unit clerk, each on their main pages (one demo load for all three)."""
    failures = []
    with chromium() as browser:
        for username in ("duchashi", "lingdao", "fgw_lly"):
            page = login(browser, live_server, username)
            for url in pages_for(username):
                page.goto(live_server.url + url)
                found = violations(page)
                if found:
                    failures.append(f"{username} {url}\n{describe(found)}")
            page.context.close()
    assert not failures, "\n\n".join(failures)
