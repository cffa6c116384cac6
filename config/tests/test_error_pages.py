"""Error pages (issue 13, point 4): Chinese, in the site's layout, saying what happened and the way back."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from testing.personas import PASSWORD


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_404_is_chinese_in_the_layout_with_the_way_back(client, personas):
    client.force_login(personas.lead_clerk)
    response = client.get("/tasks/999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "找不到这个页面" in page and 'aria-label="主导航"' in page
    assert f'href="{reverse("home")}"' in page and "Not Found" not in page


def test_403_says_why_in_chinese(client, personas):
    client.force_login(personas.lead_clerk)
    response = client.get(reverse("documents:upload"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权进行此操作" in page and "仅督查室可以导入、审核和发布文件" in page
    assert "403 Forbidden" not in page and 'aria-label="主导航"' in page


def test_a_stale_form_gets_the_chinese_csrf_page_and_nothing_is_saved(personas):
    from tasks import services

    task = services.create_task(personas.supervisor, text="任务", lead_units=[personas.lead_unit])
    assignment = task.assignments.get()
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="lead_clerk", password=PASSWORD)
    url = reverse("tasks:report", args=[assignment.pk])
    response = client.post(
        url, {"version": 1, "progress": "很长的进展", "percent": 10}, HTTP_REFERER="http://testserver" + url
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期，本次提交没有保存" in page and "您填写的文字没有丢失" in page
    assert f'href="http://testserver{url}"' in page and "data-keep-drafts" in page
    assert not assignment.reports.exists()


def test_the_csrf_page_never_links_to_another_site(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {}, HTTP_REFERER="https://evil.example.com/x")
    assert response.status_code == 403 and "evil.example.com" not in response.content.decode()


def test_500_renders_without_a_database_or_a_user(db, django_assert_num_queries):
    request = RequestFactory().get("/tasks/")
    with django_assert_num_queries(0):
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in page and 'href="/"' in page and "Server Error" not in page
