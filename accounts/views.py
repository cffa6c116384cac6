from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from .models import User


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
    try:
        return redirect(reverse(target))
    except NoReverseMatch:
        return redirect("units:list")


class LoginView(auth_views.LoginView):
    """The login page; in development it lists the demo accounts that `load_demo` created."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEBUG:
            from tasks.management.commands.load_demo import DEMO_ACCOUNTS, DEMO_PASSWORD

            names = [username for username, *_ in DEMO_ACCOUNTS]
            demo = User.objects.filter(username__in=names, is_active=True).order_by("id")
            context["demo_logins"] = [(u.username, u.get_role_display(), u.unit) for u in demo]
            context["demo_password"] = DEMO_PASSWORD
        return context
