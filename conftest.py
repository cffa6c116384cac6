import os

os.environ.setdefault("DUBAN_TESTING", "1")

import pytest


@pytest.fixture
def personas(db):
    from testing.personas import Personas

    return Personas()


@pytest.fixture
def as_user(client, personas):
    """`as_user("lead_clerk")`: the test client, logged in as that persona."""

    def login(name):
        client.force_login(getattr(personas, name))
        return client

    return login


@pytest.fixture
def other_task(personas):
    """A task of 教体局 alone: none of the lead or supporting units' people may see it."""
    from tasks import services

    return services.create_task(
        personas.supervisor, text="教体局的任务：校园安全检查", lead_units=[personas.other_unit], number="9"
    )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a per-test folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_make_parametrize_id(config, val, argname):
    """Bytes parameters (file contents, often zips stamped with the time) get stable short ids,
    so every pytest-xdist worker collects the same test names."""
    if isinstance(val, bytes | bytearray):
        return f"{argname}{len(val)}b"
    return None


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Holiday overrides written by one test must not leak into the next through the process cache."""
    from workdays import calendar

    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def _fresh_django_cache():
    """Each test starts with an empty cache (the test settings' per-process memory cache): a
    统计看板 entry kept from another test's data would otherwise be served as recent figures."""
    from django.core.cache import cache

    cache.clear()
