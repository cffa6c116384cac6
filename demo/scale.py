"""A synthetic city for measurement only (`manage.py seed_scale`, `manage.py benchmark`).

Deterministic for a given seed: the same arguments build the same rows (ids aside). Every name
carries the city's prefix (测城, 测城二 for a second generation…) and every account starts with
`scale`, so nobody mistakes it for the demo (`load_demo`) or for real work. The few units, people
and documents go through bulk_create; tasks, shares, reports and reminders are written as plain
tuples (demo.loading: COPY on PostgreSQL), so 20,000 tasks and 200,000 reports take about 15 s.

A second generation (`generation=2`) adds another city of the same size beside the first:
that is how the benchmark measures every page at twice the data.
"""

import contextlib
import datetime as dt
import itertools
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import Role, User
from documents.models import DocumentKind, DocumentStatus, SourceDocument
from reminders.models import Kind as ReminderKind
from reminders.models import Level as ReminderLevel
from reminders.models import OrderState, Reminder, SupervisionOrder
from tasks.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    EventAction,
    ExtensionRequest,
    ExtensionState,
    ProgressReport,
    ReportingCycle,
    Task,
    TaskEvent,
)
from tasks.models import ReviewState as ReportReview
from units.models import Membership, MembershipRole, Unit, UnitKind

from .loading import Table, next_id, reset_sequences

PASSWORD = "scale2026"  # noqa: S105 - synthetic accounts on a measurement database, printed by the command
TASKS_PER_DOCUMENT = 50
SHARE_WEIGHTS = {1: 30, 2: 25, 3: 18, 4: 10, 5: 7, 6: 5, 7: 3, 8: 2}
BATCH = 2000

VERBS = ["推进", "落实", "加快", "完善", "强化", "开展", "深化", "组织", "健全", "提升"]
OBJECTS = [
    "重点项目建设", "营商环境优化", "老旧小区改造", "河湖长制", "安全生产检查", "数字政府建设",
    "乡村振兴示范", "招商引资", "城市更新", "生态环境整治", "义务教育均衡", "医疗卫生服务",
    "消防隐患排查", "防汛抗旱准备", "食品安全监管", "就业创业服务", "养老服务体系", "农田水利建设",
    "文明城市创建", "垃圾分类", "交通秩序整治", "政务服务改革", "中小企业纾困", "文旅融合发展",
]  # fmt: skip
TAILS = ["，确保按期完成", "，形成长效机制", "，每月报送进展", "，年底前完成验收", "，建立工作台账", ""]
SECTIONS = ["一、稳增长", "二、促改革", "三、惠民生", "四、优环境", "五、保安全"]
UNIT_KINDS = ["局", "委", "办", "中心", "街道", "乡", "镇"]
PREFIXES = {1: "测城", 2: "测城二", 3: "测城三", 4: "测城四"}


@dataclass
class City:
    prefix: str
    counts: dict = field(default_factory=dict)
    supervisors: list = field(default_factory=list)
    leaders: list = field(default_factory=list)
    clerks: list = field(default_factory=list)


@dataclass
class _PlannedTask:
    id: int
    created: dt.datetime
    deadline: dt.date | None
    shares: list


class _Share:
    """One share of the synthetic city before it is written (lighter than an Assignment)."""

    __slots__ = (
        "acknowledged_at",
        "acknowledged_by",
        "completed_at",
        "completion_requested_at",
        "deadline",
        "id",
        "last_reported_at",
        "original_deadline",
        "percent",
        "role",
        "state",
        "task_created",
        "task_id",
        "unit",
    )  # fmt: skip


def _task_state(states: list[str], roles: list[str]) -> str:
    """The rule of tasks.actions._core.sync_task_state, applied to rows not saved yet."""
    if states and set(states) == {AssignmentState.DONE}:
        return AssignmentState.DONE
    leads = [s for s, r in zip(states, roles, strict=True) if r == AssignmentRole.LEAD]
    if leads and all(s in (AssignmentState.COMPLETION_REQUESTED, AssignmentState.DONE) for s in leads):
        return AssignmentState.COMPLETION_REQUESTED
    if set(states) - {AssignmentState.PENDING}:
        return AssignmentState.IN_PROGRESS
    return AssignmentState.PENDING


