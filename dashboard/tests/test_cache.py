"""The 统计看板 and data.json are cached only while the data they count is unchanged: any change
(through an action, a bulk update that sends no signal, a renamed document, a holiday entered) and
the next day show at once; unit staff's figures are never shared; a rolled-back change never
leaves its version behind."""

import datetime as dt
import json
import re
import threading
import time

import pytest
import time_machine
from django.core.cache import cache as django_cache
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard import cache as dashboard_cache
from dashboard.models import current_token
from documents.models import SourceDocument
from tasks import services
from tasks.models import Assignment, AssignmentState
from workdays import calendar
from workdays.models import HolidayKind, HolidayOverride

from .world import NOW, build_world

CSRF = re.compile(r'(name="csrf-token"\s+content|name="csrfmiddlewaretoken" value)="[^"]+"')


def get(client, url, **params):
    """The body (without the per-request CSRF token) and the number of queries."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode()), len(captured)


def data(client, **params):
    body, queries = get(client, reverse("dashboard:data"), **params)
    return json.loads(body), queries


@pytest.fixture
def world(transactional_db, personas):
    """Committed data (the PostgreSQL triggers run at commit; a test's own transaction never does)."""
    with time_machine.travel(NOW, tick=False):
        build_world(personas, seed=41, tasks=16)
        yield personas


def test_a_second_request_is_served_from_the_cache(client, world):
    client.force_login(world.leader)
    first, cold = data(client)
    second, warm = data(client)
    assert first == second
    assert warm < cold and warm <= 6, (cold, warm)
    page_cold = get(client, reverse("dashboard:index"))
    page_warm = get(client, reverse("dashboard:index"))
    assert page_cold[0] == page_warm[0] and page_warm[1] < page_cold[1]
    # Another filter is another entry; the same filters in another order are the same one.
    filtered, queries = data(client, unit_kind="township", leader="null")
    assert queries > warm and filtered["filters"] == {"unit_kind": "township", "leader": "null"}
    body, queries = get(client, reverse("dashboard:data") + "?leader=null&unit_kind=township")
    assert queries == warm and json.loads(body) == filtered


def test_an_action_shows_at_once(client, world, lead_assignment, support_assignment):
    p = world
    client.force_login(p.supervisor)
    before, _ = data(client)
    page_before, _ = get(client, reverse("dashboard:index"))
    services.report_progress(p.support_clerk, support_assignment, progress="已完成", percent=100)
    services.consolidate(p.lead_clerk, lead_assignment, progress="汇总", percent=100)
    services.request_completion(p.lead_clerk, lead_assignment)
    lead_assignment.refresh_from_db()
    services.approve(p.supervisor, lead_assignment)
    after, _ = data(client)
    assert after["headline"]["shares_done"]["n"] == before["headline"]["shares_done"]["n"] + 2
    assert after["headline"]["tasks_done"]["n"] == before["headline"]["tasks_done"]["n"] + 1
    page_after, _ = get(client, reverse("dashboard:index"))
    assert page_after != page_before
    assert f'data-testid="shares-done">{after["headline"]["shares_done"]["n"]}<' in page_after


def test_a_bulk_update_without_signals_shows_at_once(client, world):
    client.force_login(world.leader)
    before, _ = data(client)
    open_shares = Assignment.objects.exclude(state=AssignmentState.DONE)
    changed = open_shares.count()
    assert changed
    open_shares.update(state=AssignmentState.DONE, completed_at=NOW)  # no save(), no signal
    after, _ = data(client)
    assert after["headline"]["shares_done"]["n"] == before["headline"]["shares_done"]["n"] + changed
    assert after["headline"]["shares_done"]["n"] == after["headline"]["shares"]["n"]


def test_a_renamed_document_and_a_new_holiday_show_at_once(client, world):
    client.force_login(world.leader)
    data(client)
    document = SourceDocument.objects.filter(tasks__isnull=False).first()
    SourceDocument.objects.filter(pk=document.pk).update(title="改名后的文件")
    after, _ = data(client)
    assert "改名后的文件" in [row["label"] for row in after["documents"]]
    # A holiday moves deadlines (and so lights): the calendar's own table counts too.
    token, rules = current_token(), calendar.fingerprint()
    # A deadline moved by a new holiday: the share due on it is judged by the next working day.
    HolidayOverride.objects.create(date=dt.date(2026, 6, 12), kind=HolidayKind.HOLIDAY, note="临时放假")
    assert current_token() != token and calendar.fingerprint() != rules  # saved here: read again at once
    Assignment.objects.update(deadline=dt.date(2026, 6, 12), state=AssignmentState.IN_PROGRESS)
    HolidayOverride.objects.filter(date=dt.date(2026, 6, 12)).delete()
    calendar.clear_cache()
    on_a_working_day, _ = data(client)
    assert on_a_working_day["headline"]["shares_overdue"]["n"] == on_a_working_day["headline"]["shares"]["n"]
    HolidayOverride.objects.create(date=dt.date(2026, 6, 12), kind=HolidayKind.HOLIDAY, note="临时放假")
    HolidayOverride.objects.create(date=dt.date(2026, 6, 15), kind=HolidayKind.HOLIDAY, note="临时放假")
    calendar.clear_cache()
    moved, _ = data(client)
    assert moved["headline"]["shares_overdue"]["n"] == 0 < on_a_working_day["headline"]["shares_overdue"]["n"]


def test_the_next_day_is_counted_afresh(client, world):
    client.force_login(world.leader)
    with time_machine.travel(NOW, tick=False):
        today, _ = data(client)
    with time_machine.travel(NOW + dt.timedelta(days=21), tick=False):
        later, _ = data(client)
    assert later["today"] != today["today"]
    assert later["headline"]["shares_overdue"]["n"] > today["headline"]["shares_overdue"]["n"]


def test_unit_staff_figures_are_not_shared_or_cached(client, world):
    client.force_login(world.lead_clerk)
    mine, _ = data(client)
    again, queries = data(client)
    assert mine == again and queries > 8  # computed again: a cache hit takes 3 or 4 queries
    assert mine["filters"] == {"unit": str(world.lead_unit.pk)}
    client.force_login(world.leader)
    everything, _ = data(client)
    assert everything["headline"]["shares"]["n"] > mine["headline"]["shares"]["n"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_never_brings_its_version_back(personas):
    """The token is random, not a counter: after a rollback, the next change gets a new one."""
    build_world(personas, seed=42, tasks=2)
    committed = current_token()
    share = Assignment.objects.first()
    with pytest.raises(RuntimeError), transaction.atomic():
        Assignment.objects.filter(pk=share.pk).update(percent=99)
        seen_inside = current_token()
        raise RuntimeError
    assert seen_inside != committed
    assert current_token() == committed
    Assignment.objects.filter(pk=share.pk).update(percent=98)
    assert current_token() not in (committed, seen_inside)


# The tolerance (DUBAN_DASHBOARD_STALE_SECONDS): others' changes may wait, one's own may not.


def _someone_elses_change() -> int:
    """Finish every open share the way a bulk job would (no request, no cookie); how many."""
    open_shares = Assignment.objects.exclude(state=AssignmentState.DONE)
    changed = open_shares.count()
    assert changed
    open_shares.update(state=AssignmentState.DONE, completed_at=NOW)
    return changed


def test_within_the_tolerance_others_changes_wait_and_the_page_says_so(client, world, settings):
    settings.DUBAN_DASHBOARD_STALE_SECONDS = 60
    client.force_login(world.leader)
    with time_machine.travel(NOW, tick=False):
        before, _ = data(client)
        page_before, _ = get(client, reverse("dashboard:index"))
        assert 'data-testid="figures-stale"' not in page_before
        assert "统计于 2026-06-15 10:00" in page_before
        changed = _someone_elses_change()
    with time_machine.travel(NOW + dt.timedelta(seconds=59), tick=False):
        still, queries = data(client)
        assert still == before and queries <= 6
        page, _ = get(client, reverse("dashboard:index"))
        assert 'data-testid="figures-stale"' in page and "最迟 60 秒后计入" in page
        assert "统计于 2026-06-15 10:00" in page
    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        after, _ = data(client)
        assert after["headline"]["shares_done"]["n"] == before["headline"]["shares_done"]["n"] + changed
        assert after["computed_at"] == "2026-06-15T10:01:01+08:00"
        page, _ = get(client, reverse("dashboard:index"))
        assert 'data-testid="figures-stale"' not in page and "统计于 2026-06-15 10:01" in page


def test_a_persons_own_change_shows_on_their_next_request(client, world, settings):
    settings.DUBAN_DASHBOARD_STALE_SECONDS = 60
    client.force_login(world.leader)
    with time_machine.travel(NOW, tick=False):
        before, _ = data(client)
        changed = _someone_elses_change()
    with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
        assert data(client)[0] == before  # someone else's change: within the tolerance
        task = Assignment.objects.first().task
        response = client.post(reverse("tasks:instruct", args=[task.pk]), {"text": "请抓紧推进。"})
        assert response.status_code == 302
        after, _ = data(client)
    assert after["headline"]["shares_done"]["n"] == before["headline"]["shares_done"]["n"] + changed


def test_while_one_request_counts_the_others_get_the_last_figures(client, world, settings):
    settings.DUBAN_DASHBOARD_STALE_SECONDS = 60
    client.force_login(world.leader)
    with time_machine.travel(NOW, tick=False):
        before, _ = data(client)
        _someone_elses_change()
    request = RequestFactory().get(reverse("dashboard:data"))
    request.user = world.leader
    key = dashboard_cache.key_for("data", request, NOW.date())
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        assert django_cache.add(f"{key}:counting", 1, 30)  # another request is counting
        try:
            assert data(client)[0] == before
        finally:
            django_cache.delete(f"{key}:counting")
        assert data(client)[0] != before  # nobody is: this one counts


def test_a_failed_count_holds_nobody_back(client, world, settings, monkeypatch):
    settings.DUBAN_DASHBOARD_STALE_SECONDS = 60
    client.force_login(world.leader)
    with time_machine.travel(NOW, tick=False):
        before, _ = data(client)
        _someone_elses_change()

    def broken(request, today):
        raise RuntimeError("数据库断开")

    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        with monkeypatch.context() as patched:
            patched.setattr("dashboard.views._data_json", broken)
            with pytest.raises(RuntimeError):
                data(client)
        assert data(client)[0] != before


def test_the_days_first_readers_wait_for_one_count_rather_than_all_counting(client, world, settings):
    client.force_login(world.leader)
    request = RequestFactory().get(reverse("dashboard:data"))
    request.user = world.leader
    key = dashboard_cache.key_for("data", request, NOW.date())
    counted = json.dumps({"headline": "另一个请求统计的结果"}).encode()

    def the_other_request_finishes():
        django_cache.set(key, (current_token(), time.time(), counted), 60)
        django_cache.delete(f"{key}:counting")

    with time_machine.travel(NOW, tick=True):
        assert django_cache.add(f"{key}:counting", 1, 30)  # another request is counting
        other = threading.Timer(0.3, the_other_request_finishes)
        other.start()
        try:
            body, queries = data(client)
        finally:
            other.join()
    assert body == {"headline": "另一个请求统计的结果"} and queries <= 6
