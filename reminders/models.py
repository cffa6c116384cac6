"""Reminders (提醒 · 催办 · 督办), in-app notifications, outbound deliveries and 督办单.

Flow (see sending.py): planning.py says what is due on a date → one `Reminder` row per
(assignment, kind, level, period), created with the unique key so nothing is planned twice →
a run claims unclaimed rows with a conditional UPDATE and, in the same transaction, writes one
`Notification` digest per recipient and queues one `Delivery` per outbound message (email,
unit webhook) → deliveries are claimed the same way before they are sent.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tasks.models import Assignment, Task
from units.models import Unit


class Level(models.TextChoices):
    """The escalation ladder, lowest first."""

    REMIND = "remind", "提醒"
    URGE = "urge", "催办"
    SUPERVISE = "supervise", "督办"


LEVEL_ORDER = (Level.REMIND, Level.URGE, Level.SUPERVISE)


class Kind(models.TextChoices):
    DUE_SOON = "due_soon", "临期提醒"
    OVERDUE = "overdue", "逾期"
    REPORT_DUE = "report_due", "报送提醒"
    MANUAL = "manual", "人工催办"


def parse_lead_days(value: str) -> list[int]:
    """ "5,1" → [5, 1]: working days before a deadline, largest first, each 1–30."""
    parts = [p.strip() for p in str(value).replace("，", ",").split(",") if p.strip()]
    try:
        days = sorted({int(p) for p in parts}, reverse=True)
    except ValueError:
        raise ValidationError("请填写用逗号分隔的工作日天数，例如 5,1") from None
    if not days or any(d < 1 or d > 30 for d in days):
        raise ValidationError("提前天数须为 1–30 个工作日，至少一个")
    return days


def validate_lead_days(value: str) -> None:
    parse_lead_days(value)


class ReminderPolicy(models.Model):
    """The one policy row (pk=1), edited by 督查室 on the 提醒规则 page."""

    lead_days = models.CharField(
        "临期提醒（提前工作日）", max_length=30, default="5,1", validators=[validate_lead_days], help_text="如 5,1"
    )
    overdue_every = models.PositiveSmallIntegerField(
        "逾期后每隔几个工作日再提醒", default=5, help_text="逾期后第一个工作日提醒一次，此后每隔该天数提醒一次"
    )
    urge_from_step = models.PositiveSmallIntegerField("第几次逾期提醒起升级为催办", default=1)
    supervise_from_step = models.PositiveSmallIntegerField("第几次逾期提醒起升级为督办", default=3)
    report_lead_days = models.PositiveSmallIntegerField("报送截止前几个工作日提醒", default=3)
    send_hour = models.PositiveSmallIntegerField("每日发送时间（时）", default=9)
    send_minute = models.PositiveSmallIntegerField("每日发送时间（分）", default=0)
    work_start_hour = models.PositiveSmallIntegerField("工作时间开始（时）", default=8)
    work_end_hour = models.PositiveSmallIntegerField("工作时间结束（时）", default=18)
    daily_cap = models.PositiveSmallIntegerField(
        "每人每日消息上限", default=3, help_text="超过上限后当日不再发邮件和群消息，站内消息照常记录"
    )
    email_enabled = models.BooleanField("发送邮件", default=True)
    webhook_enabled = models.BooleanField("发送单位群机器人消息", default=True)
    updated = models.DateTimeField("更新时间", default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "提醒规则"
        verbose_name_plural = "提醒规则"

    def __str__(self) -> str:
        return "提醒规则"

    def clean(self) -> None:
        if not 0 <= self.send_hour <= 23 or not 0 <= self.send_minute <= 59:
            raise ValidationError("发送时间不正确")
        if not 0 <= self.work_start_hour < self.work_end_hour <= 24:
            raise ValidationError("工作时间开始须早于结束")
        if not self.work_start_hour <= self.send_hour < self.work_end_hour:
            raise ValidationError("每日发送时间须在工作时间内")
        if self.overdue_every < 1:
            raise ValidationError("逾期提醒间隔至少 1 个工作日")
        if not 1 <= self.urge_from_step <= self.supervise_from_step:
            raise ValidationError("升级为催办的次数须不大于升级为督办的次数，且至少为 1")
        if self.daily_cap < 1:
            raise ValidationError("每人每日消息上限至少为 1")

    @property
    def lead_days_list(self) -> list[int]:
        return parse_lead_days(self.lead_days)

    @classmethod
    def load(cls) -> "ReminderPolicy":
        policy, _ = cls.objects.get_or_create(pk=1)
        return policy


class Reminder(models.Model):
    """One reminder for one assignment: never twice for the same (assignment, kind, level, period)."""

    assignment = models.ForeignKey(Assignment, verbose_name="承办", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    # What makes the reminder unique within its kind: "2026-12-31/5" (deadline / lead days),
    # "2026-12-31#2" (deadline # overdue step), "2026年第4季度" (reporting period), a date (manual).
    period = models.CharField("期次", max_length=40)
    due_date = models.DateField("所涉时限", null=True, blank=True)
    planned_for = models.DateField("计划日期")
    created = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    recipients = models.JSONField("接收人", default=list, blank=True)
    # The assignment's unit had nobody to receive it (no 联络员, no 负责人): 督查室 sees the list.
    no_recipient = models.BooleanField("单位无接收人", default=False)
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    claim_token = models.CharField("认领批次", max_length=40, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ("-planned_for", "-id")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind", "level", "period"], name="unique_reminder_key"),
        ]
        indexes = [
            # Each run claims the rows nobody has claimed yet.
            models.Index(fields=["claimed_at"], name="reminder_unclaimed_idx"),
            # 督查室's list of units with nobody to remind.
            models.Index(fields=["no_recipient", "planned_for"], name="reminder_no_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_kind_display()} {self.period}"


class Notification(models.Model):
    """An in-app message (the bell, the 消息 page): one digest per recipient per send."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    level = models.CharField("级别", max_length=20, choices=Level.choices, default=Level.REMIND)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    # Set when the digest is about one task; the items link their own tasks otherwise.
    task = models.ForeignKey(
        Task, verbose_name="任务", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminders = models.ManyToManyField(Reminder, verbose_name="提醒", blank=True, related_name="notifications")
    created = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ("-created", "-id")
        indexes = [
            # The bell's unread count and the 消息 page.
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "created"], name="notification_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class WebhookKind(models.TextChoices):
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"


class UnitWebhook(models.Model):
    """A unit's group-chat robot. Only 督查室 and the admin see the URL (it is a credential)."""

    unit = models.OneToOneField(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="webhook")
    kind = models.CharField("类型", max_length=20, choices=WebhookKind.choices, default=WebhookKind.WECOM)
    url = models.URLField("机器人地址", max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    active = models.BooleanField("启用", default=True)
    created = models.DateTimeField("添加时间", default=timezone.now)

    class Meta:
        verbose_name = "单位群机器人"
        verbose_name_plural = "单位群机器人"

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_kind_display()}"


class Channel(models.TextChoices):
    EMAIL = "email", "邮件"
    WEBHOOK = "webhook", "群机器人"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Delivery(models.Model):
    """One outbound message (an email digest to a person, a markdown digest to a unit's robot).

    Queued in the transaction that claims the reminders, claimed again before it is sent.
    """

    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    notification = models.ForeignKey(
        Notification,
        verbose_name="站内消息",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    webhook = models.ForeignKey(
        UnitWebhook, verbose_name="群机器人", null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    address = models.CharField("收件地址", max_length=254, blank=True)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    state = models.CharField("状态", max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)
    created = models.DateTimeField("创建时间", default=timezone.now)
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "外发记录"
        verbose_name_plural = "外发记录"
        ordering = ("-created", "-id")
        indexes = [
            # The sender drains pending deliveries.
            models.Index(fields=["state", "created"], name="delivery_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.subject}"


class OrderState(models.TextChoices):
    OPEN = "open", "督办中"
    CLOSED = "closed", "已办结"


class SupervisionOrderQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=OrderState.OPEN)


class SupervisionOrder(models.Model):
    """督办单: a numbered record created when an assignment reaches 督办.

    One open order per assignment; it closes when the assignment is done (sending.close_orders).
    """

    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    number = models.CharField("督办单号", max_length=40, unique=True)
    assignment = models.ForeignKey(
        Assignment, verbose_name="承办", on_delete=models.CASCADE, related_name="supervision_orders"
    )
    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="supervision_orders")
    unit = models.ForeignKey(Unit, verbose_name="承办单位", on_delete=models.PROTECT, related_name="supervision_orders")
    leader_name = models.CharField("分管领导", max_length=100, blank=True)
    reason = models.TextField("督办事由", blank=True)
    due_date = models.DateField("完成时限", null=True, blank=True)
    reminder = models.OneToOneField(
        Reminder, verbose_name="督办提醒", null=True, blank=True, on_delete=models.SET_NULL, related_name="order"
    )
    state = models.CharField("状态", max_length=20, choices=OrderState.choices, default=OrderState.OPEN)
    created = models.DateTimeField("督办时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="督办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = SupervisionOrderQuerySet.as_manager()

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ("-year", "-serial")
        constraints = [
            models.UniqueConstraint(fields=["year", "serial"], name="unique_order_serial"),
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(state="open"), name="unique_open_order_per_assignment"
            ),
        ]
        indexes = [
            # The dashboard counts open orders; the task page lists a task's orders.
            models.Index(fields=["state", "created"], name="order_state_idx"),
            # The 督办单 list's order (reminders.views.orders): its page of 50 is read in order
            # from here, not sorted out of every order joined with its task.
            models.Index(fields=["-state", "-year", "-serial"], name="order_list_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @staticmethod
    def format_number(year: int, serial: int) -> str:
        return f"督办〔{year}〕第{serial}号"
