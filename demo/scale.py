"""A synthetic city for measurement only (`manage.py seed_scale`, `manage.py benchmark`).

Deterministic for a given seed: the same arguments build the same rows (ids aside). Every name
carries the city's prefix (测城, 测城二 for a second generation…) and every account starts with
`scale`, so nobody mistakes it for the demo (`load_demo`) or for real work. Rows are written
with bulk_create in batches, so 20,000 tasks and 200,000 reports take a minute or two, not hours.

A second generation (`generation=2`) adds another city of the same size beside the first:
that is how the benchmark measures every page at twice the data.
"""

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
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


def _batched(iterable, size=BATCH):
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


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

        # Tasks and shares, planned in memory first (small rows), then written in batches.
        plans = []
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
            task = Task(
                source_document=doc,
                section=SECTIONS[(i // 10) % len(SECTIONS)],
                number=str(i % TASKS_PER_DOCUMENT + 1),
                text=text,
                deadline=deadline,
                deadline_text=f"{deadline:%Y年%m月底前}" if deadline else "长期坚持",
                ongoing=deadline is None,
                reporting_cycle=cycle,
                responsible_leader=f"{prefix}副区长{i % 7 + 1}",
                state=_task_state([s[2] for s in shares], [s[1] for s in shares]),
                created=created,
                created_by=supervisor,
                updated=created,
            )
            plans.append((task, shares))
        Task.objects.bulk_create([t for t, _ in plans], batch_size=BATCH)
        TaskEvent.objects.bulk_create(
            (
                TaskEvent(task=t, actor=supervisor, at=t.created, action=EventAction.CREATED, comment="发布任务")
                for t, _ in plans
            ),
            batch_size=BATCH,
        )
        log(f"{len(docs)} documents, {len(plans)} tasks")

        assignments, extended = [], []
        for task, shares in plans:
            for unit, role, state, deadline, was_extended in shares:
                acknowledged = state != AssignmentState.PENDING
                span = max(1, int((now - task.created).total_seconds()))
                a = Assignment(
                    task=task,
                    unit=unit,
                    role=role,
                    deadline=deadline,
                    original_deadline=task.deadline,
                    state=state,
                    percent=100 if state == AssignmentState.DONE else (rng.randrange(10, 95) if acknowledged else 0),
                    acknowledged_at=task.created + dt.timedelta(seconds=int(rng.random() * (span // 10)))
                    if acknowledged
                    else None,
                    acknowledged_by=unit_people[unit.pk] if acknowledged else None,
                    completion_requested_at=now - dt.timedelta(days=rng.randrange(1, 20))
                    if state in (AssignmentState.COMPLETION_REQUESTED, AssignmentState.DONE)
                    else None,
                    completed_at=now - dt.timedelta(days=rng.randrange(0, 15))
                    if state == AssignmentState.DONE
                    else None,
                    created=task.created,
                )
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
                start = a.acknowledged_at or a.created
                a.last_reported_at = start + (now - start) * count / (count + 1)
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        ExtensionRequest.objects.bulk_create(
            (
                ExtensionRequest(
                    assignment=a,
                    deadline_before=a.original_deadline,
                    requested_deadline=a.deadline,
                    reason="受客观因素影响，申请延期完成。",
                    state=ExtensionState.APPROVED,
                    requested_by=unit_people[a.unit_id],
                    requested_at=a.acknowledged_at or a.created,
                    decided_by=supervisor,
                    decided_at=(a.acknowledged_at or a.created) + dt.timedelta(days=2),
                    decision_comment="同意。",
                )
                for a in extended
            ),
            batch_size=BATCH,
        )
        TaskEvent.objects.bulk_create(
            (
                TaskEvent(task_id=a.task_id, assignment=a, actor=supervisor, action=EventAction.EXTENSION_APPROVED,
                          at=(a.acknowledged_at or a.created) + dt.timedelta(days=2), unit_name=a.unit.name,
                          comment=f"同意延期至 {a.deadline}")
                for a in extended
            ),
            batch_size=BATCH,
        )  # fmt: skip
        log(f"{len(assignments)} shares ({len(extended)} extended)")

        def report_rows():
            for a, count in zip(reporting, per_share, strict=True):
                start = a.acknowledged_at or a.created
                for j in range(count):
                    at = start + (now - start) * (j + 1) / (count + 1)
                    last = j == count - 1
                    yield ProgressReport(
                        assignment=a,
                        period=f"{timezone.localdate(at):%Y年%m月}",
                        progress=f"{a.unit.short_name}第{j + 1}次报送：已完成阶段性工作，正在推进下一步。",
                        problems="资金到位较慢。" if j % 5 == 0 else "",
                        next_steps="继续推进。",
                        percent=min(100, a.percent * (j + 1) // count),
                        is_consolidated=a.role == AssignmentRole.LEAD and j % 3 == 2,
                        author=unit_people[a.unit_id],
                        created=at,
                        review_state=ReportReview.SUBMITTED if last else ReportReview.ACCEPTED,
                    )

        written = 0
        for chunk in _batched(report_rows()):
            ProgressReport.objects.bulk_create(chunk)
            written += len(chunk)
        log(f"{written} reports")

        # Reminder history and 督办: every overdue open share was reminded once (提醒); one in
        # four reached 催办, one in ten 督办 with an open 督办单 (numbered per city).
        overdue = [a for a in assignments if a.state != AssignmentState.DONE and a.deadline and a.deadline < today]
        reminders, orders = [], []
        for i, a in enumerate(overdue):
            first_day = a.deadline + dt.timedelta(days=1)
            levels = [ReminderLevel.REMIND] + ([ReminderLevel.URGE] if i % 4 == 0 else [])
            levels += [ReminderLevel.SUPERVISE] if i % 10 == 0 else []
            for step, level in enumerate(levels):
                planned = min(today, first_day + dt.timedelta(days=3 * step))
                reminders.append(
                    Reminder(assignment=a, kind=ReminderKind.OVERDUE, level=level, period=f"{a.deadline}#{step + 1}",
                             due_date=a.deadline, planned_for=planned, recipients=[], sent_at=now,
                             created=now - dt.timedelta(days=(today - planned).days))
                )  # fmt: skip
        Reminder.objects.bulk_create(reminders, batch_size=BATCH)
        serial = 0
        for r in reminders:
            if r.level == ReminderLevel.SUPERVISE:
                serial += 1
                a = r.assignment
                orders.append(
                    SupervisionOrder(year=today.year, serial=generation * 100000 + serial,
                                     number=f"{prefix}督〔{today.year}〕{serial}号", assignment=a, task_id=a.task_id,
                                     unit_id=a.unit_id, reason="逾期未办结，予以督办。", due_date=a.deadline,
                                     reminder=r, state=OrderState.OPEN, created=r.created, created_by=supervisor)
                )  # fmt: skip
        SupervisionOrder.objects.bulk_create(orders, batch_size=BATCH)
        log(f"{len(reminders)} reminders, {len(orders)} 督办单")

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
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
            yield Assignment(task_id=task_id, unit_id=unit, role=AssignmentRole.SUPPORT, deadline=deadline,
                             original_deadline=deadline, state=AssignmentState.IN_PROGRESS, acknowledged_at=created,
                             created=created)  # fmt: skip
            if made >= need:
                return

    for chunk in _batched(rows()):
        Assignment.objects.bulk_create(chunk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Assignment.objects.open().count()
