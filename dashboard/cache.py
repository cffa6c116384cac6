"""The 统计看板 and its data.json, kept in the cache while the data they count is unchanged.

The key carries:
- the data version (dashboard.models.current_token), which database triggers replace in the same
  transaction as any change to the rows the figures read, so a change shows on the next request,
  whoever made it (a web request, a Celery job, the admin, a bulk update, another process);
- today's date: lights, overdue and reporting periods turn at midnight;
- the holiday calendar this process judges by (workdays.calendar.fingerprint: a process that has
  not yet re-read a new holiday keeps its own entries apart) and the yellow-light setting;
- the query string (the filters, as given);
- the scope: only people who read everything (督查室, 区领导) share cached figures, since they
  count the same rows; unit staff's figures (their own unit's shares) are computed every time.

The token is read before the figures: a figure computed from data newer than the token is only
ever stored under an older token, which no later request asks for.
"""

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from workdays import calendar

from .models import current_token

SCHEMA = 2  # bump when what is cached changes shape (2: UTF-8 bytes)


def key_for(kind: str, request, today: dt.date) -> str | None:
    """The cache key of this request's figures, or None when they are not to be cached."""
    if not settings.DUBAN_DASHBOARD_CACHE_SECONDS or not request.user.reads_everything:
        return None
    token = current_token()
    if token is None:
        return None
    query = "&".join(f"{name}={value}" for name, values in sorted(request.GET.lists()) for value in values)
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    rules = f"{calendar.fingerprint()}:{settings.DUBAN_YELLOW_WORKING_DAYS}"
    return f"dashboard:{kind}:{SCHEMA}:{token}:{today.isoformat()}:{rules}:{digest}"


def cached(kind: str, request, today: dt.date, build: Callable[[], object]):
    """`build()`, or what it returned for the same key before."""
    key = key_for(kind, request, today)
    if key is None:
        return build()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.DUBAN_DASHBOARD_CACHE_SECONDS)
    return value
