"""Tasks, each unit's share of them, progress reports, extensions, indicators, and their history.

Flow: a published draft item becomes a `Task` with one `Assignment` per unit (牵头 or 配合).
Units acknowledge (签收), report progress (`ProgressReport`, optional `Evidence`), and the lead
unit consolidates and requests completion; the supervision office approves (销号) or returns.
Every change goes through `tasks.services` and leaves one `TaskEvent` with one `TaskChange`
per changed field. 逾期 (overdue) and the traffic light are derived, never stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from documents.models import DraftItem, SourceDocument
from units.models import Unit

from . import evidence as evidence_kinds
from .lights import light_annotation
from .states import OPEN_STATES, AssignmentRole, AssignmentState, ReportingCycle

__all__ = ["OPEN_STATES", "AssignmentRole", "AssignmentState", "ReportingCycle"]


def _unit_ids(user):
    """The units a person works for (normally one), as a subquery."""
    return user.memberships.values("unit")


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors and leaders read every task; unit people read the tasks their unit shares."""
        if not user.is_authenticated:
            return self.none()
        if user.reads_everything:
            return self
        # A semi-join (IN), not a join with DISTINCT: lists sort and slice these rows by an index.
        shared = Assignment.objects.filter(unit__in=_unit_ids(user)).order_by().values("task")
        return self.filter(pk__in=shared)


