"""When did this browser last change something? For pages that may show figures a little older
than the data (the 统计看板), so that a person's own change still shows on their next request.

A successful POST, PUT, PATCH or DELETE by a signed-in person (any answer below 400: the usual
redirect after a form, an htmx fragment) sets a cookie with the time. It carries nothing secret
and decides nothing but freshness: a forged time only makes that person's own pages computed
afresh, as they would be with the tolerance set to 0.
"""

import time

from django.conf import settings

COOKIE = "duban_wrote"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def wrote_since(request, moment: float) -> bool:
    """Whether this browser changed something at or after `moment` (a time.time() value)."""
    try:
        return float(request.COOKIES[COOKIE]) >= moment
    except (KeyError, ValueError):
        return False


class WriteStampMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in UNSAFE and response.status_code < 400:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                response.set_cookie(
                    COOKIE,
                    f"{time.time():.3f}",
                    max_age=settings.SESSION_IDLE_SECONDS,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
        return response
