import pytest
from django.core import mail

from testing.personas import PASSWORD


@pytest.mark.django_db
def test_login_page_is_in_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_wrong_password_keeps_username_and_explains(client, personas):
    response = client.post("/accounts/login/", {"username": "lead_clerk", "password": "wrong"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "用户名或密码不正确" in body
    assert 'value="lead_clerk"' in body


def test_login_and_navigation_shows_name_and_unit(client, personas):
    response = client.post("/accounts/login/", {"username": "lead_clerk", "password": PASSWORD}, follow=True)
    body = response.content.decode()
    assert "发改委联络员" in body
    assert "区发改委" in body
    for label in ("我的待办", "任务台账", "文件", "单位", "统计"):
        assert label in body


def test_admin_link_only_for_supervisors(client, personas):
    client.force_login(personas.lead_clerk)
    assert "/admin/" not in client.get("/units/").content.decode()
    client.force_login(personas.supervisor)
    assert "/admin/" in client.get("/units/").content.decode()


def test_logout_is_post_only(client, personas):
    client.force_login(personas.lead_clerk)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_reset_sends_a_chinese_email(client, personas):
    response = client.post("/accounts/password/reset/", {"email": "lead_clerk@example.gov.cn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "重设密码" in mail.outbox[0].subject
    assert "/accounts/reset/" in mail.outbox[0].body


def test_demo_logins_are_listed_only_in_development(client, settings, db):
    from accounts.models import Role, User

    User.objects.create_user("duchashi", password="x", role=Role.SUPERVISOR)
    settings.DEBUG = True
    assert "duchashi" in client.get("/accounts/login/").content.decode()
    settings.DEBUG = False
    assert "duchashi" not in client.get("/accounts/login/").content.decode()
