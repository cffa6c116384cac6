"""Sessions end after SESSION_IDLE_SECONDS without a request and SESSION_MAX_SECONDS after sign-in."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from testing.personas import PASSWORD

START = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def real_limits(settings):
    settings.SESSION_IDLE_SECONDS = 7200
    settings.SESSION_MAX_SECONDS = 12 * 3600


def signed_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_two_idle_hours_sign_a_person_out(client, personas, real_limits):
    with time_machine.travel(START, tick=False) as clock:
        signed_in(client, personas.lead_clerk)
        assert client.get("/tasks/my/").status_code == 200
        clock.shift(dt.timedelta(hours=1, minutes=59))
        assert client.get("/tasks/my/").status_code == 200  # activity keeps the session
        clock.shift(dt.timedelta(hours=1, minutes=59))
        assert client.get("/tasks/my/").status_code == 200
        clock.shift(dt.timedelta(hours=2, seconds=61))
        response = client.get("/tasks/my/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_absolute_lifetime_ends_even_an_active_session(client, personas, real_limits):
    with time_machine.travel(START, tick=False) as clock:
        signed_in(client, personas.lead_clerk)
        for _ in range(11):
            clock.shift(dt.timedelta(hours=1))
            assert client.get("/tasks/my/").status_code == 200
        clock.shift(dt.timedelta(hours=1, minutes=1))
        assert client.get("/tasks/my/").status_code == 302


def test_the_cookie_expires_with_the_idle_limit(client, personas, real_limits):
    with time_machine.travel(START, tick=False):
        signed_in(client, personas.lead_clerk)
        assert client.session.get_expiry_age() == 7200
        assert client.session.get_expiry_date() <= timezone.now() + dt.timedelta(hours=2)


def test_the_idle_stamp_is_written_at_most_once_a_minute(client, personas, real_limits):
    """A page full of htmx requests does not rewrite the session row on every call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel(START, tick=False) as clock:
        signed_in(client, personas.lead_clerk)
        client.get("/tasks/my/")
        clock.shift(dt.timedelta(seconds=10))
        with CaptureQueriesContext(connection) as queries:
            client.get("/tasks/my/")
        assert not any("UPDATE" in q["sql"] and "django_session" in q["sql"] for q in queries.captured_queries)
        clock.shift(dt.timedelta(seconds=60))
        with CaptureQueriesContext(connection) as queries:
            client.get("/tasks/my/")
        assert any("django_session" in q["sql"] and "UPDATE" in q["sql"] for q in queries.captured_queries)
