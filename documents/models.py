"""Source documents, their extraction runs, and the draft work items a person reviews.

Flow: upload → `SourceDocument` (file + extracted text) → `ExtractionRun` → `DraftItem`s
(review state per item) → publish (tasks app) creates tasks and assignments.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from units.models import Unit, UnitGroup


class DocumentKind(models.TextChoices):
    DIVISION = "division", "分工方案"
    IMPLEMENTATION = "implementation", "实施方案"
    WORK_POINTS = "work_points", "工作要点"
    EMERGENCY = "emergency", "应急预案"
    MEETING = "meeting", "会议纪要"
    ROSTER = "roster", "值班表"
    INSTRUCTION = "instruction", "领导批示"
    NOTICE = "notice", "通知"
    OTHER = "other", "其他"


class DocumentStatus(models.TextChoices):
    EXTRACTED = "extracted", "待审核"
    PUBLISHED = "published", "已发布"
    ARCHIVED = "archived", "已归档"


class ReportCycle(models.TextChoices):
    """The same values as tasks.states.ReportingCycle (documents sit below tasks)."""

    NONE = "", "不定期"
    WEEKLY = "weekly", "每周"
    BIWEEKLY = "biweekly", "每半月"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    HALF_YEARLY = "half_yearly", "每半年"
    YEARLY = "yearly", "每年"


class SourceDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who reads a document and downloads its original file (issue 14, item 9):
        督查室, 管理员 and 区领导 read every document, drafts in review included; unit staff and
        heads read only documents that became tasks their unit shares (published work), never
        a draft still in review. The path goes through the tasks published from the document
        (Task.source_document, related name "tasks") without importing the tasks app."""
        if not user.is_authenticated:
            return self.none()
        if user.reads_everything:
            return self
        # A semi-join (IN), not a join with DISTINCT: pages sort and slice these rows.
        tasks = self.model._meta.get_field("tasks").related_model.objects
        shared = tasks.filter(assignments__unit__in=user.memberships.values("unit")).order_by()
        return self.filter(pk__in=shared.values("source_document"))


