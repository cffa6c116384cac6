"""In development (DEBUG), the login page lists the demo accounts that `load_demo` created.

Wired in settings; it answers only while DEBUG is on. accounts/ knows nothing of the demo.
"""

from django.conf import settings

from accounts.models import User

from .accounts import DEMO_ACCOUNTS, DEMO_PASSWORD


def demo_logins(request) -> dict:
    if not settings.DEBUG or request.resolver_match is None or request.resolver_match.url_name != "login":
        return {}
    names = [username for username, *_ in DEMO_ACCOUNTS]
    demo = User.objects.filter(username__in=names, is_active=True).order_by("id")
    return {"demo_logins": [(u.username, u.get_role_display(), u.unit) for u in demo], "demo_password": DEMO_PASSWORD}
