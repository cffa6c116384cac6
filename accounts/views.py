from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse


@login_required
def home(request):
    """Send each person to the screen they work from: unit staff to 我的待办, others to the ledger."""
    target = "tasks:ledger" if request.user.reads_everything else "tasks:my_work"
    try:
        return redirect(reverse(target))
    except NoReverseMatch:
        return redirect("units:list")
