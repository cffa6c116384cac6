import datetime as dt

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def nobody_unit(db):
    """A unit without a single account: its reminders have no recipient."""
    from units.models import Unit

    return Unit.objects.create(name="区无人值守局", short_name="区无人局")


@pytest.fixture
def year_end_task(personas, nobody_unit):
    """Like the 2021 table: due 2021-12-31, led by 区发改委, supported by 区工信局 and a unit with nobody."""
    from tasks import services

    return services.create_task(
        personas.supervisor,
        text="推进重点项目建设。",
        title="推进重点项目建设",
        deadline=dt.date(2021, 12, 31),
        lead_units=[personas.lead_unit],
        support_units=[personas.support_unit, nobody_unit],
        responsible_leader="李副区长",
        now=_at(dt.date(2021, 7, 8)),
    )


def _at(day: dt.date, hour: int = 9):
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def at():
    return _at


@pytest.fixture
def browser():
    """Headless Debian Chromium, one page per persona."""
    from testing.browser import chromium

    with chromium() as browser:
        yield browser