def build_city(*, units: int, tasks: int, reports: int, seed: int = 1, generation: int = 1, log=None) -> City:
    """Write one synthetic city; returns its prefix, row counts and the usernames to log in with."""
    rng = random.Random(seed)  # a second generation repeats the first city exactly, renamed
    prefix = PREFIXES.get(generation, f"测城{generation}")
    tag = f"scale{generation}"
    city = City(prefix=prefix)
    now = timezone.now()
    today = timezone.localdate()
    log = log or (lambda message: None)

    with transaction.atomic():
        # Units and people: one 联络员 and one 负责人 per unit, three 督查室, one 区领导.
        unit_rows = Unit.objects.bulk_create(
            [
                Unit(
                    name=f"{prefix}第{i + 1:03d}{UNIT_KINDS[i % len(UNIT_KINDS)]}",
                    short_name=f"{prefix}{i + 1:03d}",
                    kind=UnitKind.TOWNSHIP if UNIT_KINDS[i % len(UNIT_KINDS)] in "街道乡镇" else UnitKind.DEPARTMENT,
                    sort_order=5000 + generation * 1000 + i,
                    note="基准测试合成数据",
                )
                for i in range(units)
            ],
            batch_size=BATCH,
        )
        password = make_password(PASSWORD)
        people = [User(username=f"{tag}_dcs{i + 1}", full_name=f"{prefix}督查{i + 1}", role=Role.SUPERVISOR,
                       password=password) for i in range(3)]  # fmt: skip
        people.append(User(username=f"{tag}_ld", full_name=f"{prefix}领导", role=Role.LEADER, password=password))
        for i in range(units):
            people.append(User(username=f"{tag}_u{i + 1:03d}_lly", full_name=f"{prefix}联络员{i + 1}",
                               role=Role.STAFF, password=password))  # fmt: skip
            people.append(User(username=f"{tag}_u{i + 1:03d}_fzr", full_name=f"{prefix}负责人{i + 1}",
                               role=Role.HEAD, password=password))  # fmt: skip
        people = User.objects.bulk_create(people, batch_size=BATCH)
        staff = people[4:]
        Membership.objects.bulk_create(
            [
                Membership(
                    user=staff[2 * i + j],
                    unit=unit_rows[i],
                    role=MembershipRole.LIAISON if j == 0 else MembershipRole.HEAD,
                )
                for i in range(units)
                for j in (0, 1)
            ],
            batch_size=BATCH,
        )
        city.supervisors = [p.username for p in people[:3]]
        city.leaders = [people[3].username]
        city.clerks = [p.username for p in staff[0::2]]
        supervisor = people[0]
        unit_people = {unit_rows[i].pk: staff[2 * i] for i in range(units)}
        log(f"{units} units, {len(people)} people")

        # Documents, each with up to 50 tasks.
        n_docs = max(1, -(-tasks // TASKS_PER_DOCUMENT))
        docs = SourceDocument.objects.bulk_create(
            [
                SourceDocument(
                    title=f"{prefix}关于印发2026年第{k + 1}批重点工作任务分工方案的通知",
                    doc_number=f"{prefix}办发〔2026〕{k + 1}号",
                    issuer=f"{prefix}人民政府办公室",
                    issued_date=today - dt.timedelta(days=300 - (k * 300) // n_docs),
                    kind=DocumentKind.DIVISION,
                    status=DocumentStatus.PUBLISHED,
                    text="（基准测试合成数据，没有原文）",
                    uploaded_by=supervisor,
                    created=now - dt.timedelta(days=300 - (k * 300) // n_docs),
                    published_at=now - dt.timedelta(days=300 - (k * 300) // n_docs),
                )
                for k in range(n_docs)
            ],
            batch_size=BATCH,
        )

        # Tasks and shares, planned in memory first (small rows), then written as plain tuples
        # (demo.loading: COPY on PostgreSQL) with ids given, so later rows can refer to them.
        plans: list[_PlannedTask] = []
        task_rows = []
        first_task = next_id(Task)
        share_counts, share_weights = zip(*SHARE_WEIGHTS.items(), strict=True)
        for i in range(tasks):
            doc = docs[i // TASKS_PER_DOCUMENT]
            created = doc.created + dt.timedelta(hours=rng.randrange(48))
            deadline = None if rng.random() < 0.03 else today + dt.timedelta(days=rng.randrange(-150, 240))
            k = min(rng.choices(share_counts, share_weights)[0], len(unit_rows))
            chosen = rng.sample(unit_rows, k)
            shares = []
            for j, unit in enumerate(chosen):
                p_done = 0.5 if deadline and deadline < today else 0.15
                roll = rng.random()
                if roll < p_done:
                    state = AssignmentState.DONE
                else:
                    roll = rng.random()
                    state = (
                        AssignmentState.PENDING
                        if roll < 0.25
                        else AssignmentState.IN_PROGRESS
                        if roll < 0.9
                        else AssignmentState.COMPLETION_REQUESTED
                    )
                extended = deadline is not None and state != AssignmentState.DONE and rng.random() < 0.08
                share_deadline = deadline + dt.timedelta(days=rng.randrange(10, 60)) if extended else deadline
                shares.append((unit, AssignmentRole.LEAD if j == 0 else AssignmentRole.SUPPORT, state, share_deadline,
                               extended))  # fmt: skip
            obj = OBJECTS[rng.randrange(len(OBJECTS))]
            text = f"{VERBS[rng.randrange(len(VERBS))]}{obj}{TAILS[rng.randrange(len(TAILS))]}（{prefix}任务{i + 1}）。"
            cycle = rng.choices(
                [ReportingCycle.MONTHLY, ReportingCycle.QUARTERLY, ReportingCycle.NONE, ReportingCycle.WEEKLY],
                [40, 20, 35, 5],
            )[0]
            task_id = first_task + i
            task_rows.append((
                task_id, doc.pk, SECTIONS[(i // 10) % len(SECTIONS)], str(i % TASKS_PER_DOCUMENT + 1), text, deadline,
                f"{deadline:%Y年%m月底前}" if deadline else "长期坚持", deadline is None, cycle,
                f"{prefix}副区长{i % 7 + 1}", _task_state([s[2] for s in shares], [s[1] for s in shares]), created,
                supervisor.pk, created,
            ))  # fmt: skip
            plans.append(_PlannedTask(task_id, created, deadline, shares))
        Table(Task, ("id", "source_document_id", "section", "number", "text", "deadline", "deadline_text", "ongoing",
                     "reporting_cycle", "responsible_leader", "state", "created", "created_by_id", "updated")
              ).write(task_rows)  # fmt: skip
        del task_rows
        events = Table(TaskEvent, ("task_id", "assignment_id", "actor_id", "at", "action", "unit_name", "comment"))
        events.write((t.id, None, supervisor.pk, t.created, EventAction.CREATED, "", "发布任务") for t in plans)
        log(f"{len(docs)} documents, {len(plans)} tasks")

        assignments: list[_Share] = []
        extended: list[_Share] = []
        next_share = next_id(Assignment)
        for task in plans:
            for unit, role, state, deadline, was_extended in task.shares:
                acknowledged = state != AssignmentState.PENDING
                span = max(1, int((now - task.created).total_seconds()))
                a = _Share()
                a.id, a.task_id, a.task_created, a.unit, a.role = next_share, task.id, task.created, unit, role
                a.deadline, a.original_deadline, a.state = deadline, task.deadline, state
                # The same draws in the same order as ever: the same seed builds the same city.
                a.percent = 100 if state == AssignmentState.DONE else (rng.randrange(10, 95) if acknowledged else 0)
                a.acknowledged_at = (
                    task.created + dt.timedelta(seconds=int(rng.random() * (span // 10))) if acknowledged else None
                )
                a.acknowledged_by = unit_people[unit.pk].pk if acknowledged else None
                a.completion_requested_at = (
                    now - dt.timedelta(days=rng.randrange(1, 20))
                    if state in (AssignmentState.COMPLETION_REQUESTED, AssignmentState.DONE)
                    else None
                )
                a.completed_at = (
                    now - dt.timedelta(days=rng.randrange(0, 15)) if state == AssignmentState.DONE else None
                )
                a.last_reported_at = None
                next_share += 1
                assignments.append(a)
                if was_extended:
                    extended.append(a)
        # Report histories: spread `reports` over the acknowledged shares, oldest first.
        reporting = [a for a in assignments if a.state != AssignmentState.PENDING]
        per_share = [0] * len(reporting)
        if reporting:
            for _ in range(reports):
                per_share[rng.randrange(len(reporting))] += 1
        for a, count in zip(reporting, per_share, strict=True):
            if count:
                start = a.acknowledged_at or a.task_created
                a.last_reported_at = start + (now - start) * count / (count + 1)
        Table(Assignment, ("id", "task_id", "unit_id", "role", "deadline", "original_deadline", "state", "percent",
                           "acknowledged_at", "acknowledged_by_id", "completion_requested_at", "completed_at",
                           "last_reported_at", "created")).write(
            (a.id, a.task_id, a.unit.pk, a.role, a.deadline, a.original_deadline, a.state, a.percent,
             a.acknowledged_at, a.acknowledged_by, a.completion_requested_at, a.completed_at, a.last_reported_at,
             a.task_created)
            for a in assignments
        )  # fmt: skip
        Table(ExtensionRequest, ("assignment_id", "deadline_before", "requested_deadline", "reason", "state",
                                 "requested_by_id", "requested_at", "decided_by_id", "decided_at",
                                 "decision_comment")).write(
            (a.id, a.original_deadline, a.deadline, "受客观因素影响，申请延期完成。", ExtensionState.APPROVED,
             unit_people[a.unit.pk].pk, a.acknowledged_at or a.task_created, supervisor.pk,
             (a.acknowledged_at or a.task_created) + dt.timedelta(days=2), "同意。")
            for a in extended
        )  # fmt: skip
        events.write(
            (a.task_id, a.id, supervisor.pk, (a.acknowledged_at or a.task_created) + dt.timedelta(days=2),
             EventAction.EXTENSION_APPROVED, a.unit.name, f"同意延期至 {a.deadline}")
            for a in extended
        )  # fmt: skip
        log(f"{len(assignments)} shares ({len(extended)} extended)")

        zone = timezone.get_current_timezone()

        def report_rows():
            for a, count in zip(reporting, per_share, strict=True):
                start = a.acknowledged_at or a.task_created
                author = unit_people[a.unit.pk].pk
                lead = a.role == AssignmentRole.LEAD
                for j in range(count):
                    at = start + (now - start) * (j + 1) / (count + 1)
                    local = at.astimezone(zone)
                    yield (
                        a.id, f"{local.year}年{local.month:02d}月",
                        f"{a.unit.short_name}第{j + 1}次报送：已完成阶段性工作，正在推进下一步。",
                        "资金到位较慢。" if j % 5 == 0 else "", "继续推进。", min(100, a.percent * (j + 1) // count),
                        lead and j % 3 == 2, author, at,
                        ReportReview.SUBMITTED if j == count - 1 else ReportReview.ACCEPTED,
                    )  # fmt: skip

        written = Table(ProgressReport, ("assignment_id", "period", "progress", "problems", "next_steps", "percent",
                                         "is_consolidated", "author_id", "created", "review_state")
                        ).write(report_rows())  # fmt: skip
        log(f"{written} reports")

        # Reminder history and 督办: every overdue open share was reminded once (提醒); one in
        # four reached 催办, one in ten 督办 with an open 督办单 (numbered per city).
        overdue = [a for a in assignments if a.state != AssignmentState.DONE and a.deadline and a.deadline < today]
        reminders, orders = [], []
        next_reminder = next_id(Reminder)
        for i, a in enumerate(overdue):
            first_day = a.deadline + dt.timedelta(days=1)
            levels = [ReminderLevel.REMIND] + ([ReminderLevel.URGE] if i % 4 == 0 else [])
            levels += [ReminderLevel.SUPERVISE] if i % 10 == 0 else []
            for step, level in enumerate(levels):
                planned = min(today, first_day + dt.timedelta(days=3 * step))
                created = now - dt.timedelta(days=(today - planned).days)
                reminders.append((next_reminder, a.id, ReminderKind.OVERDUE, level, f"{a.deadline}#{step + 1}",
                                  a.deadline, planned, now, created))  # fmt: skip
                if level == ReminderLevel.SUPERVISE:
                    serial = len(orders) + 1
                    orders.append((today.year, generation * 100000 + serial, f"{prefix}督〔{today.year}〕{serial}号",
                                   a.id, a.task_id, a.unit.pk, "逾期未办结，予以督办。", a.deadline, next_reminder,
                                   OrderState.OPEN, created, supervisor.pk))  # fmt: skip
                next_reminder += 1
        Table(Reminder, ("id", "assignment_id", "kind", "level", "period", "due_date", "planned_for", "sent_at",
                         "created")).write(reminders)  # fmt: skip
        order_columns = ("year", "serial", "number", "assignment_id", "task_id", "unit_id", "reason", "due_date",
                         "reminder_id", "state", "created", "created_by_id")  # fmt: skip
        Table(SupervisionOrder, order_columns).write(orders)
        reset_sequences(Task, Assignment, Reminder)
        log(f"{len(reminders)} reminders, {len(orders)} 督办单")

    _vacuum_analyze()
    city.counts = {
        "units": units,
        "people": len(people),
        "documents": len(docs),
        "tasks": len(plans),
        "shares": len(assignments),
        "open_shares": sum(1 for a in assignments if a.state != AssignmentState.DONE),
        "overdue_shares": sum(
            1 for a in assignments if a.state != AssignmentState.DONE and a.deadline and a.deadline < today
        ),
        "extended_shares": len(extended),
        "reports": written,
        "reminders": len(reminders),
        "supervision_orders": len(orders),
    }
    return city


def top_up_open_shares(target: int, *, seed: int = 1) -> int:
    """Add 办理中 supporting shares to the synthetic tasks until `target` shares are open (the
    benchmark plans reminders for 100,000 open shares); returns how many are open."""
    open_now = Assignment.objects.open().count()
    need = target - open_now
    if need <= 0:
        return open_now
    rng = random.Random(seed)
    units = list(Unit.objects.filter(note="基准测试合成数据").values_list("pk", flat=True))
    taken = set(Assignment.objects.values_list("task_id", "unit_id"))
    tasks = list(Task.objects.filter(state__in=[AssignmentState.PENDING, AssignmentState.IN_PROGRESS])
                 .values_list("pk", "deadline", "created").order_by("pk"))  # fmt: skip

    def rows():
        made = 0
        attempts = 0
        for task_id, deadline, created in itertools.cycle(tasks):
            attempts += 1
            if attempts > 50 * need:  # a small city has fewer free (task, unit) pairs than asked
                return
            unit = units[rng.randrange(len(units))]
            if (task_id, unit) in taken:
                continue
            taken.add((task_id, unit))
            made += 1
            yield (task_id, unit, AssignmentRole.SUPPORT, deadline, deadline, AssignmentState.IN_PROGRESS, created,
                   created)  # fmt: skip
            if made >= need:
                return

    Table(Assignment, ("task_id", "unit_id", "role", "deadline", "original_deadline", "state", "acknowledged_at",
                       "created")).write(rows())  # fmt: skip
    _vacuum_analyze()
    return Assignment.objects.open().count()


def _vacuum_analyze() -> None:
    """Statistics for the planner and, on PostgreSQL, a vacuum: the state autovacuum keeps a live
    database in a minute after rows are written (its visibility map, which lets a count read an
    index without the table). The development and CI servers run with autovacuum off, so without
    it every measurement saw a table never vacuumed, which no production database is. Not inside
    a transaction (PostgreSQL refuses VACUUM there): then only ANALYZE."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE)")
            _checkpoint(cursor)
        else:
            cursor.execute("ANALYZE")


def _checkpoint(cursor) -> None:
    """Write the seeded pages out now, so that the checkpointer does not write them while pages
    are being measured (it disturbed the first measurements after seeding by up to 1.6x). Needs
    a superuser or pg_checkpoint (PostgreSQL 15); without either, the measurement goes on."""
    with contextlib.suppress(DatabaseError):  # outside a transaction: nothing to roll back
        cursor.execute("CHECKPOINT")
