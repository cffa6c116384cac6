"""Response headers and session expiry that apply to every request."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseBadRequest


class PermissionsPolicyMiddleware:
    """Permissions-Policy: the app uses no camera, microphone, location or payment API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


IDLE_KEY = "duban_last_seen"
START_KEY = "duban_signed_in_at"


def stamp_session_at_login(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver (config/apps.py): the session's clock starts at sign-in, so the
    first page after it does not rewrite the session."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[START_KEY] = now
        request.session[IDLE_KEY] = now
        request.session.set_expiry(settings.SESSION_IDLE_SECONDS)


class SessionExpiryMiddleware:
    """Sign a person out after SESSION_IDLE_SECONDS without a request, and SESSION_MAX_SECONDS
    after signing in whatever they do. The timestamps live in the session; the idle one is
    written at most once a minute so that a page full of htmx requests does not rewrite the
    session row on every call."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.get(START_KEY)
            last_seen = session.get(IDLE_KEY)
            if started is None:
                session[START_KEY] = started = now
            if last_seen is None:
                last_seen = now
            if now - last_seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_MAX_SECONDS:
                logout(request)
            elif now - last_seen >= 60 or IDLE_KEY not in session or START_KEY not in session:
                session[IDLE_KEY] = now
                session.set_expiry(settings.SESSION_IDLE_SECONDS)
        return self.get_response(request)


MAX_QUERY_VALUE_LENGTH = 1000


def _bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message.encode(), content_type="text/plain; charset=utf-8")


class InputLimitsMiddleware:
    """Refuse (400) input no screen of the app accepts, before a view passes it to the database:

    - a URL parameter longer than MAX_QUERY_VALUE_LENGTH characters (a 60,000-character admin
      search made SQLite refuse the LIKE pattern: 500);
    - a NUL character in a URL parameter or a form field (PostgreSQL refuses it in text: 500).

    Forms bound their own fields more tightly (the ledger's search: 200 characters)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if len(key) > 200 or any(len(value) > MAX_QUERY_VALUE_LENGTH for value in values):
                return _bad_request("查询条件过长，请缩短后重试。")
            if "\x00" in key or any("\x00" in value for value in values):
                return _bad_request("查询条件含有无效字符。")
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            try:
                fields = list(request.POST.lists())
            except Exception:  # noqa: BLE001 - a malformed body is Django's to answer, below
                fields = []
            for key, values in fields:
                if "\x00" in key or any("\x00" in value for value in values):
                    return _bad_request("提交的内容含有无效字符。")
        return self.get_response(request)
