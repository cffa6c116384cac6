"""Hostile input, second half (config/tests/test_hostile_input.py explains the whole): every
field name at once with each value that broke the app before, and the Django admin fuzzed by a
superuser. A separate file so pytest-xdist runs it beside the first half."""

import pytest
from django.contrib import admin
from django.test import Client
from hypothesis import HealthCheck, given, settings

from config.tests.test_hostile_input import EXAMPLES, FIELD_NAMES, PARAMS, _counts, _patterns, _url

# Every field name at once with one value that broke something before: the sweep does not
# depend on hypothesis drawing the right name and value together.
CRITICAL = ["-1", "99999999999999999999", "abc", "a\x00b", "区" * 300, "q" * 60_000]


@pytest.mark.parametrize("who", ["supervisor", "lead_clerk"])
def test_every_field_with_each_critical_value(personas, world, who, settings):
    settings.AXES_ENABLED = False
    client = Client(raise_request_exception=False)
    client.force_login(getattr(personas, who))
    for url_name, route in _patterns():
        url = _url(url_name, route, world["ids"], 0)
        for value in CRITICAL:
            query = dict.fromkeys(FIELD_NAMES, value)
            response = client.get(url, query)
            assert response.status_code < 500, f"GET {url} all fields = {value[:20]!r} → {response.status_code}"
            before = _counts()
            response = client.post(url, query)
            assert response.status_code < 500, f"POST {url} all fields = {value[:20]!r} → {response.status_code}"
            if response.status_code >= 400:
                assert _counts() == before, f"POST {url} answered {response.status_code} but saved something"


def _admin_urls() -> list[str]:
    urls = []
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls.append(base)
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls += [f"{base}{first.pk}/change/", f"{base}{first.pk}/delete/"]
    return urls


def _fuzz_admin_page(client: Client, url: str) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(query=PARAMS)
    def check(query):
        response = client.get(url, query)
        assert response.status_code < 500, f"GET {url} {query!r} → {response.status_code}"

    check()


def test_the_admin_answers_no_500_to_a_superuser(personas, world):
    client = Client(raise_request_exception=False)
    client.force_login(world["superuser"])
    urls = _admin_urls()
    assert "/admin/tasks/progressreport/" in urls
    for url in urls:
        assert client.get(url).status_code < 500, url
        _fuzz_admin_page(client, url)
