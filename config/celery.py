import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("duban")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["tasks"], related_name="jobs")


@app.task(name="duban.ping")
def ping(value: int) -> int:
    """Echo a number back, doubled: proves a worker took a message and answered."""
    return value * 2
