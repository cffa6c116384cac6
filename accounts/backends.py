"""Login throttling (django-axes) in front of Django's own password check."""

from axes.backends import AxesStandaloneBackend


class ThrottledLoginBackend(AxesStandaloneBackend):
    """Refuses a locked-out account or address before its password is checked.

    An authentication without a request (a management command, the test client's login())
    comes from no address and is not throttled; every sign-in over HTTP passes a request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def login_username(request, credentials) -> str:
    """Usernames are case-sensitive in Django but one person typing Fgw_lly and fgw_lly is
    one account under attack: count failures on the lower-cased, trimmed name."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).strip().lower()[:150]
