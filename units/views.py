from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Unit


@login_required
def unit_list(request):
    units = Unit.objects.active().select_related("parent")
    return render(request, "units/unit_list.html", {"units": units})
