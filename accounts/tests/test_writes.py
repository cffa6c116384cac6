"""The write stamp (accounts.writes): set by a signed-in person's successful change only, so the
统计看板 shows that person's own change on their next request (dashboard/tests/test_cache.py)."""

import time

from django.test import RequestFactory
from django.urls import reverse

from accounts.writes import COOKIE, wrote_since
from testing.personas import PASSWORD


def test_a_successful_change_stamps_the_browser(client, personas):
    before = time.time()
    response = client.post(reverse("login"), {"username": personas.leader.username, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[COOKIE]
    assert before <= float(cookie.value) <= time.time()
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_reading_a_refused_post_or_a_failed_login_stamps_nothing(client, as_user):
    clerk = as_user("lead_clerk")
    assert COOKIE not in clerk.get(reverse("tasks:my_work")).cookies
    refused = clerk.post(reverse("tasks:create"), {"title": "x"})
    assert refused.status_code == 403 and COOKIE not in refused.cookies
    client.logout()
    login = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    assert COOKIE not in login.cookies


def test_wrote_since_reads_the_stamp_and_ignores_garbage():
    request = RequestFactory().get("/")
    assert not wrote_since(request, 0.0)
    request.COOKIES[COOKIE] = "1700000000.5"
    assert wrote_since(request, 1700000000.0) and not wrote_since(request, 1700000001.0)
    request.COOKIES[COOKIE] = "没有数字"
    assert not wrote_since(request, 0.0)
