from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


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
