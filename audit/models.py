"""The security log: who signed in, failed, was locked out, changed a password, was refused,
or exported data, from which address and when. Rows are only ever added."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKED_OUT = "locked_out", "账号锁定"
    LOGOUT = "logout", "退出"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    REFUSED = "refused", "拒绝访问"
    EXPORTED = "exported", "导出数据"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("安全日志只能追加，不能修改")

    def delete(self):
        raise PermissionError("安全日志只能追加，不能删除")


class SecurityEvent(models.Model):
    at = models.DateTimeField("时间", default=timezone.now)
    kind = models.CharField("事件", max_length=30, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What was typed at the login form (the account may not exist), or the user's name then.
    username = models.CharField("账号", max_length=150, blank=True)
    ip_address = models.CharField("地址", max_length=45, blank=True)
    method = models.CharField("方法", max_length=10, blank=True)
    path = models.CharField("地址路径", max_length=500, blank=True)
    status = models.PositiveSmallIntegerField("状态码", null=True, blank=True)
    detail = models.CharField("说明", max_length=500, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "安全事件"
        verbose_name_plural = "安全事件"
        ordering = ("-at", "-id")
        indexes = [
            # The 审计 page: newest first, filtered by kind or person.
            models.Index(fields=["-at"], name="securityevent_at_idx"),
            models.Index(fields=["user", "-at"], name="securityevent_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("安全日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("安全日志只能追加，不能删除")
