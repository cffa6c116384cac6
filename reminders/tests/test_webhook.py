"""A unit's group robot that fails twice and then answers, on a real local HTTP server."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reminders import sending
from reminders.models import Channel, Delivery, DeliveryState, UnitWebhook, WebhookKind

D = dt.date


class Robot:
    """Answers 500 to the first `failures` POSTs, then {"errcode": 0}; records every body."""

    def __init__(self, failures: int, answer: dict | None = None):
        self.failures, self.bodies = failures, []
        self.answer = answer or {"errcode": 0, "errmsg": "ok"}
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                robot.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                failing = len(robot.bodies) <= robot.failures
                payload = json.dumps({"errcode": 500} if failing else robot.answer).encode()
                self.send_response(500 if failing else 200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_a_robot_that_fails_twice_then_succeeds_gets_one_message(year_end_task, personas, at):
    with Robot(failures=2) as robot:
        UnitWebhook.objects.create(unit=personas.lead_unit, kind=WebhookKind.WECOM, url=robot.url)
        sending.run(at(D(2022, 1, 4)))
        hook_delivery = Delivery.objects.get(channel=Channel.WEBHOOK)
        counts = sending.deliver_pending(backoff=0.01)
    assert counts == {"sent": 4, "failed": 0}  # three emails and the robot's message, none blocked
    hook_delivery.refresh_from_db()
    assert hook_delivery.state == DeliveryState.SENT and hook_delivery.attempts == 3
    assert len(robot.bodies) == 3 and robot.bodies[0] == robot.bodies[2]
    message = robot.bodies[2]
    assert message["msgtype"] == "markdown"
    assert "推进重点项目建设" in message["markdown"]["content"] and "催办" in message["markdown"]["content"]


def test_a_dead_robot_is_logged_as_failed_and_the_emails_still_go(year_end_task, personas, at, caplog):
    from django.core import mail

    with Robot(failures=99) as robot:
        UnitWebhook.objects.create(unit=personas.lead_unit, kind=WebhookKind.DINGTALK, url=robot.url)
        sending.run(at(D(2022, 1, 4)))
        counts = sending.deliver_pending(backoff=0.01)
    assert counts == {"sent": 3, "failed": 1} and len(mail.outbox) == 3
    failed = Delivery.objects.get(channel=Channel.WEBHOOK)
    assert failed.state == DeliveryState.FAILED and failed.attempts == 3 and "500" in failed.last_error
    assert "failed after 3 attempts" in caplog.text
    assert set(robot.bodies[0]["markdown"]) == {"title", "text"}  # 钉钉's envelope
    assert sending.deliver_pending(backoff=0.01) == {"sent": 0, "failed": 0}  # never resent by itself


def test_a_robot_refusing_with_an_errcode_is_a_failure(year_end_task, personas, at):
    with Robot(failures=0, answer={"errcode": 93000, "errmsg": "invalid webhook url"}) as robot:
        UnitWebhook.objects.create(unit=personas.lead_unit, url=robot.url)
        sending.run(at(D(2022, 1, 4)))
        sending.deliver_pending(backoff=0.01)
    assert "93000" in Delivery.objects.get(channel=Channel.WEBHOOK).last_error


def test_the_robot_url_is_never_shown_to_unit_staff(client, year_end_task, personas, at):
    hook = UnitWebhook.objects.create(
        unit=personas.lead_unit, url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET"
    )
    sending.run(at(D(2022, 1, 4)))
    client.force_login(personas.lead_clerk)
    for url in ("/reminders/messages/", f"/tasks/{year_end_task.pk}/", f"/units/{personas.lead_unit.pk}/"):
        response = client.get(url)
        assert response.status_code == 200 and "SECRET" not in response.content.decode()
    assert client.get("/admin/reminders/unitwebhook/").status_code == 302  # the admin login, not the list
    assert hook.url.endswith("SECRET")


@pytest.mark.parametrize("scheme", ["file:///etc/passwd", "ftp://example.gov.cn/x"])
def test_only_http_robot_urls_are_accepted(db, scheme, personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        UnitWebhook(unit=personas.lead_unit, url=scheme).full_clean()
