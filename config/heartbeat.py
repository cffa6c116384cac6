"""The Celery worker's heartbeat: a timestamp it writes to the cache every HEARTBEAT_SECONDS
from its own timer, so /healthz can tell a live worker from a dead one by reading one cache
key instead of pinging workers over the broker (which took two seconds per call)."""

import socket
import time

from celery import bootsteps
from django.core.cache import cache

HEARTBEAT_KEY = "duban:worker-heartbeat"
HEARTBEAT_SECONDS = 15


def write_heartbeat(hostname: str) -> None:
    # Kept twice as long as a monitor would wait, so a stale beat is still readable as "stale".
    cache.set(HEARTBEAT_KEY, {"hostname": hostname, "at": time.time()}, timeout=24 * 3600)


def read_heartbeat() -> dict | None:
    value = cache.get(HEARTBEAT_KEY)
    return value if isinstance(value, dict) and "at" in value else None


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A worker bootstep: beats once at start, then on the worker's timer until it stops.
    The timer runs in the worker's own loop, so a wedged worker stops beating."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        hostname = getattr(worker, "hostname", None) or socket.gethostname()
        write_heartbeat(hostname)
        self.tref = worker.timer.call_repeatedly(HEARTBEAT_SECONDS, write_heartbeat, (hostname,), priority=10)

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