class Task(models.Model):
    source_document = models.ForeignKey(
        SourceDocument,
        verbose_name="来源文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    source_item = models.ForeignKey(
        DraftItem, verbose_name="来源条目", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    section = models.CharField("所属章节", max_length=300, blank=True)
    number = models.CharField("序号", max_length=30, blank=True)
    title = models.CharField("标题", max_length=200, blank=True)
    text = models.TextField("任务内容")
    deadline = models.DateField("完成时限", null=True, blank=True)
    deadline_text = models.CharField("时限（原文）", max_length=200, blank=True)
    ongoing = models.BooleanField("长期任务", default=False)
    reporting_cycle = models.CharField(
        "报送周期", max_length=20, choices=ReportingCycle.choices, default=ReportingCycle.NONE
    )
    # Due by this day of the period's last month (monthly by the 25th, quarterly by the 20th of the
    # quarter's last month); None: the period's last day. Used by the lights and report reminders.
    report_due_day = models.PositiveSmallIntegerField("报送截止日", null=True, blank=True)
    responsible_leader = models.CharField("分管领导", max_length=100, blank=True)
    tags = models.JSONField("标签", default=list, blank=True)
    # Follows the assignments (tasks.actions._core.sync_task_state); stored so the ledger can filter on it.
    state = models.CharField("状态", max_length=30, choices=AssignmentState.choices, default=AssignmentState.PENDING)
    created = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated = models.DateTimeField("更新时间", default=timezone.now)
    # Bumped by every edit of the task itself (services.edit_task): two supervisors editing at
    # once never overwrite each other silently.
    version = models.PositiveIntegerField("版本", default=1)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "工作任务"
        verbose_name_plural = "工作任务"
        ordering = ("source_document", "id")
        indexes = [
            # The ledger filters by document and lists its tasks in order.
            models.Index(fields=["source_document", "id"], name="task_doc_idx"),
            # The ledger and the statistics page filter by state.
            models.Index(fields=["state"], name="task_state_idx"),
            # The ledger sorted by deadline (PostgreSQL's ascending order puts nulls last, as the
            # sort asks); the descending sort's index is PostgreSQL-only (migration 0010).
            models.Index(fields=["deadline", "id"], name="task_deadline_idx"),
            # The ledger sorted by 序号, and its search for a 序号.
            models.Index(fields=["number", "id"], name="task_number_idx"),
            # The header search lists the newest matching tasks first.
            models.Index(fields=["created", "id"], name="task_created_idx"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        text = " ".join(self.text.split())
        return text[:40] + ("…" if len(text) > 40 else "")

    @property
    def lead_assignment(self):
        for assignment in self.assignments.all():
            if assignment.role == AssignmentRole.LEAD:
                return assignment
        return None


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What a person may read.

        Supervisors and leaders: everything. Unit staff and heads: every assignment on a task
        their unit shares (a lead sees its supporting units, a supporting unit sees who leads).
        """
        if not user.is_authenticated:
            return self.none()
        if user.reads_everything:
            return self
        shared_tasks = Assignment.objects.filter(unit__in=_unit_ids(user)).values("task")
        return self.filter(task__in=shared_tasks)

    def editable_by(self, user):
        """What a person may change: supervisors everything; unit people their unit's own; leaders nothing."""
        if not user.is_authenticated:
            return self.none()
        if user.is_supervisor:
            return self
        if user.is_leader:
            return self.none()
        return self.filter(unit__in=_unit_ids(user))

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def with_light(self, today):
        """Annotate `light_code` (lights.Light values) for every row, judged in the database."""
        return self.annotate(light_code=light_annotation(today, self))


class Assignment(models.Model):
    """One unit's share of one task."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, verbose_name="承办单位", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField("角色", max_length=10, choices=AssignmentRole.choices, default=AssignmentRole.LEAD)
    # The date in force: inherited from the task, changed by change_deadline or an approved extension.
    deadline = models.DateField("完成时限", null=True, blank=True)
    # The date first set; extensions and changes never touch it.
    original_deadline = models.DateField("原定时限", null=True, blank=True)
    state = models.CharField("状态", max_length=30, choices=AssignmentState.choices, default=AssignmentState.PENDING)
    percent = models.PositiveSmallIntegerField("完成进度(%)", default=0)
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_reported_at = models.DateTimeField("最近报送", null=True, blank=True)
    completion_requested_at = models.DateTimeField("申请办结时间", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    # Optimistic locking: every service change bumps it; a form carries the value it was shown.
    version = models.PositiveIntegerField("版本", default=1)
    created = models.DateTimeField("创建时间", default=timezone.now)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "承办"
        verbose_name_plural = "承办"
        # By the task's id, not by "task": that would follow Task's and SourceDocument's orderings and join
        # both tables just to sort (every `task.assignments.all()` did).
        ordering = ("task_id", "role", "id")
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="unique_assignment_task_unit")]
        indexes = [
            # 我的待办: a unit's open assignments, soonest due first.
            models.Index(fields=["unit", "state", "deadline"], name="assignment_unit_open_idx"),
            # Reminders and overdue counts: open assignments by deadline.
            models.Index(fields=["state", "deadline"], name="assignment_due_idx"),
            # The 工作台's queue of completion requests, oldest first (dashboard.views.workbench).
            models.Index(fields=["state", "completion_requested_at", "id"], name="assignment_requested_idx"),
            # Open shares in deadline order (the 工作台's longest overdue first, the ledger's overdue).
            models.Index(
                fields=["deadline", "task_id", "id"],
                name="assignment_open_deadline_idx",
                condition=models.Q(state__in=["pending", "in_progress"]),
            ),
            # Shares that asked for completion, with what judges them late (the 工作台's overdue
            # count and the ledger's 仅看逾期 read it without the table: tasks.lights.overdue_condition).
            models.Index(
                fields=["deadline", "completion_requested_at", "task_id"],
                name="assignment_asked_idx",
                condition=models.Q(state="completion_requested"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()} · {self.task}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_lead(self) -> bool:
        return self.role == AssignmentRole.LEAD


class ReviewState(models.TextChoices):
    SUBMITTED = "submitted", "已报送"
    ACCEPTED = "accepted", "已采纳"
    RETURNED = "returned", "已退回"


class ProgressReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """一次上报、多方共享: a unit reads its own reports, a lead unit reads its supporting
        units' reports, and everyone on a task reads the lead's consolidated reports."""
        if not user.is_authenticated:
            return self.none()
        if user.reads_everything:
            return self
        units = _unit_ids(user)
        led_tasks = Assignment.objects.filter(unit__in=units, role=AssignmentRole.LEAD).values("task")
        shared_tasks = Assignment.objects.filter(unit__in=units).values("task")
        return self.filter(
            Q(assignment__unit__in=units)
            | Q(assignment__task__in=led_tasks)
            | Q(is_consolidated=True, assignment__task__in=shared_tasks)
        )


class ProgressReport(models.Model):
    assignment = models.ForeignKey(Assignment, verbose_name="承办", on_delete=models.CASCADE, related_name="reports")
    period = models.CharField("报送期次", max_length=30, blank=True)
    progress = models.TextField("进展情况")
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下一步计划", blank=True)
    percent = models.PositiveSmallIntegerField("完成进度(%)", default=0)
    # The lead unit's report for the whole task, built from the supporting units' reports.
    is_consolidated = models.BooleanField("牵头单位汇总", default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField("报送时间", default=timezone.now)
    review_state = models.CharField(
        "审核状态", max_length=20, choices=ReviewState.choices, default=ReviewState.SUBMITTED
    )
    review_comment = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = "进展报送"
        verbose_name_plural = "进展报送"
        ordering = ("-created", "-id")
        indexes = [
            # The task timeline and the light's "reported this period" check.
            models.Index(fields=["assignment", "created"], name="report_assignment_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.unit} {self.period or f'{timezone.localtime(self.created):%Y-%m-%d}'}"


def evidence_path(instance, filename: str) -> str:
    """evidence/YYYY/MM/<random>.<ext>: services name every file with tasks.evidence.storage_name."""
    now = timezone.localtime()
    return f"evidence/{now:%Y/%m}/{filename}"


class Evidence(models.Model):
    """A file attached to a report. Optional by rule (减负): no report requires one."""

    report = models.ForeignKey(
        ProgressReport, verbose_name="进展报送", on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField("佐证材料", upload_to=evidence_path)
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    size = models.PositiveIntegerField("大小(字节)", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ("id",)

    def __str__(self) -> str:
        return self.original_name or self.file.name

    @property
    def previews_inline(self) -> bool:
        """Images and PDFs open in the browser (tasks/evidence.py); other files download."""
        kind = evidence_kinds.kind_of_stored(self.file.name)
        return kind is not None and kind.inline


class ExtensionState(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REFUSED = "refused", "不同意"


class ExtensionRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Extension reasons (issue 14, item 9): a unit reads its own requests; the lead unit
        reads its supporting units' requests (it coordinates the task); 督查室, 管理员 and 区领导
        read all. A supporting unit never reads another supporting unit's reasons."""
        if not user.is_authenticated:
            return self.none()
        if user.reads_everything:
            return self
        units = _unit_ids(user)
        led_tasks = Assignment.objects.filter(unit__in=units, role=AssignmentRole.LEAD).values("task")
        return self.filter(Q(assignment__unit__in=units) | Q(assignment__task__in=led_tasks))


EXTENSION_ACTIONS = ("extension_requested", "extension_approved", "extension_refused")


class ExtensionRequest(models.Model):
    assignment = models.ForeignKey(
        Assignment, verbose_name="承办", on_delete=models.CASCADE, related_name="extension_requests"
    )
    deadline_before = models.DateField("申请时时限", null=True, blank=True)
    requested_deadline = models.DateField("申请延至")
    reason = models.TextField("申请理由")
    state = models.CharField("审批状态", max_length=20, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_comment = models.TextField("审批意见", blank=True)

    objects = ExtensionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ("-requested_at", "-id")
        indexes = [
            # The supervision office's queue of pending requests.
            models.Index(fields=["state", "requested_at"], name="extension_queue_idx"),
        ]
        constraints = [
            # One open request per assignment: never the same request twice.
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(state="pending"), name="unique_pending_extension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.unit} 申请延至 {self.requested_deadline}"


class Indicator(models.Model):
    """An indicator's target and actual value for one year (指标分解表)."""

    task = models.ForeignKey(
        Task, verbose_name="任务", null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    source_document = models.ForeignKey(
        SourceDocument,
        verbose_name="来源文件",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", null=True, blank=True, on_delete=models.PROTECT, related_name="indicators"
    )
    name = models.CharField("指标名称", max_length=200)
    measure = models.CharField("计量单位", max_length=30, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    target = models.CharField("目标值", max_length=100, blank=True)
    actual = models.CharField("完成值", max_length=100, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ("name", "year")
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False) | Q(source_document__isnull=False), name="indicator_has_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class EventAction(models.TextChoices):
    CREATED = "created", "创建"
    ACKNOWLEDGED = "acknowledged", "签收"
    REPORTED = "reported", "报送进展"
    CONSOLIDATED = "consolidated", "汇总报送"
    COMPLETION_REQUESTED = "completion_requested", "申请办结"
    APPROVED = "approved", "销号"
    RETURNED = "returned", "退回"
    REASSIGNED = "reassigned", "改派"
    DEADLINE_CHANGED = "deadline_changed", "调整时限"
    EXTENSION_REQUESTED = "extension_requested", "申请延期"
    EXTENSION_APPROVED = "extension_approved", "同意延期"
    EXTENSION_REFUSED = "extension_refused", "不同意延期"
    EDITED = "edited", "修改"
    UNITS_MERGED = "units_merged", "单位合并"
    ASSIGNMENT_ADDED = "assignment_added", "增加承办单位"
    ASSIGNMENT_REMOVED = "assignment_removed", "移除承办单位"
    ROLE_CHANGED = "role_changed", "调整角色"


class TaskEvent(models.Model):
    """One row per action on a task (helpdesk FollowUp): who, when, what, why."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="events")
    # SET_NULL: removing a share assigned by mistake keeps its history on the task; the
    # removal event names the unit in its comment and change row.
    assignment = models.ForeignKey(
        Assignment,
        verbose_name="承办",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)
    action = models.CharField("事项", max_length=30, choices=EventAction.choices)
    # The unit the share belonged to when this happened: a later 改派 or removal does not
    # rewrite history.
    unit_name = models.CharField("承办单位", max_length=100, blank=True)
    comment = models.TextField("说明", blank=True)
    # 代为办理: the supervision office did the unit's own work (签收, 报送…) for it, deliberately
    # and with a reason (tasks.on_behalf); the reason is in `on_behalf_reason`.
    on_behalf = models.BooleanField("代为办理", default=False)
    on_behalf_reason = models.TextField("代为办理理由", blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ("at", "id")
        indexes = [
            # The task detail's history, oldest first.
            models.Index(fields=["task", "at"], name="taskevent_task_idx"),
            # The 工作台's 最近退回 (dashboard.views.workbench): the latest returns, read from here
            # instead of scanning every event (one or more per action on every task).
            models.Index(fields=["at"], condition=models.Q(action="returned"), name="taskevent_returned_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class TaskChange(models.Model):
    """One row per changed field within an event (helpdesk TicketChange): old → new."""

    event = models.ForeignKey(TaskEvent, verbose_name="办理记录", on_delete=models.CASCADE, related_name="changes")
    field = models.CharField("字段", max_length=50)
    old_value = models.TextField("原值", blank=True)
    new_value = models.TextField("新值", blank=True)

    class Meta:
        verbose_name = "字段变更"
        verbose_name_plural = "字段变更"
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"


class Instruction(models.Model):
    """领导批示: a leader's written instruction on a task. Shown at the top of the task page to
    everyone who may read the task; it changes neither the task nor its shares."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="instructions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="批示人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField("批示内容")
    created = models.DateTimeField("批示时间", default=timezone.now)

    class Meta:
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        ordering = ("-created", "-id")
        indexes = [
            # The task page lists a task's instructions, newest first.
            models.Index(fields=["task", "created"], name="instruction_task_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.author} 批示 {self.task}"


class Comment(models.Model):
    """One message in a task's discussion (unit staff and 督查室), with the units it @mentions.
    A comment changes neither the task nor its shares."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发言人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The unit the author spoke for (None for 督查室); kept even if the person changes units.
    author_unit = models.ForeignKey(
        Unit, verbose_name="所在单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField("内容")
    mentioned_units = models.ManyToManyField(Unit, verbose_name="提到的单位", blank=True, related_name="+")
    created = models.DateTimeField("发言时间", default=timezone.now)

    class Meta:
        verbose_name = "任务讨论"
        verbose_name_plural = "任务讨论"
        ordering = ("created", "id")
        indexes = [
            # The task page's thread, oldest first.
            models.Index(fields=["task", "created"], name="comment_task_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:30]}"
