"""Record, claim and send reminders; the healthchecks `sendalerts` pattern.

1. `record`: each due reminder becomes a row; the unique key (assignment, kind, level, period)
   makes a second run, a retry or a second beat process insert nothing new.
2. `send_unclaimed`: one transaction claims every unclaimed row with a conditional
   `UPDATE … WHERE claimed_at IS NULL` and only the rows this run changed are acted on; in the
   same transaction it writes one in-app digest per recipient, opens the 督办单 for 督办-level
   rows and queues the outbound deliveries. A crash before the commit rolls the claim back, so
   the next run sends exactly once; two concurrent runs block on the row locks and the second
   finds nothing left to claim.
3. `deliver`: each queued email or webhook message is claimed the same way (pending → sending)
   before it leaves; a crash after that claim never sends it twice. Webhook failures are retried
   with backoff and logged, one message at a time, never blocking the others.
"""

import datetime as dt
import json
import logging
import time
import urllib.request
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Role, User
from tasks.models import AssignmentState
from units.models import Membership, MembershipRole
from workdays import calendar

from . import planning, snapshot
from .models import (
    Channel,
    Delivery,
    DeliveryState,
    Level,
    Notification,
    OrderState,
    Reminder,
    ReminderPolicy,
    SupervisionOrder,
    UnitWebhook,
    WebhookKind,
)

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_SECONDS = 5
WEBHOOK_ATTEMPTS = 3
WEBHOOK_BACKOFF_SECONDS = 2.0


@dataclass
class RunResult:
    date: dt.date
    working_day: bool
    in_hours: bool
    reminders: list[dict] = field(default_factory=list)
    messages: int = 0
    sent: int = 0

    def as_json(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "working_day": self.working_day,
            "reminders": self.reminders,
            "messages": self.messages,
            "sent": self.sent,
        }


# --- who receives what -------------------------------------------------------------------


