"""Log refusals: a 403 answer, or a 404 raised by a view looking an object up through a
permission-checked queryset (a crafted id). Unknown URLs are not logged: they refuse nothing."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .log import record
from .models import SecurityEventKind

SKIP_PREFIXES = ("/static/", "/healthz", "/favicon")


class RefusalLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        refused = getattr(request, "_audit_refused", None)
        if refused is None and response.status_code == 403:
            refused = "拒绝（403）"
        if refused and not request.path.startswith(SKIP_PREFIXES):
            record(SecurityEventKind.REFUSED, request, status=response.status_code, detail=refused)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            request._audit_refused = "无权操作（403）"
        elif isinstance(exception, Http404):
            request._audit_refused = "对象不存在或无权查看（404）"
        return None
