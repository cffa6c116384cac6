from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def home(request):
    """Send each person to the screen they work from: unit staff to 我的待办, others to the ledger."""
    target = "tasks:ledger" if request.user.reads_everything else "tasks:my_work"
    return redirect(target)


class LoginView(auth_views.LoginView):
    """The login page (in development demo.context_processors lists the demo accounts on it)."""

    redirect_authenticated_user = True
