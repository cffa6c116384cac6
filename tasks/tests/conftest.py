import datetime as dt

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Personas are created per test; PBKDF2 at full strength would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def task(personas):
    """A task led by 区发改委 with 区工信局 supporting, due 2026-12-31."""
    from tasks import services

    return services.create_task(
        personas.supervisor,
        text="推进重点项目建设，按月报送进展。",
        number="1",
        section="一、重点工作",
        title="推进重点项目建设",
        deadline=dt.date(2026, 12, 31),
        deadline_text="2026年12月底前",
        lead_units=[personas.lead_unit],
        support_units=[personas.support_unit],
    )


@pytest.fixture
def lead_assignment(task, personas):
    return task.assignments.get(unit=personas.lead_unit)


@pytest.fixture
def support_assignment(task, personas):
    return task.assignments.get(unit=personas.support_unit)


@pytest.fixture
def browser():
    """Headless Debian Chromium for the browser tests that open one page per persona."""
    from testing.browser import chromium

    with chromium() as browser:
        yield browser
