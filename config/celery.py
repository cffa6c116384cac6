import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("duban")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every worker writes a heartbeat /healthz reads (config/heartbeat.py).
app.steps["worker"].add("config.heartbeat:WorkerHeartbeat")
# Each app's Celery tasks live in its `jobs.py` (a `tasks.py` would clash with the tasks app):
# thin shells that take ids and call a plain function, safe to run twice.
app.autodiscover_tasks(related_name="jobs")


@app.on_after_configure.connect
def _make_filesystem_queue_folders(sender, **kwargs) -> None:
    """The development broker (kombu's filesystem transport) needs its folders to exist."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    backend = str(sender.conf.result_backend or "")
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


@app.task(name="duban.ping")
def ping(value: int) -> int:
    """Echo a number back, doubled: proves a worker took a message and answered."""
    return value * 2
