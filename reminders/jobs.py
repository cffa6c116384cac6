"""Celery tasks: thin shells around sending.py, safe to run twice (acks_late, claimed rows)."""

import logging

from celery import shared_task
from django.utils import timezone

from . import sending
from .models import Channel, Delivery, DeliveryState

log = logging.getLogger(__name__)


@shared_task(name="reminders.run", acks_late=True, ignore_result=False)
def run_reminders() -> dict:
    """Fired by beat at the policy's send time every day; does nothing off working days or hours.

    Emails go out here; each webhook message is its own task so a slow robot blocks nobody.
    """
    now = timezone.now()
    result = sending.run(now)
    sending.close_orders(now)
    pending = Delivery.objects.filter(state=DeliveryState.PENDING)
    for delivery_id in pending.filter(channel=Channel.EMAIL).values_list("pk", flat=True):
        sending.deliver(delivery_id)
    for delivery_id in pending.filter(channel=Channel.WEBHOOK).values_list("pk", flat=True):
        deliver_message.delay(delivery_id)
    summary = result.as_json()
    log.info("reminders run: %s reminders, %s digests sent", len(summary["reminders"]), summary["sent"])
    return {"date": summary["date"], "working_day": summary["working_day"], "sent": summary["sent"]}


@shared_task(name="reminders.deliver", acks_late=True)
def deliver_message(delivery_id: int) -> bool:
    """Send one queued email or webhook message (claimed first: a redelivered task sends nothing)."""
    return sending.deliver(delivery_id)
