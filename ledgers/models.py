"""What the ledgers app keeps between two requests: large exports built by a worker, and
uploaded progress workbooks between their preview and their confirmation."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


def export_path(instance, filename: str) -> str:
    return f"exports/{timezone.localtime():%Y/%m/%d}/{instance.token}.xlsx"


class ExportJob(models.Model):
    """A ledger too large to answer at once (settings.LEDGER_ASYNC_ROWS), built by a Celery job.

    Readable only by whoever asked; the file is kept until `expires_at` (a day), then refused
    and deleted by ledgers.jobs.purge_expired.
    """

    token = models.CharField("标识", max_length=32, unique=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("类型", max_length=20, default="ledger")
    params = models.JSONField("筛选条件", default=dict, blank=True)
    state = models.CharField("状态", max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    done_rows = models.PositiveIntegerField("已生成行数", default=0)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    file = models.FileField("文件", upload_to=export_path, blank=True)
    filename = models.CharField("下载文件名", max_length=200, blank=True)
    error = models.TextField("错误", blank=True)
    created = models.DateTimeField("申请时间", default=timezone.now)
    finished = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("保留至")

    class Meta:
        verbose_name = "台账导出任务"
        verbose_name_plural = "台账导出任务"
        indexes = [
            # purge_expired: the files whose day is over.
            models.Index(fields=["expires_at"], name="exportjob_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.requested_by} {self.created:%Y-%m-%d %H:%M} {self.get_state_display()}"

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return int(100 * self.done_rows / self.total_rows) if self.total_rows else 0


class ProgressImport(models.Model):
    """An uploaded progress workbook, read and stored as JSON until the person confirms it.

    The confirmation applies these stored rows, never anything re-posted by the browser.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.CASCADE, related_name="+"
    )
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    parsed = models.JSONField("读取结果")
    created = models.DateTimeField("上传时间", default=timezone.now)
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)
    result = models.JSONField("导入结果", null=True, blank=True)

    class Meta:
        verbose_name = "进展导入"
        verbose_name_plural = "进展导入"
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return f"{self.original_name} {self.created:%Y-%m-%d %H:%M}"