class SourceDocument(models.Model):
    title = models.CharField("标题", max_length=300)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    issuer = models.CharField("发文机关", max_length=200, blank=True)
    issued_date = models.DateField("成文日期", null=True, blank=True)
    kind = models.CharField("类别", max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    file = models.FileField("原文件", upload_to="documents/%Y/%m/", blank=True)
    original_filename = models.CharField("原文件名", max_length=255, blank=True)
    # SHA-256 of the uploaded bytes: a second upload of the same file is recognised and refused
    # (services.find_duplicate); the unique constraint holds it when two uploads race. Empty for
    # a document whose file is gone, and for copies imported before the check existed.
    content_hash = models.CharField("文件指纹", max_length=64, blank=True)
    text = models.TextField("提取文本", blank=True)
    status = models.CharField("状态", max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.EXTRACTED)
    reporting_schedule = models.CharField("报送要求", max_length=200, blank=True)
    # The schedule as data, parsed from reporting_schedule (extract.deadlines.parse_reporting_schedule)
    # and editable on the document page: published tasks take it as their reporting cycle and due day.
    report_cycle = models.CharField("报送周期", max_length=20, choices=ReportCycle.choices, blank=True)
    report_due_day = models.PositiveSmallIntegerField(
        "报送截止日", null=True, blank=True, help_text="每期最后一个月的几号前报送；空为期末最后一天"
    )
    # Indicator × year targets of the plan itself (指标分解表), published as tasks.Indicator rows.
    plan_indicators = models.JSONField("指标分解", default=list, blank=True)
    date_shift_note = models.CharField(
        "日期调整说明", max_length=200, blank=True, help_text="演示数据把日期平移到今年时，在这里说明。"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField("上传时间", default=timezone.now)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    objects = SourceDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "来源文件"
        verbose_name_plural = "来源文件"
        ordering = ("-created", "-id")
        indexes = [
            # The 文件 list, newest first: read a page from the index instead of sorting them all.
            models.Index(models.F("created").desc(), models.F("id").desc(), name="document_newest_first"),
        ]
        constraints = [
            # One document per file: the upload's duplicate check looks it up by this key.
            models.UniqueConstraint(
                fields=["content_hash"], condition=~models.Q(content_hash=""), name="unique_document_content_hash"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ExtractionRun(models.Model):
    """One pass of reader + extractors + resolver over a document."""

    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="runs")
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reader = models.CharField("读取方式", max_length=50, blank=True)
    extractors = models.JSONField("抽取器", default=list, blank=True)
    item_count = models.PositiveIntegerField("条目数", default=0)
    unresolved_count = models.PositiveIntegerField("未识别单位数", default=0)
    warnings = models.JSONField("提示", default=list, blank=True)
    duration_ms = models.PositiveIntegerField("耗时(毫秒)", default=0)

    class Meta:
        verbose_name = "抽取记录"
        verbose_name_plural = "抽取记录"
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return f"{self.document} #{self.pk}"


class ReviewState(models.TextChoices):
    PENDING = "pending", "待审核"
    ACCEPTED = "accepted", "已确认"
    REJECTED = "rejected", "已排除"
    MERGED = "merged", "已合并"
    PUBLISHED = "published", "已发布"


class DraftItem(models.Model):
    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="items")
    run = models.ForeignKey(ExtractionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    position = models.PositiveIntegerField("顺序", default=0)
    number = models.CharField("序号", max_length=30, blank=True)
    section_path = models.JSONField("所属章节", default=list, blank=True)
    text = models.TextField("任务内容")
    lead_text = models.TextField("牵头单位（原文）", blank=True)
    support_text = models.TextField("责任单位（原文）", blank=True)
    responsible_leader = models.CharField("责任领导", max_length=100, blank=True)
    deadline_text = models.CharField("时限（原文）", max_length=200, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    ongoing = models.BooleanField("长期任务", default=False)
    recurrence = models.CharField("周期", max_length=50, blank=True)
    indicators = models.JSONField("指标", default=list, blank=True)
    extra = models.JSONField("其他信息", default=dict, blank=True)
    source_start = models.PositiveIntegerField("原文起始行", null=True, blank=True)
    source_end = models.PositiveIntegerField("原文结束行", null=True, blank=True)
    # What the item was read from ("表格第3行（序号2）", "括注…", "字段行（牵头单位、责任单位）",
    # "人工选取原文第12–14行") and what extraction guessed ({"guesses": ["牵头单位按排列顺序推定…"]}):
    # the review screen shows both so a person checks exactly those.
    provenance = models.JSONField("来源与推定", default=dict, blank=True)
    state = models.CharField("审核状态", max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: every review change bumps it (documents.actions._core.touch); the review screen's
    # forms carry the value they were shown, so a stale form never overwrites silently.
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "待审核条目"
        verbose_name_plural = "待审核条目"
        ordering = ("document", "position", "id")
        indexes = [
            # The review screen lists a document's items in order.
            models.Index(fields=["document", "position"], name="draftitem_doc_pos_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:30]}"

    @property
    def section(self) -> str:
        return " / ".join(self.section_path)

    @property
    def has_unresolved(self) -> bool:
        return self.units.filter(unit__isnull=True, group__isnull=True).exists()


class ItemRole(models.TextChoices):
    LEAD = "lead", "牵头"
    SUPPORT = "support", "配合"


class DraftItemUnit(models.Model):
    """One unit (or group, or unresolved written name) on a draft item, with its role."""

    item = models.ForeignKey(DraftItem, on_delete=models.CASCADE, related_name="units")
    position = models.PositiveIntegerField(default=0)
    role = models.CharField("角色", max_length=10, choices=ItemRole.choices)
    written = models.CharField("原文写法", max_length=200)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(UnitGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    method = models.CharField("识别方式", max_length=20, blank=True)
    score = models.FloatField("匹配度", null=True, blank=True)

    class Meta:
        verbose_name = "条目单位"
        verbose_name_plural = "条目单位"
        ordering = ("item", "role", "position", "id")

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.written}"

    @property
    def resolved(self) -> bool:
        return self.unit_id is not None or self.group_id is not None
