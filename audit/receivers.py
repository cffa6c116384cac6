"""Security-log rows for sign-ins, failures, lockouts, password changes and exports."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.signals import data_exported, password_changed

from .log import record
from .models import SecurityEventKind


@receiver(user_logged_in, dispatch_uid="audit-login")
def _logged_in(sender, request, user, **kwargs):
    if request is not None:
        record(SecurityEventKind.LOGIN, request, user=user)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def _logged_out(sender, request, user, **kwargs):
    if request is not None and user is not None:
        record(SecurityEventKind.LOGOUT, request, user=user)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        record(SecurityEventKind.LOGIN_FAILED, request, username=(credentials or {}).get("username", ""))


@receiver(user_locked_out, dispatch_uid="audit-locked-out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    record(SecurityEventKind.LOCKED_OUT, request, username=username or "", status=429, detail="登录失败次数过多")


@receiver(password_changed, dispatch_uid="audit-password-changed")
def _password_changed(sender, user, request, **kwargs):
    record(SecurityEventKind.PASSWORD_CHANGED, request, user=user, detail=kwargs.get("how", ""))


@receiver(data_exported, dispatch_uid="audit-exported")
def _exported(sender, user, request, what: str, rows: int | None = None, **kwargs):
    detail = what if rows is None else f"{what}（{rows} 行）"
    record(SecurityEventKind.EXPORTED, request, user=user, detail=detail)
