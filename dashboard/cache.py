"""The 统计看板 and its data.json, kept in the cache and served while they are recent enough.

Each entry holds the figures as bytes, the data version they were computed from and the time.
The data version (dashboard.models.current_token) is replaced by database triggers, in the same
transaction as any insert, update or delete of the rows the figures read, whoever made it (a web
request, a Celery job, the admin, a bulk update, another process). A request gets:

- the entry, when the data have not changed since it was computed;
- the entry too, when they have changed but the entry is younger than
  DUBAN_DASHBOARD_STALE_SECONDS (default 60) and this browser has changed nothing since it was
  computed (accounts.writes): under a steady stream of reports the figures would otherwise be
  counted afresh for nearly every reader, and the page says how old they are;
- the entry as well while another request is already counting the new figures (one counts, the
  others do not queue behind it); with no entry yet (the day's first request), the figures that
  other request stores, once it has (they wait instead of counting the same figures beside it);
- otherwise, figures counted now, which replace the entry.

So a person's own change shows on their next request, anybody's within the tolerance, and a
tolerance of 0 counts afresh after every change.

The key carries today's date (lights, overdue and reporting periods turn at midnight), the
holiday calendar this process judges by (workdays.calendar.fingerprint) and the yellow-light
setting, the query string (the filters, as given) and the scope: only people who read everything
(督查室, 区领导) share cached figures, since they count the same rows; unit staff's figures (their
own unit's shares) are computed every time.

The token is read before the figures: figures computed from data newer than the token are only
ever stored under an older token, so they are counted again on the next change.
"""

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from accounts.writes import wrote_since
from workdays import calendar

from .models import current_token

SCHEMA = 3  # bump when what is cached changes shape (3: token and time beside the bytes)
COUNTING_LOCK_SECONDS = 30  # a request that died while counting holds nobody back longer
WAIT_STEP_SECONDS = 0.05


@dataclass(frozen=True)
class Figures:
    content: bytes
    computed_at: float  # time.time() when counted
    stale: bool = False  # the data have changed since


def key_for(kind: str, request, today: dt.date) -> str | None:
    """The cache key of this request's figures, or None when they are not to be cached."""
    if not settings.DUBAN_DASHBOARD_CACHE_SECONDS or not request.user.reads_everything:
        return None
    query = "&".join(f"{name}={value}" for name, values in sorted(request.GET.lists()) for value in values)
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    rules = f"{calendar.fingerprint()}:{settings.DUBAN_YELLOW_WORKING_DAYS}"
    return f"dashboard:{kind}:{SCHEMA}:{today.isoformat()}:{rules}:{digest}"


def cached(kind: str, request, today: dt.date, build: Callable[[], bytes]) -> Figures:
    """The figures `build()` counts, or those it counted before while they may still be shown."""
    key = key_for(kind, request, today)
    token = current_token() if key else None
    if token is None:
        return Figures(build(), time.time())
    lock = f"{key}:counting"
    holding = False
    entry = cache.get(key)
    if entry is None:
        # Nothing to show yet (the first request of the day, or after a restart): when another
        # request is already counting, wait for its figures rather than count them again beside
        # it (a morning's first readers would otherwise all count at once).
        holding = cache.add(lock, 1, COUNTING_LOCK_SECONDS)
        if not holding:
            entry = _wait_for(key)
    if entry is not None:
        entry_token, computed_at, content = entry
        if entry_token == token:
            return Figures(content, computed_at)
        if not wrote_since(request, computed_at):
            if time.time() - computed_at < settings.DUBAN_DASHBOARD_STALE_SECONDS:
                return Figures(content, computed_at, stale=True)
            holding = cache.add(lock, 1, COUNTING_LOCK_SECONDS)
            if not holding:
                return Figures(content, computed_at, stale=True)
    computed_at = time.time()
    try:
        content = build()
        cache.set(key, (token, computed_at, content), settings.DUBAN_DASHBOARD_CACHE_SECONDS)
    finally:
        if holding:
            cache.delete(lock)
    return Figures(content, computed_at)


def _wait_for(key: str):
    """The entry another request is counting, once it is stored; None if it does not come while
    that request holds the lock (it failed, or is slower than COUNTING_LOCK_SECONDS)."""
    deadline = time.monotonic() + COUNTING_LOCK_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        entry = cache.get(key)
        if entry is not None:
            return entry
        if cache.get(f"{key}:counting") is None:
            return None
    return None
