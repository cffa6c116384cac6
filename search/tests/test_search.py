"""The header search (issue 13): tasks, documents and units the person may see, grouped by kind."""

import pytest
from django.urls import reverse

from documents.models import SourceDocument
from search.queries import MAX_QUERY, clean_query, search
from tasks import services
from units.models import Unit, UnitAlias, UnitKind


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(personas):
    p = personas
    document = SourceDocument.objects.create(title="昌江区数字政府建设分工方案", doc_number="昌府办字〔2021〕20号")
    ours = services.create_task(
        p.supervisor,
        text="推进数字政府建设，整合政务数据。",
        number="7",
        source_document=document,
        lead_units=[p.lead_unit],
    )
    theirs = services.create_task(p.supervisor, text="校园数字安全检查", lead_units=[p.other_unit])
    return document, ours, theirs


def test_tasks_are_found_only_where_the_person_may_read_them(personas, world):
    _document, ours, theirs = world
    assert set(search(personas.supervisor, "数字").tasks) == {ours, theirs}
    assert search(personas.lead_clerk, "数字").tasks == [ours]
    assert search(personas.other_clerk, "数字").tasks == [theirs]
    assert search(personas.lead_clerk, "7").tasks == [ours]  # by its number
    assert search(personas.lead_clerk, f"#{theirs.pk}").tasks == []  # another unit's, by id


def test_documents_by_title_or_number(personas, world):
    document = world[0]
    assert search(personas.lead_clerk, "〔2021〕20号").documents == [document]
    assert search(personas.lead_clerk, "数字政府建设分工").documents == [document]


def test_units_by_name_alias_or_abbreviation_through_the_resolver(personas, world):
    p = personas
    UnitAlias.objects.create(unit=p.support_unit, alias="工信部门")
    assert p.lead_unit in search(p.lead_clerk, "发展和改革").units
    assert search(p.lead_clerk, "工信部门").units == [p.support_unit]
    # 区教育局 is in no name, alias or short name: the resolver reads it as an abbreviation.
    assert search(p.lead_clerk, "区教育局").units == [p.other_unit]
    retired = Unit.objects.create(name="吕蒙乡", kind=UnitKind.TOWNSHIP, active=False, successor=p.lead_unit)
    assert retired in search(p.lead_clerk, "吕蒙乡").units


def test_the_query_is_bounded_and_empty_finds_nothing(personas, world):
    assert clean_query("  数字   政府 ") == "数字 政府"
    assert len(clean_query("字" * 500)) == MAX_QUERY
    assert search(personas.supervisor, "   ").total == 0


def test_the_results_page_groups_by_kind(client, personas, world):
    client.force_login(personas.lead_clerk)
    response = client.get(reverse("search:results"), {"q": "数字"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index('data-testid="search-tasks"') < page.index('data-testid="search-documents"')
    assert "推进数字政府建设" in page and "校园数字安全检查" not in page
    assert reverse("documents:detail", args=[world[0].pk]) in page
    long = client.get(reverse("search:results"), {"q": "数" * 200}).content.decode()
    assert "搜索词过长" in long


def test_the_header_has_the_box_the_password_link_and_aria_current(client, personas):
    client.force_login(personas.lead_clerk)
    page = client.get(reverse("tasks:my_work")).content.decode()
    assert 'role="search"' in page and 'name="q"' in page and f'maxlength="{MAX_QUERY}"' in page
    assert f'href="{reverse("password_change")}"' in page
    assert 'href="/tasks/my/" aria-current="page"' in page
    assert page.count('aria-current="page"') == 1
    assert 'class="skip-link' in page
