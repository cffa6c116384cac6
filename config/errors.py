"""Error pages that keep people oriented: Chinese, in the site's layout, with the way back.

403.html, 404.html and 500.html are Django's default handlers' templates; this module holds the
CSRF failure view (settings.CSRF_FAILURE_VIEW). A CSRF failure is nearly always a form opened
before a new login or left open for hours: nothing was saved, and the text typed into the form
is still in the browser's local draft (static/js/everyday.js), which the page says.
"""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request, reason: str = "", template_name: str = "403_csrf.html"):
    referer = request.META.get("HTTP_REFERER", "")
    back = (
        referer
        if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure())
        else request.path
    )
    ctx = {"back_url": back, "reason": reason}
    return render(request, template_name, ctx, status=403)
