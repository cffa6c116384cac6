"""Login throttling (django-axes) per account and per address, unlock in the admin, reset-mail limits."""

from axes.models import AccessAttempt
from django.core import mail
from django.test import Client

from audit.models import SecurityEvent, SecurityEventKind
from testing.personas import PASSWORD

LOGIN = "/accounts/login/"


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_ten_wrong_passwords_lock_the_account_with_a_chinese_message(client, personas):
    for n in range(9):
        response = attempt(client, "lead_clerk", f"wrong{n}")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    tenth = attempt(client, "lead_clerk", "wrong9")
    assert tenth.status_code == 429
    body = tenth.content.decode()
    assert "登录失败次数过多" in body and "联系管理员解锁" in body
    # The right password no longer helps, from this address or any other.
    for ip in ("10.0.0.1", "10.0.0.2"):
        right = attempt(Client(), "lead_clerk", PASSWORD, ip=ip)
        assert right.status_code == 429 and "_auth_user_id" not in right.client.session
    # Other accounts from another address are not affected.
    assert attempt(Client(), "support_clerk", PASSWORD, ip="10.0.0.3").status_code == 302
    kinds = list(SecurityEvent.objects.filter(username="lead_clerk").values_list("kind", flat=True))
    assert kinds.count(SecurityEventKind.LOGIN_FAILED) >= 10
    assert SecurityEventKind.LOCKED_OUT in kinds
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKED_OUT, ip_address="10.0.0.1").exists()


def test_the_username_is_counted_whatever_its_case(client, personas):
    for n in range(10):
        attempt(client, "Lead_Clerk " if n % 2 else "lead_clerk", f"wrong{n}", ip=f"10.1.0.{n}")
    assert attempt(Client(), "lead_clerk", PASSWORD, ip="10.1.1.1").status_code == 429


def test_ten_failures_from_one_address_lock_that_address(client, personas):
    for n in range(10):
        attempt(client, f"nobody{n}", "guess", ip="10.9.9.9")
    assert attempt(Client(), "support_clerk", PASSWORD, ip="10.9.9.9").status_code == 429
    assert attempt(Client(), "support_clerk", PASSWORD, ip="10.9.9.10").status_code == 302


def test_an_admin_unlocks_the_account_in_the_admin(client, personas, admin_user):
    for n in range(10):
        attempt(client, "lead_clerk", f"wrong{n}")
    assert attempt(Client(), "lead_clerk", PASSWORD).status_code == 429
    admin = Client()
    admin.force_login(admin_user)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "lead_clerk" in listing.content.decode()
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = admin.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert attempt(Client(), "lead_clerk", PASSWORD).status_code == 302


def test_a_successful_login_is_logged_with_the_address(client, personas):
    assert attempt(client, "lead_clerk", PASSWORD, ip="10.2.3.4").status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN)
    assert event.user == personas.lead_clerk and event.ip_address == "10.2.3.4"


def test_behind_a_proxy_the_forwarded_address_is_used(client, personas, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        LOGIN,
        {"username": "lead_clerk", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7",
    )
    assert SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN_FAILED).ip_address == "203.0.113.7"


def test_password_reset_mails_are_limited_per_address(client, personas, settings):
    settings.PASSWORD_RESET_MAILS_PER_HOUR = 3
    for _ in range(3):
        response = client.post("/accounts/password/reset/", {"email": "lead_clerk@example.gov.cn"})
        assert response.status_code == 302
    assert len(mail.outbox) == 3
    refused = client.post("/accounts/password/reset/", {"email": "LEAD_CLERK@example.gov.cn"})
    assert refused.status_code == 429
    assert "重设密码邮件发送过于频繁" in refused.content.decode()
    assert len(mail.outbox) == 3
    # Another person's address is not held up by the first.
    assert client.post("/accounts/password/reset/", {"email": "support_clerk@example.gov.cn"}).status_code == 302
    assert len(mail.outbox) == 4


def test_a_password_change_is_logged(client, personas):
    client.force_login(personas.lead_clerk)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "A-much-longer-pass-2026",
            "new_password2": "A-much-longer-pass-2026",
        },
    )
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEventKind.PASSWORD_CHANGED)
    assert event.user == personas.lead_clerk


def test_an_administrator_setting_a_password_is_logged(client, personas, admin_user):
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{personas.lead_clerk.pk}/password/"
    response = client.post(url, {"password1": "Another-long-pass-2026", "password2": "Another-long-pass-2026"})
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEventKind.PASSWORD_CHANGED)
    assert event.user == personas.lead_clerk and "admin" in event.detail
