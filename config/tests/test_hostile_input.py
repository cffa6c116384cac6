"""Hostile input over every view × persona: no answer is a 500, and a refused POST saves nothing.

Every URL pattern of the project (found by walking the resolver, so a new view is fuzzed the day
it is added) is requested by every persona with hypothesis-drawn query strings and form data:
the filter and form field names the app uses, unknown names, and values that broke it before
(negative and 64-bit-overflowing ids and page sizes, 60,000-character searches, NUL bytes,
impossible dates, markup). Path ids are real objects of the fixture or absurd ones. Uploads
get hostile files. The Django admin is fuzzed by a superuser (change lists with searches and
filters, change and delete pages). HOSTILE_EXAMPLES (default 3) sets the examples per view
and persona; CI runs the default, `HOSTILE_EXAMPLES=50` is a long local run.
"""

import datetime as dt
import os
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from documents.models import DraftItem, DraftItemUnit, SourceDocument
from tasks.models import Assignment, Evidence, ExtensionRequest, ProgressReport, Task, TaskChange, TaskEvent
from units.models import Unit, UnitAlias

EXAMPLES = int(os.getenv("HOSTILE_EXAMPLES", "3"))
SKIP_NAMES = {"logout"}  # signing out would end the persona's session mid-run
DOMAIN_MODELS = [
    SourceDocument, DraftItem, DraftItemUnit, Task, Assignment, ProgressReport, Evidence, ExtensionRequest,
    TaskEvent, TaskChange, Unit, UnitAlias, User,
]  # fmt: skip
FIELD_NAMES = [
    # ledger, lists, audit
    "q", "section", "unit", "document", "role", "state", "light", "deadline_min", "deadline_max", "overdue",
    "page", "per_page", "sort", "format", "item", "kind", "retired", "view", "user", "task", "since", "until",
    "export", "download", "detail",
    # forms
    "version", "text", "title", "number", "progress", "problems", "next_steps", "percent", "reason", "comment",
    "decision", "deadline", "deadline_text", "requested_deadline", "name", "written", "at", "line", "items",
    "lead_names", "support_names", "request_completion", "tags", "reporting_cycle", "ongoing", "responsible_leader",
    "source", "target", "confirm", "alias", "next", "email", "username", "password", "old_password",
    "new_password1", "new_password2",
]  # fmt: skip
NASTY = [
    "", "-1", "0", "1", "2", "-99999999999999999999", "18446744073709551616", "9" * 40, "1e9", "abc", "NaN",
    "2026-13-45", "0000-00-00", "9999-12-31", "on", "lead", "support", "approve", "refuse", "pending", "red",
    "q" * 60_000, "区" * 5_000, "\x00", "a\x00b", "<script>alert(1)</script>", "' OR 1=1 --", "%", "_", "\\",
    "unit:1", "group:1", "unit:99999999999999999999999", "csv", "json", "security", "history",
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=dt.date(1, 1, 1)).map(str),
)
KEYS = st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=12))
PARAMS = st.dictionaries(KEYS, st.one_of(VALUES, st.lists(VALUES, min_size=2, max_size=3)), max_size=6)
HOSTILE_FILES = [
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64),
    ("run.sh", b"#!/bin/sh\nrm -rf /\n"),
    ("page.html", b"<html><script>alert(1)</script></html>"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("report.pdf", b"MZ not a pdf"),
    ("plan.docx", b"PK\x03\x04 truncated zip"),
    ("empty.txt", b""),
    ("plan.txt", "一、重点任务\n1.推进项目建设（牵头单位：区发改委）\n".encode()),
]
FILES = st.sampled_from(HOSTILE_FILES)


def _patterns(resolver=None, prefix="", namespace=""):
    """(url name, regex of the route, path argument names) for every non-admin view."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if "admin" in str(entry.pattern):
                continue
            ns = f"{namespace}:{entry.namespace}" if entry.namespace and namespace else entry.namespace or namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name and entry.name not in SKIP_NAMES:
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, route


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DOMAIN_MODELS}


def _path_value(url_name: str, route: str, argument: str, ids: dict, choice: int) -> str:
    if choice == 1:
        return "99999999999999999999"  # beyond 64 bits
    if choice == 2:
        return "0"
    if argument in ids:
        return str(ids[argument])
    if url_name.startswith("documents:") and "item-units" in route:
        return str(ids["documents:item-unit"])
    if url_name == "units:unresolved_map":
        return str(ids["units:unresolved_map"])
    if url_name.startswith("documents:"):
        return str(ids["documents:pk"])
    if url_name.startswith("units:"):
        return str(ids["units:pk"])
    return "1"


def _url(url_name: str, route: str, ids: dict, choice: int) -> str:
    def fill(match):
        converter, argument = match.group(1), match.group(2)
        if converter == "int":
            return _path_value(url_name, route, argument, ids, choice)
        return "MQ" if argument == "uidb64" else "set-password"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def _fuzz_view(client: Client, url_name: str, route: str, ids: dict, *, post: bool) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )
    @given(query=PARAMS, data=PARAMS, choice=st.integers(0, 3), upload_file=FILES)
    def check(query, data, choice, upload_file):
        url = _url(url_name, route, ids, choice)
        response = client.get(url, query)
        assert response.status_code < 500, f"GET {url} {query!r} → {response.status_code}"
        if not post:
            return
        before = _counts()
        name, content = upload_file
        payload = {**data, "file": SimpleUploadedFile(name, content), "files": SimpleUploadedFile(name, content)}
        response = client.post(url, payload)
        assert response.status_code < 500, f"POST {url} {data!r} → {response.status_code}"
        if response.status_code >= 400:
            assert _counts() == before, f"POST {url} {data!r} answered {response.status_code} but saved something"

    check()


@pytest.mark.parametrize("who", ["anonymous", "supervisor", "leader", "lead_clerk", "support_clerk", "other_clerk"])
def test_no_view_answers_500_to_any_persona(personas, world, who, settings):
    settings.AXES_ENABLED = False  # the fuzzed login form must not lock the address out of the run
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(getattr(personas, who))
    patterns = list(_patterns())
    assert len(patterns) > 40
    for url_name, route in patterns:
        _fuzz_view(client, url_name, route, world["ids"], post=True)


def test_every_model_of_the_project_is_counted_or_deliberately_not():
    """A new domain model should join DOMAIN_MODELS so a half-saved refusal is noticed."""
    ours = {m for m in apps.get_models() if m._meta.app_label in {"documents", "tasks", "units"}}
    assert {Task, Assignment, ProgressReport, Evidence, DraftItem} <= ours
