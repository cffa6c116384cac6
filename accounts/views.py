from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.shortcuts import redirect, render

from . import signals
from .client_ip import client_ip


@login_required
def home(request):
    """Send each person to the screen they work from (LOGIN_REDIRECT_URL points here):
    督查室 and 管理员 to the 工作台, 区领导 to the 统计看板, unit staff to 我的待办."""
    user = request.user
    if user.is_supervisor:
        target = "dashboard:workbench"
    elif user.is_leader:
        target = "dashboard:index"
    else:
        target = "tasks:my_work"
    return redirect(target)


class LoginView(auth_views.LoginView):
    """The login page (in development demo.context_processors lists the demo accounts on it)."""

    redirect_authenticated_user = True


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out account or address: the login page with the reason
    in Chinese, HTTP 429. An administrator unlocks sooner under 管理 → Axes → 访问尝试."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else 0
    form = AuthenticationForm(request)
    context = {
        "form": form,
        "locked_out": True,
        "lockout_minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "next": request.POST.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)


def _over_limit(key: str, limit: int, window: int = 3600) -> bool:
    """Count one more event under `key` in a fixed window; True once more than `limit`."""
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


class PasswordResetView(auth_views.PasswordResetView):
    """找回密码, at most PASSWORD_RESET_MAILS_PER_HOUR mails per email address per hour and ten
    times that per client address, so the form cannot be used to flood someone's mailbox."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        per_mail = settings.PASSWORD_RESET_MAILS_PER_HOUR
        if _over_limit(f"pwreset:mail:{email}", per_mail) or _over_limit(
            f"pwreset:ip:{client_ip(self.request)}", per_mail * 10
        ):
            form.add_error("email", "重设密码邮件发送过于频繁，请一小时后再试。")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码; the security log records it."""

    def form_valid(self, form):
        response = super().form_valid(form)
        signals.password_changed.send(sender=type(self), user=form.user, request=self.request, how="修改密码")
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password set through a reset link; the security log records it."""

    def form_valid(self, form):
        response = super().form_valid(form)
        signals.password_changed.send(sender=type(self), user=form.user, request=self.request, how="通过邮件重设")
        return response