def unit_people(unit_ids) -> dict[int, dict[str, list[User]]]:
    """{unit id: {"liaison": [...], "head": [...]}} for active people, in one query."""
    people: dict[int, dict[str, list[User]]] = defaultdict(lambda: {"liaison": [], "head": []})
    memberships = (
        Membership.objects.filter(unit__in=set(unit_ids), user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    for m in memberships:
        people[m.unit_id]["head" if m.role == MembershipRole.HEAD else "liaison"].append(m.user)
    return people


def supervisors() -> list[User]:
    return list(User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("username"))


def recipients_for(level: str, people: dict[str, list[User]], office: list[User]) -> list[User]:
    """提醒: the unit's 联络员 (its 负责人 when it has no 联络员); 催办: 联络员 and 负责人;
    督办: those and the supervision office (督查室)."""
    unit_side = people["liaison"] + people["head"]
    chosen = (people["liaison"] or people["head"]) if level == Level.REMIND else unit_side
    if level == Level.SUPERVISE:
        chosen = chosen + office
    unique: dict[int, User] = {}
    for user in chosen:
        unique.setdefault(user.pk, user)
    return list(unique.values())


def moment_for(day: dt.date, policy: ReminderPolicy) -> dt.datetime:
    """The policy's send time on `day` (what `remind --date` uses as "now")."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(policy.send_hour, policy.send_minute)))


def in_working_hours(moment: dt.datetime, policy: ReminderPolicy) -> bool:
    local = timezone.localtime(moment)
    return calendar.is_working_day(local.date()) and policy.work_start_hour <= local.hour < policy.work_end_hour


# --- the run -----------------------------------------------------------------------------


def run(now: dt.datetime, *, dry_run: bool = False) -> RunResult:
    """Plan the reminders due at `now`, record them and (unless dry_run) send them.

    Nothing happens on a non-working day or outside the policy's working hours.
    """
    policy = ReminderPolicy.load()
    today = timezone.localdate(now)
    result = RunResult(date=today, working_day=calendar.is_working_day(today), in_hours=in_working_hours(now, policy))
    if not result.in_hours:
        return result
    due = planning.plan(snapshot.open_assignments(), today, snapshot.policy_of(policy), snapshot.CALENDAR)
    people = unit_people({d.unit_id for d in due})
    office = supervisors()
    digests: set[int] = set()
    for d in due:
        users = recipients_for(d.level, people[d.unit_id], office)
        digests.update(u.pk for u in users)
        result.reminders.append(
            {
                "assignment": d.assignment_id,
                "task": d.task_id,
                "unit": d.unit_name,
                "kind": d.kind,
                "level": d.level,
                "recipients": [u.username for u in users],
            }
        )
    result.messages = len(digests)
    if dry_run:
        return result
    record(due, today, people, office, now=now)
    result.sent = send_unclaimed(now, policy=policy)
    return result


def record(due, today: dt.date, people, office, *, now: dt.datetime, created_by=None, note: str = "") -> None:
    """One row per due reminder; rows that exist already (same key) are left alone."""
    rows = []
    for d in due:
        unit = people[d.unit_id]
        users = recipients_for(d.level, unit, office)
        rows.append(
            Reminder(
                assignment_id=d.assignment_id,
                kind=d.kind,
                level=d.level,
                period=d.period,
                due_date=d.due_date,
                planned_for=today,
                created=now,
                created_by=created_by,
                note=note,
                recipients=[u.username for u in users],
                no_recipient=not (unit["liaison"] or unit["head"]),
            )
        )
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)


def _after_claim(token: str) -> None:
    """A seam for the crash test (nothing happens here in production)."""


def send_unclaimed(now: dt.datetime, *, policy: ReminderPolicy | None = None, only_ids=None) -> int:
    """Claim every unclaimed reminder planned up to today and send it; returns the digests written."""
    policy = policy or ReminderPolicy.load()
    token = uuid.uuid4().hex
    today = timezone.localdate(now)
    with transaction.atomic():
        candidates = Reminder.objects.filter(claimed_at__isnull=True, planned_for__lte=today)
        if only_ids is not None:
            candidates = candidates.filter(pk__in=only_ids)
        if not candidates.update(claimed_at=now, claim_token=token):
            return 0
        _after_claim(token)
        claimed = list(
            Reminder.objects.filter(claim_token=token)
            .select_related("assignment__task", "assignment__unit")
            .order_by("assignment__task_id", "assignment_id", "id")
        )
        open_orders(claimed, now)
        digests = _write_digests(claimed, now, policy)
        Reminder.objects.filter(claim_token=token).update(sent_at=now)
    return digests


def _write_digests(claimed: list[Reminder], now: dt.datetime, policy: ReminderPolicy) -> int:
    by_user: dict[str, list[Reminder]] = defaultdict(list)
    for reminder in claimed:
        for username in reminder.recipients:
            by_user[username].append(reminder)
    users = {u.username: u for u in User.objects.filter(username__in=by_user, is_active=True)}
    today = timezone.localdate(now)
    start_of_day = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    count = 0
    for username, items in sorted(by_user.items()):
        user = users.get(username)
        if user is None:
            continue
        # Most urgent first: 督办, then 催办, then 提醒.
        items = sorted(items, key=lambda r: (-planning.level_rank(r.level), r.assignment.task_id, r.pk))
        level = max((r.level for r in items), key=planning.level_rank)
        tasks = {r.assignment.task_id for r in items}
        title = digest_title(level, items)
        context = {"user": user, "items": items, "title": title, "site_root": settings.SITE_ROOT, "level": level}
        sent_today = Notification.objects.filter(recipient=user, created__gte=start_of_day).count()
        notification = Notification.objects.create(
            recipient=user,
            level=level,
            title=title,
            body=render_to_string("reminders/notification_body.txt", context).strip(),
            task=items[0].assignment.task if len(tasks) == 1 else None,
            created=now,
        )
        notification.reminders.set(items)
        count += 1
        if policy.email_enabled and user.email and sent_today < policy.daily_cap:
            Delivery.objects.create(
                channel=Channel.EMAIL,
                notification=notification,
                address=user.email,
                subject=render_to_string("reminders/email/digest_subject.txt", context).strip(),
                body=render_to_string("reminders/email/digest_body.txt", context),
                created=now,
            )
    if policy.webhook_enabled:
        _queue_webhooks(claimed, now)
    return count


def digest_title(level: str, items: list[Reminder]) -> str:
    assignments = {r.assignment_id for r in items}
    label = dict(Level.choices)[level]
    return f"【{label}】{len(assignments)} 项工作需要办理"


def _queue_webhooks(claimed: list[Reminder], now: dt.datetime) -> None:
    by_unit: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in claimed:
        by_unit[reminder.assignment.unit_id].append(reminder)
    hooks = UnitWebhook.objects.filter(unit__in=by_unit, active=True).select_related("unit")
    for hook in hooks:
        items = by_unit[hook.unit_id]
        level = max((r.level for r in items), key=planning.level_rank)
        title = digest_title(level, items)
        body = render_to_string(
            "reminders/webhook_markdown.txt",
            {"title": title, "items": items, "unit": hook.unit, "site_root": settings.SITE_ROOT},
        ).strip()
        Delivery.objects.create(
            channel=Channel.WEBHOOK, webhook=hook, address="", subject=title, body=body, created=now
        )


# --- 督办单 -------------------------------------------------------------------------------


def open_orders(claimed: list[Reminder], now: dt.datetime, *, created_by=None) -> list[SupervisionOrder]:
    """A 督办-level reminder opens a numbered 督办单 for its assignment unless one is open."""
    opened = []
    for reminder in claimed:
        if reminder.level != Level.SUPERVISE:
            continue
        assignment = reminder.assignment
        if SupervisionOrder.objects.filter(assignment=assignment, state=OrderState.OPEN).exists():
            continue
        opened.append(_new_order(reminder, now, created_by or reminder.created_by))
    return opened


def _new_order(reminder: Reminder, now: dt.datetime, created_by) -> SupervisionOrder:
    assignment = reminder.assignment
    year = timezone.localdate(now).year
    for _attempt in range(5):
        serial = (SupervisionOrder.objects.filter(year=year).aggregate(m=Max("serial"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                return SupervisionOrder.objects.create(
                    year=year,
                    serial=serial,
                    number=SupervisionOrder.format_number(year, serial),
                    assignment=assignment,
                    task=assignment.task,
                    unit=assignment.unit,
                    leader_name=assignment.task.responsible_leader,
                    reason=reminder.note or f"{reminder.get_kind_display()}：{reminder.period}",
                    due_date=assignment.deadline,
                    reminder=reminder,
                    created=now,
                    created_by=created_by,
                )
        except IntegrityError:
            continue  # another run took this serial number at the same moment: take the next
    raise RuntimeError("督办单编号冲突，请稍后重试")


def close_orders(now: dt.datetime) -> int:
    """Open 督办单 whose assignment is done are closed."""
    return SupervisionOrder.objects.filter(state=OrderState.OPEN, assignment__state=AssignmentState.DONE).update(
        state=OrderState.CLOSED, closed_at=now
    )


# --- outbound ----------------------------------------------------------------------------


def claim_delivery(delivery_id: int, now: dt.datetime) -> bool:
    return bool(
        Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).update(
            state=DeliveryState.SENDING, claimed_at=now
        )
    )


def deliver(delivery_id: int, *, backoff: float = WEBHOOK_BACKOFF_SECONDS, attempts: int = WEBHOOK_ATTEMPTS) -> bool:
    """Send one queued message if this call claims it; True when it went out."""
    if not claim_delivery(delivery_id, timezone.now()):
        return False
    delivery = Delivery.objects.select_related("webhook").get(pk=delivery_id)
    tries, error = 0, ""
    for attempt in range(attempts if delivery.channel == Channel.WEBHOOK else 1):
        tries += 1
        try:
            if delivery.channel == Channel.EMAIL:
                send_mail(delivery.subject, delivery.body, None, [delivery.address])
            else:
                post_webhook(delivery.webhook, delivery.subject, delivery.body)
            error = ""
            break
        except Exception as exc:  # noqa: BLE001 - any failure is logged and retried, never raised to other sends
            error = f"{type(exc).__name__}: {exc}"
            log.warning("delivery %s attempt %s failed: %s", delivery_id, attempt + 1, error)
            if attempt + 1 < attempts and delivery.channel == Channel.WEBHOOK:
                time.sleep(backoff * (2**attempt))
    state = DeliveryState.FAILED if error else DeliveryState.SENT
    Delivery.objects.filter(pk=delivery_id).update(
        state=state, attempts=tries, last_error=error, sent_at=None if error else timezone.now()
    )
    if error:
        log.error("delivery %s (%s) failed after %s attempts: %s", delivery_id, delivery.channel, tries, error)
    return not error


def deliver_pending(**options) -> dict[str, int]:
    """Send every pending delivery, emails first; one failure never stops the others."""
    counts = {"sent": 0, "failed": 0}
    pending = Delivery.objects.filter(state=DeliveryState.PENDING).order_by("channel", "id")
    for delivery_id in pending.values_list("pk", flat=True):
        ok = deliver(delivery_id, **options)
        state = Delivery.objects.filter(pk=delivery_id).values_list("state", flat=True).first()
        if ok:
            counts["sent"] += 1
        elif state == DeliveryState.FAILED:
            counts["failed"] += 1
    return counts


def webhook_payload(kind: str, title: str, markdown: str) -> dict:
    """企业微信 and 钉钉 group robots both take markdown; their envelopes differ."""
    if kind == WebhookKind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}
    return {"msgtype": "markdown", "markdown": {"content": markdown}}


def post_webhook(hook: UnitWebhook, title: str, markdown: str) -> None:
    """POST the markdown message; raise on an HTTP error or a robot's non-zero errcode."""
    data = json.dumps(webhook_payload(hook.kind, title, markdown), ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is an admin-entered http(s) robot address
        hook.url, data=data, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
        body = response.read().decode("utf-8", "replace")
    try:
        answer = json.loads(body) if body.strip() else {}
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise RuntimeError(f"robot answered errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")
