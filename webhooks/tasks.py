"""Thin Celery task over webhooks.services."""

from celery import shared_task

from webhooks import services


@shared_task(acks_late=True)
def deliver_webhooks():
    """Post due webhook deliveries; safe to run twice at once (rows are claimed)."""
    return services.deliver_due()
