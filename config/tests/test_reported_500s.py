"""Each 500 the attack of issue 14 found, reproduced: now a clear answer, never a crash."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tasks import services
from tasks.models import ProgressReport


@pytest.fixture
def reported_task(personas):
    task = services.create_task(
        personas.supervisor, text="推进项目建设", lead_units=[personas.lead_unit], deadline=dt.date(2026, 12, 31)
    )
    lead = task.assignments.get()
    services.report_progress(personas.lead_clerk, lead, progress="已推进", percent=10, period="2026年6月")
    services.report_progress(personas.lead_clerk, lead, progress="再推进", percent=20)
    return task


def test_a_progress_report_names_itself_with_a_string_period_or_a_date(reported_task):
    with_period, without = ProgressReport.objects.order_by("id")
    assert str(with_period).endswith("2026年6月")
    ProgressReport.objects.filter(pk=without.pk).update(period="")
    without.refresh_from_db()
    expected_day = timezone.localtime(without.created).strftime("%Y-%m-%d")
    assert str(without) == f"{without.assignment.unit} {expected_day}"


def test_the_admin_pages_that_list_reports_render(client, admin_user, reported_task):
    client.force_login(admin_user)
    assignment = reported_task.assignments.get()
    for url in (
        "/admin/tasks/progressreport/",
        f"/admin/tasks/progressreport/{ProgressReport.objects.first().pk}/change/",
        f"/admin/tasks/assignment/{assignment.pk}/delete/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("per_page", ["-1", "0", "100000", "abc", "9" * 30])
def test_per_page_is_bounded_on_the_ledger_and_my_work(client, personas, reported_task, per_page):
    for i in range(3):
        services.create_task(personas.supervisor, text=f"任务{i}", lead_units=[personas.lead_unit])
    client.force_login(personas.lead_clerk)
    for name, extra in (("tasks:ledger", {"view": "shares"}), ("tasks:my_work", {})):
        response = client.get(reverse(name), {"per_page": per_page, "page": "-5", **extra})
        assert response.status_code == 200, (name, per_page)
        table = response.context["table"]
        assert 1 <= table.paginator.per_page <= 200
    # The ledger by task pages a fixed number of tasks; junk paging answers its first page.
    response = client.get(reverse("tasks:ledger"), {"per_page": per_page, "page": "-5"})
    assert response.status_code == 200
    assert response.context["page"].number == 1


@pytest.mark.parametrize(
    "url",
    ["/tasks/?q={}", "/tasks/?section={}", "/documents/units/options/?q={}", "/admin/tasks/task/?q={}",
     "/units/?q={}"],
)  # fmt: skip
def test_a_60000_character_search_is_refused_not_crashed(client, admin_user, url):
    client.force_login(admin_user)
    response = client.get(url.format("推" * 60_000))
    assert response.status_code == 400
    assert "查询条件过长" in response.content.decode()


def test_a_search_longer_than_the_ledger_allows_is_a_form_error(client, personas):
    client.force_login(personas.supervisor)
    response = client.get(reverse("tasks:ledger"), {"q": "推" * 300})
    assert response.status_code == 200
    assert "200" in response.content.decode()  # "确保该值不超过 200 个字符"


def test_merging_units_with_a_non_numeric_id_explains(client, personas):
    client.force_login(personas.supervisor)
    response = client.post(reverse("units:merge"), {"source": "abc", "target": "1"})
    assert response.status_code == 400
    assert "请选择要合并的两个在用单位" in response.content.decode()


def test_merging_items_with_an_id_beyond_64_bits_is_not_a_crash(personas):
    from documents.models import SourceDocument

    document = SourceDocument.objects.create(title="草稿", text="")
    client = Client(raise_request_exception=False)
    client.force_login(personas.supervisor)
    answer = client.post(reverse("documents:merge", args=[document.pk]), {"items": ["99999999999999999999999"]})
    assert answer.status_code < 500


def test_a_parameter_named_like_a_dict_method_is_just_a_parameter(client, personas, reported_task):
    """Templates read `request.GET.items` as the parameter "items" first: ?items=-1 was a 500.
    The ledger builds its sort and page links in the view instead."""
    for i in range(60):
        services.create_task(personas.supervisor, text=f"任务{i}", lead_units=[personas.lead_unit])
    client.force_login(personas.supervisor)
    response = client.get(reverse("tasks:ledger"), {"items": "-1", "q": "任务"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "page=2&amp;items=-1&amp;q=" in html and "sort=deadline&amp;items=-1" in html


def test_the_dashboards_document_filter_takes_only_known_documents(client, personas, reported_task):
    client.force_login(personas.supervisor)
    for value in ("99999999999999999999", "-1", "abc"):
        assert client.get(reverse("dashboard:index"), {"document": value}).status_code in (200, 400)
