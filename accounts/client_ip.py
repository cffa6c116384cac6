"""The address a request came from, as login throttling and the security log record it."""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT reverse proxies that each append to
    X-Forwarded-For, the entry the outermost trusted proxy added. Entries further left were
    written by the client and are never trusted."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) >= count:
        return forwarded[-count][:45]
    return remote
