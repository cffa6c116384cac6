"""Locust scenario for `manage.py loadtest`: clerks and supervisors of the synthetic city (demo.scale)
browsing, filtering, searching, exporting and reporting. Run by the command, never on its own
against a server you care about (it writes progress reports).

Every report the server accepted (HTTP 302 after the POST) is appended to LOADTEST_ACCEPTED as
"<assignment id>\t<marker>"; the command checks afterwards that each one is in the database.
"""

import itertools
import os
import random
import re
import threading
import uuid

import gevent
import gevent.event
from locust import HttpUser, between, task
from requests.cookies import RequestsCookieJar

PASSWORD = "scale2026"  # noqa: S105 - the synthetic city's accounts (demo.scale.PASSWORD)
UNITS = int(os.environ.get("LOADTEST_UNITS", "400"))
ACCEPTED = os.environ.get("LOADTEST_ACCEPTED", "loadtest-accepted.tsv")
DOCUMENTS = [d for d in os.environ.get("LOADTEST_DOCUMENTS", "").split(",") if d] or ["1"]
SEARCH_WORDS = ["营商环境", "重点项目", "老旧小区", "安全生产", "数字政府", "乡村振兴", "招商引资"]

USERS = int(os.environ.get("LOADTEST_USERS", "50"))
MEASURE_SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
SETTLE_SECONDS = int(os.environ.get("LOADTEST_SETTLE", "0"))
_logged_in = itertools.count(1)
_everyone_in = gevent.event.Event()
_clerks = itertools.count(1)
_supervisors = itertools.cycle([1, 2, 3])
_lock = threading.Lock()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
PERCENT = re.compile(r'name="percent" value="(\d+)"')
ASSIGNMENT = re.compile(r'data-assignment="(\d+)"')
TASK = re.compile(r'data-task="(\d+)"')
REPORTABLE = re.compile(r'href="/tasks/assignments/(\d+)/report/"')


class BehindTheProxy(RequestsCookieJar):
    """The server runs with production settings (DEBUG=0, secure cookies) on plain HTTP over the
    loopback, where nginx would terminate TLS: the client keeps sending its secure cookies, as a
    browser does over HTTPS."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


def _as_behind_proxy(user) -> None:
    user.client.cookies = BehindTheProxy()


def _login(user, username: str) -> None:
    _as_behind_proxy(user)
    page = user.client.get("/accounts/login/", name="login form")
    token = CSRF.search(page.text).group(1)
    with user.client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        name="login",
        catch_response=True,
    ) as response:
        if response.status_code != 302:
            response.failure(f"login of {username} answered {response.status_code}")
    if next(_logged_in) == USERS:
        # Everyone is in. The measured window starts SETTLE_SECONDS later and lasts
        # MEASURE_SECONDS.
        environment = user.environment
        print(f"all {USERS} sessions logged in; settling for {SETTLE_SECONDS} s", flush=True)
        gevent.spawn_later(SETTLE_SECONDS, _start_of_window, environment)
        _everyone_in.set()
    # Logins hash passwords (deliberately slow): 50 at once keep the server busy for seconds. A
    # session starts browsing once every session has logged in, after a pause of up to the
    # longest wait between actions (people do not all click in the same instant), so its first
    # requests do not queue behind the other sessions' logins.
    _everyone_in.wait()
    gevent.sleep(random.uniform(0, 3))


def _start_of_window(environment) -> None:
    environment.stats.reset_all()
    print(f"{USERS} sessions logged in; measuring for {MEASURE_SECONDS} s", flush=True)
    gevent.spawn_later(MEASURE_SECONDS, _end_of_window, environment)


def _end_of_window(environment) -> None:
    print("measured window over", flush=True)  # the command reads the CPU time spent up to here
    environment.runner.quit()


class Person(HttpUser):
    """What both kinds of session do: search, and open a task seen on a list (`task_ids`)."""

    abstract = True
    wait_time = between(1, 3)
    task_ids: list[str]

    @task(2)
    def search(self):
        self.client.get(f"/search/?q={random.choice(SEARCH_WORDS)}", name="搜索")

    @task(3)
    def task_detail(self):
        if self.task_ids:
            self.client.get(f"/tasks/{random.choice(self.task_ids)}/", name="任务详情")


class Clerk(Person):
    """A unit's 联络员: 我的待办, the ledger, a task, a report, an export of their own work."""

    weight = 3

    def on_start(self):
        number = (next(_clerks) - 1) % UNITS + 1
        _login(self, f"scale1_u{number:03d}_lly")
        self.reportable: list[str] = []
        self.task_ids: list[str] = []
        self.my_work()

    @task(5)
    def my_work(self):
        page = self.client.get("/tasks/my/", name="我的待办")
        self.reportable = REPORTABLE.findall(page.text) or self.reportable

    @task(3)
    def ledger(self):
        page = self.client.get("/tasks/", name="台账")
        self.task_ids = TASK.findall(page.text) or self.task_ids

    @task(2)
    def ledger_overdue(self):
        self.client.get("/tasks/?overdue=on", name="台账 ?overdue")

    @task(2)
    def report(self):
        if not self.reportable:
            return
        assignment = random.choice(self.reportable)
        url = f"/tasks/assignments/{assignment}/report/"
        form = self.client.get(url, name="报送表单")
        if form.status_code != 200:
            return
        marker = f"压测报送 {uuid.uuid4().hex}"
        data = {
            "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
            "version": VERSION.search(form.text).group(1),
            "percent": PERCENT.search(form.text).group(1) if PERCENT.search(form.text) else "50",
            "progress": marker,
            "problems": "",
            "next_steps": "继续推进。",
        }
        with self.client.post(url, data=data, allow_redirects=False, name="报送", catch_response=True) as response:
            if response.status_code == 302:
                with _lock, open(ACCEPTED, "a", encoding="utf-8") as out:
                    out.write(f"{assignment}\t{marker}\n")
            elif response.status_code == 409:  # a colleague saved first: the page says so, nothing lost
                response.success()
            else:
                response.failure(f"report answered {response.status_code}")

    @task(1)
    def export_my_work(self):
        self.client.get("/ledgers/export/my/", name="导出我的待办")


class Supervisor(Person):
    """督查室: the ledger with filters and sorts, the dashboard, 工作台, search, a task, a filtered export."""

    weight = 1

    def on_start(self):
        _login(self, f"scale1_dcs{next(_supervisors)}")
        self.task_ids: list[str] = []
        self.documents: list[str] = []

    @task(4)
    def ledger(self):
        page = self.client.get(f"/tasks/?page={random.randint(1, 50)}", name="台账 ?page")
        self.task_ids = TASK.findall(page.text) or self.task_ids

    @task(2)
    def ledger_filtered(self):
        query = random.choice(["overdue=on", "state=pending", "view=shares", "sort=deadline", "role=lead"])
        self.client.get(f"/tasks/?{query}", name="台账 筛选")

    @task(2)
    def dashboard(self):
        self.client.get("/dashboard/", name="统计看板")

    @task(2)
    def workbench(self):
        self.client.get("/dashboard/workbench/", name="工作台")

    @task(1)
    def export_document(self):
        # One document's ledger (50 tasks): answered at once; the whole city goes to a background job.
        self.client.get(f"/ledgers/export/?document={random.choice(DOCUMENTS)}", name="导出台账（按文件）")
