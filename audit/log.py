"""Write one security-log row for a request."""

from accounts.client_ip import client_ip

from .models import SecurityEvent


def record(kind: str, request=None, *, user=None, username: str = "", status: int | None = None, detail: str = ""):
    """Add a row; the user, address and path come from the request when there is one."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if user is not None and not username:
        username = user.get_username()
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=str(username or "")[:150],
        ip_address=client_ip(request) if request is not None else "",
        method=(request.method or "")[:10] if request is not None else "",
        path=request.path[:500] if request is not None else "",
        status=status,
        detail=str(detail)[:500],
    )
